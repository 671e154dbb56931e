//! Contracting processes: first planned all together (who buys what, when, by which method,
//! and which planted pattern a process carries, since patterns such as split purchases tie
//! several processes together), then each built in full from its plan and its own seed, as
//! often as it is needed (to date its releases, to count it, to write it).

use std::collections::HashSet;

use super::random::{
    Rng, SECONDS_PER_DAY, SECONDS_PER_HOUR, days_from_civil, derive_seed, weekday,
};
use super::vocabulary::{Category, Classification, DLO, OKGZ, PLACES};
use super::world::World;
use super::*;

/// The procurement law in force for a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Law {
    /// Law No. 72 of 2015.
    Of2015,
    /// Law No. 27 of 2022, in force from [`LAW_2022_FROM`].
    Of2022,
}

impl Law {
    pub(crate) fn threshold(self) -> i64 {
        match self {
            Law::Of2015 => THRESHOLD_2015_KGS,
            Law::Of2022 => THRESHOLD_2022_KGS,
        }
    }

    /// One of the law's competitive methods, drawn by their background weights.
    fn draw_competitive_method(self, rng: &mut Rng) -> Method {
        let methods = self.competitive_methods();
        let weights: Vec<u32> = methods.iter().map(|&(_, weight)| weight).collect();
        methods[rng.weighted(&weights)].0
    }

    /// The law's competitive methods with their background weights.
    fn competitive_methods(self) -> &'static [(Method, u32)] {
        match self {
            Law::Of2015 => &[
                (Method::OneStage, 33),
                (Method::TwoStage, 3),
                (Method::Simplified, 32),
                (Method::PriceReduction, 8),
                (Method::Consulting, 4),
            ],
            Law::Of2022 => &[
                (Method::Unlimited, 38),
                (Method::Limited, 5),
                (Method::Quotations, 35),
            ],
        }
    }

    /// The share of the law's processes that are direct contracts.
    fn direct_share(self) -> f64 {
        match self {
            Law::Of2015 => 0.20,
            Law::Of2022 => 0.22,
        }
    }

    /// The method for purchases under the threshold.
    fn below_threshold_method(self) -> Method {
        match self {
            Law::Of2015 => Method::Simplified,
            Law::Of2022 => Method::Quotations,
        }
    }

    /// The method a purchase over the threshold must use.
    fn open_tender_method(self) -> Method {
        match self {
            Law::Of2015 => Method::OneStage,
            Law::Of2022 => Method::Unlimited,
        }
    }
}

/// The local procurement methods of the 2015 and 2022 laws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    OneStage,
    TwoStage,
    Simplified,
    PriceReduction,
    Consulting,
    Unlimited,
    Limited,
    Quotations,
    Direct,
}

impl Method {
    /// `procurementMethodDetails` as the feed writes it.
    pub(crate) fn details(self) -> &'static str {
        match self {
            Method::OneStage => "Одноэтапный метод",
            Method::TwoStage => "Двухэтапный метод",
            Method::Simplified => "Упрощенный метод",
            Method::PriceReduction => "Метод на понижение цены",
            Method::Consulting => "Конкурс консультационных услуг",
            Method::Unlimited => "Неограниченный конкурс",
            Method::Limited => "Ограниченный конкурс",
            Method::Quotations => "Запрос котировок",
            Method::Direct => "Прямое заключение договора",
        }
    }

    /// The OCDS `procurementMethod` (before the single-source-as-open defect).
    pub(crate) fn ocds(self) -> &'static str {
        match self {
            Method::Consulting | Method::Limited => "selective",
            Method::Direct => "direct",
            _ => "open",
        }
    }

    pub(crate) fn sub_method(self) -> &'static str {
        match self {
            Method::PriceReduction => "electronic auction",
            Method::TwoStage => "electronic, two stages",
            _ => "electronic",
        }
    }

    pub(crate) fn is_direct(self) -> bool {
        self == Method::Direct
    }

    pub(crate) fn is_below_threshold(self) -> bool {
        matches!(self, Method::Simplified | Method::Quotations)
    }

    /// Days bids are accepted (inclusive range).
    fn tender_days(self) -> (u64, u64) {
        match self {
            Method::Simplified | Method::Quotations => (5, 10),
            Method::PriceReduction => (7, 15),
            Method::TwoStage => (30, 45),
            Method::Consulting | Method::Limited => (10, 20),
            _ => (14, 30),
        }
    }
}

/// What a process was planted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Background,
    Planted(Pattern),
    NearMiss(Pattern),
}

/// Everything decided about a process before it is built.
pub(crate) struct Plan {
    pub seed: u64,
    pub buyer: u32,
    pub published: i64,
    pub law: Law,
    pub method: Method,
    pub role: Role,
    /// A fixed classification (index into OKGZ) for processes planted together.
    pub okgz: Option<u16>,
    /// A fixed tender value as a share of the law's threshold.
    pub threshold_share: Option<f64>,
    /// The supplier of a direct contract.
    pub supplier: Option<u32>,
    pub cartel: Option<u16>,
    /// A bidding pair's (winner, loser), or the two suppliers of a fixed bid ratio or a shared
    /// address.
    pub pair: Option<(u32, u32)>,
    /// The ratio of the price of the pair's supplier with the greater party id to the other's
    /// (a fixed bid ratio and its near miss).
    pub ratio: Option<f64>,
    /// The supplier a dominant-supplier group (or its near miss) favours.
    pub favoured: Option<u32>,
    /// `tenderNumber` (competitive) or the contract-based id (direct), set once every plan is
    /// dated.
    pub number: String,
}

impl Plan {
    /// A plan with nothing planted beyond its role: no fixed classification, value, supplier,
    /// cartel, pair, ratio or favoured supplier, and no number yet.
    fn new(seed: u64, buyer: u32, published: i64, law: Law, method: Method, role: Role) -> Plan {
        Plan {
            seed,
            buyer,
            published,
            law,
            method,
            role,
            okgz: None,
            threshold_share: None,
            supplier: None,
            cartel: None,
            pair: None,
            ratio: None,
            favoured: None,
            number: String::new(),
        }
    }

    /// Whether the process is a market leader's or its near miss's, valued against its market
    /// once every other process is built ([`size_to_markets`]).
    pub(crate) fn sized_to_market(&self) -> bool {
        matches!(
            self.role,
            Role::Planted(Pattern::MarketLeader) | Role::NearMiss(Pattern::MarketLeader)
        )
    }

    /// Whether the process is an award without a contract or its near miss, which are dated
    /// against the feed's latest date ([`date_from_latest`]).
    pub(crate) fn dated_from_latest(&self) -> bool {
        matches!(
            self.role,
            Role::Planted(Pattern::AwardWithoutContract)
                | Role::NearMiss(Pattern::AwardWithoutContract)
        )
    }

    /// Whether the process is the near miss of an award without a contract that keeps no
    /// contract (its award is recent); the other near misses have a contract signed late.
    fn recent_award_near_miss(&self) -> bool {
        self.role == Role::NearMiss(Pattern::AwardWithoutContract)
            && Rng::new(self.seed ^ 0xA3A7).chance(0.5)
    }

    pub(crate) fn ocid(&self) -> String {
        if self.method.is_direct() {
            format!("ocds-h7i0z4-contract-based-{}", self.number)
        } else {
            format!("ocds-h7i0z4-{}", self.number)
        }
    }
}

/// The settings the planner works from, resolved.
pub(crate) struct Calendar {
    pub first_day: i64,
    /// One past the last day.
    pub end_day: i64,
    pub law_change_day: i64,
}

impl Calendar {
    /// A day of the span to publish a process on, leaving three days before its end.
    fn draw_day(&self, rng: &mut Rng) -> i64 {
        self.first_day + rng.below((self.end_day - self.first_day - 3) as u64) as i64
    }

    pub(crate) fn new(settings: &GenerateSettings) -> Calendar {
        Calendar {
            first_day: days_from_civil(i64::from(settings.first_year), 1, 1),
            end_day: days_from_civil(i64::from(settings.last_year) + 1, 1, 1),
            law_change_day: days_from_civil(LAW_2022_FROM.0, LAW_2022_FROM.1, LAW_2022_FROM.2),
        }
    }

    fn law(&self, day: i64) -> Law {
        if day < self.law_change_day {
            Law::Of2015
        } else {
            Law::Of2022
        }
    }

    /// A working day at or after `day`.
    fn working_day(day: i64) -> i64 {
        match weekday(day) {
            5 => day + 2,
            6 => day + 1,
            _ => day,
        }
    }

    fn office_time(rng: &mut Rng, day: i64) -> i64 {
        let day = Calendar::working_day(day);
        day * SECONDS_PER_DAY
            + rng.between(9, 17) as i64 * SECONDS_PER_HOUR
            + rng.below(60) as i64 * 60
    }

