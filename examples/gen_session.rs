//! Writes a realistic stream-json session of at least SIZE megabytes to stdout,
//! for the benchmarks: shaped like the real CLI's output with
//! `--include-partial-messages` (tests/fixtures/tools-partial.jsonl), mostly
//! small `stream_event` lines, with a Bash tool result in every turn, of
//! 1 KB to 200 KB in every third. Deterministic: the same SIZE gives the same bytes.
//!
//! Usage: cargo run --release --example gen_session -- 200 > session.jsonl

use std::io::{self, BufWriter, Write};

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            b >> 52,
            b & 0xffff_ffff_ffff
        )
    }
}

const WORDS: &[&str] = &[
    "the ",
    "test ",
    "fails ",
    "because ",
    "function ",
    "returns ",
    "an ",
    "error ",
    "when ",
    "input ",
    "is ",
    "empty; ",
    "let ",
    "me ",
    "check ",
    "src/lib.rs ",
    "and ",
    "fix ",
    "it. ",
    "Done: ",
    "\\n",
    "`cargo test` ",
    "passes ",
    "now ",
    "✓ ",
    "日本語 ",
];

/// A real capture; its first line is a `system/init` event.
const REAL_CAPTURE: &str = include_str!("../tests/fixtures/text-turn.jsonl");
const REAL_SESSION: &str = "3c7a351e-e406-47e8-b722-4221e133e6da";

/// 1 KB to 200 KB, log-distributed.
fn size_kb(rng: &mut Rng) -> usize {
    (1000.0 * 200f64.powf((rng.below(1000) as f64) / 1000.0)) as usize
}

fn main() -> io::Result<()> {
    let mb: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let target = mb * 1_000_000;
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let session = rng.uuid();
    let mut written = 0u64;
    let mut turn = 0u64;
    let mut emit = |line: String, written: &mut u64| -> io::Result<()> {
        *written += line.len() as u64 + 1;
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")
    };
    while written < target {
        turn += 1;
        let tail = |rng: &mut Rng| {
            format!(
                r#""session_id":"{session}","parent_tool_use_id":null,"uuid":"{}""#,
                rng.uuid()
            )
        };
        // The real CLI's init line (3 KB), with this session's id.
        let init = REAL_CAPTURE
            .lines()
            .next()
            .unwrap_or_default()
            .replace(REAL_SESSION, &session);
        emit(init, &mut written)?;
        for step in 0..2 {
            let msg = format!("msg_{turn:06}_{step}");
            emit(
                format!(
                    r#"{{"type":"system","subtype":"status","status":"requesting","uuid":"{}","session_id":"{session}"}}"#,
                    rng.uuid()
                ),
                &mut written,
            )?;
            emit(
                format!(
                    r#"{{"type":"stream_event","event":{{"type":"message_start","message":{{"id":"{msg}","type":"message","role":"assistant","model":"claude-opus-4-8","content":[],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":12,"output_tokens":1}}}}}},{},"ttft_ms":11}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            emit(
                format!(
                    r#"{{"type":"stream_event","event":{{"type":"content_block_start","index":0,"content_block":{{"type":"text","text":""}}}},{}}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            let mut text = String::new();
            for _ in 0..(20 + rng.below(60)) {
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                text.push_str(w);
                emit(
                    format!(
                        r#"{{"type":"stream_event","event":{{"type":"content_block_delta","index":0,"delta":{{"type":"text_delta","text":"{w}"}}}},{}}}"#,
                        tail(&mut rng)
                    ),
                    &mut written,
                )?;
            }
            emit(
                format!(
                    r#"{{"type":"assistant","message":{{"id":"{msg}","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{{"type":"text","text":"{text}"}}],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":12,"output_tokens":1}},"context_management":null}},{}}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            emit(
                format!(
                    r#"{{"type":"stream_event","event":{{"type":"content_block_stop","index":0}},{}}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            if step == 0 {
                let tool = format!("toolu_{turn:06}");
                emit(
                    format!(
                        r#"{{"type":"stream_event","event":{{"type":"content_block_start","index":1,"content_block":{{"type":"tool_use","id":"{tool}","name":"Bash","input":{{}}}}}},{}}}"#,
                        tail(&mut rng)
                    ),
                    &mut written,
                )?;
                for part in [r#"{\"comma"#, r#"nd\": \"ca"#, r#"rgo test"#, r#" 2>&1\"}"#] {
                    emit(
                        format!(
                            r#"{{"type":"stream_event","event":{{"type":"content_block_delta","index":1,"delta":{{"type":"input_json_delta","partial_json":"{part}"}}}},{}}}"#,
                            tail(&mut rng)
                        ),
                        &mut written,
                    )?;
                }
                emit(
                    format!(
                        r#"{{"type":"assistant","message":{{"id":"{msg}","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{{"type":"tool_use","id":"{tool}","name":"Bash","input":{{"command":"cargo test 2>&1","description":"Run the tests"}}}}],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":12,"output_tokens":1}},"context_management":null}},{}}}"#,
                        tail(&mut rng)
                    ),
                    &mut written,
                )?;
                emit(
                    format!(
                        r#"{{"type":"stream_event","event":{{"type":"content_block_stop","index":1}},{}}}"#,
                        tail(&mut rng)
                    ),
                    &mut written,
                )?;
            }
            let stop = if step == 0 { "tool_use" } else { "end_turn" };
            emit(
                format!(
                    r#"{{"type":"stream_event","event":{{"type":"message_delta","delta":{{"stop_reason":"{stop}","stop_sequence":null}},"usage":{{"output_tokens":17}}}},{}}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            emit(
                format!(
                    r#"{{"type":"stream_event","event":{{"type":"message_stop"}},{}}}"#,
                    tail(&mut rng)
                ),
                &mut written,
            )?;
            if step == 0 {
                // A tool result of 1 KB to 200 KB, log-distributed; long ones
                // in every third turn, so small events hold half the bytes.
                let size = if turn.is_multiple_of(3) {
                    size_kb(&mut rng)
                } else {
                    1000
                };
                let mut body = String::with_capacity(size + 64);
                while body.len() < size {
                    body.push_str(
                        "test result: ok. 42 passed; 0 failed\\n    Finished in 0.31s\\t",
                    );
                }
                emit(
                    format!(
                        r#"{{"type":"user","message":{{"role":"user","content":[{{"tool_use_id":"toolu_{turn:06}","type":"tool_result","content":"{body}","is_error":false}}]}},{},"timestamp":"2026-11-22T02:25:21.272Z","tool_use_result":{{"stdout":"{body}","stderr":"","interrupted":false,"isImage":false}}}}"#,
                        tail(&mut rng)
                    ),
                    &mut written,
                )?;
            }
        }
        emit(
            format!(
                r#"{{"type":"result","subtype":"success","is_error":false,"api_error_status":null,"duration_ms":{},"duration_api_ms":59,"num_turns":2,"result":"Done.","stop_reason":"end_turn","session_id":"{session}","total_cost_usd":0.00097,"usage":{{"input_tokens":24,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":34}},"modelUsage":{{}},"permission_denials":[],"terminal_reason":"completed","uuid":"{}"}}"#,
                100 + rng.below(5000),
                rng.uuid()
            ),
            &mut written,
        )?;
    }
    out.flush()
}
