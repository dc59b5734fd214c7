//! IP addresses (v4 and v6) and MAC addresses.
//!
//! # Which IP addresses are personal data (decision, DETECTORS §5.9)
//! Only **globally routable** addresses are flagged by default: EU case law treats an IP that
//! can be linked to a subscriber as personal data. Never flagged: unspecified, loopback,
//! `0/8`, broadcast and `240/4`, multicast (`224/4`, `ff00::/8`), link-local (`169.254/16`,
//! which includes the cloud metadata address, `fe80::/10`), documentation (`192.0.2/24`,
//! `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`), benchmarking (`198.18/15`,
//! `2001:2::/48`), IETF protocol assignments (`192.0.0/24`), and the well-known public DNS
//! resolvers (`8.8.8.8`, `1.1.1.1`, `9.9.9.9`, …: infrastructure, not people). IPv6 is
//! flagged only inside global unicast `2000::/3` (or IPv4-mapped global addresses).
//! **Private ranges** (RFC 1918 `10/8`, `172.16/12`, `192.168/16`, CGNAT `100.64/10`, ULA
//! `fc00::/7`, site-local `fec0::/10`) identify no subscriber and fill DevOps prompts; they are
//! flagged only when the detector is built with `include_private` (policy opt-in).
//!
//! # Shapes
//! IPv4: exactly four dot-separated decimal octets ≤ 255 without leading zeros, not preceded
//! by a letter/digit/`.`, a version word (`v`, `version`, `release`, …) or a product token
//! (`Chrome/120.0.0.0` in user agents; URLs and CIDR suffixes stay addresses), not followed by
//! `.digit` (the digit-run scan joins dotted numbers, so `1.2.3.4.5` is one run and rejected).
//! IPv6: the maximal `[0-9A-Fa-f:.]` token around a digit run, ≥ 2 colons, parsed by
//! `std::net::Ipv6Addr`; rejects times (`10:22:33`), `::` alone and tokens glued to words.
//! MAC: six hex octets separated consistently by `:` or `-`, or Cisco `xxxx.xxxx.xxxx`; not
//! part of a longer colon-hex run (IPv6, fingerprints); all-zero, broadcast and multicast
//! (I/G bit set) are rejected.
//!
//! Trigger: digit runs (any length). A hit is dropped after looking at a few bytes unless it
//! holds three dots (IPv4) or a `:`/`-`/`.` hex shape surrounds it (IPv6, MAC). Exact early
//! exits, in order: a run whose two neighbours cannot extend the token is the whole token
//! (IPv6: < 2 colons; MAC: only 14/17 bytes can be one); no colon within 5 bytes (IPv6,
//! word-at-a-time) / no separator within 3 bytes (MAC); a run no address can contain (space,
//! `/`, too long a digit group) when the token cannot extend past it. The v4 path parses a run
//! of ≥ 7 bytes in one pass (no group list), drops a chain as soon as an octet is invalid or its
//! first octets fix a class not reported (`10.`, `192.168.`, … by default), and checks the
//! class before the context look-ups. The v6 walks count colons, so a token with fewer than two
//! (`10.1.2.3:8080`) is done without trimming. Measured (criterion clean corpus, see
//! `pii/mod.rs`): IP 54.5 → 40.8 → 33.5 → 32.9 M, MAC 34.6 → 28.6 → 21.8 M instructions;
//! callgrind `bench_corpus_profile` clean/mixed: IP 17.4/19.2 → 8.8/11.8 M, MAC 5.4/7.9 →
//! 4.5/7.1 M.

use std::borrow::Cow;
use std::net::Ipv6Addr;
use std::str::FromStr;

use super::util::{
    byte_at, byte_before, in_class, is_word, prev_word, word_in, Keywords, HEX, HEX_SEP, V6_SEP,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const IP_CONTEXT: Keywords = Keywords(&[
    "ip",
    "ipv4",
    "ipv6",
    "client ip",
    "remote addr",
    "x forwarded for",
    "src",
    "dst",
    "address",
    "endereco ip",
    "ip adresse",
    "adresse ip",
    "direccion ip",
    "indirizzo ip",
    "ip adres",
]);

const MAC_CONTEXT: Keywords = Keywords(&[
    "mac",
    "hwaddr",
    "ether",
    "bssid",
    "link ether",
    "mac address",
]);

/// Words before a dotted quad that make it a version, OID or section number.
const NOT_IP_WORDS: &[&str] = &[
    "v",
    "version",
    "ver",
    "release",
    "build",
    "firmware",
    "fw",
    "oid",
    "section",
    "sec",
    "chapter",
    "step",
    "item",
    "rule",
    "clause",
    "art",
    "article",
    "figure",
    "fig",
    "table",
    "page",
    "para",
    "paragraph",
    "rev",
    "revision",
    "kernel",
    "driver",
];

/// How an address is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Global,
    Private,
    Never,
}

const PUBLIC_RESOLVERS: &[[u8; 4]] = &[
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
];

/// The class of the IPv4 address `o`, one branch on the first octet.
#[inline]
fn class_v4(o: [u8; 4]) -> Class {
    match o[0] {
        // `0/8` (unspecified), loopback, multicast `224/4`, `240/4` and broadcast.
        0 | 127 | 224..=255 => Class::Never,
        10 => Class::Private,
        100 if (o[1] & 0xc0) == 64 => Class::Private,
        169 if o[1] == 254 => Class::Never,
        172 if (o[1] & 0xf0) == 16 => Class::Private,
        192 if o[1] == 168 => Class::Private,
        // IETF protocol assignments `192.0.0/24` and TEST-NET-1 `192.0.2/24`.
        192 if o[1] == 0 && (o[2] == 0 || o[2] == 2) => Class::Never,
        // Benchmarking `198.18/15` and TEST-NET-2 `198.51.100/24`.
        198 if (o[1] & 0xfe) == 18 || (o[1] == 51 && o[2] == 100) => Class::Never,
        203 if o[1] == 0 && o[2] == 113 => Class::Never,
        1 | 8 | 9 | 149 | 208 if PUBLIC_RESOLVERS.contains(&o) => Class::Never,
        _ => Class::Global,
    }
}

