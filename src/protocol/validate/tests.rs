use super::*;

#[test]
fn json_errors_are_the_readers() {
    let err = check_output(b"{\"type\": tru}").unwrap_err();
    assert_eq!(
        err,
        "invalid JSON at column 10: invalid literal (expected true, false or null)"
    );
    assert_eq!(
        check_output(b"{\"type\":\"\xff\"}"),
        Err("invalid UTF-8 at column 10".into())
    );
    assert_eq!(
        check_input_line(b"[1]"),
        Err("expected a JSON object, found an array".into())
    );
}

#[test]
fn the_builders_make_valid_input() {
    use crate::protocol::{Priority, interrupt_request, user_message};
    let blocks = serde_json::json!([{"type":"text","text":"see"}]);
    for line in [
        user_message(serde_json::Value::from("hi"), Some(Priority::Now)),
        user_message(blocks, None),
        interrupt_request("r-1"),
    ] {
        assert_eq!(
            check_input_line(&line),
            Ok(()),
            "{}",
            String::from_utf8_lossy(&line)
        );
    }
}

#[test]
fn unknown_output_types_pass() {
    assert_eq!(
        check_output(br#"{"type":"brand_new","x":1}"#),
        Ok(Verdict::Unknown(r#"unknown type "brand_new""#.into()))
    );
    assert_eq!(
        check_output(br#"{"type":"system","subtype":"brand_new"}"#),
        Ok(Verdict::Unknown(
            r#"unknown system subtype "brand_new""#.into()
        ))
    );
}

#[test]
fn key_order_does_not_matter() {
    let a = br#"{"type":"keep_alive"}"#;
    assert_eq!(check_output(a), Ok(Verdict::Known));
    let cmd = br#"{"state":"queued","command_uuid":"c","session_id":"s","uuid":"u","type":"command_lifecycle"}"#;
    assert_eq!(check_output(cmd), Ok(Verdict::Known));
}
