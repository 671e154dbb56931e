//! An in-memory index of the process summaries, for `achyk serve`: facet counts, totals and
//! the order of a page computed in one pass over compact rows, instead of a `GROUP BY` per
//! facet over the whole table. The database stays the truth: words are still matched by its
//! text index, the rows of a page are read from it, and a search with a participant filter
//! (an organisation page) is answered by SQL alone.
//!
//! The index follows the database as it is written (by this process or another): before each
//! search it reads the search generation (one row), and when it has moved on it loads the
//! summaries written since (`generation > loaded`). A search therefore sees every import
//! committed before it started, as the SQL path does.
//!
//! Results equal the SQL path's exactly (a test compares them on random searches): the same
//! filters, facet counts with each facet's own filter left out, the same key order (count
//! descending, then key by bytes) and the same row order (ties broken by ocid).

use std::collections::HashMap;
use std::sync::RwLock;

use crate::search::{Facet, SearchParams, Sort, VALUE_RANGES, value_range_key};

/// A missing value in a dictionary-coded column.
const NONE: u32 = u32::MAX;

/// Text columns coded by dictionary: region, method, status, category, buyer.
#[derive(Default)]
struct Dictionary {
    values: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Dictionary {
    fn code(&mut self, value: Option<String>) -> u32 {
        let Some(value) = value else { return NONE };
        if let Some(code) = self.codes.get(&value) {
            return *code;
        }
        let code = self.values.len() as u32;
        self.codes.insert(value.clone(), code);
        self.values.push(value);
        code
    }

    /// The code of `value`, or `None` when no row has it (a filter on it matches nothing).
    fn find(&self, value: &str) -> Option<u32> {
        self.codes.get(value).copied()
    }
}

/// One process, as compact as the search needs it.
#[derive(Clone)]
struct Row {
    ocid: String,
    region: u32,
    method: u32,
    status: u32,
    category: u32,
    buyer: u32,
    year: Option<i64>,
    date_seconds: i64,
    value: Option<f64>,
}

/// The summary columns the index loads, as selected by [`Loaded::load`].
pub(crate) type IndexColumns = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    Option<f64>,
    i64,
);

pub(crate) const INDEX_SELECT: &str = "SELECT ocid, region, method, status, category, buyer_id, \
     year, date_seconds, value_amount, generation FROM process_summaries";

#[derive(Default)]
struct Loaded {
    generation: i64,
    rows: Vec<Row>,
    positions: HashMap<String, usize>,
    regions: Dictionary,
    methods: Dictionary,
    statuses: Dictionary,
    categories: Dictionary,
    buyers: Dictionary,
}

impl Loaded {
    /// Adds or replaces the rows read from the database, which hold every generation up to
    /// `generation`.
    fn apply(&mut self, columns: Vec<IndexColumns>, generation: i64) {
        self.generation = self.generation.max(generation);
        for (
            ocid,
            region,
            method,
            status,
            category,
            buyer,
            year,
            date_seconds,
            value,
            generation,
        ) in columns
        {
            self.generation = self.generation.max(generation);
            let row = Row {
                ocid: ocid.clone(),
                region: self.regions.code(region),
                method: self.methods.code(method),
                status: self.statuses.code(status),
                category: self.categories.code(category),
                buyer: self.buyers.code(buyer),
                year,
                date_seconds,
                value,
            };
            match self.positions.get(&ocid) {
                Some(&position) => self.rows[position] = row,
                None => {
                    self.positions.insert(ocid, self.rows.len());
                    self.rows.push(row);
                }
            }
        }
    }
}

/// The index a store searches with, shared by its clones.
#[derive(Default)]
pub(crate) struct SearchIndex {
    loaded: RwLock<Loaded>,
}

/// What a search needs from the index: the total, the facet counts and the ocids of the page,
/// in order.
pub(crate) struct IndexAnswer {
    pub total: i64,
    pub facets: Vec<(Facet, Vec<(String, i64)>)>,
    pub page: Vec<String>,
}