fn class_v6(ip: Ipv6Addr) -> Class {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return class_v4(v4.octets());
    }
    let s = ip.segments();
    if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfec0 {
        return Class::Private;
    }
    let global_unicast = (s[0] & 0xe000) == 0x2000;
    let doc = s[0] == 0x2001 && s[1] == 0x0db8;
    let bench = s[0] == 0x2001 && s[1] == 0x0002 && s[2] == 0;
    if global_unicast && !doc && !bench {
        Class::Global
    } else {
        Class::Never
    }
}

/// True when the dotted quad at `s` is a product version in a user agent or product token,
/// `Name/1.2.3.4` (`Chrome/120.0.0.0`, `Edg/120.0.2210.91`): right after a `/` that follows a
/// letter-led name which is itself not part of a URL or path (`http://1.2.3.4/`,
/// `example.com/1.2.3.4`, `/srv/1.2.3.4` stay addresses).
fn product_version(b: &[u8], s: usize) -> bool {
    if s == 0 || b[s - 1] != b'/' {
        return false;
    }
    let e = s - 1;
    let mut i = e;
    while i > 0
        && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'-' | b'_'))
        && e - i < 32
    {
        i -= 1;
    }
    i < e
        && b[i].is_ascii_alphabetic()
        && !byte_before(b, i).is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, b'/' | b':' | b'.' | b'@' | b'\\' | b'-' | b'_')
        })
}

/// True when `b[start - 5..start]` or `b[end..end + 5]` (clipped to the text) holds a `:`.
/// Word-at-a-time where 8 bytes are readable: each window is one u64 with the bytes outside
/// it forced to non-colons, tested with the exact "has a zero byte" identity on `x ^ ':'s`.
#[inline]
fn colon_within_5(b: &[u8], start: usize, end: usize) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_colon = |w: &[u8], outside: u64| {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let v = (u64::from_le_bytes(a) ^ (ONES * u64::from(b':'))) | outside;
        v.wrapping_sub(ONES) & !v & HIGHS != 0
    };
    let before = if start >= 8 {
        // Bytes start-8..start-5 are the low three of the word.
        has_colon(&b[start - 8..start], 0x00FF_FFFF)
    } else {
        b[start.saturating_sub(5)..start].contains(&b':')
    };
    before
        || if end + 8 <= b.len() {
            // Bytes end+5..end+8 are the high three of the word.
            has_colon(&b[end..end + 8], 0xFFFF_FF00_0000_0000)
        } else {
            b[end..(end + 5).min(b.len())].contains(&b':')
        }
}

/// IPv4 and IPv6 addresses.
#[derive(Debug, Clone, Default)]
pub struct IpDetector {
    include_private: bool,
}

impl IpDetector {
    /// Flag globally routable addresses only (the default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Also flag private, CGNAT and ULA addresses (the "infrastructure" policy).
    pub fn include_private(include_private: bool) -> Self {
        Self { include_private }
    }

    fn keep(&self, c: Class) -> bool {
        c == Class::Global || (c == Class::Private && self.include_private)
    }

    /// The finding for the address at `s..e` (higher score with IP context nearby).
    fn finding(&self, text: &str, s: usize, e: usize) -> Finding {
        Finding {
            entity: Entity::IpAddress,
            start: s,
            end: e,
            score: if IP_CONTEXT.near(text, s, e) {
                0.95
            } else {
                0.9
            },
            detector: Cow::Borrowed("ip_address"),
        }
    }

    /// Every dotted quad of the digit run `[start, end)` (digits joined by single separators):
    /// a maximal chain of exactly four digit groups joined by `.`, each a decimal octet. One
    /// pass over the run, octets parsed as the groups are read; a chain is skipped without
    /// parsing the rest once it cannot be reported (an invalid octet, a fifth group, or first
    /// octets whose every address is of a class not reported, see [`IpDetector::dead_prefix`]).
    fn v4(&self, cx: &ScanCtx<'_>, start: usize, end: usize, out: &mut Vec<Finding>) {
        /// Smallest value of an octet of each length without a leading zero (none of 0 digits).
        const MIN: [u32; 4] = [u32::MAX, 0, 10, 100];
        let r = &cx.bytes()[start..end];
        let mut i = 0;
        // The current chain: its first byte, its groups so far and their octets.
        let mut chain = 0;
        let mut n = 0usize;
        let mut oct = [0u8; 4];
        loop {
            let g = i;
            let mut v = 0u32;
            while let Some(&c) = r.get(i) {
                let d = c.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                v = v.wrapping_mul(10).wrapping_add(u32::from(d));
                i += 1;
            }
            let live = match oct.get_mut(n) {
                Some(o) => {
                    let len = i - g;
                    *o = v as u8;
                    len <= 3 && v >= MIN[len.min(3)] && v <= 255 && !self.dead_prefix(n, oct)
                }
                None => false,
            };
            n += 1;
            if !live {
                // To the end of the chain: the next separator other than `.`.
                while r.get(i).is_some_and(|&c| c == b'.' || c.is_ascii_digit()) {
                    i += 1;
                }
            } else if r.get(i) == Some(&b'.') {
                i += 1;
                continue;
            } else if n == 4 {
                self.quad(cx, start + chain, start + i, oct, out);
            }
            if i >= r.len() {
                return;
            }
            i += 1;
            chain = i;
            n = 0;
        }
    }

    /// True when no address whose octets `0..=k` are those of `oct` is reported (`k` < 2; the
    /// others are not looked at): the ranges [`class_v4`] decides on the first one or two
    /// octets.
    #[inline]
    fn dead_prefix(&self, k: usize, oct: [u8; 4]) -> bool {
        match k {
            0 => match oct[0] {
                0 | 127 | 224..=255 => true,
                10 => !self.include_private,
                _ => false,
            },
            1 => match (oct[0], oct[1]) {
                (169, 254) | (198, 18 | 19) => true,
                (172, 16..=31) | (192, 168) | (100, 64..=127) => !self.include_private,
                _ => false,
            },
            _ => false,
        }
    }

