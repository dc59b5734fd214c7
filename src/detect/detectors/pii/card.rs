//! Payment card numbers (PAN), anchored on digit runs of ≥ 12 digits.
//!
//! A candidate is either one unbroken group of 12–19 digits or consecutive groups joined by
//! one consistent separator (space or `-`) in a card grouping: 4-4-4-4, 4-4-4-4-3, 4-6-5
//! (Amex), 4-6-4 (Diners), 4-4-4-4-2/4-4-4-3 are not accepted. It must not touch letters or
//! digits on either side, must fall in an issuer (IIN) range with a length that issuer uses,
//! and must pass Luhn. UnionPay (`62…`) numbers failing Luhn are accepted only with a card
//! context word (score 0.7). Same-digit bodies (`4444 4444 4444 4448`-like: every digit but
//! the check digit equal) are rejected. Processor test PANs (`4111…`, `4242…`) are reported
//! like any other PAN: telling test data apart is policy.

use std::borrow::Cow;

use super::util::{byte_at, byte_before, is_word, Keywords};
use crate::detect::checks::{all_same, luhn_valid};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const CONTEXT: Keywords = Keywords(&[
    "card",
    "credit",
    "debit",
    "visa",
    "mastercard",
    "amex",
    "cc",
    "pan",
    "cartao",
    "karte",
    "kreditkarte",
    "carte",
    "tarjeta",
    "carta",
    "kaart",
    "creditcard",
    "payment",
]);

/// The payment-card detector.
#[derive(Debug, Default, Clone)]
pub struct CardDetector;

