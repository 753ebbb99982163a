//! The one place that decides how each kind of output looks in colour.
//!
//! Promises: with colour off every role is plain and nothing but the text
//! is written; renderers name roles, never colours.

use nu_ansi_term::{Color, Style};

/// What a piece of output is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Plain,
    /// Secondary information: unknown events, tasks, omitted-line counts.
    Dim,
    Thinking,
    Header,
    /// A tool's name in a tool call.
    Tool,
    /// The user's own words (replayed or steering messages).
    User,
    Success,
    Warning,
    Error,
    /// The label of the session lane with this number (from 1).
    Lane(usize),
}

/// Lane colours: none that means success, warning or failure.
const LANES: [Color; 6] = [
    Color::Cyan,
    Color::Magenta,
    Color::Blue,
    Color::LightCyan,
    Color::LightMagenta,
    Color::LightBlue,
];

/// Styles for every role, fixed once from the colour decision.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    pub fn style(&self, role: Role) -> Style {
        if !self.color {
            return Style::new();
        }
        match role {
            Role::Plain => Style::new(),
            Role::Dim => Style::new().dimmed(),
            Role::Thinking => Style::new().dimmed().italic(),
            Role::Header => Style::new().bold(),
            Role::Tool => Color::Cyan.bold(),
            Role::User => Color::Blue.bold(),
            Role::Success => Color::Green.normal(),
            Role::Warning => Color::Yellow.normal(),
            Role::Error => Color::Red.normal(),
            Role::Lane(n) => LANES[n.saturating_sub(1) % LANES.len()].bold(),
        }
    }
}
