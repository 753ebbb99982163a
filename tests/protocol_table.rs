//! `src/protocol/table.rs` is what the generator makes of the pinned agent
//! SDK's `sdk.d.ts` (installed by npm into the target dir, never committed)
//! and of the observed facts in tests/protocol/observed.rs. A new SDK, or a
//! changed observation, fails this test until the table is regenerated:
//! `CCPIPE_BLESS=1 cargo test --test protocol_table`.

mod protocol;
mod support;

use std::path::Path;

const TABLE: &str = "src/protocol/table.rs";

#[test]
fn the_table_is_generated_from_sdk_d_ts() {
    let dts_path = support::sdk::sdk_dts();
    let dts = std::fs::read_to_string(&dts_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", dts_path.display()));
    let decls = protocol::ts::declarations(&dts).expect("sdk.d.ts parses");
    let generated = protocol::generate::Generator::new(decls)
        .table(support::sdk::SDK_VERSION)
        .expect("the table generates");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE);
    if std::env::var_os("CCPIPE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write the table");
        // Format it as `cargo fmt` would, so the check below and fmt agree.
        let status = std::process::Command::new("rustfmt")
            .args(["--edition", "2024"])
            .arg(&path)
            .status()
            .expect("run rustfmt");
        assert!(status.success(), "rustfmt {TABLE}");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("read the table");
    let formatted = rustfmt(&generated);
    assert!(
        committed == formatted,
        "{TABLE} is not what sdk.d.ts {} gives; run \
         `CCPIPE_BLESS=1 cargo test --test protocol_table` and review the diff",
        support::sdk::SDK_VERSION
    );
}

/// `text` as `rustfmt` lays it out.
fn rustfmt(text: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run rustfmt");
    let mut stdin = child.stdin.take().expect("rustfmt stdin");
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("rustfmt output");
    writer.join().expect("writer").expect("write to rustfmt");
    assert!(out.status.success(), "rustfmt failed");
    String::from_utf8(out.stdout).expect("rustfmt prints UTF-8")
}

/// The generator understands every construct of the file, not only the
/// types the table needs: a new construct is noticed here first.
#[test]
fn every_declaration_of_sdk_d_ts_parses() {
    let dts = std::fs::read_to_string(support::sdk::sdk_dts()).expect("read sdk.d.ts");
    let decls = protocol::ts::declarations(&dts).expect("sdk.d.ts parses");
    for name in [
        "SDKMessage",
        "StdoutMessage",
        "SDKControlRequestInner",
        "PermissionResult",
    ] {
        assert!(decls.contains_key(name), "{name} is declared");
    }
    let declared = dts
        .lines()
        .filter(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            l.starts_with("declare type ") || l.starts_with("declare interface ")
        })
        .count();
    assert_eq!(decls.len(), declared, "every top-level declaration is read");
}