/// Issuer (IIN) range and length check (table from DETECTORS §5.3). `Some(true)` for the
/// major schemes, `Some(false)` when only the broad Maestro range (`50`, `56–69`) matches.
fn iin(d: &[u8]) -> Option<bool> {
    let n = d.len();
    let p = |k: usize| -> u32 {
        d.iter()
            .take(k)
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'))
    };
    let (p1, p2, p3, p4, p6) = (p(1), p(2), p(3), p(4), p(6));
    let strong = (p1 == 4 && matches!(n, 13 | 16 | 19))
        || ((51..=55).contains(&p2) && n == 16)
        || ((2221..=2720).contains(&p4) && n == 16)
        || ((2200..=2204).contains(&p4) && n == 16)
        || ((p2 == 34 || p2 == 37) && n == 15)
        || ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&n))
        || ((622_126..=622_925).contains(&p6) && (16..=19).contains(&n))
        || ((3528..=3589).contains(&p4) && (16..=19).contains(&n))
        || (((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
            && (14..=19).contains(&n))
        || (p2 == 62 && (16..=19).contains(&n));
    if strong {
        Some(true)
    } else if (p2 == 50 || (56..=69).contains(&p2)) && (12..=19).contains(&n) {
        Some(false)
    } else {
        None
    }
}

/// Accepted group-length patterns for separated numbers.
const GROUPINGS: &[&[usize]] = &[&[4, 4, 4, 4], &[4, 4, 4, 4, 3], &[4, 6, 5], &[4, 6, 4]];

impl CardDetector {
    fn check(&self, text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
        let b = text.as_bytes();
        // Not glued to letters, digits, `_` or a decimal point on either side.
        if byte_before(b, start).is_some_and(|c| is_word(c) || c == b'.')
            || byte_at(b, end).is_some_and(is_word)
            || (byte_at(b, end) == Some(b'.')
                && byte_at(b, end + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            return;
        }
        let mut digits = [0u8; 19];
        let mut n = 0;
        for &c in &b[start..end] {
            if c.is_ascii_digit() {
                if n == 19 {
                    return;
                }
                digits[n] = c;
                n += 1;
            }
        }
        let d = &digits[..n];
        if n < 12 || all_same(&d[..n - 1]) {
            return;
        }
        let Some(strong) = iin(d) else {
            return;
        };
        let grouped = end - start != n;
        let score = if luhn_valid(d) {
            if strong || grouped || CONTEXT.near(text, start, end) {
                0.95
            } else {
                // Maestro-only range, bare digits, no context: too close to order ids.
                0.45
            }
        } else if d.starts_with(b"62") && CONTEXT.near(text, start, end) {
            0.7
        } else {
            return;
        };
        out.push(Finding {
            entity: Entity::CreditCard,
            start,
            end,
            score,
            detector: Cow::Borrowed("credit_card"),
        });
    }
}

impl Detector for CardDetector {
    fn name(&self) -> &'static str {
        "credit_card"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 12 }]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for h in hits {
            // Split the run into digit groups.
            groups.clear();
            let mut i = h.start;
            while i < h.end {
                let s = i;
                while i < h.end && b[i].is_ascii_digit() {
                    i += 1;
                }
                groups.push((s, i));
                i += 1; // separator
            }
            // Single unbroken groups.
            for &(s, e) in &groups {
                if (12..=19).contains(&(e - s)) {
                    self.check(cx.text, s, e, out);
                }
            }
            // Grouped forms with one consistent separator.
            for first in 0..groups.len() {
                for pat in GROUPINGS {
                    let Some(win) = groups.get(first..first + pat.len()) else {
                        continue;
                    };
                    if !win.iter().zip(pat.iter()).all(|(g, &l)| g.1 - g.0 == l) {
                        continue;
                    }
                    let sep = b[win[0].1];
                    if !matches!(sep, b' ' | b'-') || win.windows(2).any(|w| b[w[0].1] != sep) {
                        continue;
                    }
                    // Not part of a longer grouped number using the same separator.
                    let (s, e) = (win[0].0, win[win.len() - 1].1);
                    let glued_left = first > 0 && b[s - 1] == sep;
                    let glued_right = first + pat.len() < groups.len() && b[e] == sep;
                    if glued_left || glued_right {
                        continue;
                    }
                    self.check(cx.text, s, e, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, scores};
    use super::*;
    use crate::detect::checks::luhn_check_digit;

    fn make(body: &str) -> String {
        let c = luhn_check_digit(body.as_bytes()).unwrap();
        format!("{body}{}", char::from(c))
    }

    #[test]
    fn finds_cards() {
        let d = CardDetector;
        for body in [
            "411111111111111",
            "510510510510510",
            "222300000000000",
            "37828224631000",
            "601100000000000",
            "353011133330000",
            "3056930902590",
            "220012345678901",
        ] {
            let pan = make(body);
            let t = format!("card: {pan} ok");
            assert_eq!(found(&d, &t), vec![pan.as_str()], "{pan}");
        }
        assert_eq!(
            found(&d, "Visa 4111 1111 1111 1111, exp 12/27"),
            vec!["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(&d, "amex 3782-822463-10005"),
            vec!["3782-822463-10005"]
        );
        assert_eq!(
            found(&d, "4242-4242-4242-4242"),
            vec!["4242-4242-4242-4242"]
        );
    }

    #[test]
    fn rejects_non_cards() {
        let d = CardDetector;
        let bad_luhn = "4111111111111112";
        let epoch_us = "1705314153000000";
        for t in [
            bad_luhn,
            epoch_us,
            "id 41111111111111111111 x", // longer run
            "x4111111111111111",
            "4111111111111111abc",
            "4111 1111 1111 1111 1111", // five groups of four
            "4111 1111-1111 1111",      // mixed separators
            "9999999999999995",         // no issuer
            "4444444444444448",         // same-digit body
            "ab12cd34-4111-1111-1111-1111",
            "v1.4111111111111111",
            "sha 4111111111111111.5",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn unionpay_without_luhn_needs_context() {
        let d = CardDetector;
        let mut n = make("621234567890123");
        let last = n.pop().unwrap();
        n.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
        assert!(found(&d, &format!("ref {n}")).is_empty());
        assert_eq!(scores(&d, &format!("UnionPay card {n}")), vec![0.7]);
    }

    #[test]
    fn maestro_only_range_needs_grouping_or_context() {
        let d = CardDetector;
        let m = make("58000000001234");
        // Scored 0.45: below the engine's default minimum, so never redacted.
        assert!(found(&d, &format!("order {m}")).is_empty());
        assert_eq!(scores(&d, &format!("Maestro card {m}")), vec![0.95]);
    }
}