    /// The first day of a window of `days` days that lies in one law and inside the span.
    fn window_start(&self, rng: &mut Rng, days: i64) -> i64 {
        let last_start = (self.end_day - days - 3).max(self.first_day);
        let mut start = self.first_day + rng.below((last_start - self.first_day + 1) as u64) as i64;
        if start < self.law_change_day && start + days + 3 >= self.law_change_day {
            start = (self.law_change_day + 1).min(last_start);
        }
        start
    }
}

/// How many processes one planting of a pattern takes (min, max).
pub(crate) fn group_size(role: Role) -> (u64, u64) {
    match role {
        Role::Planted(Pattern::SplitPurchase) => SPLIT_PURCHASE_GROUP,
        Role::NearMiss(Pattern::SplitPurchase) => (SPLIT_PURCHASE_GROUP.0, SPLIT_PURCHASE_GROUP.0),
        Role::Planted(Pattern::RepeatDirectAward) => REPEAT_DIRECT_AWARD_GROUP,
        Role::Planted(Pattern::CobiddingPair) => COBIDDING_PAIR_GROUP,
        Role::NearMiss(Pattern::CobiddingPair) => {
            (COBIDDING_PAIR_GROUP.0 - 1, COBIDDING_PAIR_GROUP.0 - 1)
        }
        Role::NearMiss(Pattern::RepeatDirectAward) => (
            REPEAT_DIRECT_AWARD_GROUP.0 - 1,
            REPEAT_DIRECT_AWARD_GROUP.0 - 1,
        ),
        Role::Planted(Pattern::FixedBidRatio) | Role::NearMiss(Pattern::FixedBidRatio) => {
            FIXED_BID_RATIO_GROUP
        }
        Role::Planted(Pattern::SharedAddress) | Role::NearMiss(Pattern::SharedAddress) => {
            SHARED_ADDRESS_GROUP
        }
        Role::Planted(Pattern::MostlyDirectBuyer) | Role::NearMiss(Pattern::MostlyDirectBuyer) => {
            MOSTLY_DIRECT_BUYER_GROUP
        }
        Role::Planted(Pattern::DominantSupplier) => DOMINANT_SUPPLIER_GROUP,
        Role::NearMiss(Pattern::DominantSupplier) => (5, 5),
        Role::NearMiss(Pattern::ConcentratedBuyer) => (6, 6),
        Role::Planted(Pattern::MarketLeader) | Role::NearMiss(Pattern::MarketLeader) => {
            (MARKET_LEADER_GROUP, MARKET_LEADER_GROUP)
        }
        _ => (1, 1),
    }
}

/// The share of all processes each planting role stands for.
pub(crate) fn role_shares() -> Vec<(Role, f64)> {
    let mut shares = Vec::new();
    for pattern in Pattern::ALL {
        shares.push((Role::Planted(pattern), pattern.own_share()));
        shares.push((Role::NearMiss(pattern), pattern.near_miss_share()));
    }
    shares
}

/// Rejected twice as often as the others.
const COMPLAINT_STATUSES: [&str; 4] = ["rejected", "rejected", "satisfied", "withdrawn"];

const PLAN_STREAM: u64 = 2;
const PROCESS_STREAM: u64 = 3;

