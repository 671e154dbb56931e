//! Passwords, one-time codes and tokens for accounts.
//!
//! - Passwords: Argon2id (v19, the crate's default parameters: 19 MiB, 2 passes, 1 lane, the
//!   OWASP minimum) with a 16-byte random salt, stored as a PHC string. Verification reads the
//!   parameters from the stored string, so raising them later keeps old hashes valid.
//! - TOTP (RFC 6238): HMAC-SHA1, 30-second steps, 6 digits, a 20-byte secret shown in base32
//!   (RFC 4648, no padding) for authenticator apps. A code is accepted for the current step and
//!   one step either side; the caller records the step used so a code works once.
//! - Tokens (sessions): 32 random bytes in URL-safe base64; only their SHA-256 is stored.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("the system random generator failed: {0}")]
    Random(String),
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    #[error("not base32: {0:?}")]
    Base32(String),
}

fn random<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| AuthError::Random(error.to_string()))?;
    Ok(bytes)
}

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD: usize = 10;

/// An Argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = random::<16>()?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AuthError::Hash(error.to_string()))
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

/// A hash to verify against when an account does not exist, so that a wrong address takes as
/// long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default())
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for byte in bytes {
        buffer = (buffer << 8) | u64::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// RFC 4648 base32, ignoring case, spaces and padding.
pub fn base32_decode(text: &str) -> Result<Vec<u8>, AuthError> {
    let mut out = Vec::new();
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let upper = c.to_ascii_uppercase() as u8;
        let value = BASE32
            .iter()
            .position(|symbol| *symbol == upper)
            .ok_or_else(|| AuthError::Base32(text.to_owned()))?;
        buffer = (buffer << 5) | value as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Ok(out)
}

/// A new TOTP secret, in base32.
pub fn new_totp_secret() -> Result<String, AuthError> {
    Ok(base32_encode(&random::<20>()?))
}

/// The TOTP step of a Unix time (30-second steps from the epoch).
pub fn totp_step(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(30)
}

/// The HOTP value (RFC 4226) of `key` at `counter`, with `digits` digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The step whose 6-digit code `code` is, among the current step and one either side; `None`
/// when it matches none (or the secret is not base32).
pub fn totp_matching_step(secret_base32: &str, code: &str, unix_seconds: i64) -> Option<i64> {
    let key = base32_decode(secret_base32).ok()?;
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = totp_step(unix_seconds);
    [now, now - 1, now + 1]
        .into_iter()
        .find(|step| *step >= 0 && hotp(&key, *step as u64, 6) == wanted)
}

/// The `otpauth://` address an authenticator app reads (typed, or from a QR code elsewhere).
pub fn otpauth_uri(secret_base32: &str, account: &str) -> String {
    let label: String = account
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("otpauth://totp/Achyk:{label}?secret={secret_base32}&issuer=Achyk&digits=6&period=30")
}

/// A new session token and the hash to store for it.
pub fn new_token() -> Result<(String, String), AuthError> {
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random::<32>()?);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// What is stored for a token: its SHA-256 in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two strings in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
