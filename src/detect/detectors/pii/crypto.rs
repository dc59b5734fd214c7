//! Crypto wallet addresses: Bitcoin legacy (base58check P2PKH/P2SH), Bitcoin SegWit
//! (bech32 `bc1q…` / bech32m `bc1p…`), Ethereum (EIP-55).
//!
//! Triggers: literals `bc1` and `0x`, and digit runs (a base58 address starting `1`/`3`
//! always contains digits; the hit is dropped unless the alphanumeric word around it is a
//! 26–35-char word starting `1`/`3`). Checksummed forms score 0.95. An all-lower/all-upper
//! Ethereum address carries no checksum and is common in contract code, so it needs a wallet
//! context word (0.8); a mixed-case one failing EIP-55 is rejected.

use std::borrow::Cow;

use super::util::{alnum_span, byte_at, byte_before, is_word, Keywords};
use crate::detect::checks::{btc_base58_address_valid, btc_segwit_address_valid, eip55_valid};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const CONTEXT: Keywords = Keywords(&[
    "wallet",
    "btc",
    "bitcoin",
    "eth",
    "ether",
    "ethereum",
    "crypto",
    "metamask",
    "recipient",
    "carteira",
    "wallet adresse",
    "portefeuille",
    "billetera",
    "cartera",
    "portafoglio",
    "portemonnee",
]);

/// Crypto wallet addresses.
#[derive(Debug, Default, Clone)]
pub struct CryptoWalletDetector;

fn push(out: &mut Vec<Finding>, s: usize, e: usize, score: f32) {
    out.push(Finding {
        entity: Entity::CryptoWallet,
        start: s,
        end: e,
        score,
        detector: Cow::Borrowed("crypto_wallet"),
    });
}

impl Detector for CryptoWalletDetector {
    fn name(&self) -> &'static str {
        "crypto_wallet"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![
            Trigger::Literal(Cow::Borrowed("bc1")),
            Trigger::Literal(Cow::Borrowed("0x")),
            Trigger::DigitRun { min_digits: 1 },
        ]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        // Hits already examined, per trigger (a `0x` hit and the digit run `0` share a start).
        let mut covered = [0usize; 3];
        for h in hits {
            if h.start < covered.get(h.trigger).copied().unwrap_or(0) {
                continue;
            }
            match h.trigger {
                0 => {
                    let (s, e) = alnum_span(b, h.start, h.end);
                    covered[0] = e;
                    if s != h.start
                        || byte_before(b, s) == Some(b'_')
                        || byte_at(b, e) == Some(b'_')
                    {
                        continue;
                    }
                    if let Some(txt) = cx.text.get(s..e) {
                        if btc_segwit_address_valid(txt) {
                            push(out, s, e, 0.95);
                        }
                    }
                }
                1 => {
                    let s = h.start;
                    let e = s + 42;
                    if byte_before(b, s).is_some_and(is_word)
                        || b.get(s + 2..e)
                            .is_none_or(|x| !x.iter().all(u8::is_ascii_hexdigit))
                        || byte_at(b, e).is_some_and(is_word)
                        || b[s + 1] != b'x'
                    {
                        continue;
                    }
                    covered[1] = e;
                    let hex = &b[s + 2..e];
                    let lower = !hex.iter().any(u8::is_ascii_uppercase);
                    let upper = !hex.iter().any(u8::is_ascii_lowercase);
                    if lower || upper {
                        if CONTEXT.near(cx.text, s, e) {
                            push(out, s, e, 0.8);
                        }
                    } else if eip55_valid(hex) {
                        push(out, s, e, 0.95);
                    }
                }
                _ => {
                    let (s, e) = alnum_span(b, h.start, h.end);
                    covered[2] = e;
                    if !(26..=35).contains(&(e - s))
                        || !matches!(b[s], b'1' | b'3')
                        || byte_before(b, s) == Some(b'_')
                        || byte_at(b, e) == Some(b'_')
                    {
                        continue;
                    }
                    if let Some(txt) = cx.text.get(s..e) {
                        if btc_base58_address_valid(txt) {
                            push(out, s, e, 0.95);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, scores};
    use super::*;
    use crate::detect::checks::{base58check_encode, bech32_encode, eip55_encode, Bech32Variant};

    #[test]
    fn bitcoin() {
        let d = CryptoWalletDetector;
        for a in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            assert_eq!(found(&d, &format!("send to {a}.")), vec![a], "{a}");
        }
        let gen = base58check_encode(&[0u8; 21]);
        assert_eq!(found(&d, &gen), vec![gen.as_str()]);
        // 32-byte witness v0 program (P2WSH).
        let mut data = vec![0u8];
        data.extend(std::iter::repeat_n(7u8, 52));
        let wsh = bech32_encode("bc", &data, Bech32Variant::Bech32).unwrap();
        assert_eq!(found(&d, &wsh), vec![wsh.as_str()]);
        for t in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            "x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            "abc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "12345678901234567890123456789",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn ethereum() {
        let d = CryptoWalletDetector;
        let mixed = format!(
            "0x{}",
            eip55_encode(b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").unwrap()
        );
        assert_eq!(found(&d, &format!("to {mixed}")), vec![mixed.as_str()]);
        let lower = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
        assert!(found(&d, &format!("mapping {lower};")).is_empty());
        assert_eq!(scores(&d, &format!("my ETH wallet: {lower}")), vec![0.8]);
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(found(&d, bad).is_empty());
        assert!(found(&d, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").is_empty());
        assert!(found(&d, "mask 0xFF and 0x1234").is_empty());
    }
}