/// Plans every process of the feed.
pub(crate) fn plan_processes(
    settings: &GenerateSettings,
    world: &World,
    calendar: &Calendar,
) -> Vec<Plan> {
    let mut rng = Rng::new(derive_seed(settings.seed, PLAN_STREAM, 0));
    let total = settings.processes;
    // A group of k processes is started by one draw, so the per-draw probability of each role
    // is its share divided by its mean group size and by the share of draws that start
    // something (fewer draws than processes, since groups take several): that makes the
    // expected share of processes in each role its target.
    let shares = role_shares();
    let mean_size = |role: Role| {
        let (low, high) = group_size(role);
        (low + high) as f64 / 2.0
    };
    let draws_per_process: f64 = 1.0
        - shares
            .iter()
            .map(|&(role, share)| share * (1.0 - 1.0 / mean_size(role)))
            .sum::<f64>();
    let probabilities: Vec<(Role, f64)> = shares
        .iter()
        .map(|&(role, share)| (role, share / mean_size(role) / draws_per_process))
        .collect();

    let mut plans: Vec<Plan> = Vec::with_capacity(total as usize);
    let mut direct_pairs: HashSet<(u32, u32)> = HashSet::new();
    let mut pair_suppliers: HashSet<u32> = HashSet::new();
    let mut buyers = Buyers::default();
    // The OKGZ markets (4-digit prefixes) not yet taken by a market leader or its near miss.
    let mut free_markets: Vec<&str> = OKGZ.iter().map(|class| market_of(class.id)).collect();
    free_markets.sort_unstable();
    free_markets.dedup();
    while (plans.len() as u64) < total {
        let mut draw = rng.unit();
        let mut role = Role::Background;
        for &(candidate, probability) in &probabilities {
            if draw < probability {
                role = candidate;
                break;
            }
            draw -= probability;
        }
        let (low, high) = group_size(role);
        let mut size = rng.between(low, high).min(total - plans.len() as u64);
        let no_market = free_markets.is_empty()
            && matches!(
                role,
                Role::Planted(Pattern::MarketLeader) | Role::NearMiss(Pattern::MarketLeader)
            );
        if size < low || no_market {
            // The feed's last processes cannot hold a whole group (or every market has its
            // leader): they are not planted.
            role = Role::Background;
            size = 1;
        }
        let seed_of = |index: usize| derive_seed(settings.seed, PROCESS_STREAM, index as u64);
        match role {
            Role::Planted(Pattern::SplitPurchase) | Role::NearMiss(Pattern::SplitPurchase) => {
                let buyer = buyers.draw(&mut rng, world);
                let start = calendar.window_start(&mut rng, SPLIT_PURCHASE_WINDOW_DAYS);
                let law = calendar.law(start);
                let okgz = rng.below(OKGZ.len() as u64) as u16;
                let planted = matches!(role, Role::Planted(_));
                for _ in 0..size {
                    let day = start + rng.below(SPLIT_PURCHASE_WINDOW_DAYS as u64 - 3) as i64;
                    let (method, share) = if planted {
                        (
                            law.below_threshold_method(),
                            rng.uniform(SPLIT_PURCHASE_UNDER.0, SPLIT_PURCHASE_UNDER.1),
                        )
                    } else {
                        (
                            law.open_tender_method(),
                            rng.uniform(SPLIT_PURCHASE_OVER.0, SPLIT_PURCHASE_OVER.1),
                        )
                    };
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        okgz: Some(okgz),
                        threshold_share: Some(share),
                        ..Plan::new(seed_of(plans.len()), buyer, published, law, method, role)
                    });
                }
            }
            Role::Planted(Pattern::RepeatDirectAward)
            | Role::NearMiss(Pattern::RepeatDirectAward) => {
                let buyer = buyers.draw(&mut rng, world);
                let supplier = fresh_direct_supplier(
                    &mut rng,
                    world,
                    buyer,
                    &mut direct_pairs,
                    &pair_suppliers,
                );
                let start = calendar.window_start(&mut rng, REPEAT_DIRECT_AWARD_WINDOW_DAYS);
                let law = calendar.law(start);
                for _ in 0..size {
                    let day = start + rng.below(REPEAT_DIRECT_AWARD_WINDOW_DAYS as u64 - 3) as i64;
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        supplier: Some(supplier),
                        ..Plan::new(
                            seed_of(plans.len()),
                            buyer,
                            published,
                            law,
                            Method::Direct,
                            role,
                        )
                    });
                }
            }
            Role::Planted(Pattern::MostlyDirectBuyer)
            | Role::NearMiss(Pattern::MostlyDirectBuyer) => {
                let buyer = buyers.reserve(&mut rng, world);
                let direct_count = if matches!(role, Role::Planted(_)) {
                    size - rng.between(1, 3)
                } else {
                    (size - 1) / 2
                };
                // Which of the processes are direct: the first ones, shuffled.
                let mut direct: Vec<bool> = (0..size).map(|index| index < direct_count).collect();
                for index in (1..direct.len()).rev() {
                    direct.swap(index, rng.below(index as u64 + 1) as usize);
                }
                for direct in direct {
                    let day = calendar.draw_day(&mut rng);
                    let law = calendar.law(day);
                    let (method, supplier) = method_and_supplier(
                        direct,
                        law,
                        &mut rng,
                        world,
                        buyer,
                        &mut direct_pairs,
                        &pair_suppliers,
                    );
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        supplier,
                        ..Plan::new(seed_of(plans.len()), buyer, published, law, method, role)
                    });
                }
            }
            Role::Planted(Pattern::MarketLeader) | Role::NearMiss(Pattern::MarketLeader) => {
                let market =
                    free_markets.swap_remove(rng.below(free_markets.len() as u64) as usize);
                let classes: Vec<usize> = (0..OKGZ.len())
                    .filter(|&index| market_of(OKGZ[index].id) == market)
                    .collect();
                let okgz = classes[rng.below(classes.len() as u64) as usize] as u16;
                let favoured =
                    reserve_supplier(&mut rng, world, &direct_pairs, &mut pair_suppliers);
                for _ in 0..size {
                    let buyer = buyers.draw(&mut rng, world);
                    let day = calendar.draw_day(&mut rng);
                    let law = calendar.law(day);
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        okgz: Some(okgz),
                        // A first guess, set again against the market (`size_to_markets`).
                        threshold_share: Some(rng.uniform(1.2, 3.0)),
                        favoured: Some(favoured),
                        ..Plan::new(
                            seed_of(plans.len()),
                            buyer,
                            published,
                            law,
                            law.open_tender_method(),
                            role,
                        )
                    });
                }
            }
            Role::Planted(Pattern::DominantSupplier)
            | Role::NearMiss(Pattern::DominantSupplier)
            | Role::NearMiss(Pattern::ConcentratedBuyer) => {
                // Direct contracts of one buyer within a year under one law, each with another
                // supplier; the first supplier (reserved, so that it contracts nowhere else)
                // gets `share` of the value, the others equal parts of the rest. Values stay
                // under 80% of the threshold (R049 looks at the last 10%).
                let buyer = buyers.reserve(&mut rng, world);
                let (low, high) = match role {
                    Role::Planted(_) => DOMINANT_SUPPLIER,
                    Role::NearMiss(Pattern::DominantSupplier) => DOMINANT_SUPPLIER_NEAR,
                    _ => CONCENTRATED_BUYER_NEAR,
                };
                let share = rng.uniform(low, high);
                let favoured_value = rng.uniform(0.3, 0.75);
                let other_value = favoured_value / share * (1.0 - share) / (size - 1) as f64;
                let favoured =
                    reserve_supplier(&mut rng, world, &direct_pairs, &mut pair_suppliers);
                let start = calendar.window_start(&mut rng, 365);
                let law = calendar.law(start);
                for index in 0..size {
                    let day = start + rng.below(365 - 3) as i64;
                    let supplier = if index == 0 {
                        direct_pairs.insert((buyer, favoured));
                        favoured
                    } else {
                        fresh_direct_supplier(
                            &mut rng,
                            world,
                            buyer,
                            &mut direct_pairs,
                            &pair_suppliers,
                        )
                    };
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        threshold_share: Some(if index == 0 {
                            favoured_value
                        } else {
                            other_value
                        }),
                        supplier: Some(supplier),
                        favoured: Some(favoured),
                        ..Plan::new(
                            seed_of(plans.len()),
                            buyer,
                            published,
                            law,
                            Method::Direct,
                            role,
                        )
                    });
                }
            }
            Role::Planted(
                Pattern::CobiddingPair | Pattern::FixedBidRatio | Pattern::SharedAddress,
            )
            | Role::NearMiss(
                Pattern::CobiddingPair | Pattern::FixedBidRatio | Pattern::SharedAddress,
            ) => {
                // Two suppliers of no cartel and no other pair.
                let suppliers = world.suppliers.len() as u64;
                let mut pick = |rng: &mut Rng| {
                    for _ in 0..1000 {
                        let supplier = rng.below(suppliers) as u32;
                        let in_cartel = world
                            .cartels
                            .iter()
                            .any(|cartel| cartel.contains(&supplier));
                        if !in_cartel && pair_suppliers.insert(supplier) {
                            return supplier;
                        }
                    }
                    rng.below(suppliers) as u32
                };
                let winner = pick(&mut rng);
                let loser = pick(&mut rng);
                // A fixed ratio on the 4-decimal grid; in the near miss, moved by a few
                // ten-thousandths from one process to the next.
                let mut ratios: Vec<Option<f64>> = vec![None; size as usize];
                if matches!(
                    role,
                    Role::Planted(Pattern::FixedBidRatio) | Role::NearMiss(Pattern::FixedBidRatio)
                ) {
                    let mut steps =
                        (rng.uniform(FIXED_BID_RATIO.0, FIXED_BID_RATIO.1) * 10_000.0).round();
                    for ratio in &mut ratios {
                        *ratio = Some(steps / 10_000.0);
                        if matches!(role, Role::NearMiss(_)) {
                            steps += rng
                                .between(FIXED_BID_RATIO_NEAR_STEP.0, FIXED_BID_RATIO_NEAR_STEP.1)
                                as f64;
                        }
                    }
                }
                let mut ratios = ratios.into_iter();
                for _ in 0..size {
                    let buyer = buyers.draw(&mut rng, world);
                    let day = calendar.draw_day(&mut rng);
                    let law = calendar.law(day);
                    let method = law.draw_competitive_method(&mut rng);
                    let published = Calendar::office_time(&mut rng, day);
                    plans.push(Plan {
                        pair: Some((winner, loser)),
                        ratio: ratios.next().flatten(),
                        ..Plan::new(seed_of(plans.len()), buyer, published, law, method, role)
                    });
                }
            }
            _ => {
                let buyer = buyers.draw(&mut rng, world);
                let mut day = calendar.draw_day(&mut rng);
                let just_under = matches!(
                    role,
                    Role::Planted(Pattern::DirectJustUnderThreshold)
                        | Role::NearMiss(Pattern::DirectJustUnderThreshold)
                );
                // A purchase valued against one law's threshold is awarded under that law (a
                // direct award comes up to four days after publication).
                if just_under && calendar.law(day) != calendar.law(day + 5) {
                    day = calendar.law_change_day;
                }
                let law = calendar.law(day);
                let direct = match role {
                    Role::Background => rng.chance(law.direct_share()),
                    _ => just_under,
                };
                let threshold_share = match role {
                    Role::Planted(Pattern::DirectJustUnderThreshold) => {
                        Some(rng.uniform(DIRECT_JUST_UNDER.0, DIRECT_JUST_UNDER.1))
                    }
                    Role::NearMiss(Pattern::DirectJustUnderThreshold) => {
                        Some(rng.uniform(DIRECT_FURTHER_UNDER.0, DIRECT_FURTHER_UNDER.1))
                    }
                    _ => None,
                };
                let (method, supplier) = method_and_supplier(
                    direct,
                    law,
                    &mut rng,
                    world,
                    buyer,
                    &mut direct_pairs,
                    &pair_suppliers,
                );
                let cartel = (role == Role::Planted(Pattern::IdenticalBidPrices))
                    .then(|| rng.below(world.cartels.len() as u64) as u16);
                let published = Calendar::office_time(&mut rng, day);
                plans.push(Plan {
                    threshold_share,
                    supplier,
                    cartel,
                    ..Plan::new(seed_of(plans.len()), buyer, published, law, method, role)
                });
            }
        }
    }
    plans
}

/// Dates an award without a contract, or its near miss, against the feed's latest date
/// (`latest`): its award lands [`AWARD_WITHOUT_CONTRACT_DAYS`] (or, for a near miss without a
/// contract, [`RECENT_AWARD_DAYS`]) before it. The process is published about a month before
/// that, built, and moved by whole weeks until its award is within 3.5 days of the target:
/// whole weeks keep its weekdays, so its own draws and intervals stay the same. Its law and
/// method are those in force when it is published.
pub(crate) fn date_from_latest(plan: &mut Plan, world: &World, calendar: &Calendar, latest: i64) {
    let mut rng = Rng::new(plan.seed ^ 0xA3A8);
    let (low, high) = if plan.recent_award_near_miss() {
        RECENT_AWARD_DAYS
    } else {
        AWARD_WITHOUT_CONTRACT_DAYS
    };
    // Inside the range by the 3.5 days the weekly moves may miss it by.
    let age = rng.between(low + 4, high - 5) as i64 * SECONDS_PER_DAY
        + rng.below(SECONDS_PER_DAY as u64) as i64;
    let target = latest - age;
    let week = 7 * SECONDS_PER_DAY;
    let mut day = target.div_euclid(SECONDS_PER_DAY) - 30;
    for _ in 0..4 {
        plan.law = calendar.law(day);
        plan.method = plan
            .law
            .draw_competitive_method(&mut Rng::new(plan.seed ^ 0xA3A9));
        plan.published = Calendar::office_time(&mut Rng::new(plan.seed ^ 0xA3AA), day);
        let awarded = build(plan, world)
            .awards
            .iter()
            .find(|award| award.status == "active")
            .map_or(plan.published, |award| award.date);
        let weeks = ((target - awarded) as f64 / week as f64).round() as i64;
        plan.published += weeks * week;
        day = plan.published.div_euclid(SECONDS_PER_DAY);
        if calendar.law(day) == plan.law {
            break;
        }
    }
}

/// A market as R050 sees it: the first 4 characters of a classification id.
fn market_of(id: &str) -> &str {
    &id[..4.min(id.len())]
}

/// The active award value of each market (R050's: a process whose lots are all of one market
/// counts there), over the processes added.
#[derive(Default)]
pub(crate) struct Markets {
    values: std::collections::HashMap<&'static str, f64>,
}

