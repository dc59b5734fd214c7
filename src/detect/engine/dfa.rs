//! The trigger automaton: an ASCII-case-insensitive Aho-Corasick DFA over every trigger literal
//! with standard (overlapping) semantics, searched by one tight byte loop.
//!
//! Owns: the byte classes (ASCII letters folded, bytes in no literal share class 0), the full
//! premultiplied transition table and the per-state lists of literals that end there.
//! Never: allocates while searching, looks at text beyond the haystack it is given.
//! Called by: [`super::Engine`] (built once with the engine; searched once per scan).
//!
//! # Cost model
//! One table lookup per byte, and one compare per eight bytes: states that end a literal
//! (including literals inherited through failure links) are numbered last, so eight steps take
//! the maximum of their entries and compare it once with the first match state; only a block
//! where a literal ends looks at its eight entries again. Per byte: load byte, load class, add,
//! load entry (the bounds check is a predicted branch beside the dependency chain).
//!
//! That chain (entry -> add -> next entry) makes a single pass latency-bound: each byte waits
//! for the previous byte's load, whatever the core could do in parallel. So a haystack longer
//! than `LANES x (MIN_LANE + warm-up)` is cut into [`LANES`] lanes of equal length searched in
//! lockstep, eight bytes of each lane per round: four independent chains that the core overlaps.
//! Lane k > 0 starts `max_len` (the longest literal) bytes before the first end it owns, from
//! the root: after that many bytes the state of an Aho-Corasick DFA (the longest suffix of the
//! text read that is a prefix of some literal) is the one a single pass reaches, so every
//! match ending in the lane's own range is found, and none that starts before the lane.
//! Matches of lanes after the first are buffered ([`LaneBufs`], reused scratch) and emitted
//! after the lanes before them, so the caller still sees every match in order of its end.
//! Measured (criterion `scan_reused`, whole engine, 4 MiB corpora, same host and hour): clean
//! 276 MiB/s with one lane and a masked index, 378 with two lanes, 388 with three, 396 with
//! four; mixed 152, 176, 187, 185. One lane cost ~7.0 instructions per byte (callgrind); the
//! lanes add a few instructions per eight-byte block and save the waiting.
//! A state-0 skip loop would not pay: the literals start with the space and 25 of the 26
//! letters, so prose almost never sits at the root on a byte that could be skipped.
//! Memory: states x stride x 4 bytes (stride = distinct literal bytes rounded up to a power of
//! two; the built-in catalogue: 2,607 states x stride 64 for 52 classes = 166,848 entries,
//! 652 KiB).

/// Largest transition table accepted (entries of 4 bytes: 64 MiB). The built-in catalogue
/// (631 literals, 2,607 states x stride 64) needs 166,848 entries.
const MAX_TABLE: usize = 1 << 24;

const NONE: u32 = u32::MAX;

/// Lanes searched side by side on a long haystack (see the module docs).
const LANES: usize = 4;

/// A lane is at least this many bytes longer than its warm-up, or the haystack is searched by
/// one lane (short texts: SSE events, most request fields).
const MIN_LANE: usize = 192;

pub(super) struct LiteralDfa {
    /// Byte -> class. Upper- and lower-case ASCII letters share a class.
    classes: [u8; 256],
    /// `trans[state + class]`: next state, premultiplied by the stride (root = 0). States
    /// that end at least one literal are numbered last, from `first_match`.
    trans: Vec<u32>,
    /// Number of states (rows of `trans` in use).
    states: u32,
    stride_shift: u32,
    /// Literals ending in match state `k = (state >> stride_shift) - first_match`:
    /// `outputs[out_start[k]..out_start[k + 1]]`.
    out_start: Vec<u32>,
    outputs: Vec<u32>,
    first_match: u32,
    /// Byte length of each literal.
    lens: Vec<u32>,
    /// The longest literal: a lane that starts this many bytes early is in step.
    max_len: usize,
}

