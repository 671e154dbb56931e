use achyk_civic::receipt::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashSet;

fn secret() -> ServerSecret {
    ServerSecret::new(&[7u8; 32]).unwrap()
}

#[test]
fn codes_have_100_bits_in_groups_of_the_crockford_alphabet() {
    const { assert!(BITS >= 100) };
    let code = ReceiptCode::generate().unwrap();
    let shown = code.to_string();
    assert_eq!(shown.len(), 24);
    let groups: Vec<_> = shown.split('-').collect();
    assert_eq!(groups.len(), 5);
    assert!(groups.iter().all(|g| g.len() == 4));
    assert!(
        shown
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert!(!shown.contains(['I', 'L', 'O', 'U']));
    assert!(
        !format!("{code:?}").contains(code.canonical()),
        "Debug must hide the code"
    );
}

#[test]
fn codes_are_random() {
    // 1000 codes of 100 bits: a collision would mean a broken generator.
    let codes: HashSet<String> = (0..1000)
        .map(|_| ReceiptCode::generate().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 1000);
    // Every symbol of the alphabet appears in 1000 x 20 draws (each missing with p ~ e^-625).
    let all: HashSet<char> = codes
        .iter()
        .flat_map(|c| c.chars())
        .filter(|&c| c != '-')
        .collect();
    assert_eq!(all.len(), 32);
}

#[test]
fn parsing_is_tolerant_of_case_spaces_dashes_and_confusables() {
    let code = ReceiptCode::parse("0123-4567-89AB-CDEF-GHJK").unwrap();
    assert_eq!(code.canonical(), "0123456789ABCDEFGHJK");
    for typed in [
        "o123 4567 89ab cdef ghjk",
        "O1234567-89ABCDEFGHJK",
        "0i23-4567-89ab-cdef-ghjk",
        "0l23 4567\t89AB-CDEF GHJK",
    ] {
        assert_eq!(ReceiptCode::parse(typed).unwrap(), code, "{typed}");
    }
    assert_eq!(
        ReceiptCode::parse("0123-4567").unwrap_err(),
        ReceiptError::Length(8)
    );
    assert_eq!(
        ReceiptCode::parse("0123-4567-89AB-CDEF-GHJKM").unwrap_err(),
        ReceiptError::Length(21)
    );
    assert_eq!(
        ReceiptCode::parse("U123-4567-89AB-CDEF-GHJK").unwrap_err(),
        ReceiptError::Symbol('U')
    );
    assert_eq!(
        ReceiptCode::parse("0123-4567-89AB-CDEF-GHJ*").unwrap_err(),
        ReceiptError::Symbol('*')
    );
    assert!(matches!(
        ReceiptCode::parse("0123-4567-89AB-CDEF-GHJЖ"),
        Err(ReceiptError::Symbol(_))
    ));
}

#[test]
fn hash_is_hmac_sha256_of_the_canonical_code_and_verifies() {
    let s = secret();
    let code = ReceiptCode::parse("0123-4567-89AB-CDEF-GHJK").unwrap();
    let stored = code.hash(&s);
    // Independent computation with the documented construction.
    let mut mac = Hmac::<Sha256>::new_from_slice(&[7u8; 32]).unwrap();
    mac.update(b"achyk receipt v1\0");
    mac.update(b"0123456789ABCDEFGHJK");
    assert_eq!(stored.0, <[u8; 32]>::from(mac.finalize().into_bytes()));
    assert!(
        ReceiptCode::parse("o123 4567 89ab cdef ghjk")
            .unwrap()
            .matches(&s, &stored)
    );
    assert!(
        !ReceiptCode::parse("0123-4567-89AB-CDEF-GHJM")
            .unwrap()
            .matches(&s, &stored)
    );
    let other = ServerSecret::new(&[8u8; 32]).unwrap();
    assert!(
        !code.matches(&other, &stored),
        "another server secret gives another hash"
    );
    assert_eq!(ReceiptHash::from_hex(&stored.to_hex()).unwrap(), stored);
    assert!(ReceiptHash::from_hex("zz").is_err());
    assert!(ServerSecret::new(b"short").is_err());
}
