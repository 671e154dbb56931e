//! Searching and filtering processes by their summary rows, the same on both backends.
//!
//! A search matches words, not whole phrases: every word of the query must occur in a
//! process's text. A word is reduced to its stem first (Russian and Kyrgyz endings off, see
//! [`stem`]) and matched as a substring of the lowercased text, so that an inflected word finds
//! its other forms: «школы» finds «школа» and «школе», «мектептерге» finds «мектеп».

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Latest release first.
    #[default]
    Newest,
    Oldest,
    ValueHigh,
    ValueLow,
}

impl Sort {
    pub fn code(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::ValueHigh => "value-high",
            Sort::ValueLow => "value-low",
        }
    }

    pub fn from_code(code: &str) -> Option<Sort> {
        [Sort::Newest, Sort::Oldest, Sort::ValueHigh, Sort::ValueLow]
            .into_iter()
            .find(|sort| sort.code() == code)
    }

    pub(crate) fn order_by(self) -> &'static str {
        // Missing values go last whichever way values are sorted; ocid breaks ties so that
        // both backends give one order.
        match self {
            Sort::Newest => "date_seconds DESC, ocid",
            Sort::Oldest => "date_seconds, ocid",
            Sort::ValueHigh => "value_amount IS NULL, value_amount DESC, ocid",
            Sort::ValueLow => "value_amount IS NULL, value_amount, ocid",
        }
    }
}

/// A search: text and filters, each optional, as the site's URLs carry them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    pub text: Option<String>,
    pub region: Option<String>,
    pub method: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub year: Option<i64>,
    pub buyer: Option<String>,
    /// An organisation and a role it plays in the process (`supplier`, `tenderer`, …).
    pub participant: Option<(String, String)>,
    /// Processes with this red flag (an indicator code such as `R003`), or with any (`any`),
    /// as the last `achyk flags` run stored them.
    pub flag: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    /// Values below this one only (the upper bound of a value range, excluded).
    pub below_value: Option<f64>,
    pub sort: Sort,
    /// Leave the facet counts out (an export pages through every row and needs none).
    pub skip_facets: bool,
    /// From 0.
    pub page: u32,
    pub per_page: u32,
}

/// A facet a search result counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Region,
    Method,
    Status,
    Category,
    Year,
    /// The estimated value's range: `0-100000`, `100000-1000000`, `1000000-10000000` or
    /// `10000000-` (lower bound included, upper excluded), as [`VALUE_RANGES`] lists them.
    Value,
    /// The red flags raised on the processes, by indicator code (a process counts once under
    /// each of its codes).
    Flag,
}

/// The value ranges of [`Facet::Value`], in som: (lower, upper) with upper excluded.
pub const VALUE_RANGES: [(f64, Option<f64>); 4] = [
    (0.0, Some(100_000.0)),
    (100_000.0, Some(1_000_000.0)),
    (1_000_000.0, Some(10_000_000.0)),
    (10_000_000.0, None),
];

/// The key of a value range, as [`Facet::Value`] counts it and URLs carry it.
pub fn value_range_key(lower: f64, upper: Option<f64>) -> String {
    match upper {
        Some(upper) => format!("{lower:.0}-{upper:.0}"),
        None => format!("{lower:.0}-"),
    }
}

impl Facet {
    pub const ALL: [Facet; 7] = [
        Facet::Region,
        Facet::Method,
        Facet::Status,
        Facet::Category,
        Facet::Year,
        Facet::Value,
        Facet::Flag,
    ];

    /// The column (or expression) a facet groups by; flags are not a column of the summaries
    /// (searches count them from `flag_results`), so grouping by them groups nothing.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Facet::Flag => "NULL",
            Facet::Region => "region",
            Facet::Method => "method",
            Facet::Status => "status",
            Facet::Category => "category",
            Facet::Year => "year",
            Facet::Value => {
                "(CASE WHEN value_amount IS NULL THEN NULL \
                 WHEN value_amount < 100000 THEN '0-100000' \
                 WHEN value_amount < 1000000 THEN '100000-1000000' \
                 WHEN value_amount < 10000000 THEN '1000000-10000000' \
                 ELSE '10000000-' END)"
            }
        }
    }
}

/// What a buyer's processes add up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuyerStats {
    pub processes: i64,
    /// Sum of the estimated values given in KGS.
    pub value_kgs: f64,
    /// Processes with at least one bid, and those with exactly one.
    pub with_bids: i64,
    pub single_bid: i64,
    pub bids: i64,
    pub direct: i64,
}

/// Processes grouped by one facet, with what analytics show of each group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupStats {
    /// The facet's value ("" when missing).
    pub key: String,
    pub processes: i64,
    /// Sum of the estimated values given in KGS.
    pub value_kgs: f64,
    pub with_bids: i64,
    pub single_bid: i64,
    pub direct: i64,
    /// Processes with at least one red flag in the last flag run.
    pub flagged: i64,
    /// Awards: each (process, supplier) pair once.
    pub awards: i64,
    /// The awards of the group's three suppliers with the most (how concentrated it is).
    pub top_supplier_awards: i64,
}

/// One process in a result list.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSummaryRow {
    pub ocid: String,
    pub title: Option<String>,
    pub buyer_id: Option<String>,
    pub buyer_name: Option<String>,
    /// The buyer's Kyrgyz name, when the data gives one.
    pub buyer_name_ky: Option<String>,
    pub region: Option<String>,
    pub method: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub date: String,
    pub value_amount: Option<f64>,
    pub value_currency: Option<String>,
    pub bids: i64,
}

/// A page of results, how many there are in all, and the facet counts. Each facet is counted
/// with every filter applied but its own, so it shows what choosing another value would give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResult {
    pub rows: Vec<ProcessSummaryRow>,
    pub total: i64,
    /// Per facet, (value, processes), most processes first; a missing value is "".
    pub facets: Vec<(Facet, Vec<(String, i64)>)>,
}

