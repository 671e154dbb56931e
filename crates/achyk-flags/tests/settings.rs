//! Cardinal's INI settings: accepted as written in its docs; unknown keys and sections rejected
//! with a message naming them and the known ones.

use achyk_flags::Settings;

#[test]
fn cardinal_documented_settings_are_read() {
    let settings = Settings::from_ini(
        "currency = KGS\nno_price_comparison_procurement_methods = Direct|Single\n\n\
         [exclusions]\nprocurement_method_details = Test\n\n\
         [R003]\nthreshold = 15 # default\nprocurement_methods = open|selective|limited\n\n\
         [R003.procurement_method_details]\nCotización = 7\nLicitación de Seguros = 10\n\n\
         [R025]\npercentile = 75\nthreshold = 0.05\n[R038]\nminimum_submitted_bids = 3\n\
         [R048]\ndigits = 3\n[R058]\n[defaults]\ncurrency = USD\n",
    )
    .unwrap();
    assert_eq!(settings.currency.as_deref(), Some("KGS"));
    let r003 = settings.r003.unwrap();
    assert_eq!(r003.threshold, Some(15));
    assert_eq!(r003.procurement_method_details["Licitación de Seguros"], 10);
    assert!(settings.r058.is_some() && settings.r024.is_none());
    assert!(
        settings
            .excluded_procurement_method_details
            .contains("Test")
    );
}

#[test]
fn unknown_key_names_it_and_the_known_ones() {
    let error = Settings::from_ini("[R038]\nthreshold = 0.5\nminimum_bids = 2\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 3: unknown key `minimum_bids` in [R038]; known keys: threshold, \
         minimum_submitted_bids, minimum_contracting_processes"
    );
}

#[test]
fn unknown_global_key() {
    let error = Settings::from_ini("curency = KGS\n").unwrap_err();
    assert!(
        error.to_string().starts_with(
            "line 1: unknown key `curency` in the global section; known keys: currency,"
        )
    );
}

#[test]
fn unknown_section_names_it() {
    let error = Settings::from_ini("[R999]\n").unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(
            "line 1: unknown section [R999]; known sections: exclusions, thresholds, R003, R010"
        ),
        "{message}"
    );
}

#[test]
fn bad_value_names_the_expected_kind() {
    let error = Settings::from_ini("[R003]\nthreshold = soon\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 2: `threshold` in [R003] must be an integer, not `soon`"
    );
}
