//! An in-memory index of the process summaries, for `achyk serve`: words matched, facets
//! counted, totals and the order of a page computed from bitmaps, instead of a text-index
//! query and a `GROUP BY` per facet over the whole table. The database stays the truth: the
//! rows of a page are read from it, and a search with a participant filter (an organisation
//! page) is answered by SQL alone.
//!
//! - **Words.** The search text of each process is split at whitespace into tokens, and each
//!   distinct token keeps the positions of the processes that hold it. A search word matches
//!   as the SQL `LIKE '%stem%'` does, as a substring of the text: its stem has no whitespace
//!   (query words are letters, digits and hyphens), so it is a substring of the text exactly
//!   when it is a substring of one of its tokens. The stem is looked for in the vocabulary,
//!   and the positions of every token that holds it are gathered into a bitmap.
//! - **Filters and facets.** Each value of a facet (region, method, status, category, year,
//!   value range, red flag) has a bitmap of its processes. A search intersects the bitmaps of
//!   its filters, and counts each facet's values with every filter but the facet's own, by
//!   counting the bits two bitmaps share.
//! - **Order.** The processes in each sort order are kept per loaded generation; a page walks
//!   that order and keeps the matching ones, or, when few match, sorts just those.
//!
//! Rows are only ever appended: a process published again gets a new position and its old one
//! is marked dead (every search intersects with the live rows). When more rows are dead than
//! live, the store loads the index afresh. Memory at 1,000,000 generated processes: see
//! `docs/operators/serve.md`.
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
use std::sync::{Arc, Mutex, RwLock};

use crate::search::{Facet, SearchParams, Sort, VALUE_RANGES, value_range_key};

/// A missing value in a dictionary-coded column.
const NONE: u32 = u32::MAX;

/// A set of row positions, one bit each. Words past the end are zeros.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    /// No position, with room for `rows`.
    fn empty(rows: usize) -> Bits {
        Bits(vec![0; rows.div_ceil(64)])
    }

    fn set(&mut self, position: usize) {
        let word = position / 64;
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << (position % 64);
    }

    fn clear(&mut self, position: usize) {
        if let Some(word) = self.0.get_mut(position / 64) {
            *word &= !(1 << (position % 64));
        }
    }

    fn holds(&self, position: usize) -> bool {
        self.0
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    /// Keeps the positions `other` also holds.
    fn and(&mut self, other: &Bits) {
        self.0.truncate(other.0.len());
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine &= theirs;
        }
    }

    /// Adds the positions of `other`.
    fn or(&mut self, other: &Bits) {
        if other.0.len() > self.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }

    fn count(&self) -> usize {
        self.0.iter().map(|word| word.count_ones() as usize).sum()
    }

    /// How many positions both hold.
    fn count_and(&self, other: &Bits) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(mine, theirs)| (mine & theirs).count_ones() as usize)
            .sum()
    }

    /// The positions held, in order.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(index, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(index * 64 + bit)
            })
        })
    }
}

/// Text values coded by dictionary.
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

/// A facet's column: each row's value, and each value's rows.
#[derive(Default)]
struct Column {
    dictionary: Dictionary,
    /// The rows of each code.
    rows: Vec<Bits>,
    /// The rows without a value.
    missing: Bits,
}

impl Column {
    fn push(&mut self, position: usize, value: Option<String>) {
        match self.dictionary.code(value) {
            NONE => self.missing.set(position),
            code => {
                if code as usize == self.rows.len() {
                    self.rows.push(Bits::default());
                }
                self.rows[code as usize].set(position);
            }
        }
    }

    /// The rows with `value` (none when no row has it).
    fn filter(&self, value: &str) -> Bits {
        self.dictionary
            .find(value)
            .map(|code| self.rows[code as usize].clone())
            .unwrap_or_default()
    }

