//! The generator of `src/protocol/table.rs` (see tests/protocol_table.rs).
pub mod generate;
pub mod observed;
pub mod ts;
