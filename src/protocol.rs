//! What ccpipe knows about Claude Code's stream-json protocol (in progress).
