//! Crypto wallet addresses: Bitcoin legacy (base58check P2PKH/P2SH), Bitcoin SegWit
//! (bech32 `bc1q…` / bech32m `bc1p…`), Ethereum (EIP-55).
//!
//! Trigger: digit runs only — the `0` of `0x`, the `1` of `bc1` and the digits of any base58
//! address. A hit is dropped after a few bytes unless it starts `0x`, or a letter touches it
//! and the alphanumeric word it is in starts `1`/`3` (the start found walking back at most 35
//! bytes) or with `bc` right before the run; then the word around it is examined once.
//! Measured (clean criterion corpus, see `pii/mod.rs`): 18.8 → 15.7 M instructions, most of
//! the digit runs of log lines (UUIDs, timestamps) now rejected without scanning their word. Checksummed forms score 0.95. An all-lower/all-upper
//! Ethereum address carries no checksum and is common in contract code, so it needs a wallet
//! context word (0.8); a mixed-case one failing EIP-55 is rejected.

use std::borrow::Cow;

use super::util::{alnum_span, byte_at, byte_before, in_class, is_word, Keywords, ALNUM};
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
        // One digit-run trigger covers all three shapes: the `0` of `0x`, the `1` of `bc1`,
        // and the digits every base58 address contains. Literal `0x`/`bc1` triggers would
        // fire constantly on code and hex dumps for nothing.
        vec![Trigger::DigitRun { min_digits: 1 }]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut covered = 0;
        for h in hits {
            if h.start < covered {
                continue;
            }
            let s = h.start;
            // Ethereum: `0x` + 40 hex.
            if b[s] == b'0' && byte_at(b, s + 1) == Some(b'x') {
                let e = s + 42;
                if byte_before(b, s).is_some_and(is_word)
                    || b.get(s + 2..e)
                        .is_none_or(|x| !x.iter().all(u8::is_ascii_hexdigit))
                    || byte_at(b, e).is_some_and(is_word)
                {
                    continue;
                }
                covered = e;
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
                continue;
            }
            // Cheap reject: the word around the first digit group must contain letters. The
            // first group ends at a run separator (never a letter) or at the run's end, so
            // without a letter on either side of the run it is done before any scanning.
            let letter_left = byte_before(b, s).is_some_and(|c| c.is_ascii_alphabetic());
            if !letter_left && !byte_at(b, h.end).is_some_and(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            // Exact pre-reject: a word the checks below accept starts with `1`/`3` (base58,
            // at most 35 bytes) or `bc1` (SegWit, the `1` being this run). Without a letter
            // before the run the word starts at it; otherwise find its start walking back at
            // most 35 bytes. A run rejected here would have covered its word, but every later
            // run of that word finds the same start and is rejected too, and none of them
            // starts `0x` (it follows a letter). Most digit runs of logs (UUIDs, timestamps)
            // end here without the forward scan of the word.
            if letter_left {
                let back = &b[s.saturating_sub(35)..s];
                let ws = s - back
                    .iter()
                    .rev()
                    .take_while(|&&c| in_class(c, ALNUM))
                    .count();
                let legacy = s - ws < 35 && matches!(b[ws], b'1' | b'3');
                let segwit =
                    s - ws == 2 && b[s] == b'1' && b[ws] | 0x20 == b'b' && b[ws + 1] | 0x20 == b'c';
                if !legacy && !segwit {
                    continue;
                }
            } else if !matches!(b[s], b'1' | b'3') {
                continue;
            }
            let first_end = b[s..h.end]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(h.end, |p| s + p);
            let letter_right = byte_at(b, first_end).is_some_and(|c| c.is_ascii_alphabetic());
            if !letter_left && !letter_right {
                continue;
            }
            let (ws, we) = alnum_span(b, s, first_end);
            covered = we;
            if byte_before(b, ws) == Some(b'_') || byte_at(b, we) == Some(b'_') {
                continue;
            }
            let Some(word) = cx.text.get(ws..we) else {
                continue;
            };
            let wb = word.as_bytes();
            // SegWit: `bc1…` (the `1` is this digit run).
            if wb.len() >= 14 && wb[..3].eq_ignore_ascii_case(b"bc1") {
                if btc_segwit_address_valid(word) {
                    push(out, ws, we, 0.95);
                }
                continue;
            }
            // Legacy base58check: 26–35 chars starting `1` or `3`.
            if (26..=35).contains(&wb.len())
                && matches!(wb[0], b'1' | b'3')
                && btc_base58_address_valid(word)
            {
                push(out, ws, we, 0.95);
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