impl Markets {
    pub(crate) fn add(&mut self, process: &Process) {
        let markets: HashSet<&'static str> = process
            .lots
            .iter()
            .map(|lot| market_of(lot.classification.id))
            .collect();
        if let [market] = markets.into_iter().collect::<Vec<_>>().as_slice() {
            let awarded: i64 = process
                .awards
                .iter()
                .filter(|award| award.status == "active" && award.amount > 0)
                .map(|award| award.amount)
                .sum();
            *self.values.entry(market).or_default() += awarded as f64;
        }
    }
}

/// Values each market leader's group (and near miss) so that its supplier's awards make the
/// planned share of its market: `share / (1 - share)` times the rest of the market, spread
/// over the group as first guessed. Bids and awards are shares of the value, so they scale
/// with it.
pub(crate) fn size_to_markets(plans: &mut [Plan], world: &World, markets: &Markets) {
    let mut start = 0;
    while start < plans.len() {
        if !plans[start].sized_to_market() {
            start += 1;
            continue;
        }
        let (role, okgz) = (plans[start].role, plans[start].okgz);
        let mut end = start + 1;
        while end < plans.len() && plans[end].role == role && plans[end].okgz == okgz {
            end += 1;
        }
        let (low, high) = if matches!(role, Role::Planted(_)) {
            MARKET_LEADER
        } else {
            MARKET_LEADER_NEAR
        };
        let share = Rng::new(plans[start].seed ^ 0x3A7E).uniform(low, high);
        let market = market_of(OKGZ[okgz.expect("planned in a market") as usize].id);
        let rest = markets.values.get(market).copied().unwrap_or(0.0);
        let won: i64 = plans[start..end]
            .iter()
            .flat_map(|plan| build(plan, world).awards)
            .filter(|award| award.status == "active")
            .map(|award| award.amount)
            .sum();
        let factor = share / (1.0 - share) * rest / won.max(1) as f64;
        for plan in &mut plans[start..end] {
            plan.threshold_share = plan.threshold_share.map(|guess| guess * factor);
        }
        start = end;
    }
}

/// Registers the second supplier of each shared-address pair at the first's address; for a
/// near miss, at the same street address in another locality. Done once every process is
/// planned, before any is built.
pub(crate) fn share_addresses(plans: &[Plan], world: &mut World) {
    let mut done: HashSet<(u32, u32)> = HashSet::new();
    for plan in plans {
        let (Role::Planted(Pattern::SharedAddress) | Role::NearMiss(Pattern::SharedAddress)) =
            plan.role
        else {
            continue;
        };
        let (first, second) = plan.pair.expect("planned with a pair");
        if !done.insert((first, second)) {
            continue;
        }
        let street = world.suppliers[first as usize].street.clone();
        let place = world.suppliers[first as usize].place;
        let to = &mut world.suppliers[second as usize];
        to.street = street;
        to.place = if matches!(plan.role, Role::Planted(_)) {
            place
        } else {
            let mut rng = Rng::new(plan.seed ^ 0xADD2);
            loop {
                let other = rng.pick(PLACES);
                if other.locality != place.locality {
                    break other;
                }
            }
        };
    }
}

/// A process's method (direct, or a competitive one drawn under `law`) and, when direct, a
/// fresh supplier for it (see [`fresh_direct_supplier`]).
fn method_and_supplier(
    direct: bool,
    law: Law,
    rng: &mut Rng,
    world: &World,
    buyer: u32,
    pairs: &mut HashSet<(u32, u32)>,
    reserved: &HashSet<u32>,
) -> (Method, Option<u32>) {
    if direct {
        let supplier = fresh_direct_supplier(rng, world, buyer, pairs, reserved);
        (Method::Direct, Some(supplier))
    } else {
        (law.draw_competitive_method(rng), None)
    }
}

/// A supplier this buyer has not contracted directly before, so that repeated direct awards
/// happen only where they are planted (in a tiny feed, a repeat is accepted after a while),
/// and none of the reserved suppliers (of the planted pairs and dominant-supplier groups).
fn fresh_direct_supplier(
    rng: &mut Rng,
    world: &World,
    buyer: u32,
    pairs: &mut HashSet<(u32, u32)>,
    reserved: &HashSet<u32>,
) -> u32 {
    for attempt in 0..200 {
        let supplier = if attempt < 20 {
            world.supplier_draw.draw(rng) as u32
        } else {
            rng.below(world.suppliers.len() as u64) as u32
        };
        if !reserved.contains(&supplier) && pairs.insert((buyer, supplier)) {
            return supplier;
        }
    }
    rng.below(world.suppliers.len() as u64) as u32
}

/// A supplier (drawn uniformly) that no buyer has contracted directly yet, of no cartel and not
/// reserved already, reserved from now on: no other process draws it.
fn reserve_supplier(
    rng: &mut Rng,
    world: &World,
    direct_pairs: &HashSet<(u32, u32)>,
    reserved: &mut HashSet<u32>,
) -> u32 {
    let contracted: HashSet<u32> = direct_pairs.iter().map(|&(_, supplier)| supplier).collect();
    let suppliers = world.suppliers.len() as u64;
    for _ in 0..1000 {
        let supplier = rng.below(suppliers) as u32;
        let in_cartel = world
            .cartels
            .iter()
            .any(|cartel| cartel.contains(&supplier));
        if !in_cartel && !contracted.contains(&supplier) && reserved.insert(supplier) {
            return supplier;
        }
    }
    rng.below(suppliers) as u32
}

/// The buyers drawn so far, and those reserved for a planted group (no other process draws
/// them, so that the group's figures are the buyer's).
#[derive(Default)]
struct Buyers {
    drawn: HashSet<u32>,
    reserved: HashSet<u32>,
}

impl Buyers {
    /// A buyer by the heavy-tailed draw, none of the reserved ones (while others are left).
    fn draw(&mut self, rng: &mut Rng, world: &World) -> u32 {
        let mut buyer = world.buyer_draw.draw(rng) as u32;
        let mut attempts = 0;
        while self.reserved.contains(&buyer) && attempts < 1000 {
            buyer = world.buyer_draw.draw(rng) as u32;
            attempts += 1;
        }
        self.drawn.insert(buyer);
        buyer
    }

    /// A buyer drawn uniformly among those with no process yet, reserved from now on (in a
    /// feed with few buyers, after a while, any buyer not reserved).
    fn reserve(&mut self, rng: &mut Rng, world: &World) -> u32 {
        let count = world.buyers.len() as u64;
        let mut buyer = rng.below(count) as u32;
        for attempt in 0..2000 {
            let fresh = !self.reserved.contains(&buyer)
                && (attempt >= 1000 || !self.drawn.contains(&buyer));
            if fresh {
                break;
            }
            buyer = rng.below(count) as u32;
        }
        self.reserved.insert(buyer);
        self.drawn.insert(buyer);
        buyer
    }
}

/// Tender numbers are the publication day (`YYMMDD`) and the day's sequence number, as on the
/// portal; contract-based ids count up from 70001 in publication order.
pub(crate) fn number_plans(plans: &mut [Plan]) {
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by_key(|&index| (plans[index].published, index));
    let mut day = i64::MIN;
    let mut sequence = 0_u32;
    let mut contract_based = 70_000_u64;
    for index in order {
        let plan = &mut plans[index];
        if plan.method.is_direct() {
            contract_based += 1;
            plan.number = contract_based.to_string();
        } else {
            let published_day = plan.published.div_euclid(SECONDS_PER_DAY);
            if published_day != day {
                day = published_day;
                sequence = 0;
            }
            sequence += 1;
            let (year, month, date) = super::random::civil_from_days(published_day);
            plan.number = format!("{:02}{month:02}{date:02}{sequence:03}", year % 100);
        }
    }
}

/// What became of a competitive process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Still accepting or evaluating bids: only the tender release (and an amendment).
    Open,
    /// No bids: re-published as unsuccessful.
    Unsuccessful,
    Awarded,
}

pub(crate) struct Lot {
    pub value: i64,
    pub classification: &'static Classification,
    pub quantity: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BidStatus {
    Valid,
    Disqualified,
}

pub(crate) struct Bid {
    pub supplier: u32,
    pub date: i64,
    pub status: BidStatus,
    /// (lot index, initial amount, final amount).
    pub lots: Vec<(usize, i64, i64)>,
}

pub(crate) struct Award {
    pub lot: usize,
    pub bid: usize,
    pub status: &'static str,
    pub date: i64,
    pub amount: i64,
}

pub(crate) struct Contract {
    pub supplier: u32,
    pub awards: Vec<usize>,
    pub amount: i64,
    pub signed: i64,
}

pub(crate) struct Enquiry {
    pub date: i64,
    pub author: u32,
    pub question: usize,
    pub answered: Option<i64>,
}

pub(crate) struct Complaint {
    pub author: u32,
    pub submitted: i64,
    pub status: &'static str,
    pub text: usize,
    pub response: i64,
}

pub(crate) struct Document {
    pub kind: usize,
    pub with_url: bool,
    pub id: u64,
}

/// One release of a process: which stage it shows and its `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Tender,
    Amendment,
    Result,
}