    /// The dotted quad `oct` at `s..e`: reported unless its class or its context rejects it.
    fn quad(&self, cx: &ScanCtx<'_>, s: usize, e: usize, oct: [u8; 4], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        // Every check below only rejects: the cheapest (the address class) goes first.
        if !self.keep(class_v4(oct)) {
            return;
        }
        if byte_before(b, s).is_some_and(|c| is_word(c) || c == b'.')
            || byte_at(b, e).is_some_and(|c| {
                is_word(c)
                    || c == b'.' && byte_at(b, e + 1).is_some_and(|d| d.is_ascii_alphanumeric())
            })
        {
            return;
        }
        if prev_word(b, s).is_some_and(|w| word_in(w, NOT_IP_WORDS)) || product_version(b, s) {
            return;
        }
        out.push(self.finding(cx.text, s, e));
    }

    /// Returns the end of the token examined (to skip hits inside it).
    fn v6(&self, cx: &ScanCtx<'_>, h: &Hit, out: &mut Vec<Finding>) -> usize {
        let b = cx.bytes();
        let tok = |c: u8| in_class(c, HEX | V6_SEP);
        let next_tok = byte_at(b, h.end).is_some_and(tok);
        // A run (no `:`) between two bytes that cannot extend the token is the whole token:
        // fewer than two colons, nothing to cover.
        if !next_tok && !byte_before(b, h.start).is_some_and(tok) {
            return h.end;
        }
        // Fast reject: a colon must be within 5 bytes of the run.
        if !colon_within_5(b, h.start, h.end) {
            return h.end;
        }
        // The token holds the whole run, and an address has no ` `/`-`/`/` and no digit group
        // longer than four; when the token also cannot extend past the run, it ends there.
        if !next_tok && hex_run_impossible(&b[h.start..h.end], 4, false) {
            return h.end;
        }
        // At most 45 bytes back, and forward until `e - s` reaches 64. The run holds no `:`,
        // so the token's colons are the ones met by the two walks.
        let mut colons = 0usize;
        let lo = h.start.saturating_sub(45);
        let mut s = h.start;
        while s > lo && tok(b[s - 1]) {
            s -= 1;
            colons += usize::from(b[s] == b':');
        }
        let hi = (s + 64).max(h.end).min(b.len());
        let mut e = h.end;
        while e < hi && tok(b[e]) {
            colons += usize::from(b[e] == b':');
            e += 1;
        }
        // Trimming only drops colons, so a token with fewer than two is done. It returns the
        // untrimmed end: the trims drop only `.`/`:` bytes, where no later hit (a digit) starts,
        // so the caller skips the same hits either way.
        if colons < 2 {
            return e;
        }
        // Trim sentence punctuation and a single leading/trailing ':' that is not part of `::`.
        while e > s && b[e - 1] == b'.' {
            e -= 1;
        }
        if e - s >= 2 && b[e - 1] == b':' && b[e - 2] != b':' {
            e -= 1;
            colons -= 1;
        }
        if e - s >= 2 && b[s] == b':' && b[s + 1] != b':' {
            s += 1;
            colons -= 1;
        }
        if colons < 2
            || e - s < 3
            || byte_before(b, s).is_some_and(|c| is_word(c) || c == b':')
            || byte_at(b, e).is_some_and(|c| is_word(c) || c == b':')
        {
            return e;
        }
        let Ok(txt) = std::str::from_utf8(&b[s..e]) else {
            return e;
        };
        if let Ok(ip) = Ipv6Addr::from_str(txt) {
            if self.keep(class_v6(ip)) {
                out.push(self.finding(cx.text, s, e));
            }
        }
        e
    }
}

impl Detector for IpDetector {
    fn name(&self) -> &'static str {
        "ip_address"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 1 }]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let mut v6_covered = 0;
        for h in hits {
            // A dotted quad is one digit run of at least 7 bytes.
            if h.end - h.start >= 7 {
                self.v4(cx, h.start, h.end, out);
            }
            if h.start >= v6_covered {
                v6_covered = self.v6(cx, h, out);
            }
        }
    }
}

/// True when the digit run `t` (digits joined by single ` `, `-`, `.`, `/`) cannot lie inside
/// an address token: it holds a ` ` or `/`, a `-` unless `dash_ok`, or a digit group longer
/// than `max_group`.
fn hex_run_impossible(t: &[u8], max_group: usize, dash_ok: bool) -> bool {
    let mut group = 0;
    for &c in t {
        if c.is_ascii_digit() {
            group += 1;
            if group > max_group {
                return true;
            }
        } else {
            if c == b' ' || c == b'/' || (c == b'-' && !dash_ok) {
                return true;
            }
            group = 0;
        }
    }
    false
}

/// True when no MAC address can contain the digit run `t`: `xx:xx:…`/`xx-xx-…` groups hold at
/// most two hex digits, Cisco `xxxx.xxxx.xxxx` at most four with two dots, and a run never
/// mixes `-` and `.` inside one address; ` ` and `/` never occur.
fn run_cannot_be_mac(t: &[u8]) -> bool {
    let dash = t.contains(&b'-');
    let dots = t.iter().filter(|&&c| c == b'.').count();
    (dash && dots > 0) || dots > 2 || hex_run_impossible(t, if dash { 2 } else { 4 }, true)
}

/// MAC addresses.
#[derive(Debug, Clone, Default)]
pub struct MacDetector;