impl std::fmt::Debug for LiteralDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiteralDfa")
            .field("states", &self.states)
            .field("table", &self.trans.len())
            .field("stride", &(1usize << self.stride_shift))
            .field("literals", &self.lens.len())
            .field("max_len", &self.max_len)
            .finish()
    }
}

impl LiteralDfa {
    /// Build from non-empty, lower-case ASCII literals (the engine checks and folds them).
    /// Literal `i` is reported as pattern `i`.
    pub(super) fn new(patterns: &[String]) -> Result<LiteralDfa, String> {
        let mut used = [false; 256];
        for p in patterns {
            for &b in p.as_bytes() {
                if let Some(u) = used.get_mut(usize::from(b.to_ascii_lowercase())) {
                    *u = true;
                }
            }
        }
        let mut classes = [0u8; 256];
        let mut nclasses: usize = 1;
        for b in 0..=255u8 {
            if used[usize::from(b)] {
                classes[usize::from(b)] = nclasses as u8;
                nclasses += 1;
            }
        }
        if nclasses > 256 {
            return Err("too many distinct literal bytes".into());
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = nclasses.next_power_of_two();
        let stride_shift = stride.trailing_zeros();

        // Trie over classes.
        let mut trie: Vec<u32> = vec![NONE; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        let mut lens = Vec::with_capacity(patterns.len());
        for (pid, p) in patterns.iter().enumerate() {
            let mut u = 0usize;
            for &b in p.as_bytes() {
                let c = usize::from(classes[usize::from(b)]);
                let next = trie[u * stride + c];
                u = if next == NONE {
                    let v = own.len();
                    if (v + 1).saturating_mul(stride) > MAX_TABLE {
                        return Err("trigger literals too large for the automaton".into());
                    }
                    own.push(Vec::new());
                    trie.resize((v + 1) * stride, NONE);
                    trie[u * stride + c] = v as u32;
                    v
                } else {
                    next as usize
                };
            }
            own[u].push(pid as u32);
            lens.push(p.len() as u32);
        }
        let states = own.len();

        // Breadth-first: failure links, full transitions, inherited outputs.
        let mut dfa: Vec<u32> = vec![0; states * stride];
        let mut fail: Vec<u32> = vec![0; states];
        let mut out: Vec<Vec<u32>> = own;
        let mut queue: Vec<u32> = Vec::with_capacity(states);
        for c in 0..nclasses {
            let v = trie[c];
            if v != NONE {
                dfa[c] = v;
                queue.push(v);
            }
        }
        let mut head = 0;
        while let Some(&u) = queue.get(head) {
            head += 1;
            let u = u as usize;
            let f = fail[u] as usize;
            for c in 0..nclasses {
                let v = trie[u * stride + c];
                if v == NONE {
                    dfa[u * stride + c] = dfa[f * stride + c];
                } else {
                    let fv = dfa[f * stride + c];
                    fail[v as usize] = fv;
                    let inherited = out[fv as usize].clone();
                    out[v as usize].extend(inherited);
                    dfa[u * stride + c] = v;
                    queue.push(v);
                }
            }
        }

        // Renumber: states without outputs first (root stays 0), then match states.
        let mut new_id = vec![0u32; states];
        let mut order: Vec<usize> = (0..states).filter(|&s| out[s].is_empty()).collect();
        let first_match = order.len();
        order.extend((0..states).filter(|&s| !out[s].is_empty()));
        for (n, &s) in order.iter().enumerate() {
            new_id[s] = n as u32;
        }
        let mut trans = vec![0u32; states * stride];
        let mut out_start = Vec::with_capacity(states - first_match + 1);
        let mut outputs = Vec::new();
        for (n, &s) in order.iter().enumerate() {
            for c in 0..nclasses {
                let t = new_id[dfa[s * stride + c] as usize] as usize;
                trans[n * stride + c] = (t << stride_shift) as u32;
            }
            if n >= first_match {
                out_start.push(outputs.len() as u32);
                let mut o = std::mem::take(&mut out[s]);
                o.sort_unstable();
                o.dedup();
                outputs.extend(o);
            }
        }
        out_start.push(outputs.len() as u32);
        Ok(LiteralDfa {
            classes,
            trans,
            states: states as u32,
            stride_shift,
            out_start,
            outputs,
            first_match: first_match as u32,
            max_len: lens.iter().copied().max().unwrap_or(0) as usize,
            lens,
        })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every literal in `hay`
    /// (overlapping occurrences included), in order of `end`.
    /// Calls `f(literal, start, end)` for every occurrence of every literal, in order of `end`
    /// (literals ending at the same byte in ascending literal order). `lanes` is the caller's
    /// reusable buffer for the matches of the lanes after the first (see the module docs).
    #[inline]
    pub(super) fn for_each_match(
        &self,
        hay: &[u8],
        lanes: &mut LaneBufs,
        mut f: impl FnMut(usize, usize, usize),
    ) {
        // Lanes: `LANES` slices of equal length `len`; lane k > 0 starts `warm` bytes before
        // the first end it owns, so it reaches that end in the state a single pass would have.
        let warm = self.max_len;
        let len = (hay.len() + (LANES - 1) * warm) / LANES;
        // The last lane's blocks end at (LANES - 1) * (len - warm) + len <= hay.len() by the
        // choice of `len`; checked here so that the block loop below can never run short.
        if len < warm + MIN_LANE || (LANES - 1) * (len - warm) + len > hay.len() {
            self.run(hay, 0, hay.len(), 0, 0, &mut |end, t| {
                self.emit(t, end, &mut f)
            });
            return;
        }
        let stride = len - warm;
        // Lane k scans [k * stride, k * stride + len) (the last lane up to hay.len()) and owns
        // the ends in (k * stride + warm, (k + 1) * stride + warm] (lane 0: from 0).
        let owns_from = |k: usize| if k == 0 { 0 } else { k * stride + warm };
        for b in &mut lanes.bufs {
            b.clear();
        }
        let mut s = [0usize; LANES];
        let blocks = len / 8;
        let first = self.first_match_entry();
        for i in 0..blocks {
            for (k, sk) in s.iter_mut().enumerate() {
                let at = k * stride + i * 8;
                // Always in bounds (checked above); a miss would be a bug, never a skip.
                let Some(Ok(ch)) = hay.get(at..at + 8).map(<&[u8; 8]>::try_from) else {
                    debug_assert!(false, "lane block out of bounds");
                    continue;
                };
                let t = self.block(*sk, ch);
                *sk = t[7];
                if t.iter().copied().max().unwrap_or(0) >= first {
                    match k.checked_sub(1).and_then(|b| lanes.bufs.get_mut(b)) {
                        None => {
                            block_ends(&t, at, first, 0, &mut |end, t| self.emit(t, end, &mut f))
                        }
                        Some(buf) => block_ends(&t, at, first, owns_from(k), &mut |end, t| {
                            buf.push((end, t))
                        }),
                    }
                }
            }
        }
        for (k, &sk) in s.iter().enumerate() {
            if let Some(buf) = k.checked_sub(1).and_then(|b| lanes.bufs.get(b)) {
                for &(end, t) in buf {
                    self.emit(t, end, &mut f);
                }
            }
            let to = if k + 1 == LANES {
                hay.len()
            } else {
                k * stride + len
            };
            self.run(
                hay,
                k * stride + blocks * 8,
                to,
                sk,
                owns_from(k),
                &mut |end, t| self.emit(t, end, &mut f),
            );
        }
    }

    /// The entry value from which a state ends a literal (match states are numbered last).
    #[inline]
    fn first_match_entry(&self) -> usize {
        (self.first_match as usize) << self.stride_shift
    }

    /// One step from state `s` on byte `b`.
    #[inline(always)]
    fn step(&self, s: usize, b: u8) -> usize {
        let c = usize::from(self.classes[usize::from(b)]);
        // `s + c` is in the table for every state and class; the check is a predicted branch
        // off the dependency chain (a mask would sit on it).
        self.trans.get(s + c).map_or(0, |&t| t as usize)
    }

    /// Eight steps from state `s`: the state after each byte.
    #[inline(always)]
    fn block(&self, s: usize, ch: &[u8; 8]) -> [usize; 8] {
        let step = |s, b| self.step(s, b);
        let t0 = step(s, ch[0]);
        let t1 = step(t0, ch[1]);
        let t2 = step(t1, ch[2]);
        let t3 = step(t2, ch[3]);
        let t4 = step(t3, ch[4]);
        let t5 = step(t4, ch[5]);
        let t6 = step(t5, ch[6]);
        let t7 = step(t6, ch[7]);
        [t0, t1, t2, t3, t4, t5, t6, t7]
    }

    /// One lane over `hay[from..to]` from state `s`: `sink(end, state)` for every end after
    /// `owns_from` that closes a literal.
    #[inline(never)]
    fn run(
        &self,
        hay: &[u8],
        from: usize,
        to: usize,
        mut s: usize,
        owns_from: usize,
        sink: &mut impl FnMut(usize, usize),
    ) {
        let first = self.first_match_entry();
        let Some(rest) = hay.get(from..to) else {
            return;
        };
        let mut at = from;
        let mut chunks = rest.chunks_exact(8);
        for ch in &mut chunks {
            let Ok(ch) = <&[u8; 8]>::try_from(ch) else {
                break;
            };
            let t = self.block(s, ch);
            s = t[7];
            if t.iter().copied().max().unwrap_or(0) >= first {
                block_ends(&t, at, first, owns_from, sink);
            }
            at += 8;
        }
        for &b in chunks.remainder() {
            s = self.step(s, b);
            at += 1;
            if s >= first && at > owns_from {
                sink(at, s);
            }
        }
    }

    #[inline(never)]
    fn emit(&self, s: usize, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let k = (s >> self.stride_shift).wrapping_sub(self.first_match as usize);
        let (Some(&a), Some(&b)) = (self.out_start.get(k), self.out_start.get(k + 1)) else {
            return;
        };
        for &p in self.outputs.get(a as usize..b as usize).unwrap_or(&[]) {
            let len = self.lens.get(p as usize).copied().unwrap_or(0) as usize;
            f(p as usize, end - len, end);
        }
    }
}

/// `sink(end, state)` for each state of the block read at `at` that ends a literal (from
/// `first`), for ends after `owns_from`.
#[inline(always)]
fn block_ends(
    t: &[usize; 8],
    at: usize,
    first: usize,
    owns_from: usize,
    sink: &mut impl FnMut(usize, usize),
) {
    for (j, &tj) in t.iter().enumerate() {
        let end = at + j + 1;
        if tj >= first && end > owns_from {
            sink(end, tj);
        }
    }
}

/// Matches of lanes 1.. of one search, held until the lanes before them are emitted (reused
/// across scans: owned by the engine's scratch).
#[derive(Debug, Default, Clone)]
pub(super) struct LaneBufs {
    bufs: [Vec<(usize, usize)>; LANES - 1],
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator of numbers below `n`.
    fn rng(mut x: u32) -> impl FnMut(u32) -> u32 {
        move |n| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        }
    }

    /// Every (pattern, start, end) by brute force, ASCII-case-insensitively.
    fn naive(patterns: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        for (p, lit) in patterns.iter().enumerate() {
            let l = lit.as_bytes();
            for start in 0..hay.len().saturating_sub(l.len() - 1) {
                if hay[start..start + l.len()].eq_ignore_ascii_case(l) {
                    v.push((p, start, start + l.len()));
                }
            }
        }
        v.sort_unstable();
        v
    }

    #[test]
    fn matches_brute_force_at_every_block_offset() {
        let mut next = rng(7);
        let alphabet = b"abAB-: 1\xc3";
        for round in 0..300 {
            let n = 1 + next(6) as usize;
            let mut patterns: Vec<String> = Vec::new();
            while patterns.len() < n {
                let len = 1 + next(4) as usize;
                let l: String = (0..len)
                    .map(|_| char::from(b"ab-: 1"[next(6) as usize]))
                    .collect();
                if !patterns.contains(&l) {
                    patterns.push(l);
                }
            }
            let dfa = LiteralDfa::new(&patterns).unwrap();
            // Lengths around the 8-byte block: matches in every lane and in the remainder.
            let len = next(40) as usize;
            let hay: Vec<u8> = (0..len)
                .map(|_| alphabet[next(alphabet.len() as u32) as usize])
                .collect();
            let mut got = Vec::new();
            dfa.for_each_match(&hay, &mut LaneBufs::default(), |p, s, e| {
                got.push((p, s, e))
            });
            let mut sorted = got.clone();
            sorted.sort_by_key(|&(_, _, e)| e);
            assert_eq!(got, sorted, "round {round}: not in order of end");
            got.sort_unstable();
            assert_eq!(
                got,
                naive(&patterns, &hay),
                "round {round}: {patterns:?} {hay:?}"
            );
        }
    }

    /// Haystacks long enough to be split into lanes, with literals up to 40 bytes (the lanes'
    /// warm-up) and matches placed across every lane boundary: same matches, same order, as
    /// the brute force. A warm-up two bytes shorter (`max_len - 1` is the least that works: a
    /// literal ending at a lane's first owned byte starts at most that far back), or no
    /// ownership test, fails this.
    #[test]
    fn lanes_match_brute_force_across_their_boundaries() {
        let mut next = rng(99);
        let mut bufs = LaneBufs::default();
        for round in 0..200 {
            let n = 1 + next(5) as usize;
            let mut patterns: Vec<String> = Vec::new();
            while patterns.len() < n {
                // Mostly short literals over a tiny alphabet (many overlapping matches), and
                // one long literal of repeated bytes so long matches straddle lane starts.
                let len = if patterns.is_empty() {
                    20 + next(21) as usize
                } else {
                    1 + next(5) as usize
                };
                let l: String = if patterns.is_empty() {
                    "a".repeat(len - 1) + "b"
                } else {
                    (0..len)
                        .map(|_| char::from(b"ab-"[next(3) as usize]))
                        .collect()
                };
                if !patterns.contains(&l) {
                    patterns.push(l);
                }
            }
            let dfa = LiteralDfa::new(&patterns).unwrap();
            let len = 400 + next(2600) as usize;
            let mut hay: Vec<u8> = (0..len).map(|_| b"aaaab-xA"[next(8) as usize]).collect();
            // Long runs of 'a' ending in 'b' near where the lanes meet.
            let warm = dfa.max_len;
            let lane = (len + (LANES - 1) * warm) / LANES;
            for k in 1..LANES {
                let meet = k * (lane - warm) + warm;
                let end = (meet + next(8) as usize).saturating_sub(4).min(len);
                let start = end.saturating_sub(patterns[0].len());
                for b in &mut hay[start..end] {
                    *b = b'a';
                }
                if end > 0 {
                    hay[end - 1] = b'b';
                }
            }
            let mut got = Vec::new();
            dfa.for_each_match(&hay, &mut bufs, |p, s, e| got.push((p, s, e)));
            let mut by_end = got.clone();
            by_end.sort_by_key(|&(p, _, e)| (e, p));
            assert_eq!(got, by_end, "round {round}: not in order of end");
            got.sort_unstable();
            assert_eq!(got, naive(&patterns, &hay), "round {round}: {patterns:?}");
        }
    }

    #[test]
    fn builtin_catalogue_size() {
        let e = crate::detect::Engine::with_detectors(crate::detect::detectors::builtin()).unwrap();
        let dfa = e.literals.as_ref().unwrap();
        println!("{dfa:?}");
        // The figures quoted in the module docs.
        assert!(dfa.states < 4096 && dfa.trans.len() <= 1 << 18, "{dfa:?}");
    }
}
