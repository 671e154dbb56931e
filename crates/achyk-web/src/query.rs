//! The search parameters of the tenders page and the API, read from the URL and checked: a
//! value that cannot be used (`page=-3`, `year=abc`, `sort=best`) is a 400 that names it,
//! never a silent default and never a 500.

use achyk_store::{SearchParams, Sort, VALUE_RANGES, value_range_key};
use serde::Deserialize;

/// The most results one page or API call returns.
pub const MAX_PER_PAGE: u32 = 200;

/// The query string as received: every value a string, checked by [`SearchQuery::to_search`].
#[derive(Debug, Deserialize, Default, Clone)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub region: Option<String>,
    pub method: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub year: Option<String>,
    pub buyer: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    /// A value range as the value facet names it (`100000-1000000`).
    pub value: Option<String>,
    /// A red flag's indicator code (`R003`), or `any`.
    pub flag: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// A query parameter that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query parameter {name}={value:?}: {expected}")]
pub struct BadParameter {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

fn parsed<T: std::str::FromStr>(
    name: &'static str,
    value: &Option<String>,
    expected: &'static str,
    valid: impl Fn(&T) -> bool,
) -> Result<Option<T>, BadParameter> {
    match filled(value) {
        None => Ok(None),
        Some(text) => match text.parse::<T>() {
            Ok(number) if valid(&number) => Ok(Some(number)),
            _ => Err(BadParameter {
                name,
                value: text,
                expected,
            }),
        },
    }
}

impl SearchQuery {
    /// The search this query asks for, `per_page` results a page unless it says otherwise.
    pub fn to_search(&self, per_page: u32) -> Result<SearchParams, BadParameter> {
        let page = parsed::<u32>("page", &self.page, "a page number from 1", |page| {
            (1..=100_000).contains(page)
        })?
        .unwrap_or(1);
        let per_page = parsed::<u32>(
            "per_page",
            &self.per_page,
            "a number of results from 1 to 200",
            |count| (1..=MAX_PER_PAGE).contains(count),
        )?
        .unwrap_or(per_page);
        let sort = match filled(&self.sort) {
            None => Sort::default(),
            Some(code) => Sort::from_code(&code).ok_or(BadParameter {
                name: "sort",
                value: code,
                expected: "newest, oldest, value-high or value-low",
            })?,
        };
        let amount = |name: &'static str, value: &Option<String>| {
            parsed::<f64>(name, value, "an amount in som, 0 or more", |amount| {
                amount.is_finite() && *amount >= 0.0
            })
        };
        let range = match filled(&self.value) {
            None => None,
            Some(key) => Some(
                VALUE_RANGES
                    .into_iter()
                    .find(|(lower, upper)| value_range_key(*lower, *upper) == key)
                    .ok_or(BadParameter {
                        name: "value",
                        value: key,
                        expected: "a range the value filter offers, such as 100000-1000000",
                    })?,
            ),
        };
        let mut min_value = amount("min", &self.min)?;
        if let Some((lower, _)) = range {
            min_value = Some(min_value.map_or(lower, |min: f64| min.max(lower)));
        }
        Ok(SearchParams {
            text: filled(&self.q),
            region: filled(&self.region),
            method: filled(&self.method),
            status: filled(&self.status),
            category: filled(&self.category),
            year: parsed::<i64>("year", &self.year, "a year such as 2024", |year| {
                (1990..=2100).contains(year)
            })?,
            buyer: filled(&self.buyer),
            participant: None,
            flag: match filled(&self.flag) {
                None => None,
                Some(flag)
                    if flag == "any"
                        || (flag.len() == 4
                            && flag.starts_with('R')
                            && flag[1..].bytes().all(|byte| byte.is_ascii_digit())) =>
                {
                    Some(flag)
                }
                Some(flag) => {
                    return Err(BadParameter {
                        name: "flag",
                        value: flag,
                        expected: "any, or an indicator code such as R003",
                    });
                }
            },
            min_value,
            max_value: amount("max", &self.max)?,
            below_value: range.and_then(|(_, upper)| upper),
            sort,
            skip_facets: false,
            page: page - 1,
            per_page,
        })
    }

    /// The query string of this search at another page (other parameters kept, in a fixed
    /// order, empty ones left out).
    pub fn at_page(&self, page: u32) -> String {
        let mut pairs = self.pairs();
        pairs.push(("page", page.to_string()));
        join(&pairs)
    }

    /// The query string of this search's text, filters and order, without paging: what a
    /// download of the whole search takes.
    pub fn without_paging(&self) -> String {
        let pairs: Vec<(&str, String)> = self
            .pairs()
            .into_iter()
            .filter(|(name, _)| *name != "per_page")
            .collect();
        join(&pairs)
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("region", &self.region),
            ("method", &self.method),
            ("status", &self.status),
            ("category", &self.category),
            ("year", &self.year),
            ("buyer", &self.buyer),
            ("min", &self.min),
            ("max", &self.max),
            ("value", &self.value),
            ("flag", &self.flag),
            ("sort", &self.sort),
            ("per_page", &self.per_page),
        ] {
            if let Some(value) = filled(value) {
                pairs.push((name, value));
            }
        }
        pairs
    }
}

fn join(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> SearchQuery {
        let text: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect();
        serde_urlencoded_like(&text.join("&"))
    }

    /// The query string as axum's `Query` reads it.
    fn serde_urlencoded_like(text: &str) -> SearchQuery {
        let uri: axum::http::Uri = format!("/?{text}").parse().unwrap();
        axum::extract::Query::<SearchQuery>::try_from_uri(&uri)
            .unwrap()
            .0
    }

    #[test]
    fn unusable_values_name_the_parameter() {
        for (name, value) in [
            ("page", "-3"),
            ("page", "0"),
            ("page", "two"),
            ("per_page", "1000"),
            ("year", "abc"),
            ("year", "20245"),
            ("min", "-1"),
            ("max", "NaN"),
            ("sort", "best"),
            ("value", "5-10"),
        ] {
            let error = query(&[(name, value)]).to_search(25).unwrap_err();
            assert_eq!((error.name, error.value.as_str()), (name, value));
        }
    }

    #[test]
    fn usable_values_make_the_search() {
        let search = query(&[
            ("q", " школа "),
            ("page", "3"),
            ("year", "2024"),
            ("min", "1000.5"),
            ("sort", "value-low"),
        ])
        .to_search(25)
        .unwrap();
        assert_eq!(search.text.as_deref(), Some("школа"));
        assert_eq!((search.page, search.per_page), (2, 25));
        assert_eq!(search.year, Some(2024));
        assert_eq!(search.min_value, Some(1000.5));
        assert_eq!(search.sort, Sort::ValueLow);
        // Empty values are no filter.
        assert_eq!(
            query(&[("region", ""), ("page", "")])
                .to_search(10)
                .unwrap()
                .region,
            None
        );
    }

    #[test]
    fn another_page_keeps_the_other_parameters() {
        let search = query(&[("q", "кровля"), ("page", "2"), ("region", "KG-C")]);
        assert_eq!(
            search.at_page(3),
            "q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D1%8F&region=KG-C&page=3"
        );
    }
}
