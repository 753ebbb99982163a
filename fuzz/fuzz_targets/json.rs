//! The JSON reader and the validator on one line: serde_json's verdict
//! where the rules agree, values read back equal, no panic, and a line the
//! validator accepts is an object by the reader.
#![no_main]

use std::cell::RefCell;

use ccpipe::json::Reader;
use ccpipe::protocol::validate::Checker;
use ccpipe_fuzz::checks;
use libfuzzer_sys::fuzz_target;

thread_local! {
    /// Reused across inputs, as a stage reuses them across lines.
    static LONG_LIVED: RefCell<(Reader, Checker)> = RefCell::default();
}

fuzz_target!(|line: &[u8]| {
    LONG_LIVED.with_borrow_mut(|(reader, checker)| {
        let mut stats = checks::JsonStats::default();
        if let Err(e) = checks::json_line(line, reader, &mut stats) {
            panic!("{e}");
        }
        if let Err(e) = checks::validator_line(line, checker) {
            panic!("{e}");
        }
    });
});