/// The bucket of a value in [`VALUE_RANGES`] (as the SQL `CASE` of [`Facet::Value`] puts it).
fn value_bucket(value: f64) -> usize {
    VALUE_RANGES
        .iter()
        .position(|(_, upper)| upper.is_none_or(|upper| value < upper))
        .unwrap_or(VALUE_RANGES.len() - 1)
}

/// The facets in the order of [`Facet::ALL`], as bit positions.
fn bit(facet: Facet) -> u32 {
    Facet::ALL
        .iter()
        .position(|candidate| *candidate == facet)
        .expect("every facet is in ALL") as u32
}

impl SearchIndex {
    /// The generation loaded so far.
    pub(crate) fn generation(&self) -> i64 {
        self.loaded.read().expect("the index lock").generation
    }

    /// Adds the rows written since the loaded generation; they hold every generation up to
    /// `generation`.
    pub(crate) fn apply(&self, columns: Vec<IndexColumns>, generation: i64) {
        self.loaded
            .write()
            .expect("the index lock")
            .apply(columns, generation);
    }

    /// Answers `params` (without its text and participant filters, which the caller applies:
    /// `matching` holds the ocids its words match, when it has words).
    pub(crate) fn answer(
        &self,
        params: &SearchParams,
        matching: Option<&[String]>,
        per_page: usize,
        offset: usize,
    ) -> IndexAnswer {
        let loaded = self.loaded.read().expect("the index lock");
        // A filter on a value no row has matches nothing; `None` is "no filter".
        let code = |dictionary: &Dictionary, value: &Option<String>| -> Option<Option<u32>> {
            value.as_ref().map(|value| dictionary.find(value))
        };
        let region = code(&loaded.regions, &params.region);
        let method = code(&loaded.methods, &params.method);
        let status = code(&loaded.statuses, &params.status);
        let category = code(&loaded.categories, &params.category);
        let buyer = code(&loaded.buyers, &params.buyer);

        let candidates: Box<dyn Iterator<Item = usize>> = match matching {
            Some(ocids) => {
                let mut positions: Vec<usize> = ocids
                    .iter()
                    .filter_map(|ocid| loaded.positions.get(ocid).copied())
                    .collect();
                positions.sort_unstable();
                positions.dedup();
                Box::new(positions.into_iter())
            }
            None => Box::new(0..loaded.rows.len()),
        };

        let passes = |filter: Option<Option<u32>>, value: u32| match filter {
            None => true,
            Some(Some(code)) => code == value,
            Some(None) => false,
        };
        let value_passes = |value: Option<f64>| {
            let bounds = [params.min_value, params.max_value, params.below_value];
            if bounds.iter().all(Option::is_none) {
                return true;
            }
            let Some(value) = value else { return false };
            params.min_value.is_none_or(|min| value >= min)
                && params.max_value.is_none_or(|max| value <= max)
                && params.below_value.is_none_or(|below| value < below)
        };

        // Counts per facet: index 0 is "missing", then the dictionary code (or the year's
        // position, or the value bucket) plus one.
        let mut year_counts: HashMap<Option<i64>, i64> = HashMap::new();
        let mut counts: [Vec<i64>; 4] = [
            vec![0; loaded.regions.values.len() + 1],
            vec![0; loaded.methods.values.len() + 1],
            vec![0; loaded.statuses.values.len() + 1],
            vec![0; loaded.categories.values.len() + 1],
        ];
        let mut value_counts = vec![0i64; VALUE_RANGES.len() + 1];
        let slot = |code: u32| if code == NONE { 0 } else { code as usize + 1 };
        let counting = !params.skip_facets;
        let mut matched: Vec<usize> = Vec::new();
        for position in candidates {
            let row = &loaded.rows[position];
            if !passes(buyer, row.buyer) {
                continue;
            }
            let mut fails = 0u32;
            if !passes(region, row.region) {
                fails |= 1 << bit(Facet::Region);
            }
            if !passes(method, row.method) {
                fails |= 1 << bit(Facet::Method);
            }
            if !passes(status, row.status) {
                fails |= 1 << bit(Facet::Status);
            }
            if !passes(category, row.category) {
                fails |= 1 << bit(Facet::Category);
            }
            if params.year.is_some_and(|year| row.year != Some(year)) {
                fails |= 1 << bit(Facet::Year);
            }
            if !value_passes(row.value) {
                fails |= 1 << bit(Facet::Value);
            }
            if fails == 0 {
                matched.push(position);
            }
            if !counting || fails.count_ones() > 1 {
                continue;
            }
            // A row that fails one filter counts only in that filter's facet; a row that
            // passes every filter counts in all of them.
            let counts_in = |facet: Facet| fails == 0 || fails == 1 << bit(facet);
            for (index, (facet, code)) in [
                (Facet::Region, row.region),
                (Facet::Method, row.method),
                (Facet::Status, row.status),
                (Facet::Category, row.category),
            ]
            .into_iter()
            .enumerate()
            {
                if counts_in(facet) {
                    counts[index][slot(code)] += 1;
                }
            }
            if counts_in(Facet::Year) {
                *year_counts.entry(row.year).or_default() += 1;
            }
            if counts_in(Facet::Value) {
                value_counts[row.value.map_or(0, |value| value_bucket(value) + 1)] += 1;
            }
        }

        let mut facets = Vec::new();
        if counting {
            let keyed = |dictionary: &Dictionary, counts: &[i64]| -> Vec<(String, i64)> {
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, count)| **count > 0)
                    .map(|(slot, count)| {
                        let key = if slot == 0 {
                            String::new()
                        } else {
                            dictionary.values[slot - 1].clone()
                        };
                        (key, *count)
                    })
                    .collect()
            };
            let tables = [
                (Facet::Region, keyed(&loaded.regions, &counts[0])),
                (Facet::Method, keyed(&loaded.methods, &counts[1])),
                (Facet::Status, keyed(&loaded.statuses, &counts[2])),
                (Facet::Category, keyed(&loaded.categories, &counts[3])),
                (
                    Facet::Year,
                    year_counts
                        .iter()
                        .map(|(year, count)| {
                            (
                                year.map(|year| year.to_string()).unwrap_or_default(),
                                *count,
                            )
                        })
                        .collect(),
                ),
                (
                    Facet::Value,
                    value_counts
                        .iter()
                        .enumerate()
                        .filter(|(_, count)| **count > 0)
                        .map(|(slot, count)| {
                            let key = if slot == 0 {
                                String::new()
                            } else {
                                let (lower, upper) = VALUE_RANGES[slot - 1];
                                value_range_key(lower, upper)
                            };
                            (key, *count)
                        })
                        .collect(),
                ),
            ];
            for facet in Facet::ALL {
                let (_, mut table) = tables
                    .iter()
                    .find(|(of, _)| *of == facet)
                    .cloned()
                    .expect("a table per facet");
                table.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                table.truncate(60);
                facets.push((facet, table));
            }
        }

        let total = matched.len() as i64;
        let rows = &loaded.rows;
        let order = |a: &usize, b: &usize| {
            let (a, b) = (&rows[*a], &rows[*b]);
            let by_value = |descending: bool| match (a.value, b.value) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) if descending => y.total_cmp(&x),
                (Some(x), Some(y)) => x.total_cmp(&y),
            };
            match params.sort {
                Sort::Newest => b.date_seconds.cmp(&a.date_seconds),
                Sort::Oldest => a.date_seconds.cmp(&b.date_seconds),
                Sort::ValueHigh => by_value(true),
                Sort::ValueLow => by_value(false),
            }
            .then_with(|| a.ocid.as_bytes().cmp(b.ocid.as_bytes()))
        };
        let end = (offset + per_page).min(matched.len());
        let page = if offset >= matched.len() {
            Vec::new()
        } else {
            if end < matched.len() {
                matched.select_nth_unstable_by(end, order);
                matched.truncate(end);
            }
            matched.sort_unstable_by(order);
            matched[offset..end]
                .iter()
                .map(|position| rows[*position].ocid.clone())
                .collect()
        };
        IndexAnswer {
            total,
            facets,
            page,
        }
    }
}