/// The stem a search word is matched by: the lowercased word without one Russian or Kyrgyz
/// inflectional ending, never shorter than three letters (many Kyrgyz roots have three:
/// жол, суу), and words of three letters or fewer are left whole.
pub fn stem(word: &str) -> String {
    // Longest first. Russian noun and adjective case endings; Kyrgyz plural, case and
    // possessive suffixes in their vowel-harmony variants.
    const ENDINGS: &[&str] = &[
        // Kyrgyz, plural followed by a case or possessive ending.
        "лардын",
        "лердин",
        "лордун",
        "лөрдүн",
        "тардын",
        "тердин",
        "тордун",
        "төрдүн",
        "дардын",
        "дердин",
        "дордун",
        "дөрдүн",
        "ларга",
        "лерге",
        "лорго",
        "лөргө",
        "тарга",
        "терге",
        "торго",
        "төргө",
        "дарга",
        "дерге",
        "дорго",
        "дөргө",
        "ларды",
        "лерди",
        "лорду",
        "лөрдү",
        "тарды",
        "терди",
        "торду",
        "төрдү",
        "дарды",
        "дерди",
        "дорду",
        "дөрдү",
        "ларда",
        "лерде",
        "лордо",
        "лөрдө",
        "тарда",
        "терде",
        "тордо",
        "төрдө",
        "дарда",
        "дерде",
        "дордо",
        "дөрдө",
        "лардан",
        "лерден",
        "лордон",
        "лөрдөн",
        "тардан",
        "терден",
        "тордон",
        "төрдөн",
        "дардан",
        "дерден",
        "дордон",
        "дөрдөн",
        // Kyrgyz, one suffix.
        "лар",
        "лер",
        "лор",
        "лөр",
        "тар",
        "тер",
        "тор",
        "төр",
        "дар",
        "дер",
        "дор",
        "дөр",
        "нын",
        "нин",
        "нун",
        "нүн",
        "дын",
        "дин",
        "дун",
        "дүн",
        "тын",
        "тин",
        "тун",
        "түн",
        "дан",
        "ден",
        "дон",
        "дөн",
        "тан",
        "тен",
        "тон",
        "төн",
        "нан",
        "нен",
        "нон",
        "нөн",
        // Russian.
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "иях",
        "ией",
        "ость",
        "ой",
        "ей",
        "ий",
        "ый",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ых",
        "их",
        "ов",
        "ев",
        "ам",
        "ям",
        "ах",
        "ях",
        "ом",
        "ем",
        "ию",
        "ия",
        "ии",
        // Both: single letters (Kyrgyz dative, accusative, possessive; Russian cases).
        "га",
        "ге",
        "го",
        "гө",
        "ка",
        "ке",
        "ко",
        "кө",
        "ны",
        "ни",
        "ну",
        "нү",
        "ды",
        "ди",
        "ду",
        "дү",
        "ты",
        "ти",
        "ту",
        "тү",
        "да",
        "де",
        "до",
        "дө",
        "та",
        "те",
        "то",
        "тө",
        "сы",
        "си",
        "су",
        "сү",
        "а",
        "я",
        "о",
        "е",
        "ы",
        "и",
        "у",
        "ю",
        "ь",
        "ү",
        "ө",
    ];
    let lower = word.to_lowercase();
    let letters = lower.chars().count();
    for ending in ENDINGS {
        if let Some(stem) = lower.strip_suffix(ending)
            && stem.chars().count() >= 3
            && letters > 3
        {
            return stem.to_string();
        }
    }
    lower
}

/// The words of a query as LIKE patterns (`%stem%`). Words are split at every character that
/// is not a letter, digit or hyphen, so no pattern holds a LIKE wildcard or escape.
pub(crate) fn patterns(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|word| !word.is_empty())
        .take(12)
        .map(|word| format!("%{}%", stem(word)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forms of one word must share the stem, or the stem of one must be found in the other.
    fn finds(query: &str, text: &str) -> bool {
        text.to_lowercase().contains(&stem(query))
    }

    #[test]
    fn russian_inflections_find_each_other() {
        for (query, text) in [
            ("школы", "ремонт школа №3"),
            ("школе", "капитальный ремонт школы"),
            ("ремонта", "Капитальный ремонт кровли"),
            ("кровли", "ремонт кровля"),
            ("дороги", "строительство дороги и дорог"),
            ("медикаментов", "закупка медикаменты"),
            ("больница", "районной больницы"),
        ] {
            assert!(finds(query, text), "{query} in {text}");
        }
    }

    #[test]
    fn kyrgyz_inflections_find_each_other() {
        // Forms made with the Kyrgyz plural, case and possessive suffixes of one noun.
        for (query, text) in [
            ("мектептерге", "мектеп куруу"),
            ("мектептин", "мектепке жол"),
            ("ооруканалар", "аймактык оорукана"),
            ("жолдордун", "жол оңдоо"),
            ("китептерди", "китеп сатып алуу"),
        ] {
            assert!(finds(query, text), "{query} in {text}");
        }
    }

    #[test]
    fn short_words_are_matched_whole() {
        assert_eq!(stem("ГУ"), "гу");
        assert_eq!(stem("жол"), "жол");
        assert_eq!(stem("суу"), "суу");
        assert_eq!(stem("вода"), "вод");
    }

    #[test]
    fn patterns_never_hold_like_wildcards() {
        assert_eq!(patterns("100%_x"), vec!["%100%", "%x%"]);
        assert_eq!(patterns("a\\b"), vec!["%a%", "%b%"]);
        assert_eq!(patterns("  "), Vec::<String>::new());
    }
}
