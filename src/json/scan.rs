//! Word-at-a-time scanning for the bytes that end a plain run of JSON string
//! text, shared by the parser and the writer. Safe code; eight bytes a step.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` that is zero (exact for the lowest such byte).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGHS
}

/// High bit set in each byte of `w` below 0x20 (exact for the lowest such byte).
#[inline(always)]
fn control_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES * 0x20) & !w & HIGHS
}

#[inline(always)]
fn first(bytes: &[u8], mask: impl Fn(u64) -> u64, special: impl Fn(u8) -> bool) -> usize {
    let mut i = 0;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let m = mask(u64::from_le_bytes(w));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    for &b in words.remainder() {
        if special(b) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Index of the first `"`, `\` or control byte (below 0x20), or `bytes.len()`.
#[inline]
pub fn string_special(bytes: &[u8]) -> usize {
    first(
        bytes,
        |w| {
            zero_bytes(w ^ (ONES * b'"' as u64))
                | zero_bytes(w ^ (ONES * b'\\' as u64))
                | control_bytes(w)
        },
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

/// Like [`string_special`], and DEL (0x7f) too: the bytes a JSON writer escapes.
#[inline]
pub fn output_special(bytes: &[u8]) -> usize {
    first(
        bytes,
        |w| {
            zero_bytes(w ^ (ONES * b'"' as u64))
                | zero_bytes(w ^ (ONES * b'\\' as u64))
                | zero_bytes(w ^ (ONES * 0x7f))
                | control_bytes(w)
        },
        |b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte_at_every_position() {
        for len in 0..20 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
                    let mut v = vec![b'a'; len];
                    // Bytes that look special to a sloppy mask: above and below the range.
                    for (k, b) in v.iter_mut().enumerate() {
                        *b = [b'a', 0x20, 0xff, 0x80, b'!', b'#'][k % 6];
                    }
                    if at < len {
                        v[at] = special;
                    }
                    assert_eq!(string_special(&v), at, "{v:?}");
                }
            }
        }
        assert_eq!(output_special(b"abcdefghij\x7f"), 10);
        assert_eq!(string_special(b"abcdefghij\x7f"), 11);
    }
}
