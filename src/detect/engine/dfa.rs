//! The trigger automaton: an ASCII-case-insensitive Aho-Corasick DFA over every trigger literal
//! with standard (overlapping) semantics, searched by one tight byte loop.
//!
//! Owns: the byte classes (ASCII letters folded, bytes in no literal share class 0), the full
//! premultiplied transition table and the per-state lists of literals that end there.
//! Never: allocates while searching, looks at text beyond the haystack it is given.
//! Called by: [`super::Engine`] (built once with the engine; searched once per scan).
//!
//! # Cost model
//! One table lookup per byte plus one compare: states are numbered so that every state that
//! ends a literal (including literals inherited through failure links) comes after all
//! others, so "did a literal end here" is `state >= match_floor`. About 6 instructions per
//! byte whatever the number of literals (a general-purpose automaton with a prefilter pays
//! ~18/byte once there are too many literals for the prefilter to work). Memory: states x
//! stride x 4 bytes (stride = distinct literal bytes rounded up to a power of two; the
//! built-in catalogue: ~4k states x 64).

/// Largest transition table accepted (entries of 4 bytes: 64 MiB). The built-in catalogue
/// (631 literals, < 4k states x stride 64) needs 262,144 entries after padding (1 MiB).
const MAX_TABLE: usize = 1 << 24;

const NONE: u32 = u32::MAX;

pub(super) struct LiteralDfa {
    /// Byte -> class. Upper- and lower-case ASCII letters share a class.
    classes: [u8; 256],
    /// `trans[state + class]`: next state, premultiplied by the stride (root = 0).
    trans: Vec<u32>,
    /// Premultiplied states `>= match_floor` end at least one literal.
    match_floor: u32,
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
        let match_floor = u32::try_from(first_match << stride_shift)
            .map_err(|_| "trigger literals too large for the automaton".to_string())?;
        Ok(LiteralDfa {
            classes,
            trans,
            match_floor,
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
        // per-byte bounds check (states are always < the table length, the mask is a no-op).
        let trans = self.trans.as_slice();
        let mask = trans.len().wrapping_sub(1);
        let floor = self.match_floor as usize;
        let step = |s: usize, b: u8| -> usize {
            let c = usize::from(classes[usize::from(b)]);
            trans.get((s + c) & mask).map_or(0, |&t| t as usize)
        };
        let rest = hay.get(at..)?;
        let mut chunks = rest.chunks_exact(4);
        for ch in &mut chunks {
            let [b0, b1, b2, b3] = <[u8; 4]>::try_from(ch).unwrap_or([0; 4]);
            s = step(s, b0);
            if s >= floor {
                return Some((at + 1, s));
            }
            s = step(s, b1);
            if s >= floor {
                return Some((at + 2, s));
            }
            s = step(s, b2);
            if s >= floor {
                return Some((at + 3, s));
            }
            s = step(s, b3);
            if s >= floor {
                return Some((at + 4, s));
            }
            at += 4;
        }
        for &b in chunks.remainder() {
            s = step(s, b);
            at += 1;
            if s >= floor {
                return Some((at, s));
            }
        }
        None
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
