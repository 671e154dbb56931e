//! The site's three languages. Every user-visible word comes from `locales/{ky,ru,en}/*.ftl`
//! (Project Fluent; one file per area of the site), embedded in the binary; a test checks that
//! each area's file defines the same messages in all three languages, so no page can show a
//! key or fall back to another language.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language of the site, as it appears first in every page URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ky,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ky, Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language's own name, for the language switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Ky => "Кыргызча",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// The best language for an `Accept-Language` header: the first of its tags (by weight,
    /// then order) that names one of ours, else Kyrgyz.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::Ky;
        };
        let mut choices: Vec<(f32, usize, Lang)> = Vec::new();
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = pieces
                .filter_map(|piece| piece.trim().strip_prefix("q="))
                .find_map(|value| value.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary)
                && weight > 0.0
            {
                choices.push((weight, position, lang));
            }
        }
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map_or(Lang::Ky, |choice| choice.2)
    }
}

/// (language, file name, Fluent source) of every `locales/{lang}/*.ftl`, listed by `build.rs`.
const SOURCES: &[(Lang, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/locales.rs"));

struct Catalogue {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut bundles = HashMap::new();
        for lang in Lang::ALL {
            let language = lang.code().parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            // Invisible bidi isolation marks around arguments would end up in the HTML.
            bundle.set_use_isolating(false);
            for (_, file, source) in SOURCES.iter().filter(|(of, _, _)| *of == lang) {
                let resource =
                    FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| {
                        panic!("locales/{}/{file}: {errors:?}", lang.code())
                    });
                bundle.add_resource(resource).unwrap_or_else(|errors| {
                    panic!("locales/{}/{file} redefines {errors:?}", lang.code())
                });
            }
            bundles.insert(lang, bundle);
        }
        Catalogue { bundles }
    })
}

/// The messages of one language, as templates use them.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The message `id`; a missing one shows as its id (the locale test prevents that).
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments, given as (name, value) pairs; numbers format with the
    /// language's plural rules.
    pub fn t_with(&self, id: &str, arguments: &[(&str, Arg<'_>)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in arguments {
            match value {
                Arg::Text(text) => args.set(*name, FluentValue::from(text.to_string())),
                // Whole numbers go in as integers, so plural rules see no fraction digits.
                Arg::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                    args.set(*name, FluentValue::from(*number as i64))
                }
                Arg::Number(number) => args.set(*name, FluentValue::from(*number)),
            }
        }
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &catalogue().bundles[&self.lang];
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            return id.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// A whole number with the language's digit grouping (a narrow no-break space in Kyrgyz
    /// and Russian, a comma in English).
    pub fn number(&self, value: f64) -> String {
        let negative = value < 0.0;
        let digits = format!("{:.0}", value.abs());
        let separator = match self.lang {
            Lang::En => ",",
            Lang::Ky | Lang::Ru => "\u{202f}",
        };
        let mut grouped = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                grouped.push_str(separator);
            }
            grouped.push(digit);
        }
        if negative {
            format!("−{grouped}")
        } else {
            grouped
        }
    }

    /// An amount of money: the number, then the currency (`сом` for KGS).
    pub fn money(&self, amount: f64, currency: &str) -> String {
        let unit = match currency {
            "KGS" => self.t("currency-kgs"),
            other => other.to_string(),
        };
        format!("{}\u{a0}{unit}", self.number(amount))
    }
}

/// A message argument.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(f64),
}

/// The ids of the messages a locale source defines.
pub fn message_ids(source: &str) -> Vec<String> {
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| {
        panic!("a locale does not parse: {errors:?}");
    });
    let mut ids: Vec<String> = resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// The locale sources as (language, file name, source), for tests.
