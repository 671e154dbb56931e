//! The organisations of a generated feed: buyers (public bodies, with a heavy-tailed share of
//! the purchases) and suppliers (companies and sole traders), each with a unique 14-digit INN,
//! Russian and Kyrgyz names and an address in one of the nine regions.

use std::collections::HashSet;

use super::random::{HeavyTail, Rng, derive_seed};
use super::vocabulary::{
    BUYER_KINDS, COMPANY_SUFFIXES, COMPANY_TRADES, COMPANY_WORDS, INITIALS, PLACES, Place,
    REGION_WEIGHTS, STREETS, SURNAMES,
};
use crate::regions::Region;

/// How strongly purchases concentrate on the first buyers: weight `1 / rank^0.8`, which puts
/// about 60% of the processes with the top 10% of 2,000 buyers.
pub const BUYER_TAIL_EXPONENT: f64 = 0.8;
/// Suppliers concentrate less than buyers.
pub const SUPPLIER_TAIL_EXPONENT: f64 = 0.6;

pub(crate) struct Organisation {
    pub inn: String,
    pub party_id: String,
    pub name: String,
    pub name_ky: String,
    pub place: &'static Place,
    pub street: String,
    /// For buyers: whether they buy medicines (hospitals, family medicine centres).
    pub medical: bool,
}

pub(crate) struct World {
    pub buyers: Vec<Organisation>,
    pub suppliers: Vec<Organisation>,
    pub buyer_draw: HeavyTail,
    pub supplier_draw: HeavyTail,
    /// Groups of two or three suppliers that bid identical prices when planted together.
    pub cartels: Vec<Vec<u32>>,
    /// The suppliers of the planted bidding pairs and the favoured suppliers of the
    /// dominant-supplier groups, set once every process is planned: no other process draws
    /// them as bidders, so that a pair bids together, and a favoured supplier is awarded, only
    /// where planted.
    pub reserved_suppliers: std::collections::HashSet<u32>,
    /// The pairs (smaller index first) planted with a fixed bid ratio or a shared address: each
    /// bids elsewhere, but no other process draws both, so that they meet only where planted.
    pub kept_apart: std::collections::HashSet<(u32, u32)>,
}

const ORGANISATION_STREAM: u64 = 1;

impl World {
    pub(crate) fn new(seed: u64, buyer_count: usize, supplier_count: usize) -> World {
        let mut rng = Rng::new(derive_seed(seed, ORGANISATION_STREAM, 0));
        let mut inns = HashSet::new();
        let mut names = HashSet::new();
        let buyers = (0..buyer_count)
            .map(|index| {
                // The first nine buyers sit one in each region, so that every region is present
                // even in a small feed.
                let region = if index < Region::ALL.len() {
                    Region::ALL[index]
                } else {
                    Region::ALL[rng.weighted(&REGION_WEIGHTS)]
                };
                new_buyer(&mut rng, region, &mut inns, &mut names)
            })
            .collect();
        let suppliers = (0..supplier_count)
            .map(|_| {
                let region = Region::ALL[rng.weighted(&REGION_WEIGHTS)];
                new_supplier(&mut rng, region, &mut inns, &mut names)
            })
            .collect();
        // Two companies are not registered at one address by chance: a full address drawn
        // again gets a building number (R044 finds shared addresses only where planted).
        let mut suppliers: Vec<Organisation> = suppliers;
        let mut addresses: HashSet<(&'static str, String)> = HashSet::new();
        for supplier in &mut suppliers {
            let mut building = 1;
            let street = supplier.street.clone();
            while !addresses.insert((supplier.place.locality, supplier.street.clone())) {
                building += 1;
                supplier.street = format!("{street}, корп. {building}");
            }
        }
        let cartel_count = (supplier_count / 200).max(1);
        let cartels = (0..cartel_count)
            .map(|_| {
                let size = rng.between(2, 3) as usize;
                let mut members: Vec<u32> = Vec::with_capacity(size);
                while members.len() < size.min(supplier_count) {
                    let member = rng.below(supplier_count as u64) as u32;
                    if !members.contains(&member) {
                        members.push(member);
                    }
                }
                members
            })
            .collect();
        World {
            buyers,
            suppliers,
            buyer_draw: HeavyTail::new(buyer_count, BUYER_TAIL_EXPONENT),
            supplier_draw: HeavyTail::new(supplier_count, SUPPLIER_TAIL_EXPONENT),
            cartels,
            reserved_suppliers: std::collections::HashSet::new(),
            kept_apart: std::collections::HashSet::new(),
        }
    }
}

fn place_in(rng: &mut Rng, region: Region) -> &'static Place {
    let count = PLACES.iter().filter(|place| place.region == region).count();
    let chosen = rng.below(count as u64) as usize;
    PLACES
        .iter()
        .filter(|place| place.region == region)
        .nth(chosen)
        .expect("every region has places")
}

