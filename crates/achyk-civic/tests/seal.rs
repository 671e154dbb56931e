use achyk_civic::seal::*;

const CONTACT: &[u8] = "Айгүл, +996 555 123 456, Ош".as_bytes();

#[test]
fn round_trip_binary_and_base64() {
    let (private, public) = generate_key_pair().unwrap();
    let sealed = seal(&public, CONTACT).unwrap();
    assert_eq!(sealed[0], 1, "version byte");
    assert_eq!(sealed.len(), 1 + 32 + 24 + CONTACT.len() + 16);
    assert_eq!(open(&private, &sealed).unwrap(), CONTACT);
    let text = seal_base64(&public, CONTACT).unwrap();
    assert_eq!(open_base64(&private, &text).unwrap(), CONTACT);
    assert_eq!(open(&private, &seal(&public, b"").unwrap()).unwrap(), b"");
    // Keys survive base64.
    let private2 = SealPrivateKey::from_base64(&private.to_base64()).unwrap();
    let public2 = SealPublicKey::from_base64(&public.to_base64()).unwrap();
    assert_eq!(public2, public);
    assert_eq!(
        open(&private2, &seal(&public2, CONTACT).unwrap()).unwrap(),
        CONTACT
    );
}

#[test]
fn the_plaintext_is_not_in_the_ciphertext_and_equal_inputs_differ() {
    let (_, public) = generate_key_pair().unwrap();
    let a = seal(&public, CONTACT).unwrap();
    let b = seal(&public, CONTACT).unwrap();
    assert_ne!(a, b);
    assert_ne!(a[1..33], b[1..33], "fresh ephemeral key");
    assert!(!a.windows(8).any(|w| w == &CONTACT[..8]));
}

#[test]
fn wrong_key_fails() {
    let (_, public) = generate_key_pair().unwrap();
    let (other, _) = generate_key_pair().unwrap();
    assert_eq!(
        open(&other, &seal(&public, CONTACT).unwrap()),
        Err(SealError::Open)
    );
}

#[test]
fn any_tampering_fails() {
    let (private, public) = generate_key_pair().unwrap();
    let sealed = seal(&public, CONTACT).unwrap();
    for i in 1..sealed.len() {
        let mut t = sealed.clone();
        t[i] ^= 0x01;
        assert!(open(&private, &t).is_err(), "byte {i} flipped");
    }
    let mut v2 = sealed.clone();
    v2[0] = 2;
    assert_eq!(open(&private, &v2), Err(SealError::Version(2)));
    assert_eq!(
        open(&private, &sealed[..sealed.len() - 1]),
        Err(SealError::Open)
    );
    assert_eq!(open(&private, &sealed[..40]), Err(SealError::TooShort));
    assert_eq!(open(&private, &[]), Err(SealError::TooShort));
    assert_eq!(open_base64(&private, "not base64!"), Err(SealError::Base64));
    assert!(SealPublicKey::from_base64("AAAA").is_err());
}
