//! The renderer of the chosen style: one enum, so the line loop calls
//! each style the same way.

use std::io::{self, Write};

use super::event::Event;
use super::sink::Sink;
use super::{markdown, pretty, summary, text};

pub enum Renderer {
    Pretty(pretty::Pretty),
    Text(text::Text),
    Summary(summary::Summary),
    Markdown(markdown::Markdown),
}

impl Renderer {
    pub fn event<W: Write>(&mut self, ev: &Event<'_>, o: &mut Sink<'_, W>) -> io::Result<()> {
        match self {
            Renderer::Pretty(r) => r.event(ev, o),
            Renderer::Text(r) => r.event(ev, o),
            Renderer::Summary(r) => r.event(ev, o),
            Renderer::Markdown(r) => r.event(ev, o),
        }
    }

    pub fn finish<W: Write>(&mut self, o: &mut Sink<'_, W>) -> io::Result<()> {
        match self {
            Renderer::Pretty(r) => r.finish(o),
            Renderer::Text(r) => r.finish(o),
            Renderer::Summary(r) => r.finish(o),
            Renderer::Markdown(r) => r.finish(o),
        }
    }

    /// The input now comes from this file (`None`: stdin).
    pub fn source(&mut self, name: Option<String>) {
        if let Renderer::Summary(r) = self {
            r.source(name);
        }
    }

    /// A session failed, and the style says so in the exit status
    /// (`summary`).
    pub fn failed(&self) -> bool {
        match self {
            Renderer::Summary(r) => r.failed(),
            _ => false,
        }
    }
}
