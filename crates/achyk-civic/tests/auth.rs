//! Passwords, one-time codes and tokens. Expected values come from the standards' own test
//! vectors: RFC 4226 appendix D (HOTP), RFC 6238 appendix B (TOTP, SHA-1), RFC 4648 §10
//! (base32).

use achyk_civic::auth::{
    base32_decode, base32_encode, hash_password, hotp, new_token, otpauth_uri, same, token_hash,
    totp_matching_step, verify_password,
};

#[test]
fn hotp_matches_rfc_4226_appendix_d() {
    let key = b"12345678901234567890";
    let expected = [
        755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
    ];
    for (counter, value) in expected.iter().enumerate() {
        assert_eq!(hotp(key, counter as u64, 6), *value, "counter {counter}");
    }
}

#[test]
fn totp_matches_rfc_6238_appendix_b() {
    let key = b"12345678901234567890";
    for (time, value) in [
        (59u64, 94287082u32),
        (1111111109, 7081804),
        (1111111111, 14050471),
        (1234567890, 89005924),
        (2000000000, 69279037),
        (20000000000, 65353130),
    ] {
        assert_eq!(hotp(key, time / 30, 8), value, "time {time}");
    }
}

#[test]
fn a_code_matches_its_step_and_one_either_side_only() {
    let secret = base32_encode(b"12345678901234567890");
    // At T = 59 the 8-digit code is 94287082; its last six digits are the 6-digit code.
    assert_eq!(totp_matching_step(&secret, "287082", 59), Some(1));
    assert_eq!(totp_matching_step(&secret, "287 082", 59 + 30), Some(1));
    assert_eq!(totp_matching_step(&secret, "287082", 59 - 30), Some(1));
    assert_eq!(totp_matching_step(&secret, "287082", 59 + 60), None);
    assert_eq!(totp_matching_step(&secret, "28708", 59), None);
    assert_eq!(totp_matching_step(&secret, "abcdef", 59), None);
    assert_eq!(totp_matching_step("not base32!", "287082", 59), None);
}

#[test]
fn base32_matches_rfc_4648_section_10() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "MY"),
        ("fo", "MZXQ"),
        ("foo", "MZXW6"),
        ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ] {
        assert_eq!(base32_encode(plain.as_bytes()), encoded);
        assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
    }
    assert_eq!(base32_decode("mzxw6ytboi======").unwrap(), b"foobar");
    assert!(base32_decode("MZ1").is_err());
}

#[test]
fn passwords_verify_and_nothing_else_does() {
    let stored = hash_password("a long enough passphrase").unwrap();
    assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
    assert!(verify_password("a long enough passphrase", &stored));
    assert!(!verify_password("a long enough passphrasE", &stored));
    assert!(!verify_password("a long enough passphrase", "not a hash"));
    // Salted: the same password hashes differently.
    assert_ne!(stored, hash_password("a long enough passphrase").unwrap());
}

#[test]
fn tokens_are_random_and_stored_as_sha256() {
    let (token, hash) = new_token().unwrap();
    let (other, _) = new_token().unwrap();
    assert_ne!(token, other);
    assert_eq!(token.len(), 43);
    assert_eq!(hash, token_hash(&token));
    // SHA-256("abc") from FIPS 180-2, appendix B.1.
    assert_eq!(
        token_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(same("abc", "abc"));
    assert!(!same("abc", "abd"));
    assert!(!same("abc", "abcd"));
}

#[test]
fn the_authenticator_address_escapes_the_account() {
    assert_eq!(
        otpauth_uri("MZXW6", "a b@x.kg"),
        "otpauth://totp/Achyk:a%20b@x.kg?secret=MZXW6&issuer=Achyk&digits=6&period=30"
    );
}