/// A process built in full.
pub(crate) struct Process {
    pub category: Category,
    pub category_label: &'static str,
    pub title: String,
    pub value: i64,
    pub budget: i64,
    pub lots: Vec<Lot>,
    pub tender_end: i64,
    /// (date of the amendment, the new end of the tender period).
    pub amendment: Option<(i64, i64)>,
    pub enquiry_end: i64,
    pub outcome: Outcome,
    pub bids: Vec<Bid>,
    pub awards: Vec<Award>,
    pub contracts: Vec<Contract>,
    pub enquiries: Vec<Enquiry>,
    pub complaint: Option<Complaint>,
    pub documents: Vec<Document>,
    pub direct_rationale: usize,
    /// The releases and their dates, oldest first.
    pub releases: Vec<(Stage, i64)>,
    pub result_date_is_export_time: bool,
    pub procuring_entity_id_is_name: bool,
    pub has_buyer: bool,
    pub single_source_as_open: bool,
    pub zero_values: bool,
}

impl Process {
    pub(crate) fn final_tender_end(&self) -> i64 {
        self.amendment.map_or(self.tender_end, |(_, end)| end)
    }

    /// The latest of the dates R063 counts to: award dates, signatures and bid deadlines.
    pub(crate) fn latest_date(&self) -> Option<i64> {
        self.awards
            .iter()
            .map(|award| award.date)
            .chain(self.contracts.iter().map(|contract| contract.signed))
            .chain([self.tender_end, self.final_tender_end()])
            .max()
    }

    /// The lot's winning bid, if any.
    pub(crate) fn winner(&self, lot: usize) -> Option<usize> {
        self.awards
            .iter()
            .find(|award| award.lot == lot && award.status == "active")
            .map(|award| award.bid)
    }
}

fn round_to(value: f64, step: i64) -> i64 {
    ((value / step as f64).round() as i64 * step).max(step)
}

/// A tender value (KGS) for a method: purchases under the threshold stay below 85% of it and
/// the rest stay outside the band around it, so that values close to a threshold appear only
/// where a pattern or a near miss is planted.
fn draw_value(rng: &mut Rng, plan: &Plan, category: Category) -> i64 {
    let threshold = plan.law.threshold() as f64;
    if let Some(share) = plan.threshold_share {
        return round_to(threshold * share, 100);
    }
    let works = if category == Category::Works {
        1.6
    } else {
        1.0
    };
    let value = match plan.method {
        Method::Simplified | Method::Quotations => {
            20_000.0 * (0.85 * threshold / 20_000.0).powf(rng.unit())
        }
        Method::OneStage | Method::TwoStage | Method::PriceReduction | Method::Unlimited => {
            1.2 * threshold * (rng.normal().abs() * 1.1).exp() * works
        }
        Method::Consulting | Method::Limited => 800_000.0 * (rng.normal() * 0.9).exp() * works,
        Method::Direct => 150_000.0 * (rng.normal() * 1.1).exp() * works,
    };
    let value = if value >= 0.85 * threshold
        && value < 1.2 * threshold
        && !plan.method.is_below_threshold()
    {
        value * 0.5
    } else {
        value
    };
    round_to(value, 100)
}

fn draw_classification(rng: &mut Rng, plan: &Plan, world: &World) -> &'static Classification {
    if let Some(index) = plan.okgz {
        return &OKGZ[index as usize];
    }
    if plan.method == Method::Consulting {
        return rng.pick(&OKGZ[OKGZ.len() - 2..]);
    }
    let medical = world.buyers[plan.buyer as usize].medical;
    if medical && rng.chance(0.6) {
        return rng.pick(DLO);
    }
    let category = match rng.weighted(&[50, 20, 30]) {
        0 => Category::Goods,
        1 => Category::Works,
        _ => Category::Services,
    };
    loop {
        let candidate = rng.pick(OKGZ);
        if candidate.category == category {
            return candidate;
        }
    }
}

/// Splits `total` into `count` parts of random sizes, rounded to 100.
fn split_value(rng: &mut Rng, total: i64, count: usize) -> Vec<i64> {
    if count == 1 {
        return vec![total];
    }
    let weights: Vec<f64> = (0..count).map(|_| rng.uniform(0.3, 1.0)).collect();
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights[..count - 1]
        .iter()
        .map(|weight| round_to(total as f64 * weight / sum, 100))
        .collect();
    let used: i64 = parts.iter().sum();
    parts.push((total - used).max(100));
    parts
}

