#!/usr/bin/env bash
# Session-side benchmark: steering latency through cc-steer (FIFO write to
# stdout; p50/p99 over 10,000 lines, lines lost or reordered, lines/s) and what
# cc-run adds per event and in throughput against a direct pipe and `cat`,
# with a stand-in child that echoes its input.
#
# Usage: examples/bench/session-side.sh
# Targets: steering p99 < 1 ms, >= 10,000 lines/s, nothing lost;
#          cc-run p99 added < 1 ms per event, >= half of cat's throughput.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet --bins --example steer_latency --example run_latency
echo "== cc-steer"
target/release/examples/steer_latency --lines 10000 target/release/cc-steer
echo
echo "== cc-run"
target/release/examples/run_latency --lines 10000
