//! Red flags in words: each stored flag becomes its title, why it matters and one sentence per
//! fact, in the page's language (`locales/*/flags.ftl`: `flag-<CODE>-title`, `flag-<CODE>-why`,
//! `flagfact-<fact code>` with the fact's numbers and texts as variables).

use achyk_store::StoredFlag;
use serde_json::Value;

use crate::i18n::{Arg, Tr};

/// One flag as a page shows it.
pub struct FlagView {
    pub code: String,
    pub title: String,
    pub why: String,
    pub facts: Vec<String>,
}

/// Numbers shown as amounts (grouped digits) rather than counts.
fn is_amount(name: &str) -> bool {
    name.ends_with("amount")
}

/// A share or fence, to two decimals at most.
fn is_ratio(name: &str) -> bool {
    matches!(name, "difference" | "fence")
}

/// The words of one stored fact (`{"code", "numbers", "texts"}`).
pub fn fact_sentence(tr: &Tr, fact: &Value) -> Option<String> {
    let code = fact.get("code")?.as_str()?;
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut numbers: Vec<(String, f64)> = Vec::new();
    for (name, value) in fact.get("numbers")?.as_object()? {
        let number = value.as_f64()?;
        if is_amount(name) {
            texts.push((name.clone(), tr.number(number)));
        } else if is_ratio(name) {
            texts.push((name.clone(), format!("{:.2}", number)));
        } else {
            numbers.push((name.clone(), number));
        }
    }
    for (name, value) in fact.get("texts")?.as_object()? {
        texts.push((name.clone(), value.as_str()?.to_string()));
    }
    let mut arguments: Vec<(&str, Arg<'_>)> = Vec::new();
    for (name, text) in &texts {
        arguments.push((name, Arg::Text(text)));
    }
    for (name, number) in &numbers {
        arguments.push((name, Arg::Number(*number)));
    }
    let sentence = tr.t_with(&format!("flagfact-{code}"), &arguments);
    // A fact of one lot of a multi-lot process says which lot.
    match texts.iter().find(|(name, _)| name == "lot") {
        Some((_, lot)) => Some(tr.t_with(
            "flag-in-lot",
            &[("lot", Arg::Text(lot)), ("fact", Arg::Text(&sentence))],
        )),
        None => Some(sentence),
    }
}

/// The flags as a page shows them, in the order given.
pub fn flag_views(tr: &Tr, flags: &[StoredFlag]) -> Vec<FlagView> {
    flags
        .iter()
        .map(|flag| {
            let facts = serde_json::from_str::<Value>(&flag.facts)
                .ok()
                .and_then(|facts| facts.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|fact| fact_sentence(tr, fact))
                .collect();
            FlagView {
                code: flag.code.clone(),
                title: tr.t(&format!("flag-{}-title", flag.code)),
                why: tr.t(&format!("flag-{}-why", flag.code)),
                facts,
            }
        })
        .collect()
}
