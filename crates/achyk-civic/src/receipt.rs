//! Receipt codes for anonymous reporters.
//!
//! A code is 20 symbols of Crockford's base32 (digits and letters without I, L, O, U), each
//! drawn from 5 random bits of the operating system's generator: 100 bits, shown in five
//! groups of four (`7K3M-…`). Parsing ignores case, spaces and dashes and reads the
//! confusable letters I and L as 1 and O as 0. The server stores only an HMAC-SHA256 of the
//! canonical code keyed with a server secret, and compares in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols in a code.
pub const SYMBOLS: usize = 20;
/// Random bits in a code.
pub const BITS: usize = SYMBOLS * 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("a receipt code has {SYMBOLS} letters and digits, this one has {0}")]
    Length(usize),
    #[error("{0:?} cannot be in a receipt code (it uses digits and letters other than I, L, O, U)")]
    Symbol(char),
    #[error("the server secret must be at least 32 bytes")]
    ShortSecret,
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    #[error("a stored receipt hash is 64 hexadecimal digits")]
    BadHash,
}

/// A receipt code (never logged: `Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct ReceiptCode([u8; SYMBOLS]);

impl ReceiptCode {
    /// A fresh code from the OS random generator.
    pub fn generate() -> Result<ReceiptCode, ReceiptError> {
        let mut bytes = [0u8; SYMBOLS];
        getrandom::fill(&mut bytes).map_err(|e| ReceiptError::Random(e.to_string()))?;
        // 32 divides 256, so the low 5 bits of a uniform byte are uniform.
        Ok(ReceiptCode(bytes.map(|b| ALPHABET[usize::from(b & 31)])))
    }

    /// Reads a code as a person typed it.
    pub fn parse(input: &str) -> Result<ReceiptCode, ReceiptError> {
        let mut out = Vec::with_capacity(SYMBOLS);
        for c in input.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(ReceiptError::Symbol(c));
            }
            out.push(c as u8);
        }
        let len = out.len();
        out.try_into()
            .map(ReceiptCode)
            .map_err(|_| ReceiptError::Length(len))
    }

    /// The canonical form hashed: 20 symbols, upper case, no separators.
    pub fn canonical(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }

    /// Keyed hash for storage.
    pub fn hash(&self, secret: &ServerSecret) -> ReceiptHash {
        ReceiptHash(secret.mac(self).finalize().into_bytes().into())
    }

    /// Whether this code is the one whose hash was stored (constant-time comparison).
    pub fn matches(&self, secret: &ServerSecret, stored: &ReceiptHash) -> bool {
        secret.mac(self).verify_slice(&stored.0).is_ok()
    }
}

impl fmt::Display for ReceiptCode {
    /// Five groups of four, joined by dashes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).expect("ASCII"))?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode(<hidden>)")
    }
}

/// The server's key for receipt hashes (at least 32 bytes, from configuration).
pub struct ServerSecret(Vec<u8>);

impl ServerSecret {
    pub fn new(bytes: &[u8]) -> Result<ServerSecret, ReceiptError> {
        if bytes.len() < 32 {
            return Err(ReceiptError::ShortSecret);
        }
        Ok(ServerSecret(bytes.to_vec()))
    }

    /// 32 bytes from the OS random generator, for a new secret file.
    pub fn random_bytes() -> Result<[u8; 32], ReceiptError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| ReceiptError::Random(e.to_string()))?;
        Ok(bytes)
    }

    fn mac(&self, code: &ReceiptCode) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"achyk receipt v1\0");
        mac.update(&code.0);
        mac
    }
}

/// What is stored: HMAC-SHA256 of the canonical code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptHash(pub [u8; 32]);

impl ReceiptHash {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(s: &str) -> Result<ReceiptHash, ReceiptError> {
        if s.len() != 64 || !s.is_ascii() {
            return Err(ReceiptError::BadHash);
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| ReceiptError::BadHash)?;
        }
        Ok(ReceiptHash(out))
    }
}