/// Builds a process from its plan; the same plan always gives the same process.
pub(crate) fn build(plan: &Plan, world: &World) -> Process {
    let mut rng = Rng::new(plan.seed);
    let classification = draw_classification(&mut rng, plan, world);
    let category = classification.category;
    let value = draw_value(&mut rng, plan, category);
    let direct = plan.method.is_direct();
    let role = plan.role;

    let lot_count = match role {
        Role::NearMiss(Pattern::IdenticalBidPrices) => rng.between(2, 4) as usize,
        Role::Background
        | Role::Planted(Pattern::IdenticalBidPrices)
        | Role::Planted(Pattern::LateWinningBid)
            if !direct && rng.chance(MULTI_LOT_RATE) =>
        {
            rng.between(2, 6) as usize
        }
        _ => 1,
    };
    let mut lot_values = split_value(&mut rng, value, lot_count);
    if role == Role::NearMiss(Pattern::IdenticalBidPrices) {
        // The price of lot 1 is bid again on lot 2: the two lots are worth the same, so that
        // the price is a plausible one on both (not a bid three times another on its lot,
        // which R022 and R058 would rightly flag).
        let both = lot_values[0] + lot_values[1];
        lot_values[0] = round_to(both as f64 / 2.0, 100);
        lot_values[1] = both - lot_values[0];
    }
    let lots: Vec<Lot> = lot_values
        .iter()
        .enumerate()
        .map(|(index, &lot_value)| {
            // Medicines lots each buy another medicine; other lots share the classification.
            let classification = if index > 0 && classification.scheme == "DLO" {
                rng.pick(DLO)
            } else {
                classification
            };
            let quantity = if classification.unit_price > 0.0 {
                ((lot_value as f64 / classification.unit_price).round() as u64).max(1)
            } else {
                1
            };
            Lot {
                value: lot_value,
                classification,
                quantity,
            }
        })
        .collect();

    let title = match (category, lot_count) {
        (_, _) if classification.scheme == "DLO" => format!(
            "Закупка лекарственных средств на {} год",
            super::random::civil_from_days(plan.published.div_euclid(SECONDS_PER_DAY)).0
        ),
        (Category::Works, _) => format!(
            "{} — {}",
            classification.description, world.buyers[plan.buyer as usize].place.locality
        ),
        (_, 1) => format!("Закупка: {}", classification.description.to_lowercase()),
        _ => format!("Закупка товаров и услуг ({} лотов)", lot_count),
    };

    let procuring_entity_id_is_name = rng.chance(PROCURING_ENTITY_ID_IS_NAME_RATE);
    let has_buyer = !rng.chance(NO_BUYER_RATE);
    let category_label = match category.legacy_code() {
        Some(legacy) if rng.chance(LEGACY_CATEGORY_RATE) => legacy,
        _ => category.code(),
    };
    let documents = if rng.chance(DOCUMENTS_RATE) {
        (0..rng.between(1, 3))
            .map(|index| Document {
                kind: index as usize,
                with_url: !rng.chance(DOCUMENT_WITHOUT_URL_RATE),
                id: rng.between(100_000, 9_999_999),
            })
            .collect()
    } else {
        Vec::new()
    };
    let export_time = |rng: &mut Rng, after: i64| {
        (after.div_euclid(SECONDS_PER_DAY) + 1 + rng.below(15) as i64) * SECONDS_PER_DAY
            + 8 * SECONDS_PER_HOUR
    };

    if direct {
        let supplier = plan
            .supplier
            .expect("a direct contract has its supplier planned");
        let award_date = plan.published
            + rng.between(0, 3) as i64 * SECONDS_PER_DAY
            + rng.between(1, 5) as i64 * SECONDS_PER_HOUR;
        let signed = award_date
            + rng.between(0, 2) as i64 * SECONDS_PER_DAY
            + rng.between(1, 20) as i64 * SECONDS_PER_HOUR;
        let export_defect = rng.chance(EXPORT_TIME_DATE_RATE);
        let release_date = if export_defect {
            export_time(&mut rng, signed)
        } else {
            signed
        };
        let single_source_as_open = rng.chance(SINGLE_SOURCE_AS_OPEN_RATE);
        let zero_values = rng.chance(SINGLE_SOURCE_ZERO_VALUE_RATE);
        let direct_rationale =
            rng.below(super::vocabulary::DIRECT_RATIONALES.len() as u64) as usize;
        return Process {
            category,
            category_label,
            title,
            value,
            budget: value,
            lots,
            tender_end: plan.published,
            amendment: None,
            enquiry_end: plan.published,
            outcome: Outcome::Awarded,
            bids: vec![Bid {
                supplier,
                date: plan.published + SECONDS_PER_HOUR,
                status: BidStatus::Valid,
                lots: vec![(0, value, value)],
            }],
            awards: vec![Award {
                lot: 0,
                bid: 0,
                status: "active",
                date: award_date,
                amount: value,
            }],
            contracts: vec![Contract {
                supplier,
                awards: vec![0],
                amount: value,
                signed,
            }],
            enquiries: Vec::new(),
            complaint: None,
            documents,
            direct_rationale,
            releases: vec![(Stage::Result, release_date)],
            result_date_is_export_time: export_defect,
            procuring_entity_id_is_name,
            has_buyer,
            single_source_as_open,
            zero_values,
        };
    }

    let (shortest, longest) = plan.method.tender_days();
    let tender_days = rng.between(shortest, longest) as i64;
    let end_day = Calendar::working_day(plan.published.div_euclid(SECONDS_PER_DAY) + tender_days);
    let tender_end = end_day * SECONDS_PER_DAY + *rng.pick(&[10, 12, 15, 17]) * SECONDS_PER_HOUR;
    let enquiry_end = if rng.chance(0.5) {
        tender_end
    } else {
        tender_end - 3 * SECONDS_PER_DAY
    };
    let amendment = (role == Role::Background && rng.chance(AMENDMENT_RATE)).then(|| {
        let date = plan.published
            + rng.between(1, (tender_days as u64 / 2).max(1)) as i64 * SECONDS_PER_DAY;
        (
            date,
            tender_end + rng.between(3, 10) as i64 * SECONDS_PER_DAY,
        )
    });
    let final_end = amendment.map_or(tender_end, |(_, end)| end);
    let budget = round_to(value as f64 * rng.uniform(1.0, 1.1), 1000).max(value);

    let outcome = if role != Role::Background {
        Outcome::Awarded
    } else {
        let draw = rng.unit();
        if draw < UNSUCCESSFUL_RATE {
            Outcome::Unsuccessful
        } else if draw < UNSUCCESSFUL_RATE + STILL_OPEN_RATE {
            Outcome::Open
        } else {
            Outcome::Awarded
        }
    };

    let mut process = Process {
        category,
        category_label,
        title,
        value,
        budget,
        lots,
        tender_end,
        amendment,
        enquiry_end,
        outcome,
        bids: Vec::new(),
        awards: Vec::new(),
        contracts: Vec::new(),
        enquiries: Vec::new(),
        complaint: None,
        documents,
        direct_rationale: 0,
        releases: Vec::new(),
        result_date_is_export_time: false,
        procuring_entity_id_is_name,
        has_buyer,
        single_source_as_open: false,
        zero_values: false,
    };
    if outcome == Outcome::Awarded {
        add_bids(&mut rng, plan, world, &mut process, final_end);
        add_awards(&mut rng, plan, &mut process, final_end);
        plant_late_bids(plan.seed, role, &mut process);
        plant_contract_terms(plan.seed, role, &mut process);
    }

    let mut releases = vec![(Stage::Tender, plan.published)];
    if let Some((date, _)) = amendment {
        releases.push((Stage::Amendment, date));
    }
    let questions_planted = matches!(
        role,
        Role::Planted(Pattern::UnansweredQuestions) | Role::NearMiss(Pattern::UnansweredQuestions)
    );
    if rng.chance(ENQUIRY_RATE) || questions_planted {
        let window = (process.enquiry_end.min(final_end) - plan.published - SECONDS_PER_HOUR)
            .max(SECONDS_PER_HOUR);
        for _ in 0..rng.between(1, 3) {
            let date = plan.published + SECONDS_PER_HOUR + rng.below(window as u64) as i64;
            let author = match process.bids.len() {
                0 => world.supplier_draw.draw(&mut rng) as u32,
                count => process.bids[rng.below(count as u64) as usize].supplier,
            };
            // Answered within a day, before the bid deadline, and by an amendment published
            // in between (whose release shows the answer).
            let mut answered = (date + rng.between(2, 24) as i64 * SECONDS_PER_HOUR)
                .min(final_end - 60)
                .max(date + 60);
            if let Some((amended, _)) = amendment
                && date < amended
                && amended < answered
            {
                answered = amended;
            }
            process.enquiries.push(Enquiry {
                date,
                author,
                question: rng.below(super::vocabulary::QUESTIONS.len() as u64) as usize,
                answered: Some(answered),
            });
        }
        process.enquiries.sort_by_key(|enquiry| enquiry.date);
        match role {
            Role::Planted(Pattern::UnansweredQuestions) => {
                let unanswered = rng.below(process.enquiries.len() as u64) as usize;
                process.enquiries[unanswered].answered = None;
            }
            Role::NearMiss(Pattern::UnansweredQuestions) => {
                let last = process.enquiries.last_mut().expect("one question at least");
                last.answered = Some(final_end + rng.between(2, 30) as i64 * SECONDS_PER_HOUR);
            }
            _ => {}
        }
    }
    match outcome {
        Outcome::Open => {}
        Outcome::Unsuccessful => {
            let date = final_end + rng.between(1, 5) as i64 * SECONDS_PER_DAY;
            let export_defect = rng.chance(EXPORT_TIME_DATE_RATE);
            process.result_date_is_export_time = export_defect;
            releases.push((
                Stage::Result,
                if export_defect {
                    export_time(&mut rng, date)
                } else {
                    date
                },
            ));
        }
        Outcome::Awarded => {
            let mut last_event = process
                .contracts
                .iter()
                .map(|contract| contract.signed)
                .max()
                .or_else(|| process.awards.iter().map(|award| award.date).max())
                .unwrap_or(final_end);
            let losers: Vec<u32> = process
                .bids
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    !process
                        .awards
                        .iter()
                        .any(|award| award.bid == *index && award.status == "active")
                })
                .map(|(_, bid)| bid.supplier)
                .collect();
            if !losers.is_empty() && rng.chance(COMPLAINT_RATE) {
                let award_date = process.awards.first().map_or(final_end, |award| award.date);
                let submitted = award_date + rng.between(1, 5) as i64 * SECONDS_PER_DAY;
                let response = submitted + rng.between(3, 10) as i64 * SECONDS_PER_DAY;
                last_event = last_event.max(response);
                process.complaint = Some(Complaint {
                    author: *rng.pick(&losers),
                    submitted,
                    status: COMPLAINT_STATUSES[rng.below(COMPLAINT_STATUSES.len() as u64) as usize],
                    text: rng.below(super::vocabulary::COMPLAINTS.len() as u64) as usize,
                    response,
                });
            }
            let export_defect = rng.chance(EXPORT_TIME_DATE_RATE);
            process.result_date_is_export_time = export_defect;
            let date = if export_defect {
                export_time(&mut rng, last_event)
            } else {
                last_event
            };
            releases.push((Stage::Result, date));
        }
    }
    process.releases = releases;
    process
}

/// A bidder not already taken, none of the reserved suppliers and no partner of a bidder taken
/// in a pair kept apart (while others are left).
fn draw_supplier_not_in(rng: &mut Rng, world: &World, taken: &[u32]) -> u32 {
    let unreserved = world
        .suppliers
        .len()
        .saturating_sub(world.reserved_suppliers.len());
    loop {
        let supplier = world.supplier_draw.draw(rng) as u32;
        let reserved = (world.reserved_suppliers.contains(&supplier)
            || taken.iter().any(|&other| {
                world
                    .kept_apart
                    .contains(&(supplier.min(other), supplier.max(other)))
            }))
            && taken.len() < unreserved;
        if (!taken.contains(&supplier) && !reserved) || taken.len() >= world.suppliers.len() {
            return supplier;
        }
    }
}