pub fn sources() -> &'static [(Lang, &'static str, &'static str)] {
    SOURCES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_locales_define_the_same_messages() {
        let files = |lang: Lang| -> Vec<&str> {
            SOURCES
                .iter()
                .filter(|(of, _, _)| *of == lang)
                .map(|(_, file, _)| *file)
                .collect()
        };
        let english_files = files(Lang::En);
        assert!(english_files.contains(&"site.ftl"));
        assert_eq!(
            files(Lang::Ky),
            english_files,
            "locales/ky and locales/en differ"
        );
        assert_eq!(
            files(Lang::Ru),
            english_files,
            "locales/ru and locales/en differ"
        );
        let source = |lang: Lang, file: &str| {
            SOURCES
                .iter()
                .find(|(of, name, _)| *of == lang && *name == file)
                .map(|(_, _, source)| *source)
                .unwrap()
        };
        for file in english_files {
            let english = message_ids(source(Lang::En, file));
            assert!(!english.is_empty(), "locales/en/{file} is empty");
            for lang in [Lang::Ky, Lang::Ru] {
                assert_eq!(
                    message_ids(source(lang, file)),
                    english,
                    "locales/{}/{file} and locales/en/{file} differ",
                    lang.code()
                );
            }
        }
    }

    /// Words Kyrgyz shares with Russian (loanwords and the site's name); every other Kyrgyz
    /// message must be translated, not copied.
    const SAME_IN_KYRGYZ_AND_RUSSIAN: &[&str] = &[
        "site-name",
        "currency-kgs",
        "section-timeline",
        "column-lot",
        "column-classification",
        "column-item",
        "fact-category",
        "fact-identifier",
        "nav-analytics",
        "developers-licence",
        "developers-bulk-size",
        "project-budget",
        "project-sector-economy",
        "project-sector-energy",
        "project-timeline",
    ];

    /// Names that are the same in every language.
    const SAME_EVERYWHERE: &[&str] = &["developers-api", "project-summary-what"];

    #[test]
    fn kyrgyz_messages_are_not_copies_of_russian_or_english_ones() {
        let kyrgyz_sources = SOURCES.iter().filter(|(lang, _, _)| *lang == Lang::Ky);
        for id in kyrgyz_sources.flat_map(|(_, _, source)| message_ids(source)) {
            let kyrgyz = Tr::new(Lang::Ky).t(&id);
            let russian = Tr::new(Lang::Ru).t(&id);
            let english = Tr::new(Lang::En).t(&id);
            if SAME_EVERYWHERE.contains(&id.as_str()) {
                continue;
            }
            assert_ne!(kyrgyz, english, "{id} is English in ky.ftl");
            if !SAME_IN_KYRGYZ_AND_RUSSIAN.contains(&id.as_str()) {
                assert_ne!(kyrgyz, russian, "{id} is Russian in ky.ftl");
            }
        }
    }

    #[test]
    fn accept_language_picks_ours_by_weight_else_kyrgyz() {
        assert_eq!(Lang::negotiate(None), Lang::Ky);
        assert_eq!(Lang::negotiate(Some("ru-RU,ru;q=0.9,en;q=0.8")), Lang::Ru);
        assert_eq!(Lang::negotiate(Some("de-DE,en;q=0.5,ru;q=0.7")), Lang::Ru);
        assert_eq!(Lang::negotiate(Some("de, fr")), Lang::Ky);
        assert_eq!(Lang::negotiate(Some("en;q=0, ky;q=0.1")), Lang::Ky);
        assert_eq!(Lang::negotiate(Some("EN-gb")), Lang::En);
    }

    #[test]
    fn numbers_group_digits_per_language() {
        assert_eq!(Tr::new(Lang::En).number(4_750_000.0), "4,750,000");
        assert_eq!(
            Tr::new(Lang::Ru).number(4_750_000.0),
            "4\u{202f}750\u{202f}000"
        );
        assert_eq!(Tr::new(Lang::Ky).number(950.0), "950");
        assert_eq!(Tr::new(Lang::En).number(-1000.0), "−1,000");
    }
}
