//! The line reader: what it returns is the input's lines as documented,
//! whatever the cap and the sizes of the reads.
#![no_main]

use ccpipe_fuzz::checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Two bytes choose the cap and the read sizes; the rest is the input.
    let [a, b, input @ ..] = data else {
        return;
    };
    let max = match a % 4 {
        0 => 1 + usize::from(*b),
        1 => 1 + usize::from(*b) * 64,
        _ => ccpipe::lines::DEFAULT_MAX_LINE,
    };
    let max_read = [1, 3, 7, 4096, usize::MAX][usize::from(a >> 2) % 5];
    if let Err(e) = checks::line_reader(input, max, max_read, u64::from(*b)) {
        panic!("{e}");
    }
});