fn add_bids(rng: &mut Rng, plan: &Plan, world: &World, process: &mut Process, final_end: i64) {
    let role = plan.role;
    let lot_count = process.lots.len();
    let mut suppliers: Vec<u32> = Vec::new();
    if let Some(cartel) = plan.cartel {
        suppliers.extend(&world.cartels[cartel as usize]);
    }
    if let Some((winner, loser)) = plan.pair {
        suppliers.extend([winner, loser]);
    }
    if let Some(favoured) = plan.favoured {
        suppliers.push(favoured);
    }
    let count = match role {
        Role::Planted(Pattern::SingleBid) => 1,
        Role::NearMiss(Pattern::SingleBid) => 2,
        Role::Planted(Pattern::AllButWinnerDisqualified | Pattern::LowestBidDisqualified)
        | Role::NearMiss(Pattern::AllButWinnerDisqualified | Pattern::LowestBidDisqualified) => {
            rng.between(3, 5) as usize
        }
        Role::Planted(Pattern::IdenticalBidPrices) => suppliers.len() + rng.between(1, 3) as usize,
        Role::Planted(Pattern::BidPriceDisparity | Pattern::HeavilyDiscountedBid)
        | Role::NearMiss(Pattern::BidPriceDisparity | Pattern::HeavilyDiscountedBid) => {
            rng.between(3, 5) as usize
        }
        _ => 2 + rng.weighted(&BID_COUNT_WEIGHTS),
    }
    .min(world.suppliers.len());
    while suppliers.len() < count {
        let supplier = draw_supplier_not_in(rng, world, &suppliers);
        suppliers.push(supplier);
    }

    // Which lots each bidder bids on: all of a single lot; on several, most of them, with at
    // least two bidders per lot so that a lone bid on a lot is never there by chance.
    let mut lots_of: Vec<Vec<usize>> = suppliers
        .iter()
        .map(|_| {
            if lot_count == 1 {
                return vec![0];
            }
            let chosen: Vec<usize> = (0..lot_count).filter(|_| rng.chance(0.7)).collect();
            if chosen.is_empty() {
                vec![rng.below(lot_count as u64) as usize]
            } else {
                chosen
            }
        })
        .collect();
    if matches!(
        role,
        Role::Planted(Pattern::IdenticalBidPrices) | Role::NearMiss(Pattern::IdenticalBidPrices)
    ) {
        for lots in &mut lots_of {
            for lot in 0..2.min(lot_count) {
                if !lots.contains(&lot) {
                    lots.push(lot);
                }
            }
        }
    }
    if suppliers.len() >= 2 {
        for lot in 0..lot_count {
            let mut bidder = 0;
            while lots_of.iter().filter(|lots| lots.contains(&lot)).count() < 2 {
                if !lots_of[bidder].contains(&lot) {
                    lots_of[bidder].push(lot);
                }
                bidder += 1;
            }
        }
    }

    // Amounts under the lot value, all different within the process, so that equal prices
    // appear only where planted.
    let mut used: HashSet<i64> = HashSet::new();
    let auction = plan.method == Method::PriceReduction;
    let bid_start = plan.published + 2 * SECONDS_PER_HOUR;
    let bid_window = (final_end - bid_start - SECONDS_PER_HOUR / 2).max(SECONDS_PER_HOUR);
    for (supplier, mut lots) in suppliers.iter().zip(lots_of) {
        lots.sort_unstable();
        let amounts = lots
            .iter()
            .map(|&lot| {
                let lot_value = process.lots[lot].value as f64;
                let mut amount = (lot_value * rng.uniform(0.78, 0.995)).round() as i64;
                while !used.insert(amount) {
                    amount -= 1;
                }
                let initial = if auction {
                    (amount as f64 / rng.uniform(0.9, 0.99)).round() as i64
                } else if rng.chance(0.3) {
                    (amount as f64 * rng.uniform(1.0, 1.05)).round() as i64
                } else {
                    amount
                };
                (lot, initial, amount)
            })
            .collect();
        let disqualified = role == Role::Background && rng.chance(DISQUALIFICATION_RATE);
        process.bids.push(Bid {
            supplier: *supplier,
            date: bid_start + rng.below(bid_window as u64) as i64,
            status: if disqualified {
                BidStatus::Disqualified
            } else {
                BidStatus::Valid
            },
            lots: amounts,
        });
    }

    match role {
        Role::Planted(Pattern::IdenticalBidPrices) => {
            // The cartel's members all bid the same price on the first lot.
            let members = world.cartels[plan.cartel.expect("planned with a cartel") as usize].len();
            let price = (process.lots[0].value as f64 * rng.uniform(0.9, 0.995)).round() as i64;
            let mut price = price;
            while used.contains(&price) {
                price += 1;
            }
            for bid in process.bids.iter_mut().take(members) {
                for entry in bid.lots.iter_mut().filter(|entry| entry.0 == 0) {
                    entry.1 = entry.1.max(price);
                    entry.2 = price;
                }
            }
        }
        Role::NearMiss(Pattern::IdenticalBidPrices) => {
            // The same price from two bidders, but on different lots.
            let price = process.bids[0]
                .lots
                .iter()
                .find(|entry| entry.0 == 0)
                .expect("on lot 1")
                .2;
            if let Some(entry) = process.bids[1].lots.iter_mut().find(|entry| entry.0 == 1) {
                entry.1 = entry.1.max(price);
                entry.2 = price;
            }
        }
        Role::NearMiss(Pattern::SingleBid) => {
            // Two bids, the cheaper disqualified: one valid bid, but two submitted.
            let cheaper = if process.bids[0].lots[0].2 < process.bids[1].lots[0].2 {
                0
            } else {
                1
            };
            process.bids[cheaper].status = BidStatus::Disqualified;
        }
        Role::Planted(Pattern::AllButWinnerDisqualified)
        | Role::NearMiss(Pattern::AllButWinnerDisqualified)
        | Role::Planted(Pattern::LowestBidDisqualified)
        | Role::NearMiss(Pattern::LowestBidDisqualified) => {
            // One lot: rank the bids by price and disqualify by rank. All but the cheapest
            // (which wins) or all but the two cheapest; the cheapest (the next one wins) or
            // the second cheapest.
            let mut ranked: Vec<usize> = (0..process.bids.len()).collect();
            ranked.sort_by_key(|&index| process.bids[index].lots[0].2);
            let disqualified: &[usize] = match role {
                Role::Planted(Pattern::AllButWinnerDisqualified) => &ranked[1..],
                Role::NearMiss(Pattern::AllButWinnerDisqualified) => &ranked[2..],
                Role::Planted(Pattern::LowestBidDisqualified) => &ranked[..1],
                _ => &ranked[1..2],
            };
            for &index in disqualified {
                process.bids[index].status = BidStatus::Disqualified;
            }
        }
        Role::Planted(Pattern::AwardAtOrAboveEstimate)
        | Role::NearMiss(Pattern::AwardAtOrAboveEstimate) => {
            // One lot: the bids priced again around its estimate, all different.
            let estimate = process.lots[0].value as f64;
            let planted = matches!(role, Role::Planted(_));
            for (index, bid) in process.bids.iter_mut().enumerate() {
                let (low, high) = match (planted, index) {
                    (true, _) => AT_OR_ABOVE_ESTIMATE,
                    (false, 0) => JUST_UNDER_ESTIMATE,
                    (false, _) => (JUST_UNDER_ESTIMATE.1, 1.1),
                };
                let mut amount = (estimate * rng.uniform(low, high)).ceil() as i64;
                while !used.insert(amount) {
                    amount += 1;
                }
                let entry = &mut bid.lots[0];
                entry.1 = entry.1.max(amount);
                entry.2 = amount;
            }
        }
        Role::Planted(Pattern::CobiddingPair | Pattern::MarketLeader)
        | Role::NearMiss(Pattern::CobiddingPair | Pattern::MarketLeader) => {
            // One lot: the pair's winner or the market leader (the first bidder) takes the
            // cheapest price.
            let cheapest = (0..process.bids.len())
                .min_by_key(|&index| process.bids[index].lots[0].2)
                .expect("the pair bids");
            let (first, rest) = process.bids.split_at_mut(1);
            if cheapest > 0 {
                std::mem::swap(&mut first[0].lots[0], &mut rest[cheapest - 1].lots[0]);
            }
        }
        Role::Planted(Pattern::BidPriceDisparity) | Role::NearMiss(Pattern::BidPriceDisparity) => {
            // One lot: the dearest bid priced again at a multiple of the cheapest.
            let (low, high) = if matches!(role, Role::Planted(_)) {
                BID_PRICE_DISPARITY
            } else {
                BID_PRICE_DISPARITY_NEAR
            };
            let amounts: Vec<i64> = process.bids.iter().map(|bid| bid.lots[0].2).collect();
            let lowest = *amounts.iter().min().expect("three bids at least");
            let dearest = (0..amounts.len())
                .max_by_key(|&index| amounts[index])
                .expect("three bids at least");
            let mut amount = (lowest as f64 * rng.uniform(low, high)).round() as i64;
            while !used.insert(amount) {
                amount -= 1;
            }
            let entry = &mut process.bids[dearest].lots[0];
            entry.1 = entry.1.max(amount);
            entry.2 = amount;
        }
        Role::Planted(Pattern::HeavilyDiscountedBid)
        | Role::NearMiss(Pattern::HeavilyDiscountedBid) => {
            // One lot: the cheapest bid (the winner) priced again under the next cheapest.
            let (low, high) = if matches!(role, Role::Planted(_)) {
                HEAVILY_DISCOUNTED_BY
            } else {
                SLIGHTLY_DISCOUNTED_BY
            };
            let mut ranked: Vec<usize> = (0..process.bids.len()).collect();
            ranked.sort_by_key(|&index| process.bids[index].lots[0].2);
            let second = process.bids[ranked[1]].lots[0].2;
            let mut amount = (second as f64 / (1.0 + rng.uniform(low, high))).round() as i64;
            while !used.insert(amount) {
                amount -= 1;
            }
            let entry = &mut process.bids[ranked[0]].lots[0];
            entry.1 = entry.1.max(amount);
            entry.2 = amount;
        }
        Role::Planted(Pattern::FixedBidRatio) | Role::NearMiss(Pattern::FixedBidRatio) => {
            // One lot: the pair's supplier with the smaller party id bids 78% to 86% of the
            // estimate, the other the planned ratio of that (at most 99% of it).
            let ratio = plan.ratio.expect("planned with a ratio");
            let (first, second) = plan.pair.expect("planned with a pair");
            let (smaller, greater) = if world.suppliers[first as usize].party_id
                < world.suppliers[second as usize].party_id
            {
                (0, 1)
            } else {
                (1, 0)
            };
            let estimate = process.lots[0].value as f64;
            let mut base = (estimate * rng.uniform(0.78, 0.86)).round() as i64;
            let mut multiple = (base as f64 * ratio).round() as i64;
            while used.contains(&base) || used.contains(&multiple) || base == multiple {
                base -= 1;
                multiple = (base as f64 * ratio).round() as i64;
            }
            used.insert(base);
            used.insert(multiple);
            for (index, amount) in [(smaller, base), (greater, multiple)] {
                let entry = &mut process.bids[index].lots[0];
                entry.1 = entry.1.max(amount);
                entry.2 = amount;
            }
        }
        Role::Background => keep_disqualifications_plain(process),
        _ => {}
    }
    // Planted processes are decided: every lot gets a valid bid.
    if role != Role::Background {
        for lot in 0..lot_count {
            let has_valid = process.bids.iter().any(|bid| {
                bid.status == BidStatus::Valid && bid.lots.iter().any(|entry| entry.0 == lot)
            });
            if !has_valid
                && let Some(bid) = process
                    .bids
                    .iter_mut()
                    .find(|bid| bid.lots.iter().any(|entry| entry.0 == lot))
            {
                bid.status = BidStatus::Valid;
            }
        }
    }
}

