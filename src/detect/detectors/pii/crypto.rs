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

/// Byte classes of the hot loop: [`LETTER`], [`ALNUM`] (one table load per test, one table
/// base register for both).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if c.is_ascii_alphabetic() {
            t[i] |= LETTER;
        }
        if c.is_ascii_alphanumeric() {
            t[i] |= ALNUM;
        }
        i += 1;
    }
    t
};
/// ASCII letters.
const LETTER: u8 = 1;
/// ASCII letters and digits.
const ALNUM: u8 = 2;

/// True when the byte at `i` exists and is in `class` (`i` may be `usize::MAX`: none).
#[inline(always)]
fn class_at(b: &[u8], i: usize, class: u8) -> bool {
    b.get(i).is_some_and(|&c| CLASS[c as usize] & class != 0)
}

/// True when `c` is an ASCII letter or digit.
#[inline(always)]
fn alnum(c: u8) -> bool {
    CLASS[c as usize] & ALNUM != 0
}

/// End of the run of ASCII letters and digits starting at `i` (`i <= b.len()`), eight bytes
/// per step while they all are.
fn alnum_end(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = b.get(i..i + 8).and_then(|w| <&[u8; 8]>::try_from(w).ok()) {
        if w.iter().fold(ALNUM, |m, &c| m & CLASS[c as usize]) == 0 {
            break;
        }
        i += 8;
    }
    b.get(i..)
        .and_then(|r| r.iter().position(|&c| !alnum(c)))
        .map_or(b.len(), |p| i + p)
}

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
            let s = h.start;
            if s < covered {
                continue;
            }
            // Cheap reject: the word around the first digit group must contain letters. The
            // first group ends at a run separator (never a letter) or at the run's end, so
            // without a letter on either side of the run it is done before any scanning. An
            // `0x` run is the lone `0` (`x` ends a digit run) with the `x` right after it, so
            // it is never rejected here. The right side first: most runs have no letter there.
            if !class_at(b, h.end, LETTER) && !class_at(b, s.wrapping_sub(1), LETTER) {
                continue;
            }
            let letter_left = class_at(b, s.wrapping_sub(1), LETTER);
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
            // Exact pre-reject: a word the checks below accept starts with `1`/`3` (base58,
            // at most 35 bytes) or `bc1` (SegWit, the `1` being this run). Without a letter
            // before the run the word starts at it; otherwise find its start walking back at
            // most 35 bytes. Every later run of a word rejected here finds the same start (or
            // one 35 bytes back, farther than `1`/`3` may be; `bc1` would need the `1` two bytes
            // after the start, where this run's digit is not `b`/`c`) and is rejected too, and
            // none of them starts `0x` (it follows a letter). So a rejected word is skipped to
            // its end (`covered`): a long token (base64 blob, key, hash) costs one walk over
            // its bytes instead of up to 35 bytes back from each of its digit runs. Most digit
            // runs of logs (UUIDs, timestamps) end here without the forward scan of the word.
            if letter_left {
                // Most such words are short (`v18`, `sha256`, `go1`): a word starting with
                // the letter right before the run starts neither `1`/`3` nor `bc1`.
                if !class_at(b, s.wrapping_sub(2), ALNUM) {
                    continue;
                }
                let lo = s.saturating_sub(35);
                let ws = b[lo..s]
                    .iter()
                    .rposition(|&c| !alnum(c))
                    .map_or(lo, |p| lo + p + 1);
                let legacy = s - ws < 35 && matches!(b[ws], b'1' | b'3');
                let segwit =
                    s - ws == 2 && b[s] == b'1' && b[ws] | 0x20 == b'b' && b[ws + 1] | 0x20 == b'c';
                if !legacy && !segwit {
                    covered = alnum_end(b, s);
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
    // The reference walks with the shared byte classes, as the detector did.
    use super::super::util::{in_class, ALNUM};

    /// The detector before the shortcuts of `detect` (a rejected word skipped to its end, the
    /// cheap reject ahead of the `0x` test, short words rejected from the byte before the letter): the reference of the differential test.
    fn reference_detect(cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
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

    /// [`reference_detect`] as a detector, run through a real engine like the one under test.
    #[derive(Debug, Clone)]
    struct Reference;

    impl Detector for Reference {
        fn name(&self) -> &'static str {
            "crypto_wallet"
        }
        fn triggers(&self) -> Vec<Trigger> {
            CryptoWalletDetector.triggers()
        }
        fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
            reference_detect(cx, hits, out);
        }
    }

    /// Generated texts: wallet addresses (valid, corrupted, glued to letters, digits and
    /// `_`), long base64/hex tokens with many digit runs, `bc1`/`0x` fragments, words and
    /// separators. The detector must report exactly what the reference reports.
    #[test]
    fn matches_reference() {
        let mut state = 0x6a09_e667_f3bc_c908u64;
        let mut next = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let mut v0 = vec![0u8];
        v0.extend(std::iter::repeat_n(7u8, 32));
        let mut v1 = vec![1u8];
        v1.extend(std::iter::repeat_n(3u8, 52));
        let eth = format!(
            "0x{}",
            eip55_encode(b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").unwrap_or_default()
        );
        let addrs: Vec<String> = vec![
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".into(),
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy".into(),
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".into(),
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4".into(),
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0".into(),
            base58check_encode(&[0u8; 21]),
            base58check_encode(&[5u8; 21]),
            bech32_encode("bc", &v0, Bech32Variant::Bech32).unwrap_or_default(),
            bech32_encode("bc", &v1, Bech32Variant::Bech32m).unwrap_or_default(),
            eth.clone(),
            eth.to_ascii_lowercase(),
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD".into(),
        ];
        let words = [
            "wallet", "ETH", "send", "to", "x", "ab", "bc", "bc1", "0x", "1", "3", "13", "a1",
            "b3", "Zz9", "_", "q", "BTC", "12345", "0x12", "3x", "1A", "bc1q",
        ];
        let seps = [
            " ", "", "", "-", ".", "/", ":", "_", "\n", "=", " 1 ", "é", "+",
        ];
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let same = |t: &str| {
            let got = super::super::tests::run(&CryptoWalletDetector, t);
            let want = super::super::tests::run(&Reference, t);
            let key = |f: &Finding| (f.start, f.end, f.score.to_bits(), f.entity.clone());
            assert_eq!(
                got.iter().map(key).collect::<Vec<_>>(),
                want.iter().map(key).collect::<Vec<_>>(),
                "{t:?}"
            );
            want.len()
        };
        // A rejected word (skipped to its end) right before a wallet address.
        for (t, n) in [
            ("xAb12cd 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1),
            ("xAb12cd3e:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", 1),
            ("Ab12cd3e+bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 1),
            (
                "ETH wallet zz9q8w7e6r5t4y3u2i1o0p=0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                1,
            ),
        ] {
            assert_eq!(same(t), n, "{t:?}");
        }
        let (mut texts, mut found_any) = (0, 0);
        for _ in 0..6000 {
            let mut t = String::new();
            for _ in 0..1 + next(10) {
                match next(8) {
                    0 | 1 => {
                        let mut a = addrs[next(addrs.len())].clone();
                        if next(4) == 0 {
                            // Corrupt, cut or extend it.
                            let mut bytes = a.into_bytes();
                            match next(3) {
                                0 => {
                                    let i = next(bytes.len());
                                    bytes[i] = B58[next(B58.len())];
                                }
                                1 => bytes.truncate(next(bytes.len() + 1)),
                                _ => bytes.push(B58[next(B58.len())]),
                            }
                            a = String::from_utf8(bytes).unwrap_or_default();
                        }
                        t.push_str(&a);
                    }
                    2 | 3 => {
                        // A long token with many digit runs, sometimes starting `1`/`3`/`bc1`.
                        let alphabet = if next(3) == 0 { B58 } else { B64 };
                        t.push_str(["", "1", "3", "bc1", "0x", "x"][next(6)]);
                        for _ in 0..next(120) {
                            t.push(char::from(alphabet[next(alphabet.len())]));
                        }
                    }
                    4 => {
                        for _ in 0..next(60) {
                            t.push(char::from(b"0123456789abcdefABCDEF"[next(22)]));
                        }
                    }
                    _ => t.push_str(words[next(words.len())]),
                }
                t.push_str(seps[next(seps.len())]);
            }
            let n = same(&t);
            texts += 1;
            found_any += usize::from(n > 0);
        }
        assert_eq!(texts, 6000);
        assert!(found_any > 500, "{found_any}");
    }

    /// The eight-byte step of `alnum_end` against a byte loop on random words (letters and
    /// digits, sometimes any byte), from every kind of start.
    #[test]
    fn alnum_end_matches_byte_loop() {
        let naive = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&j| !b[j].is_ascii_alphanumeric())
                .unwrap_or(b.len())
        };
        let mut state = 0x3c6e_f372_fe94_f82bu64;
        let mut next = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        for _ in 0..20_000 {
            let len = next(40);
            let b: Vec<u8> = (0..len)
                .map(|_| {
                    if next(12) == 0 {
                        next(256) as u8
                    } else {
                        b"ABCxyz0189"[next(10)]
                    }
                })
                .collect();
            let i = next(len + 1);
            assert_eq!(alnum_end(&b, i), naive(&b, i), "{b:?} from {i}");
        }
    }

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