/// A date as `DDMMYYYY` between two years, as INNs embed them.
fn inn_date(rng: &mut Rng, first_year: u64, last_year: u64) -> String {
    format!(
        "{:02}{:02}{}",
        rng.between(1, 28),
        rng.between(1, 12),
        rng.between(first_year, last_year)
    )
}

/// A Kyrgyz INN: a leading digit (0 for an organisation, 1 or 2 for a person by sex), the
/// registration or birth date, and five more digits.
fn unique_inn(
    rng: &mut Rng,
    inns: &mut HashSet<String>,
    leading: char,
    years: (u64, u64),
) -> String {
    loop {
        let inn = format!(
            "{leading}{}{:05}",
            inn_date(rng, years.0, years.1),
            rng.below(100_000)
        );
        if inns.insert(inn.clone()) {
            return inn;
        }
    }
}

fn street(rng: &mut Rng) -> String {
    format!("{}, {}", rng.pick(STREETS), rng.between(1, 180))
}

fn new_buyer(
    rng: &mut Rng,
    region: Region,
    inns: &mut HashSet<String>,
    names: &mut HashSet<String>,
) -> Organisation {
    let inn = unique_inn(rng, inns, '0', (1991, 2015));
    let mut attempts = 0;
    let (place, kind, name, name_ky) = loop {
        attempts += 1;
        let place = place_in(rng, region);
        let kind = rng.pick(BUYER_KINDS);
        let number = rng.between(1, 150).to_string();
        let mut name = format!("{} {}", kind.ru.replace("{n}", &number), place.locality);
        let name_ky = format!("{} {}", place.locality_ky, kind.ky.replace("{n}", &number));
        if attempts > 50 {
            // Crowded places get a distinguishing branch number rather than a duplicate name.
            name = format!("{name} (филиал {attempts})");
        }
        if names.insert(name.clone()) {
            break (place, kind, name, name_ky);
        }
    };
    Organisation {
        party_id: format!("KG-INN-{inn}"),
        inn,
        name,
        name_ky,
        place,
        street: street(rng),
        medical: kind.medical,
    }
}

fn new_supplier(
    rng: &mut Rng,
    region: Region,
    inns: &mut HashSet<String>,
    names: &mut HashSet<String>,
) -> Organisation {
    let sole_trader = rng.chance(0.25);
    let inn = if sole_trader {
        let leading = if rng.chance(0.5) { '1' } else { '2' };
        unique_inn(rng, inns, leading, (1955, 2001))
    } else {
        unique_inn(rng, inns, '0', (1992, 2022))
    };
    let mut attempts = 0_u32;
    let (name, name_ky) = loop {
        attempts += 1;
        let (mut name, mut name_ky) = if sole_trader {
            let person = format!(
                "{} {}.{}.",
                rng.pick(SURNAMES),
                rng.pick(INITIALS),
                rng.pick(INITIALS)
            );
            (format!("ИП {person}"), format!("ЖИ {person}"))
        } else {
            let suffix = rng.pick(COMPANY_SUFFIXES);
            let mut brand = format!("{} {}", rng.pick(COMPANY_WORDS), rng.pick(COMPANY_TRADES));
            if !suffix.is_empty() {
                brand = format!("{brand} {suffix}");
            }
            if rng.chance(0.9) {
                (format!("ОсОО «{brand}»"), format!("«{brand}» ЖЧК"))
            } else {
                (format!("ОАО «{brand}»"), format!("«{brand}» ААК"))
            }
        };
        if attempts > 20 {
            name = format!("{name} ({attempts})");
            name_ky = format!("{name_ky} ({attempts})");
        }
        if names.insert(name.clone()) {
            break (name, name_ky);
        }
    };
    Organisation {
        party_id: format!("KG-INN-{inn}"),
        inn,
        name,
        name_ky,
        place: place_in(rng, region),
        street: street(rng),
        medical: false,
    }
}
