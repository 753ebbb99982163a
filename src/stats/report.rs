//! The finished figures, per session and in total, that every output form
//! (table, JSON, Prometheus) renders. Built once, after the input ended.
//!
//! Promises: totals are sums over sessions (cost: of each session's last
//! running total); percentiles are taken over results, by nearest rank
//! (the smallest value with at least p% of the values at or below it).

use std::collections::BTreeMap;

use serde::Serialize;

use super::session::{ErrorResult, Session, Status, Tokens};

/// Durations of results, in milliseconds.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Durations {
    /// How many results carried the duration.
    pub results: usize,
    pub total: u64,
    pub p50: Option<u64>,
    pub p95: Option<u64>,
    pub max: Option<u64>,
}

impl Durations {
    /// Figures over `values` (sorted here).
    pub fn of(values: &mut [u64]) -> Self {
        values.sort_unstable();
        Durations {
            results: values.len(),
            total: values.iter().fold(0, |a: u64, &v| a.saturating_add(v)),
            p50: percentile(values, 50),
            p95: percentile(values, 95),
            max: values.last().copied(),
        }
    }
}

/// Nearest-rank percentile of sorted `values`.
pub fn percentile(sorted: &[u64], p: usize) -> Option<u64> {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Sessions by how they ended.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct ByStatus {
    pub ok: usize,
    pub error: usize,
    pub incomplete: usize,
}

/// An error result, with the session it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRow {
    pub session_id: String,
    #[serde(flatten)]
    pub error: ErrorResult,
}

/// One session's figures.
#[derive(Debug, Serialize)]
pub struct SessionReport {
    pub session_id: String,
    pub status: Status,
    pub results: BTreeMap<String, u64>,
    pub error_results: u64,
    pub turns: u64,
    pub cost_usd: Option<f64>,
    pub duration_ms: Durations,
    pub api_duration_ms: Durations,
    pub tokens: Tokens,
    pub tool_calls: u64,
    pub tools: BTreeMap<String, u64>,
    pub permission_denials: u64,
    pub denied_tools: BTreeMap<String, u64>,
    pub api_retries: u64,
    pub errors: Vec<ErrorResult>,
}

/// Everything cc-stats reports.
#[derive(Debug, Serialize)]
pub struct Report {
    pub sessions: usize,
    /// Sessions that did not end well (error or incomplete).
    pub failed: usize,
    pub status: ByStatus,
    pub results: BTreeMap<String, u64>,
    pub error_results: u64,
    pub turns: u64,
    pub cost_usd: f64,
    pub duration_ms: Durations,
    pub api_duration_ms: Durations,
    pub tokens: Tokens,
    pub tool_calls: u64,
    pub tools: BTreeMap<String, u64>,
    pub permission_denials: u64,
    pub denied_tools: BTreeMap<String, u64>,
    pub api_retries: u64,
    pub errors: Vec<ErrorRow>,
    pub per_session: Vec<SessionReport>,
}

impl Report {
    pub fn build(sessions: Vec<Session>) -> Report {
        let mut wall = vec![];
        let mut api = vec![];
        let mut per_session = Vec::with_capacity(sessions.len());
        for mut s in sessions {
            wall.extend_from_slice(&s.wall_ms);
            api.extend_from_slice(&s.api_ms);
            let sum = |m: &BTreeMap<String, u64>| m.values().sum();
            per_session.push(SessionReport {
                status: s.status(),
                tokens: s.tokens(),
                error_results: s.error_results,
                turns: s.turns,
                cost_usd: s.cost,
                duration_ms: Durations::of(&mut s.wall_ms),
                api_duration_ms: Durations::of(&mut s.api_ms),
                tool_calls: sum(&s.tools),
                permission_denials: sum(&s.denied),
                api_retries: s.retries,
                session_id: s.id,
                results: s.results,
                tools: s.tools,
                denied_tools: s.denied,
                errors: s.errors,
            });
        }
        let mut r = Report {
            sessions: per_session.len(),
            failed: 0,
            status: ByStatus::default(),
            results: BTreeMap::new(),
            error_results: 0,
            turns: 0,
            cost_usd: 0.0,
            duration_ms: Durations::of(&mut wall),
            api_duration_ms: Durations::of(&mut api),
            tokens: Tokens::default(),
            tool_calls: 0,
            tools: BTreeMap::new(),
            permission_denials: 0,
            denied_tools: BTreeMap::new(),
            api_retries: 0,
            errors: vec![],
            per_session: vec![],
        };
        for s in &per_session {
            r.add(s);
        }
        r.per_session = per_session;
        r
    }

    fn add(&mut self, s: &SessionReport) {
        match s.status {
            Status::Ok => self.status.ok += 1,
            Status::Error => self.status.error += 1,
            Status::Incomplete => self.status.incomplete += 1,
        }
        self.failed = self.status.error + self.status.incomplete;
        merge(&mut self.results, &s.results);
        self.error_results += s.error_results;
        self.turns = self.turns.saturating_add(s.turns);
        self.cost_usd += s.cost_usd.unwrap_or(0.0);
        self.tokens += s.tokens;
        self.tool_calls += s.tool_calls;
        merge(&mut self.tools, &s.tools);
        self.permission_denials += s.permission_denials;
        merge(&mut self.denied_tools, &s.denied_tools);
        self.api_retries += s.api_retries;
        self.errors.extend(s.errors.iter().map(|e| ErrorRow {
            session_id: s.session_id.clone(),
            error: e.clone(),
        }));
    }
}

fn merge(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&v, 50), Some(10));
        assert_eq!(percentile(&v, 95), Some(19));
        assert_eq!(percentile(&[7], 95), Some(7));
        assert_eq!(percentile(&[3, 9], 50), Some(3));
        assert_eq!(percentile(&[], 50), None);
    }
}
