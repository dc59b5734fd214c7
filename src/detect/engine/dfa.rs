//! The trigger automaton: an ASCII-case-insensitive Aho-Corasick DFA over every trigger literal
//! with standard (overlapping) semantics, searched by one tight byte loop.
//!
//! Owns: the byte classes (ASCII letters folded, bytes in no literal share class 0), the full
//! premultiplied transition table and the per-state lists of literals that end there.
//! Never: allocates while searching, looks at text beyond the haystack it is given.
//! Called by: [`super::Engine`] (built once with the engine; searched once per scan).
//!
//! # Cost model
//! One table lookup per byte, and one test per eight bytes: every transition entry into a
//! state that ends a literal (including literals inherited through failure links) carries a
//! [`MATCH`] flag above the index bits, which the loop's index mask strips, so eight steps OR
//! their entries together and test the flag once; only a block where a literal ends looks at
//! its eight entries again. Per byte: load byte, load class, add, mask, load entry, OR. Measured
//! (callgrind, built-in catalogue, 4 MiB corpora): 7.0 instructions per byte on clean prose
//! and logs including the returns at each of the ~46k literal ends (one per ~90 bytes), was 8.7
//! with a compare per byte; whatever the number of literals (a general-purpose automaton with
//! a prefilter pays ~18/byte once there are too many literals for the prefilter to work).
//! A state-0 skip loop would not pay: the literals start with the space and 25 of the 26
//! letters, so prose almost never sits at the root on a byte that could be skipped.
//! Memory: states x stride x 4 bytes (stride = distinct literal bytes rounded up to a power of
//! two; the built-in catalogue: 2,607 states x stride 64 for 52 classes, padded to 262,144
//! entries (1 MiB)).

/// Largest transition table accepted (entries of 4 bytes: 64 MiB). The built-in catalogue
/// (631 literals, 2,607 states x stride 64) needs 262,144 entries after padding (1 MiB).
const MAX_TABLE: usize = 1 << 24;

const NONE: u32 = u32::MAX;

/// Flag on a transition entry whose target state ends a literal. Above every index
/// (`MAX_TABLE` entries): the search loop's index mask strips it.
const MATCH: u32 = 1 << 31;

pub(super) struct LiteralDfa {
    /// Byte -> class. Upper- and lower-case ASCII letters share a class.
    classes: [u8; 256],
    /// `trans[state + class]`: next state, premultiplied by the stride (root = 0), with the
    /// [`MATCH`] flag set when that state ends at least one literal.
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
}

impl std::fmt::Debug for LiteralDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiteralDfa")
            .field("states", &self.states)
            .field("table", &self.trans.len())
            .field("stride", &(1usize << self.stride_shift))
            .field("literals", &self.lens.len())
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
        // Padded to a power of two so the search loop can mask instead of bounds-check.
        let mut trans = vec![0u32; (states * stride).next_power_of_two()];
        let mut out_start = Vec::with_capacity(states - first_match + 1);
        let mut outputs = Vec::new();
        for (n, &s) in order.iter().enumerate() {
            for c in 0..nclasses {
                let t = new_id[dfa[s * stride + c] as usize] as usize;
                let flag = if t >= first_match { MATCH } else { 0 };
                trans[n * stride + c] = ((t << stride_shift) as u32) | flag;
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
            lens,
        })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every literal in `hay`
    /// (overlapping occurrences included), in order of `end`.
    #[inline]
    pub(super) fn for_each_match(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let mut at = 0;
        let mut s = 0;
        while let Some((end, state)) = self.next_match(hay, at, s) {
            self.emit(state, end, &mut f);
            at = end;
            s = state;
        }
    }

    /// Runs the automaton from state `s` at `hay[at..]` up to the first byte that ends a
    /// literal: `Some((end, state))` with `end` one past that byte, `None` at the end.
    #[inline(never)]
    fn next_match(&self, hay: &[u8], mut at: usize, mut s: usize) -> Option<(usize, usize)> {
        let classes = &self.classes;
        // The table length is a power of two: masking the index keeps it in bounds without a
        // per-byte bounds check, and strips the `MATCH` flag a match state's entry carries.
        let trans = self.trans.as_slice();
        let mask = trans.len().wrapping_sub(1);
        let step = |s: usize, b: u8| -> usize {
            let c = usize::from(classes[usize::from(b)]);
            trans.get((s + c) & mask).map_or(0, |&t| t as usize)
        };
        const FLAG: usize = MATCH as usize;
        let rest = hay.get(at..)?;
        // Eight steps, then one test of the flags OR-ed together: a literal ends in this block
        // only if some entry carried the flag (rare on prose); then the first such byte wins.
        // Bytes are read one by one from memory (one load each, no shifting out of a word).
        let mut chunks = rest.chunks_exact(8);
        for ch in &mut chunks {
            let Ok(ch) = <&[u8; 8]>::try_from(ch) else {
                break;
            };
            let t0 = step(s, ch[0]);
            let t1 = step(t0, ch[1]);
            let t2 = step(t1, ch[2]);
            let t3 = step(t2, ch[3]);
            let t4 = step(t3, ch[4]);
            let t5 = step(t4, ch[5]);
            let t6 = step(t5, ch[6]);
            let t7 = step(t6, ch[7]);
            if (t0 | t1 | t2 | t3 | t4 | t5 | t6 | t7) & FLAG != 0 {
                let found = [t0, t1, t2, t3, t4, t5, t6, t7]
                    .into_iter()
                    .enumerate()
                    .find(|&(_, t)| t & FLAG != 0);
                if let Some((i, t)) = found {
                    return Some((at + i + 1, t));
                }
            }
            s = t7;
            at += 8;
        }
        for &b in chunks.remainder() {
            s = step(s, b);
            at += 1;
            if s & FLAG != 0 {
                return Some((at, s));
            }
        }
        None
    }

    #[inline(never)]
    fn emit(&self, s: usize, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let k =
            ((s & !(MATCH as usize)) >> self.stride_shift).wrapping_sub(self.first_match as usize);
        let (Some(&a), Some(&b)) = (self.out_start.get(k), self.out_start.get(k + 1)) else {
            return;
        };
        for &p in self.outputs.get(a as usize..b as usize).unwrap_or(&[]) {
            let len = self.lens.get(p as usize).copied().unwrap_or(0) as usize;
            f(p as usize, end - len, end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut x: u32 = 7;
        let mut next = move |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
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
            dfa.for_each_match(&hay, |p, s, e| got.push((p, s, e)));
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

    #[test]
    fn builtin_catalogue_size() {
        let e = crate::detect::Engine::with_detectors(crate::detect::detectors::builtin()).unwrap();
        let dfa = e.literals.as_ref().unwrap();
        println!("{dfa:?}");
        // The figures quoted in the module docs.
        assert!(dfa.states < 4096 && dfa.trans.len() <= 1 << 18, "{dfa:?}");
    }
}