/// Parse the MAC at `b[s..s+17]` (`:`/`-`) or `b[s..s+14]` (Cisco dotted). Returns octets.
fn parse_mac(t: &[u8]) -> Option<[u8; 6]> {
    let hexv = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    let mut o = [0u8; 6];
    match t.len() {
        17 => {
            let sep = t[2];
            if sep != b':' && sep != b'-' {
                return None;
            }
            for (k, oct) in o.iter_mut().enumerate() {
                let p = k * 3;
                if k < 5 && t[p + 2] != sep {
                    return None;
                }
                *oct = hexv(t[p])? << 4 | hexv(t[p + 1])?;
            }
        }
        14 => {
            if t[4] != b'.' || t[9] != b'.' {
                return None;
            }
            // Hex digit `d` sits at `d + d / 4` (past the dots at 4 and 9); a `.` anywhere
            // else is no hex digit.
            for (k, oct) in o.iter_mut().enumerate() {
                let (d0, d1) = (2 * k, 2 * k + 1);
                *oct = hexv(t[d0 + d0 / 4])? << 4 | hexv(t[d1 + d1 / 4])?;
            }
        }
        _ => return None,
    }
    Some(o)
}

impl Detector for MacDetector {
    fn name(&self) -> &'static str {
        "mac_address"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 1 }]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let tok = |c: u8| in_class(c, HEX | HEX_SEP);
        let mut covered = 0;
        for h in hits {
            if h.start < covered {
                continue;
            }
            let next_tok = byte_at(b, h.end).is_some_and(tok);
            // A run between two bytes that cannot extend the token is the whole token, and
            // only a 17- or 14-byte token can be an address (nothing to cover either).
            if !next_tok
                && !byte_before(b, h.start).is_some_and(tok)
                && !matches!(h.end - h.start, 14 | 17)
            {
                continue;
            }
            // Fast reject: a separator must be within 3 bytes of the run (the run included),
            // looked for after it first.
            let lo = h.start.saturating_sub(3);
            let hi = (h.end + 3).min(b.len());
            if !b[h.end..hi].iter().any(|&c| in_class(c, HEX_SEP))
                && !b[lo..h.end].iter().any(|&c| in_class(c, HEX_SEP))
            {
                continue;
            }
            // When the token cannot extend past the run (so nothing later is covered), a run
            // no address can contain is done.
            if !next_tok && run_cannot_be_mac(&b[h.start..h.end]) {
                continue;
            }
            // At most 20 bytes back, and forward until `e - s` reaches 24.
            let lo = h.start.saturating_sub(20);
            let mut s = h.start;
            while s > lo && tok(b[s - 1]) {
                s -= 1;
            }
            let hi = (s + 24).max(h.end).min(b.len());
            let mut e = h.end;
            while e < hi && tok(b[e]) {
                e += 1;
            }
            covered = e;
            // Trimming stops at 17 or 14 bytes or drops a token below 14; only those lengths
            // parse, so a shorter token is done.
            if e - s < 14 {
                continue;
            }
            while e > s && matches!(b[e - 1], b'.' | b'-' | b':') && e - s != 17 && e - s != 14 {
                e -= 1;
            }
            while s < e && matches!(b[s], b'.' | b'-' | b':') {
                s += 1;
            }
            if !matches!(e - s, 14 | 17) {
                continue;
            }
            if byte_before(b, s).is_some_and(|c| is_word(c) || c == b':' || c == b'-')
                || byte_at(b, e).is_some_and(|c| is_word(c) || c == b':')
            {
                continue;
            }
            let Some(o) = parse_mac(&b[s..e]) else {
                continue;
            };
            if o == [0; 6] || o == [0xff; 6] || o[0] & 1 == 1 {
                continue;
            }
            let score = if MAC_CONTEXT.near(cx.text, s, e) {
                0.95
            } else {
                0.9
            };
            out.push(Finding {
                entity: Entity::MacAddress,
                start: s,
                end: e,
                score,
                detector: Cow::Borrowed("mac_address"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::found;
    use super::*;

    #[test]
    fn colon_window_matches_byte_loop() {
        let t = b"ab:cdefgh12:34ij:klmnopqrst:uv wx 1:2 :x::yz0123456789:";
        for s in 0..t.len() {
            for e in s..t.len() {
                let slow = t[s.saturating_sub(5)..s].contains(&b':')
                    || t[e..(e + 5).min(t.len())].contains(&b':');
                assert_eq!(colon_within_5(t, s, e), slow, "{s} {e}");
            }
        }
    }

    #[test]
    fn ipv4_global_only_by_default() {
        let d = IpDetector::new();
        assert_eq!(
            found(&d, "client 81.2.69.142 connected"),
            vec!["81.2.69.142"]
        );
        assert_eq!(found(&d, "from=81.2.69.142:443"), vec!["81.2.69.142"]);
        assert_eq!(found(&d, "net 81.2.69.0/24"), vec!["81.2.69.0"]);
        assert_eq!(found(&d, "[81.2.69.142]."), vec!["81.2.69.142"]);
        // A `/` before the address that is not a product token keeps it an address.
        for t in [
            "http://81.2.69.142/",
            "GET https://81.2.69.142/api",
            "src=81.2.69.142/32",
            "see example.com/81.2.69.142",
            "path /var/81.2.69.142",
            "block 81.2.69.142/24 now",
            "x /81.2.69.142",
        ] {
            assert_eq!(found(&d, t), vec!["81.2.69.142"], "{t}");
        }
        for t in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.10",
            "100.64.0.1",
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "255.255.255.0",
            "169.254.169.254",
            "224.0.0.251",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "8.8.8.8",
            "version 81.2.69.142",
            "v81.2.69.142",
            "1.2.3.4.5",
            "81.2.69.142.7",
            "81.02.69.142",
            "81.2.69.256",
            "oid 1.3.6.1",
            "see section 2.3.1.4",
            "Version: 81.2.69.142",
            "2024.01.15.10",
            "img-81.2.69.142a",
            "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "Edg/121.0.2.91",
            "\"curl/81.2.69.142\"",
            "(Foo-Bar_2/81.2.69.142)",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn ipv4_private_opt_in() {
        let d = IpDetector::include_private(true);
        assert_eq!(found(&d, "pod 10.244.1.17 ready"), vec!["10.244.1.17"]);
        assert!(found(&d, "127.0.0.1").is_empty());
    }

    #[test]
    fn ipv6() {
        let d = IpDetector::new();
        assert_eq!(
            found(&d, "src 2a00:1450:4001:81b::200e port"),
            vec!["2a00:1450:4001:81b::200e"]
        );
        assert_eq!(
            found(&d, "[2606:4700:4700::1111]:443"),
            vec!["2606:4700:4700::1111"]
        );
        assert_eq!(
            found(&d, "addr=2a00:1450:4001:081b:0000:0000:0000:200e."),
            vec!["2a00:1450:4001:081b:0000:0000:0000:200e"]
        );
        assert_eq!(found(&d, "::ffff:81.2.69.142"), vec!["::ffff:81.2.69.142"]);
        let d_priv = IpDetector::include_private(true);
        assert_eq!(
            found(&d_priv, "ula fd12:3456:789a::1"),
            vec!["fd12:3456:789a::1"]
        );
        for t in [
            "::",
            "::1",
            "fe80::1ff:fe23:4567:890a",
            "2001:db8::8a2e:370:7334",
            "ff02::1",
            "fd12:3456:789a::1",
            "at 10:22:33",
            "2024-01-15T10:22:33Z",
            "std::u32::MAX",
            "Foo::Bar2::baz",
            "00:1a:2b:3c:4d:5e",
            "1:2:3:4:5:6:7:8",
            "sha256:2a00:1450::1",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn mac() {
        let d = MacDetector;
        assert_eq!(
            found(&d, "link/ether 00:1a:2b:3c:4d:5e brd"),
            vec!["00:1a:2b:3c:4d:5e"]
        );
        assert_eq!(
            found(&d, "MAC 00-1A-2B-3C-4D-5E."),
            vec!["00-1A-2B-3C-4D-5E"]
        );
        assert_eq!(found(&d, "mac 001a.2b3c.4d5e"), vec!["001a.2b3c.4d5e"]);
        for t in [
            "00:00:00:00:00:00",
            "ff:ff:ff:ff:ff:ff",
            "01:00:5e:00:00:fb",
            "00:1a:2b:3c:4d:5e:6f",
            "aa:00:1a:2b:3c:4d:5e",
            "00:1a:2b-3c:4d:5e",
            "SHA256:00:1a:2b:3c:4d:5e",
            "x00:1a:2b:3c:4d:5e",
            "fe80::1a:2b:3c:4d:5e",
            "at 10:22:33",
            "123e4567-e89b-12d3-a456-426614174000",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    /// xorshift64*: a fixed-seed generator for the differential tests.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }

        fn hex(&mut self, t: &mut String, n: usize) {
            for _ in 0..n {
                t.push(b"0123456789abcdefABCDEF"[self.below(22)] as char);
            }
        }

        fn octet(&mut self) -> String {
            match self.below(7) {
                0 => self
                    .pick(&[
                        "10", "172", "192", "100", "127", "8", "1", "198", "203", "169",
                    ])
                    .to_string(),
                1 => self
                    .pick(&[
                        "224", "81", "0", "255", "168", "16", "31", "18", "51", "113",
                    ])
                    .to_string(),
                2 => self
                    .pick(&["00", "01", "256", "300", "1000", "2", "999"])
                    .to_string(),
                3 => format!("0{}", self.below(300)),
                _ => self.below(256).to_string(),
            }
        }
    }

    /// Texts dense in the shapes the detectors look at: dotted quads (global, private,
    /// reserved, malformed), colon-hex tokens, MACs in all three forms, `ip:port`, semvers,
    /// runs joined by ` -./`, context and version words, non-ASCII bytes.
    fn gen_text(g: &mut Gen) -> String {
        let mut t = String::new();
        for _ in 0..g.below(24) + 1 {
            match g.below(13) {
                0 | 1 => {
                    let n = if g.below(4) == 0 { 3 + g.below(3) } else { 4 };
                    for k in 0..n {
                        if k > 0 {
                            t.push('.');
                        }
                        t.push_str(&g.octet());
                    }
                }
                2 => {
                    let pad = g.below(2) == 0;
                    if pad {
                        t.push(' ');
                    }
                    t.push_str(g.pick(&[
                        "",
                        "2a00:",
                        "2606:",
                        "2a00:",
                        "fd12:",
                        "fe80:",
                        "::ffff:",
                        "2001:db8:",
                        ":",
                    ]));
                    for k in 0..g.below(8) + 1 {
                        if k > 0 {
                            t.push_str(if g.below(6) == 0 { "::" } else { ":" });
                        }
                        let n = g.below(5);
                        g.hex(&mut t, n);
                    }
                    if g.below(5) == 0 {
                        t.push(':');
                        t.push_str(&g.octet());
                        t.push_str(".2.69.142");
                    }
                    if pad {
                        t.push(' ');
                    }
                }
                3 => {
                    let pad = g.below(2) == 0;
                    if pad {
                        t.push(' ');
                    }
                    let sep = g.pick(&[":", "-", ":", "."]);
                    if sep == "." {
                        for k in 0..3 {
                            if k > 0 {
                                t.push('.');
                            }
                            g.hex(&mut t, 4);
                        }
                    } else {
                        for k in 0..5 + g.below(3) {
                            if k > 0 {
                                t.push_str(if g.below(30) == 0 { "-" } else { sep });
                            }
                            let n = if g.below(10) == 0 { 1 + g.below(3) } else { 2 };
                            g.hex(&mut t, n);
                        }
                    }
                    if pad {
                        t.push(' ');
                    }
                }
                4 => {
                    let n = 1 + g.below(6);
                    for _ in 0..n {
                        t.push(char::from(b'0' + g.below(10) as u8));
                    }
                }
                5 => {
                    let n = 1 + g.below(5);
                    g.hex(&mut t, n);
                }
                6 => t.push_str(g.pick(&[
                    ".", ":", "::", "-", " ", "/", "=", "\n", "[", "]", ",", "_", "é", "\t", "..",
                ])),
                7 => t.push_str(g.pick(&[
                    "ip ",
                    "mac ",
                    "version ",
                    "v",
                    "Chrome/",
                    "x",
                    "src=",
                    "build=",
                    "upstream=",
                    "latency_ms=",
                    "http://",
                    "Version: ",
                    "hwaddr ",
                    "oid ",
                    "/api/v2/items ",
                ])),
                8 => {
                    t.push_str(&g.octet());
                    t.push('.');
                    t.push_str(&g.octet());
                    t.push_str(g.pick(&[".3.4:", ".0.9:", ".1.1:"]));
                    t.push_str(g.pick(&["8080", "443", "8080:", ":1", "80 "]));
                }
                9 => {
                    let (a, b, c) = (g.below(5), g.below(30), g.below(20));
                    t.push_str(&format!("{a}.{b}.{c}"));
                }
                10 => {
                    for k in 0..2 + g.below(5) {
                        if k > 0 {
                            t.push_str(g.pick(&[".", " ", "-", "/", ":"]));
                        }
                        t.push_str(&g.octet());
                    }
                }
                11 => {
                    t.push(':');
                    t.push_str(&g.below(70000).to_string());
                }
                _ => t.push(' '),
            }
        }
        t
    }

    /// The rewritten detectors report exactly what the previous code reported (every field of
    /// every finding, in order) on generated texts, with and without private addresses.
    #[test]
    fn detectors_match_reference_on_generated_texts() {
        use crate::detect::Engine;
        use reference::{RefIp, RefMac};
        let pairs: Vec<(Engine, Engine)> = vec![
            (
                Engine::with_detectors(vec![Box::new(IpDetector::new())]).unwrap(),
                Engine::with_detectors(vec![Box::new(RefIp::default())]).unwrap(),
            ),
            (
                Engine::with_detectors(vec![Box::new(IpDetector::include_private(true))]).unwrap(),
                Engine::with_detectors(vec![Box::new(RefIp {
                    include_private: true,
                })])
                .unwrap(),
            ),
            (
                Engine::with_detectors(vec![Box::new(MacDetector)]).unwrap(),
                Engine::with_detectors(vec![Box::new(RefMac)]).unwrap(),
            ),
        ];
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        // Findings of each pair, and IPv6 findings of the first two.
        let mut found = [0usize; 5];
        for _ in 0..60_000 {
            let t = gen_text(&mut g);
            for (k, (new, old)) in pairs.iter().enumerate() {
                let want = old.scan(&t);
                assert_eq!(new.scan(&t), want, "{t:?}");
                found[k] += want.len();
                if k < 2 {
                    found[3 + k] += want
                        .iter()
                        .filter(|f| t[f.start..f.end].contains(':'))
                        .count();
                }
            }
        }
        // The texts reach the reporting paths of v4, v6 and MAC.
        assert!(found.iter().all(|&n| n > 1000), "{found:?}");
    }

    /// A dead prefix is one whose every completion is not reported: every first two octets,
    /// against the third and fourth octets every rule looks at, with and without private
    /// addresses.
    #[test]
    fn dead_prefix_implies_not_kept() {
        let tail: &[u8] = &[0, 1, 2, 4, 8, 9, 67, 100, 112, 113, 220, 222, 254, 255];
        for d in [IpDetector::new(), IpDetector::include_private(true)] {
            for a in 0..=255u8 {
                for b in 0..=255u8 {
                    let dead = [
                        d.dead_prefix(0, [a, b, 0, 0]),
                        d.dead_prefix(1, [a, b, 0, 0]),
                    ];
                    for &c in tail {
                        for &e in tail {
                            let kept = d.keep(class_v4([a, b, c, e]));
                            for (k, &dead) in dead.iter().enumerate() {
                                assert!(!(dead && kept), "{k} {:?}", [a, b, c, e]);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first-octet `match` classifies like the `Ipv4Addr` predicates it replaces: every
    /// first two octets against the third and fourth octets every rule looks at.
    #[test]
    fn class_v4_matches_reference() {
        let tail: &[u8] = &[0, 1, 2, 4, 8, 9, 67, 100, 112, 113, 220, 222, 254, 255];
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for &c in tail {
                    for &d in tail {
                        let o = [a, b, c, d];
                        assert_eq!(
                            class_v4(o),
                            reference::class_v4(std::net::Ipv4Addr::from(o)),
                            "{o:?}"
                        );
                    }
                }
            }
        }
    }

    /// The detectors as they were before the single-pass v4 parse, the colon-counting v6
    /// walks and the MAC reorderings (kept verbatim as the reference of the differential
    /// tests; only the type names differ).
    mod reference {
        #![allow(clippy::all)]
        use std::borrow::Cow;
        use std::net::{Ipv4Addr, Ipv6Addr};
        use std::str::FromStr;

        use super::super::super::util::{
            byte_at, byte_before, digit_groups, in_class, is_word, prev_word, word_in, HEX,
            HEX_SEP, V6_SEP,
        };
        use super::super::{
            product_version, Class, IP_CONTEXT, MAC_CONTEXT, NOT_IP_WORDS, PUBLIC_RESOLVERS,
        };
        use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

        #[derive(Debug, Clone, Default)]
        pub struct RefIp {
            pub include_private: bool,
        }

        #[derive(Debug, Clone, Default)]
        pub struct RefMac;

        pub fn class_v4(ip: Ipv4Addr) -> Class {
            let o = ip.octets();
            if ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_multicast()
                || ip.is_broadcast()
                || ip.is_documentation()
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || PUBLIC_RESOLVERS.contains(&o)
            {
                Class::Never
            } else if ip.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
                Class::Private
            } else {
                Class::Global
            }
        }

        fn class_v6(ip: Ipv6Addr) -> Class {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return class_v4(v4);
            }
            let s = ip.segments();
            if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfec0 {
                return Class::Private;
            }
            let global_unicast = (s[0] & 0xe000) == 0x2000;
            let doc = s[0] == 0x2001 && s[1] == 0x0db8;
            let bench = s[0] == 0x2001 && s[1] == 0x0002 && s[2] == 0;
            if global_unicast && !doc && !bench {
                Class::Global
            } else {
                Class::Never
            }
        }

        #[inline]
        fn colon_within_5(b: &[u8], start: usize, end: usize) -> bool {
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGHS: u64 = 0x8080_8080_8080_8080;
            let has_colon = |w: &[u8], outside: u64| {
                let mut a = [0u8; 8];
                a.copy_from_slice(w);
                let v = (u64::from_le_bytes(a) ^ (ONES * u64::from(b':'))) | outside;
                v.wrapping_sub(ONES) & !v & HIGHS != 0
            };
            let before = if start >= 8 {
                // Bytes start-8..start-5 are the low three of the word.
                has_colon(&b[start - 8..start], 0x00FF_FFFF)
            } else {
                b[start.saturating_sub(5)..start].contains(&b':')
            };
            before
                || if end + 8 <= b.len() {
                    // Bytes end+5..end+8 are the high three of the word.
                    has_colon(&b[end..end + 8], 0xFFFF_FF00_0000_0000)
                } else {
                    b[end..(end + 5).min(b.len())].contains(&b':')
                }
        }

        impl RefIp {
            fn keep(&self, c: Class) -> bool {
                c == Class::Global || (c == Class::Private && self.include_private)
            }

            /// The finding for the address at `s..e` (higher score with IP context nearby).
            fn finding(&self, text: &str, s: usize, e: usize) -> Finding {
                Finding {
                    entity: Entity::IpAddress,
                    start: s,
                    end: e,
                    score: if IP_CONTEXT.near(text, s, e) {
                        0.95
                    } else {
                        0.9
                    },
                    detector: Cow::Borrowed("ip_address"),
                }
            }

            fn v4(
                &self,
                cx: &ScanCtx<'_>,
                h: &Hit,
                groups: &mut Vec<(usize, usize)>,
                out: &mut Vec<Finding>,
            ) {
                let b = cx.bytes();
                digit_groups(b, h.start, h.end, groups);
                let mut i = 0;
                while i < groups.len() {
                    // Maximal chain of groups joined by '.'.
                    let mut j = i;
                    while j + 1 < groups.len() && b[groups[j].1] == b'.' {
                        j += 1;
                    }
                    let chain = &groups[i..=j];
                    i = j + 1;
                    if chain.len() != 4 {
                        continue;
                    }
                    let (s, e) = (chain[0].0, chain[3].1);
                    let mut oct = [0u8; 4];
                    let ok = chain.iter().zip(oct.iter_mut()).all(|(&(gs, ge), o)| {
                        let g = &b[gs..ge];
                        if g.len() > 3 || (g.len() > 1 && g[0] == b'0') {
                            return false;
                        }
                        let v = g.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                        *o = v as u8;
                        v <= 255
                    });
                    if !ok {
                        continue;
                    }
                    // Every check below only rejects: the cheapest (the address class) goes first.
                    if !self.keep(class_v4(Ipv4Addr::from(oct))) {
                        continue;
                    }
                    if byte_before(b, s).is_some_and(|c| is_word(c) || c == b'.')
                        || byte_at(b, e).is_some_and(|c| {
                            is_word(c)
                                || c == b'.'
                                    && byte_at(b, e + 1).is_some_and(|d| d.is_ascii_alphanumeric())
                        })
                    {
                        continue;
                    }
                    if prev_word(b, s).is_some_and(|w| word_in(w, NOT_IP_WORDS))
                        || product_version(b, s)
                    {
                        continue;
                    }
                    out.push(self.finding(cx.text, s, e));
                }
            }

            /// Returns the end of the token examined (to skip hits inside it).
            fn v6(&self, cx: &ScanCtx<'_>, h: &Hit, out: &mut Vec<Finding>) -> usize {
                let b = cx.bytes();
                let tok = |c: u8| in_class(c, HEX | V6_SEP);
                // A run (no `:`) between two bytes that cannot extend the token is the whole token:
                // fewer than two colons, nothing to cover.
                if !byte_before(b, h.start).is_some_and(tok) && !byte_at(b, h.end).is_some_and(tok)
                {
                    return h.end;
                }
                // Fast reject: a colon must be within 5 bytes of the run.
                if !colon_within_5(b, h.start, h.end) {
                    return h.end;
                }
                // The token holds the whole run, and an address has no ` `/`-`/`/` and no digit group
                // longer than four; when the token also cannot extend past the run, it ends there.
                if !byte_at(b, h.end).is_some_and(tok)
                    && hex_run_impossible(&b[h.start..h.end], 4, false)
                {
                    return h.end;
                }
                // At most 45 bytes back, and forward until `e - s` reaches 64.
                let back = b.get(h.start.saturating_sub(45)..h.start).unwrap_or(&[]);
                let mut s = h.start - back.iter().rev().take_while(|&&c| tok(c)).count();
                let fwd = b
                    .get(h.end..(s + 64).max(h.end).min(b.len()))
                    .unwrap_or(&[]);
                let mut e = h.end + fwd.iter().take_while(|&&c| tok(c)).count();
                // Trim sentence punctuation and a single leading/trailing ':' that is not part of `::`.
                while e > s && b[e - 1] == b'.' {
                    e -= 1;
                }
                if e - s >= 2 && b[e - 1] == b':' && b[e - 2] != b':' {
                    e -= 1;
                }
                if e - s >= 2 && b[s] == b':' && b[s + 1] != b':' {
                    s += 1;
                }
                let token = &b[s..e];
                if token.iter().filter(|&&c| c == b':').count() < 2
                    || token.len() < 3
                    || byte_before(b, s).is_some_and(|c| is_word(c) || c == b':')
                    || byte_at(b, e).is_some_and(|c| is_word(c) || c == b':')
                {
                    return e;
                }
                let Ok(txt) = std::str::from_utf8(token) else {
                    return e;
                };
                if let Ok(ip) = Ipv6Addr::from_str(txt) {
                    if self.keep(class_v6(ip)) {
                        out.push(self.finding(cx.text, s, e));
                    }
                }
                e
            }
        }

        impl Detector for RefIp {
            fn name(&self) -> &'static str {
                "ip_address"
            }

            fn triggers(&self) -> Vec<Trigger> {
                vec![Trigger::DigitRun { min_digits: 1 }]
            }

            fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
                let mut groups = Vec::new();
                let mut v6_covered = 0;
                let b = cx.bytes();
                for h in hits {
                    // A dotted quad is one digit run with ≥ 4 digits and 3 dots.
                    if h.end - h.start >= 7 && dots(&b[h.start..h.end]) >= 3 {
                        self.v4(cx, h, &mut groups, out);
                    }
                    if h.start >= v6_covered {
                        v6_covered = self.v6(cx, h, out);
                    }
                }
            }
        }

        fn dots(t: &[u8]) -> u32 {
            const LO: u64 = 0x0101_0101_0101_0101;
            const HI: u64 = 0x8080_8080_8080_8080;
            let mut chunks = t.chunks_exact(8);
            let mut n = 0;
            for c in &mut chunks {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                let x = u64::from_le_bytes(a) ^ (LO * u64::from(b'.'));
                let nonzero = (((x & !HI) + !HI) | x) & HI;
                n += (!nonzero & HI).count_ones();
            }
            n + chunks.remainder().iter().filter(|&&c| c == b'.').count() as u32
        }

        fn hex_run_impossible(t: &[u8], max_group: usize, dash_ok: bool) -> bool {
            let mut group = 0;
            for &c in t {
                if c.is_ascii_digit() {
                    group += 1;
                    if group > max_group {
                        return true;
                    }
                } else {
                    if c == b' ' || c == b'/' || (c == b'-' && !dash_ok) {
                        return true;
                    }
                    group = 0;
                }
            }
            false
        }

        fn run_cannot_be_mac(t: &[u8]) -> bool {
            let dash = t.contains(&b'-');
            let dots = t.iter().filter(|&&c| c == b'.').count();
            (dash && dots > 0) || dots > 2 || hex_run_impossible(t, if dash { 2 } else { 4 }, true)
        }

        fn parse_mac(t: &[u8]) -> Option<[u8; 6]> {
            let hexv = |c: u8| -> Option<u8> {
                match c {
                    b'0'..=b'9' => Some(c - b'0'),
                    b'a'..=b'f' => Some(c - b'a' + 10),
                    b'A'..=b'F' => Some(c - b'A' + 10),
                    _ => None,
                }
            };
            let mut o = [0u8; 6];
            match t.len() {
                17 => {
                    let sep = t[2];
                    if sep != b':' && sep != b'-' {
                        return None;
                    }
                    for (k, oct) in o.iter_mut().enumerate() {
                        let p = k * 3;
                        if k < 5 && t[p + 2] != sep {
                            return None;
                        }
                        *oct = hexv(t[p])? << 4 | hexv(t[p + 1])?;
                    }
                }
                14 => {
                    if t[4] != b'.' || t[9] != b'.' {
                        return None;
                    }
                    let hex: Vec<u8> = t.iter().copied().filter(|&c| c != b'.').collect();
                    if hex.len() != 12 {
                        return None;
                    }
                    for (k, oct) in o.iter_mut().enumerate() {
                        *oct = hexv(hex[2 * k])? << 4 | hexv(hex[2 * k + 1])?;
                    }
                }
                _ => return None,
            }
            Some(o)
        }

        impl Detector for RefMac {
            fn name(&self) -> &'static str {
                "mac_address"
            }

            fn triggers(&self) -> Vec<Trigger> {
                vec![Trigger::DigitRun { min_digits: 1 }]
            }

            fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
                let b = cx.bytes();
                let tok = |c: u8| in_class(c, HEX | HEX_SEP);
                let mut covered = 0;
                for h in hits {
                    if h.start < covered {
                        continue;
                    }
                    // A run between two bytes that cannot extend the token is the whole token, and
                    // only a 17- or 14-byte token can be an address (nothing to cover either).
                    if !byte_before(b, h.start).is_some_and(tok)
                        && !byte_at(b, h.end).is_some_and(tok)
                        && !matches!(h.end - h.start, 14 | 17)
                    {
                        continue;
                    }
                    // Fast reject: a separator must be within 3 bytes of the run.
                    let lo = h.start.saturating_sub(3);
                    let hi = (h.end + 3).min(b.len());
                    if !b[lo..hi].iter().any(|&c| in_class(c, HEX_SEP)) {
                        continue;
                    }
                    // When the token cannot extend past the run (so nothing later is covered), a run
                    // no address can contain is done.
                    if !byte_at(b, h.end).is_some_and(tok) && run_cannot_be_mac(&b[h.start..h.end])
                    {
                        continue;
                    }
                    // At most 20 bytes back, and forward until `e - s` reaches 24.
                    let back = b.get(h.start.saturating_sub(20)..h.start).unwrap_or(&[]);
                    let mut s = h.start - back.iter().rev().take_while(|&&c| tok(c)).count();
                    let fwd = b
                        .get(h.end..(s + 24).max(h.end).min(b.len()))
                        .unwrap_or(&[]);
                    let mut e = h.end + fwd.iter().take_while(|&&c| tok(c)).count();
                    covered = e;
                    while e > s
                        && matches!(b[e - 1], b'.' | b'-' | b':')
                        && e - s != 17
                        && e - s != 14
                    {
                        e -= 1;
                    }
                    while s < e && matches!(b[s], b'.' | b'-' | b':') {
                        s += 1;
                    }
                    if byte_before(b, s).is_some_and(|c| is_word(c) || c == b':' || c == b'-')
                        || byte_at(b, e).is_some_and(|c| is_word(c) || c == b':')
                    {
                        continue;
                    }
                    let Some(o) = parse_mac(&b[s..e]) else {
                        continue;
                    };
                    if o == [0; 6] || o == [0xff; 6] || o[0] & 1 == 1 {
                        continue;
                    }
                    let score = if MAC_CONTEXT.near(cx.text, s, e) {
                        0.95
                    } else {
                        0.9
                    };
                    out.push(Finding {
                        entity: Entity::MacAddress,
                        start: s,
                        end: e,
                        score,
                        detector: Cow::Borrowed("mac_address"),
                    });
                }
            }
        }
    }
}
