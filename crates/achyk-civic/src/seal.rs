//! Contact details sealed to a public key whose private key the server does not hold.
//!
//! Format, version 1 (then base64 for text storage):
//! `0x01 ‖ ephemeral X25519 public key (32) ‖ nonce (24) ‖ XChaCha20-Poly1305 ciphertext+tag`.
//! The key is HKDF-SHA256 of the X25519 shared secret, salted with the ephemeral and the
//! recipient public keys, info `achyk seal v1`; the version byte and ephemeral key are
//! authenticated as associated data. A fresh ephemeral key and nonce come from the OS for
//! every seal, so equal contacts give different ciphertexts.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

const VERSION: u8 = 1;
const HEADER: usize = 1 + 32 + 24;
const INFO: &[u8] = b"achyk seal v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    #[error("not a sealed message: too short")]
    TooShort,
    #[error("unsupported sealed-message version {0}")]
    Version(u8),
    #[error("the sealed message cannot be opened with this key, or it was altered")]
    Open,
    #[error("a key is 32 bytes in base64")]
    BadKey,
    #[error("not base64")]
    Base64,
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(b)
}

/// The public half: given to the server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SealPublicKey(PublicKey);

/// The private half: kept by the CSO, never by the server.
pub struct SealPrivateKey(StaticSecret);

impl SealPublicKey {
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }
    pub fn from_base64(s: &str) -> Result<SealPublicKey, SealError> {
        Ok(SealPublicKey(PublicKey::from(key_bytes(s)?)))
    }
}

impl SealPrivateKey {
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }
    pub fn from_base64(s: &str) -> Result<SealPrivateKey, SealError> {
        Ok(SealPrivateKey(StaticSecret::from(key_bytes(s)?)))
    }
    pub fn public_key(&self) -> SealPublicKey {
        SealPublicKey(PublicKey::from(&self.0))
    }
}

fn key_bytes(s: &str) -> Result<[u8; 32], SealError> {
    let v = STANDARD.decode(s.trim()).map_err(|_| SealError::BadKey)?;
    v.try_into().map_err(|_| SealError::BadKey)
}

/// A new key pair from the OS random generator.
pub fn generate_key_pair() -> Result<(SealPrivateKey, SealPublicKey), SealError> {
    let private = SealPrivateKey(StaticSecret::from(random::<32>()?));
    let public = private.public_key();
    Ok((private, public))
}

fn cipher(shared: &[u8; 32], eph: &PublicKey, recipient: &PublicKey) -> XChaCha20Poly1305 {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(eph.as_bytes());
    salt[32..].copy_from_slice(recipient.as_bytes());
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), shared)
        .expand(INFO, &mut key)
        .expect("32 bytes is a valid HKDF length");
    XChaCha20Poly1305::new(&key.into())
}

/// Seals `plaintext` to `to`.
pub fn seal(to: &SealPublicKey, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let eph_secret = StaticSecret::from(random::<32>()?);
    let eph = PublicKey::from(&eph_secret);
    let shared = eph_secret.diffie_hellman(&to.0);
    if !shared.was_contributory() {
        return Err(SealError::BadKey);
    }
    let nonce = random::<24>()?;
    let mut out = Vec::with_capacity(HEADER + plaintext.len() + 16);
    out.push(VERSION);
    out.extend_from_slice(eph.as_bytes());
    let aad = out.clone();
    let ct = cipher(shared.as_bytes(), &eph, &to.0)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Open)?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a sealed message with the private key.
pub fn open(key: &SealPrivateKey, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.is_empty() {
        return Err(SealError::TooShort);
    }
    if sealed[0] != VERSION {
        return Err(SealError::Version(sealed[0]));
    }
    if sealed.len() < HEADER + 16 {
        return Err(SealError::TooShort);
    }
    let eph_bytes: [u8; 32] = sealed[1..33].try_into().expect("32 bytes");
    let eph = PublicKey::from(eph_bytes);
    let shared = key.0.diffie_hellman(&eph);
    if !shared.was_contributory() {
        return Err(SealError::Open);
    }
    let nonce: [u8; 24] = sealed[33..HEADER].try_into().expect("24 bytes");
    let nonce = XNonce::from(nonce);
    cipher(shared.as_bytes(), &eph, &PublicKey::from(&key.0))
        .decrypt(
            &nonce,
            Payload {
                msg: &sealed[HEADER..],
                aad: &sealed[..33],
            },
        )
        .map_err(|_| SealError::Open)
}

/// [`seal`], as base64 text.
pub fn seal_base64(to: &SealPublicKey, plaintext: &[u8]) -> Result<String, SealError> {
    Ok(STANDARD.encode(seal(to, plaintext)?))
}

/// [`open`] of base64 text.
pub fn open_base64(key: &SealPrivateKey, sealed: &str) -> Result<Vec<u8>, SealError> {
    open(
        key,
        &STANDARD
            .decode(sealed.trim())
            .map_err(|_| SealError::Base64)?,
    )
}