fn add_awards(rng: &mut Rng, plan: &Plan, process: &mut Process, final_end: i64) {
    let mut award_date = final_end
        + rng.between(2, 10) as i64 * SECONDS_PER_DAY
        + rng.between(1, 6) as i64 * SECONDS_PER_HOUR;
    // Planted dates come from a stream of their own, so that the process's other draws stay
    // those of an unplanted one.
    let mut planted = Rng::new(plan.seed ^ 0xDEC1);
    let days = |rng: &mut Rng, (low, high): (u64, u64)| {
        rng.between(low, high) as i64 * SECONDS_PER_DAY
            + rng.between(1, 6) as i64 * SECONDS_PER_HOUR
    };
    match plan.role {
        Role::Planted(Pattern::HastyDecision) => {
            award_date = final_end
                + planted.between(HASTY_DECISION_HOURS.0, HASTY_DECISION_HOURS.1) as i64
                    * SECONDS_PER_HOUR;
        }
        Role::NearMiss(Pattern::HastyDecision) => {
            award_date = final_end + days(&mut planted, (2, 2));
        }
        Role::Planted(Pattern::SlowDecision) => {
            award_date = final_end + days(&mut planted, SLOW_DECISION_DAYS);
        }
        Role::NearMiss(Pattern::SlowDecision) => {
            award_date = final_end + days(&mut planted, SLOW_DECISION_NEAR_DAYS);
        }
        _ => {}
    }
    for lot in 0..process.lots.len() {
        let mut offers: Vec<(i64, usize)> = process
            .bids
            .iter()
            .enumerate()
            .filter_map(|(index, bid)| {
                bid.lots
                    .iter()
                    .find(|entry| entry.0 == lot)
                    .map(|entry| (entry.2, index))
            })
            .collect();
        offers.sort_unstable();
        let mut disqualified_awards = 0;
        for (amount, bid) in offers {
            if process.bids[bid].status == BidStatus::Valid {
                process.awards.push(Award {
                    lot,
                    bid,
                    status: "active",
                    date: award_date,
                    amount,
                });
                break;
            }
            // A cheaper bid that was disqualified was first awarded and then struck out; the
            // feed says so with statuses outside the codelist.
            if disqualified_awards < 2 {
                disqualified_awards += 1;
                let status = if rng.chance(0.7) {
                    "disqualified"
                } else {
                    "rejected"
                };
                process.awards.push(Award {
                    lot,
                    bid,
                    status,
                    date: award_date,
                    amount,
                });
            }
        }
    }
    let mut contracts: Vec<Contract> = Vec::new();
    for (index, award) in process
        .awards
        .iter()
        .enumerate()
        .filter(|(_, award)| award.status == "active")
    {
        let supplier = process.bids[award.bid].supplier;
        match contracts
            .iter_mut()
            .find(|contract| contract.supplier == supplier)
        {
            Some(contract) => {
                contract.awards.push(index);
                contract.amount += award.amount;
            }
            None => contracts.push(Contract {
                supplier,
                awards: vec![index],
                amount: award.amount,
                signed: award_date
                    + rng.between(1, 10) as i64 * SECONDS_PER_DAY
                    + rng.between(1, 6) as i64 * SECONDS_PER_HOUR,
            }),
        }
    }
    process.contracts = contracts;
    match plan.role {
        Role::Planted(Pattern::AwardWithoutContract) => process.contracts.clear(),
        Role::NearMiss(Pattern::AwardWithoutContract) if plan.recent_award_near_miss() => {
            process.contracts.clear()
        }
        Role::NearMiss(Pattern::AwardWithoutContract) => {
            // Published, but signed late (not so late as to be a late signature).
            for contract in &mut process.contracts {
                contract.signed = award_date + days(&mut planted, LATE_SIGNATURE_NEAR_DAYS);
            }
        }
        _ => {}
    }
}

/// In a process not planted, keeps valid the drawn disqualifications that would make a planted
/// pattern: a bid that is the cheapest on one of its lots (R036), or whose lot would be left
/// with fewer than two valid bids (R035, and one valid bid among several, R018's near miss).
fn keep_disqualifications_plain(process: &mut Process) {
    for index in 0..process.bids.len() {
        if process.bids[index].status != BidStatus::Disqualified {
            continue;
        }
        let harmless = process.bids[index].lots.iter().all(|&(lot, _, amount)| {
            let on_lot = process.bids.iter().enumerate().filter_map(|(other, bid)| {
                bid.lots
                    .iter()
                    .find(|entry| entry.0 == lot)
                    .map(|entry| (other, bid.status, entry.2))
            });
            let mut cheaper = 0;
            let mut other_valid = 0;
            for (other, status, other_amount) in on_lot {
                if other == index {
                    continue;
                }
                if other_amount < amount {
                    cheaper += 1;
                }
                if status == BidStatus::Valid {
                    other_valid += 1;
                }
            }
            cheaper > 0 && other_valid >= 2
        });
        if !harmless {
            process.bids[index].status = BidStatus::Valid;
        }
    }
}

/// Changes the contracts of a process planted with a contract pattern: its amount apart from
/// the award's, or its signature long after the award.
pub(crate) fn plant_contract_terms(rng_seed: u64, role: Role, process: &mut Process) {
    let mut rng = Rng::new(rng_seed ^ 0xC0A7);
    let (pattern, planted) = match role {
        Role::Planted(pattern) => (pattern, true),
        Role::NearMiss(pattern) => (pattern, false),
        Role::Background => return,
    };
    let Some(contract) = process.contracts.first_mut() else {
        return;
    };
    match pattern {
        Pattern::ContractDiffersFromAward => {
            let (low, high) = if planted {
                CONTRACT_DIFFERS_BY
            } else {
                CONTRACT_DIFFERS_LITTLE_BY
            };
            let change = rng.uniform(low, high);
            let sign = if rng.chance(1.0 / 3.0) { -1.0 } else { 1.0 };
            contract.amount = (contract.amount as f64 * (1.0 + sign * change)).round() as i64;
        }
        Pattern::LateSignature => {
            let (low, high) = if planted {
                LATE_SIGNATURE_DAYS
            } else {
                LATE_SIGNATURE_NEAR_DAYS
            };
            let awarded = process.awards[contract.awards[0]].date;
            contract.signed = awarded
                + rng.between(low, high) as i64 * SECONDS_PER_DAY
                + rng.between(1, 6) as i64 * SECONDS_PER_HOUR;
        }
        _ => {}
    }
}

/// Moves the bids that make a late-bid pattern after the end of the tender period.
pub(crate) fn plant_late_bids(rng_seed: u64, role: Role, process: &mut Process) {
    let mut rng = Rng::new(rng_seed ^ 0x1A7E);
    let end = process.final_tender_end();
    let late = end + rng.between(1, 48) as i64 * SECONDS_PER_HOUR;
    match role {
        Role::Planted(Pattern::LateWinningBid) => {
            if let Some(winner) = process.winner(0) {
                process.bids[winner].date = late;
            }
        }
        Role::NearMiss(Pattern::LateWinningBid) => {
            let winners: Vec<usize> = (0..process.lots.len())
                .filter_map(|lot| process.winner(lot))
                .collect();
            if let Some(loser) = (0..process.bids.len()).find(|index| !winners.contains(index)) {
                process.bids[loser].date = late;
            }
        }
        _ => {}
    }
}