    /// Each value's rows within `scope` (missing values under ""), those with any.
    fn counts(&self, scope: &Bits) -> Vec<(String, i64)> {
        std::iter::once((String::new(), self.missing.count_and(scope)))
            .chain(
                self.dictionary
                    .values
                    .iter()
                    .zip(&self.rows)
                    .map(|(value, rows)| (value.clone(), rows.count_and(scope))),
            )
            .filter(|(_, count)| *count > 0)
            .map(|(key, count)| (key, count as i64))
            .collect()
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

/// The words of every search text, and where they are.
#[derive(Default)]
struct Words {
    /// Each distinct token once, each followed by a newline (which no token or stem holds).
    vocabulary: String,
    /// Where each token starts in `vocabulary`, in order.
    starts: Vec<usize>,
    ids: HashMap<Box<str>, u32>,
    /// The positions of the rows that hold each token, ascending.
    postings: Vec<Vec<u32>>,
}

impl Words {
    fn add(&mut self, position: u32, text: &str) {
        let mut ids: Vec<u32> = text
            .split_whitespace()
            .map(|token| match self.ids.get(token) {
                Some(id) => *id,
                None => {
                    let id = self.postings.len() as u32;
                    self.ids.insert(token.into(), id);
                    self.starts.push(self.vocabulary.len());
                    self.vocabulary.push_str(token);
                    self.vocabulary.push('\n');
                    self.postings.push(Vec::new());
                    id
                }
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.postings[id as usize].push(position);
        }
    }

    /// The rows whose text holds `stem`: every row that holds a token holding it.
    fn rows_holding(&self, stem: &str, rows: usize) -> Bits {
        let mut found = Bits::empty(rows);
        let mut next_token_start = 0;
        for at in memchr::memmem::find_iter(self.vocabulary.as_bytes(), stem.as_bytes()) {
            if at < next_token_start {
                continue; // the token was taken already
            }
            let token = self.starts.partition_point(|start| *start <= at) - 1;
            next_token_start = self.starts.get(token + 1).copied().unwrap_or(usize::MAX);
            for &position in &self.postings[token] {
                found.set(position as usize);
            }
        }
        found
    }
}

#[derive(Default)]
struct Loaded {
    generation: i64,
    /// Per position: the ocid, the date (seconds) and the estimated value.
    ocids: Vec<String>,
    date_seconds: Vec<i64>,
    values: Vec<Option<f64>>,
    /// The buyer's code per position (a filter, not a facet: too many values for bitmaps).
    buyer_of: Vec<u32>,
    buyers: Dictionary,
    /// The positions of the current summaries; the others were replaced.
    live: Bits,
    positions: HashMap<String, usize>,
    region: Column,
    method: Column,
    status: Column,
    category: Column,
    /// Keyed by the year as text.
    year: Column,
    /// Keyed by the range of [`VALUE_RANGES`], as the facet shows it.
    value_range: Column,
    /// The processes of each indicator code in the last flag run.
    flag_codes: Dictionary,
    flags: Vec<Bits>,
    words: Words,
}

impl Loaded {
    fn rows(&self) -> usize {
        self.ocids.len()
    }

    /// Replaces every process's flags by `flags` ((ocid, code) of the last flag run).
    fn set_flags(&mut self, flags: Vec<(String, String)>) {
        for rows in &mut self.flags {
            *rows = Bits::default();
        }
        for (ocid, code) in flags {
            let code = self.flag_codes.code(Some(code)) as usize;
            if code == self.flags.len() {
                self.flags.push(Bits::default());
            }
            if let Some(&position) = self.positions.get(&ocid) {
                self.flags[code].set(position);
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
            let position = self.rows();
            // The flags follow in `set_flags`, which every apply ends with.
            if let Some(old) = self.positions.insert(ocid.clone(), position) {
                self.live.clear(old);
            }
            self.live.set(position);
            self.region.push(position, region);
            self.method.push(position, method);
            self.status.push(position, status);
            self.category.push(position, category);
            self.year.push(position, year.map(|year| year.to_string()));
            self.value_range.push(
                position,
                value.map(|value| {
                    let (lower, upper) = VALUE_RANGES[value_bucket(value)];
                    value_range_key(lower, upper)
                }),
            );
            self.buyer_of.push(self.buyers.code(buyer));
            self.words.add(position as u32, &text);
            self.ocids.push(ocid);
            self.date_seconds.push(date_seconds);
            self.values.push(value);
        }
    }

    /// The live rows in `sort`'s order (ties by ocid, as SQL orders them).
    fn ordered(&self, sort: Sort) -> Vec<u32> {
        use rayon::prelude::*;
        let mut order: Vec<u32> = self.live.ones().map(|position| position as u32).collect();
        order.par_sort_unstable_by(|a, b| self.compare(sort, *a as usize, *b as usize));
        order
    }

    fn compare(&self, sort: Sort, a: usize, b: usize) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let by_value = |descending: bool| match (self.values[a], self.values[b]) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if descending => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
        };
        match sort {
            Sort::Newest => self.date_seconds[b].cmp(&self.date_seconds[a]),
            Sort::Oldest => self.date_seconds[a].cmp(&self.date_seconds[b]),
            Sort::ValueHigh => by_value(true),
            Sort::ValueLow => by_value(false),
        }
        .then_with(|| self.ocids[a].as_bytes().cmp(self.ocids[b].as_bytes()))
    }

    /// The rows passing the value bounds of `params` (`None`: no bound, every row).
    fn within_values(&self, params: &SearchParams) -> Option<Bits> {
        let bounds = [params.min_value, params.max_value, params.below_value];
        if bounds.iter().all(Option::is_none) {
            return None;
        }
        let mut found = Bits::empty(self.rows());
        for (position, value) in self.values.iter().enumerate() {
            if let Some(value) = *value
                && params.min_value.is_none_or(|min| value >= min)
                && params.max_value.is_none_or(|max| value <= max)
                && params.below_value.is_none_or(|below| value < below)
            {
                found.set(position);
            }
        }
        Some(found)
    }

    /// The rows of `buyer` (none when no row has it).
    fn of_buyer(&self, buyer: &str) -> Bits {
        let mut found = Bits::empty(self.rows());
        if let Some(code) = self.buyers.find(buyer) {
            for (position, of) in self.buyer_of.iter().enumerate() {
                if *of == code {
                    found.set(position);
                }
            }
        }
        found
    }

    /// The rows with a flag of `flag` (a code, or `any`).
    fn flagged(&self, flag: &str) -> Bits {
        if flag == "any" {
            let mut any = Bits::default();
            for rows in &self.flags {
                any.or(rows);
            }
            return any;
        }
        self.flag_codes
            .find(flag)
            .map(|code| self.flags[code as usize].clone())
            .unwrap_or_default()
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
    /// [`MATCH_CACHE_BYTES`].
    matches: Mutex<MatchCache>,
    /// The live rows in each sort order, for the loaded generation, made when first needed.
    orders: Mutex<Orders>,
}

/// The most bytes of bitmaps the match cache holds.
const MATCH_CACHE_BYTES: usize = 64 << 20;

#[derive(Default)]
struct MatchCache {
    generation: i64,
    bytes: usize,
    entries: HashMap<Vec<String>, Arc<Bits>>,
}

#[derive(Default)]
struct Orders {
    generation: i64,
    /// By [`sort_slot`].
    of: [Option<Arc<Vec<u32>>>; 4],
}

fn sort_slot(sort: Sort) -> usize {
    match sort {
        Sort::Newest => 0,
        Sort::Oldest => 1,
        Sort::ValueHigh => 2,
        Sort::ValueLow => 3,
    }
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

impl SearchIndex {
    /// The generation loaded so far.
    pub(crate) fn generation(&self) -> i64 {
        self.loaded.read().expect("the index lock").generation
    }

    /// How many processes the index holds (its live rows).
    pub(crate) fn processes(&self) -> usize {
        self.loaded.read().expect("the index lock").live.count()
    }

    /// Whether more rows are dead than live, so that loading the index afresh would halve it.
    pub(crate) fn wants_reload(&self) -> bool {
        let loaded = self.loaded.read().expect("the index lock");
        let live = loaded.live.count();
        loaded.rows() - live > live
    }

    /// Adds the rows written since the loaded generation (they hold every generation up to
    /// `generation`) and replaces the flags by those of the last flag run. With `afresh`, the
    /// rows are every summary and replace the index (built aside, then swapped in).
    pub(crate) fn apply(
        &self,
        columns: Vec<IndexColumns>,
        generation: i64,
        flags: Vec<(String, String)>,
        afresh: bool,
    ) {
        if afresh {
            let mut fresh = Loaded::default();
            fresh.apply(columns, generation);
            fresh.set_flags(flags);
            *self.loaded.write().expect("the index lock") = fresh;
            return;
        }
        let mut loaded = self.loaded.write().expect("the index lock");
        loaded.apply(columns, generation);
        loaded.set_flags(flags);
    }

    /// The rows whose text holds every word, from the cache or the vocabulary.
    fn matching(&self, loaded: &Loaded, words: &[String]) -> Arc<Bits> {
        {
            let cache = self.matches.lock().expect("the match cache lock");
            if cache.generation == loaded.generation
                && let Some(found) = cache.entries.get(words)
            {
                return Arc::clone(found);
            }
        }
        let mut found = loaded.live.clone();
        for word in words {
            found.and(&loaded.words.rows_holding(word, loaded.rows()));
        }
        let found = Arc::new(found);
        let bytes = found.0.len() * 8;
        let mut cache = self.matches.lock().expect("the match cache lock");
        if cache.generation != loaded.generation || cache.bytes + bytes > MATCH_CACHE_BYTES {
            cache.entries.clear();
            cache.bytes = 0;
            cache.generation = loaded.generation;
        }
        cache.bytes += bytes;
        cache.entries.insert(words.to_vec(), Arc::clone(&found));
        found
    }

    /// The live rows in `sort`'s order, made once per loaded generation.
    fn order(&self, loaded: &Loaded, sort: Sort) -> Arc<Vec<u32>> {
        let mut orders = self.orders.lock().expect("the order lock");
        if orders.generation != loaded.generation {
            *orders = Orders {
                generation: loaded.generation,
                ..Orders::default()
            };
        }
        Arc::clone(orders.of[sort_slot(sort)].get_or_insert_with(|| Arc::new(loaded.ordered(sort))))
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
        // The rows every facet is counted within: live, holding the words, of the buyer.
        let mut base = if words.is_empty() {
            loaded.live.clone()
        } else {
            Bits::clone(&self.matching(&loaded, words))
        };
        if let Some(buyer) = &params.buyer {
            base.and(&loaded.of_buyer(buyer));
        }
        // The facets' own filters.
        let mut filters: Vec<(Facet, Bits)> = Vec::new();
        for (facet, column, value) in [
            (Facet::Region, &loaded.region, &params.region),
            (Facet::Method, &loaded.method, &params.method),
            (Facet::Status, &loaded.status, &params.status),
            (Facet::Category, &loaded.category, &params.category),
        ] {
            if let Some(value) = value {
                filters.push((facet, column.filter(value)));
            }
        }
        if let Some(year) = params.year {
            filters.push((Facet::Year, loaded.year.filter(&year.to_string())));
        }
        if let Some(within) = loaded.within_values(params) {
            filters.push((Facet::Value, within));
        }
        if let Some(flag) = &params.flag {
            filters.push((Facet::Flag, loaded.flagged(flag)));
        }
        let mut matched = base.clone();
        for (_, rows) in &filters {
            matched.and(rows);
        }

        let mut facets = Vec::new();
        if !params.skip_facets {
            for facet in Facet::ALL {
                // Every filter but the facet's own.
                let own = filters.iter().any(|(of, _)| *of == facet);
                let scope = if own {
                    let mut scope = base.clone();
                    for (_, rows) in filters.iter().filter(|(of, _)| *of != facet) {
                        scope.and(rows);
                    }
                    std::borrow::Cow::Owned(scope)
                } else {
                    std::borrow::Cow::Borrowed(&matched)
                };
                let mut table = match facet {
                    Facet::Region => loaded.region.counts(&scope),
                    Facet::Method => loaded.method.counts(&scope),
                    Facet::Status => loaded.status.counts(&scope),
                    Facet::Category => loaded.category.counts(&scope),
                    Facet::Year => loaded.year.counts(&scope),
                    Facet::Value => loaded.value_range.counts(&scope),
                    Facet::Flag => loaded
                        .flag_codes
                        .values
                        .iter()
                        .zip(&loaded.flags)
                        .map(|(code, rows)| (code.clone(), rows.count_and(&scope) as i64))
                        .filter(|(_, count)| *count > 0)
                        .collect(),
                };
                table.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                table.truncate(60);
                facets.push((facet, table));
            }
        }

        let total = matched.count();
        let end = (offset + per_page).min(total);
        let page: Vec<usize> = if offset >= total {
            Vec::new()
        } else if total * 32 >= loaded.rows() {
            // Many match: walk the order until the page is full.
            let order = self.order(&loaded, params.sort);
            order
                .iter()
                .map(|position| *position as usize)
                .filter(|position| matched.holds(*position))
                .take(end)
                .skip(offset)
                .collect()
        } else {
            // Few match: order just them.
            let mut rows: Vec<usize> = matched.ones().collect();
            let order = |a: &usize, b: &usize| loaded.compare(params.sort, *a, *b);
            if end < rows.len() {
                rows.select_nth_unstable_by(end, order);
                rows.truncate(end);
            }
            rows.sort_unstable_by(order);
            rows.drain(..offset);
            rows
        };
        IndexAnswer {
            total: total as i64,
            facets,
            page: page
                .into_iter()
                .map(|position| loaded.ocids[position].clone())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(positions: &[usize]) -> Bits {
        let mut bits = Bits::default();
        for position in positions {
            bits.set(*position);
        }
        bits
    }

    #[test]
    fn bitmaps_hold_intersect_unite_and_count_positions() {
        let a = bits(&[0, 63, 64, 200]);
        let b = bits(&[63, 200, 1000]);
        assert_eq!(a.ones().collect::<Vec<_>>(), vec![0, 63, 64, 200]);
        assert!(a.holds(64) && !a.holds(65) && !a.holds(100_000));
        assert_eq!(a.count_and(&b), 2);
        let mut both = a.clone();
        both.and(&b);
        assert_eq!(both.ones().collect::<Vec<_>>(), vec![63, 200]);
        let mut either = a.clone();
        either.or(&b);
        assert_eq!(
            either.ones().collect::<Vec<_>>(),
            vec![0, 63, 64, 200, 1000]
        );
        assert_eq!(either.count(), 5);
        let mut fewer = either;
        fewer.clear(64);
        fewer.clear(5_000);
        assert_eq!(fewer.ones().collect::<Vec<_>>(), vec![0, 63, 200, 1000]);
    }

    #[test]
    fn a_stem_finds_every_text_it_is_a_substring_of_and_no_other() {
        let texts = [
            "капитальный ремонт кровли школы № 3",
            "«ремонт»,\tдороги\u{a0}жол-курулуш",
            "ремонтные работы",
            "поставка угля",
        ];
        let mut words = Words::default();
        for (position, text) in texts.iter().enumerate() {
            words.add(position as u32, text);
        }
        for stem in [
            "ремонт",
            "монт",
            "жол-кур",
            "угл",
            "школ",
            "№",
            "3",
            "кровли",
            "дорог",
            "ы",
            "зз",
            "t",
            "л-к",
        ] {
            let expected: Vec<usize> = (0..texts.len())
                .filter(|position| texts[*position].contains(stem))
                .collect();
            let found: Vec<usize> = words.rows_holding(stem, texts.len()).ones().collect();
            assert_eq!(found, expected, "{stem}");
        }
    }
}
