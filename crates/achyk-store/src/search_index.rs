//! An in-memory index of the process summaries, for `achyk serve`: words matched, facets
//! counted, totals and the order of a page computed in one pass over compact rows, instead of a
//! text-index query and a `GROUP BY` per facet over the whole table. Words are matched as the
//! SQL `LIKE '%stem%'` does, as substrings of the lowercased search text (SIMD substring
//! search, in parallel). The database stays the truth: the rows of a page are read from it, and
//! a search with a participant filter (an organisation page) is answered by SQL alone. Memory:
//! about 400 bytes a process (the search text is most of it).
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
    /// The lowercased text words are matched in (`process_summaries.search_text`).
    text: Box<str>,
    /// The red flags on the process, one bit per code of [`Loaded::flag_codes`].
    flags: u128,
    /// Which byte trigrams the text holds, hashed into 512 bits: a word whose trigrams are not
    /// all here is not in the text, so most rows are passed over without a substring search.
    trigrams: Trigrams,
}

/// A 512-bit set of hashed byte trigrams (a Bloom filter with one hash function).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Trigrams([u64; 8]);

impl Trigrams {
    fn of(text: &[u8]) -> Trigrams {
        let mut set = Trigrams::default();
        for window in text.windows(3) {
            let key = u64::from(u32::from_le_bytes([window[0], window[1], window[2], 0]));
            let bit = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55) as usize;
            set.0[bit / 64] |= 1 << (bit % 64);
        }
        set
    }

    fn holds(&self, other: &Trigrams) -> bool {
        self.0
            .iter()
            .zip(&other.0)
            .all(|(mine, theirs)| mine & theirs == *theirs)
    }
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
    String,
    i64,
);

pub(crate) const INDEX_SELECT: &str = "SELECT ocid, region, method, status, category, buyer_id, \
     year, date_seconds, value_amount, search_text, generation FROM process_summaries";

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
    /// Indicator codes, each a bit of [`Row::flags`] (the first 128 codes seen).
    flag_codes: Dictionary,
}

impl Loaded {
    /// Replaces every process's flags by `flags` ((ocid, code) of the last flag run).
    fn set_flags(&mut self, flags: Vec<(String, String)>) {
        for row in &mut self.rows {
            row.flags = 0;
        }
        for (ocid, code) in flags {
            let bit = self.flag_codes.code(Some(code));
            if let (true, Some(&position)) = (bit < 128, self.positions.get(&ocid)) {
                self.rows[position].flags |= 1 << bit;
            }
        }
    }

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
            text,
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
                flags: self
                    .positions
                    .get(&ocid)
                    .map_or(0, |&position| self.rows[position].flags),
                trigrams: Trigrams::of(text.as_bytes()),
                text: text.into_boxed_str(),
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
    /// Held while one search brings the index up to date, so that a burst of searches after an
    /// import loads the new rows once, not once each.
    pub(crate) refreshing: tokio::sync::Mutex<()>,
    /// The rows recent word lists matched, for the loaded generation: people search the same
    /// words again and again. Emptied when the index loads new rows, and when it grows past
    /// [`MATCH_CACHE_ROWS`].
    matches: std::sync::Mutex<MatchCache>,
}

/// The most row positions the match cache holds (4 bytes each).
const MATCH_CACHE_ROWS: usize = 8_000_000;

#[derive(Default)]
struct MatchCache {
    generation: i64,
    rows: usize,
    entries: HashMap<Vec<String>, std::sync::Arc<Vec<u32>>>,
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

    /// Adds the rows written since the loaded generation (they hold every generation up to
    /// `generation`) and replaces the flags by those of the last flag run.
    pub(crate) fn apply(
        &self,
        columns: Vec<IndexColumns>,
        generation: i64,
        flags: Vec<(String, String)>,
    ) {
        let mut loaded = self.loaded.write().expect("the index lock");
        loaded.apply(columns, generation);
        loaded.set_flags(flags);
    }

    /// The positions of the rows whose text holds every word, in order: from the cache, or
    /// found (trigram sets first, then a substring search, over the rows in parallel).
    fn matching(&self, loaded: &Loaded, words: &[String]) -> std::sync::Arc<Vec<u32>> {
        {
            let cache = self.matches.lock().expect("the match cache lock");
            if cache.generation == loaded.generation
                && let Some(found) = cache.entries.get(words)
            {
                return std::sync::Arc::clone(found);
            }
        }
        use rayon::prelude::*;
        let finders: Vec<memchr::memmem::Finder<'_>> = words
            .iter()
            .map(|word| memchr::memmem::Finder::new(word.as_bytes()))
            .collect();
        let mut wanted = Trigrams::default();
        for word in words {
            let of_word = Trigrams::of(word.as_bytes());
            for (all, of) in wanted.0.iter_mut().zip(of_word.0) {
                *all |= of;
            }
        }
        let found: Vec<u32> = loaded
            .rows
            .par_iter()
            .with_min_len(4096)
            .enumerate()
            .filter(|(_, row)| {
                row.trigrams.holds(&wanted)
                    && finders
                        .iter()
                        .all(|finder| finder.find(row.text.as_bytes()).is_some())
            })
            .map(|(position, _)| position as u32)
            .collect();
        let found = std::sync::Arc::new(found);
        let mut cache = self.matches.lock().expect("the match cache lock");
        if cache.generation != loaded.generation || cache.rows + found.len() > MATCH_CACHE_ROWS {
            cache.entries.clear();
            cache.rows = 0;
            cache.generation = loaded.generation;
        }
        cache.rows += found.len();
        cache
            .entries
            .insert(words.to_vec(), std::sync::Arc::clone(&found));
        found
    }

    /// Answers `params` but for its participant filter (the caller asks SQL for those). `words`
    /// are the stems every matching process's text must hold.
    pub(crate) fn answer(
        &self,
        params: &SearchParams,
        words: &[String],
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
        // `any`: every bit; a code no process has: nothing.
        let flag: Option<Option<u128>> = params.flag.as_ref().map(|flag| {
            if flag == "any" {
                Some(u128::MAX)
            } else {
                loaded
                    .flag_codes
                    .find(flag)
                    .filter(|code| *code < 128)
                    .map(|code| 1u128 << code)
            }
        });

        let candidates: Box<dyn Iterator<Item = usize>> = if words.is_empty() {
            Box::new(0..loaded.rows.len())
        } else {
            let matched = self.matching(&loaded, words);
            Box::new((0..matched.len()).map(move |index| matched[index] as usize))
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
        // Few distinct years: a list beats a hash map here.
        let mut year_counts: Vec<(Option<i64>, i64)> = Vec::new();
        let mut counts: [Vec<i64>; 4] = [
            vec![0; loaded.regions.values.len() + 1],
            vec![0; loaded.methods.values.len() + 1],
            vec![0; loaded.statuses.values.len() + 1],
            vec![0; loaded.categories.values.len() + 1],
        ];
        let mut value_counts = vec![0i64; VALUE_RANGES.len() + 1];
        let mut flag_counts = [0i64; 128];
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
            if flag.is_some_and(|mask| mask.is_none_or(|mask| row.flags & mask == 0)) {
                fails |= 1 << bit(Facet::Flag);
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
                match year_counts.iter_mut().find(|(year, _)| *year == row.year) {
                    Some((_, count)) => *count += 1,
                    None => year_counts.push((row.year, 1)),
                }
            }
            if counts_in(Facet::Value) {
                value_counts[row.value.map_or(0, |value| value_bucket(value) + 1)] += 1;
            }
            if counts_in(Facet::Flag) {
                let mut flags = row.flags;
                while flags != 0 {
                    flag_counts[flags.trailing_zeros() as usize] += 1;
                    flags &= flags - 1;
                }
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
                (
                    Facet::Flag,
                    flag_counts
                        .iter()
                        .enumerate()
                        .filter(|(_, count)| **count > 0)
                        .map(|(bit, count)| (loaded.flag_codes.values[bit].clone(), *count))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_substring_s_trigrams_are_always_held_and_others_mostly_not() {
        let text = "капитальный ремонт кровли школы № 3 с. беловодское мэрия города бишкек";
        let set = Trigrams::of(text.as_bytes());
        // Every substring, at every byte offset that starts a character.
        let starts: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
        for (from_index, &from) in starts.iter().enumerate() {
            for &to in starts[from_index..].iter().skip(1) {
                let part = &text[from..to];
                assert!(set.holds(&Trigrams::of(part.as_bytes())), "{part}");
            }
        }
        // Words the text does not hold are told apart by their trigrams alone.
        for word in ["больница", "дорога", "медикаменты", "жол", "мектеп"]
        {
            assert!(!set.holds(&Trigrams::of(word.as_bytes())), "{word}");
        }
        // Fewer than three bytes: no trigram, nothing to tell apart.
        assert_eq!(Trigrams::of("ж".as_bytes()), Trigrams::default());
    }
}
