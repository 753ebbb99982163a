//! The per-line loop: read, select, build, run the compiled stages, write.
//!
//! Promises: every line is read by the one reader ([`crate::json`]), so a
//! line cc-check refuses is refused here too, with the same words, whatever
//! the selection; nothing is built that selection can skip, and a program
//! builds only the members it reads (with `--slurp`, of every line); an
//! output that is the input value itself, unchanged, is written as the input
//! line's own bytes when that line is already compact JSON; output is flushed when the input would
//! block (the shared `each_line` hook), not per line; errors are reported
//! where they happen and turned into jq's exit status at the end.

use std::fmt::Display;
use std::io::{self, Write};

use jaq_json::Val;

use super::demand;
use super::eval::{self, Lite};
use super::jq::{self, Event, Program};
use super::native::{self, Native, Outcome};
use super::select::{self, Selector};
use super::write::{self, Style};
use super::{Plan, exit};
use crate::app;
use crate::error::{Error, Result};
use crate::json::{self, jaq::Builder};
use crate::output::{self, At, Flow, Item, Out};

const TOOL: &str = "cc-filter";

pub(crate) fn run(plan: Plan) -> Result<i32> {
    let mut sources: Vec<&str> = Vec::new();
    if let Some(r) = plan.recipe {
        sources.push(r.source);
    }
    if let Some(e) = plan.expr.as_deref().filter(|e| e.trim() != ".") {
        sources.push(e);
    }
    let mut filters = Vec::new();
    for &code in &sources {
        let filter = jq::compile(code, &plan.vars).map_err(|msg| Error::new(exit::COMPILE, msg))?;
        filters.push(filter);
    }
    let stages: Vec<Program> = filters
        .iter()
        .map(|f| Program::new(f, &plan.vars))
        .collect();
    // A lone expression of a plain-lookup shape skips the interpreter, and
    // then only the top-level members it reads need building.
    let native = match &sources[..] {
        [code] => native::recognise(code),
        _ => None,
    };
    let wanted = native.as_ref().and_then(Native::keys);
    // Any other lone expression made of everyday constructs is evaluated
    // directly, with jaq behind it for what that does not follow.
    let lite = match (&sources[..], &native) {
        ([code], None) => eval::compile(code, &plan.vars),
        _ => None,
    };
    let fast = Fast {
        native: native.as_ref(),
        lite: lite.as_ref(),
    };
    // What the program reads of each input.
    let demand = demand::analyse(&sources);
    // With --slurp the input is the array of all lines: each line is built
    // as far as the program reads the array's elements, and its text kept
    // for a run on the whole array should that one fail.
    let slurp_need = match &demand.need {
        json::Need::Part(tree) if plan.slurp && !demand.root_out && tree.keys.is_empty() => {
            Some(tree.each.clone().unwrap_or_else(json::Need::shape))
        }
        _ => None,
    }
    .filter(|need| *need != json::Need::All);
    let demand = if plan.slurp {
        demand::Demand::all()
    } else {
        demand
    };
    // An expression that starts with `select(.type == "T")` rules out other
    // types on the line's index, before anything is built.
    let first_source = plan.recipe.map(|r| r.source).or(plan.expr.as_deref());
    let prefilter = match first_source.and_then(select::leading_type_test) {
        Some(ty) if !plan.slurp => Selector::new(&[ty], &[]),
        _ => Selector::default(),
    };
    let mut sink = Sink {
        buf: Vec::new(),
        raw: plan.raw,
        join: plan.join,
        style: plan.style,
        outputs: 0,
        last_truthy: false,
        runtime_error: false,
        halt: None,
        io_error: None,
    };
    if !plan.null_input {
        crate::interrupt::finish_input_on_sigint(&plan.files);
    }
    let mut out = output::stdout();
    let mut bad_input = false;
    if plan.null_input {
        sink.feed(&stages, fast, &mut out, Val::Null, None, None, None)?;
    } else {
        let verbatim_ok = plan.style.indent.is_none() && !plan.style.sort_keys;
        let mut reader = json::Reader::default();
        let mut builder = Builder::default();
        let identity = stages.is_empty() && verbatim_ok && !plan.slurp;
        let mut slurped = Vec::new();
        // The slurped lines' text, end to end, and where each ends.
        let mut kept: (Vec<u8>, Vec<usize>) = Default::default();
        output::each_line(&plan.files, plan.max_line, &mut out, |at, item, out| {
            let line = match item {
                Item::Line(line) => line,
                Item::TooLong(err) => {
                    bad_input = true;
                    warn(out, format_args!("{at}: {err}"))?;
                    return Ok(Flow::Continue);
                }
            };
            let doc = match reader.read(line) {
                Ok(doc) => doc,
                Err(e) => {
                    bad_input = true;
                    warn(out, format_args!("{at}: {e}"))?;
                    return Ok(Flow::Continue);
                }
            };
            if !plan.selector.takes(&doc) || !prefilter.takes(&doc) {
                return Ok(Flow::Continue);
            }
            if identity && doc.is_compact() {
                // The fast path: a selected line copied through, never built.
                write_line(out, line, plan.join)?;
                sink.outputs += 1;
                sink.last_truthy = !matches!(line, b"null" | b"false");
                return Ok(Flow::Continue);
            }
            if let (Some(n), Some(keys), false, Ok(obj)) =
                (&native, &wanted, plan.slurp, doc.object())
            {
                match n.eval(&builder.members(obj, keys)) {
                    Outcome::Nothing => return Ok(Flow::Continue),
                    Outcome::Value(v) => {
                        sink.emit(out, &v)?;
                        return Ok(Flow::Continue);
                    }
                    // jaq runs on the whole value below, and names the error.
                    Outcome::Jaq => {}
                }
            }
            if plan.slurp {
                match &slurp_need {
                    Some(need) => {
                        slurped.push(builder.needed(doc.root(), need));
                        kept.0.extend_from_slice(line);
                        kept.1.push(kept.0.len());
                    }
                    None => slurped.push(builder.line(&doc)),
                }
                return Ok(Flow::Continue);
            }
            let verbatim = (doc.is_compact() && verbatim_ok).then_some(line);
            // Build only what the program reads, when the input, if output
            // unchanged, can be printed as its line.
            let partial = !demand.is_all() && (!demand.root_out || verbatim.is_some());
            if partial {
                let value = builder.needed(doc.root(), &demand.need);
                let mut whole = || Builder::default().line(&doc);
                sink.feed(
                    &stages,
                    fast,
                    out,
                    value,
                    verbatim,
                    Some(at),
                    Some(&mut whole),
                )?;
            } else {
                let value = builder.line(&doc);
                sink.feed(&stages, fast, out, value, verbatim, Some(at), None)?;
            }
            Ok(if sink.halt.is_some() {
                Flow::Stop
            } else {
                Flow::Continue
            })
        })?;
        if plan.slurp && sink.halt.is_none() {
            // Every kept line was read before: reading it again cannot fail.
            let mut whole = || {
                let (text, ends) = &kept;
                let mut reader = json::Reader::default();
                let mut builder = Builder::default();
                let mut start = 0;
                let mut all = Vec::with_capacity(ends.len());
                for &end in ends {
                    if let Ok(doc) = reader.read(&text[start..end]) {
                        all.push(builder.line(&doc));
                    }
                    start = end;
                }
                Val::Arr(all.into())
            };
            let whole: Option<&mut dyn FnMut() -> Val> = match slurp_need {
                Some(_) => Some(&mut whole),
                None => None,
            };
            let input = Val::Arr(slurped.into());
            let fast = Fast {
                native: None,
                ..fast
            };
            sink.feed(&stages, fast, &mut out, input, None, None, whole)?;
        }
    }
    out.flush()?;
    let code = if let Some(code) = sink.halt {
        code
    } else if bad_input {
        exit::USAGE
    } else if sink.runtime_error {
        exit::RUNTIME
    } else if plan.exit_status && sink.outputs == 0 {
        exit::NO_OUTPUT
    } else if plan.exit_status && !sink.last_truthy {
        exit::FALSY
    } else {
        exit::OK
    };
    Ok(code)
}

fn write_line(out: &mut Out, line: &[u8], join: bool) -> io::Result<()> {
    out.write_all(line)?;
    if !join {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Reports a problem on stderr after flushing what was printed before it.
fn warn(out: &mut Out, msg: impl Display) -> Result<()> {
    out.flush()?;
    app::warn(TOOL, msg);
    Ok(())
}

/// The evaluators tried before jaq's interpreter, in order.
#[derive(Clone, Copy)]
struct Fast<'a> {
    native: Option<&'a Native>,
    lite: Option<&'a Lite>,
}

/// Where outputs go, and what the exit status needs to know about them.
struct Sink {
    buf: Vec<u8>,
    raw: bool,
    join: bool,
    style: Style,
    outputs: u64,
    last_truthy: bool,
    runtime_error: bool,
    halt: Option<i32>,
    io_error: Option<io::Error>,
}

impl Sink {
    /// Runs `stages` in sequence on `input` and writes every output. `verbatim`
    /// is the input's line when it is compact JSON of the input. When `input`
    /// is only the part of the line the program reads, `whole` builds all of
    /// it: a runtime error is then run again on the whole value, because
    /// error messages quote values (the outputs before the error, already
    /// written, are the same and are skipped).
    #[allow(clippy::too_many_arguments)]
    fn feed(
        &mut self,
        stages: &[Program],
        fast: Fast,
        out: &mut Out,
        input: Val,
        verbatim: Option<&[u8]>,
        at: Option<At<'_>>,
        whole: Option<&mut dyn FnMut() -> Val>,
    ) -> Result<()> {
        let partial = whole.is_some();
        let mut run = Run {
            sink: self,
            out,
            at,
            original: verbatim.map(|line| (line, input.clone())),
            skip: 0,
            written: 0,
            retry: false,
        };
        let mut each = |ev: Event| run.event(ev, partial);
        match fast.native.map(|n| n.eval(&input)) {
            Some(Outcome::Nothing) => {}
            Some(Outcome::Value(v)) => {
                each(Event::Value(v));
            }
            Some(Outcome::Jaq) | None => {
                let mut outs = Vec::new();
                if fast.lite.is_some_and(|l| l.eval(&input, &mut outs)) {
                    for v in outs {
                        if !each(Event::Value(v)) {
                            break;
                        }
                    }
                } else {
                    chain(stages, input, &mut each);
                }
            }
        }
        if let (true, Some(whole)) = (run.retry, whole) {
            let full = whole();
            run.original = verbatim.map(|line| (line, full.clone()));
            run.skip = run.written;
            chain(stages, full, &mut |ev| run.event(ev, false));
        }
        match self.io_error.take() {
            Some(e) => Err(Error::from(e)),
            None => Ok(()),
        }
    }

    /// Writes one output that is not the input itself.
    fn emit(&mut self, out: &mut Out, v: &Val) -> Result<()> {
        self.outputs += 1;
        self.last_truthy = !matches!(v, Val::Null | Val::Bool(false));
        Ok(self.write(out, v, None)?)
    }

    fn write(&mut self, out: &mut Out, v: &Val, verbatim: Option<&[u8]>) -> io::Result<()> {
        match (verbatim, v) {
            (Some(line), _) => out.write_all(line)?,
            (None, Val::TStr(s)) if self.raw => out.write_all(&write::utf8(s))?,
            _ => {
                self.buf.clear();
                write::value(&mut self.buf, v, self.style);
                out.write_all(&self.buf)?;
                if self.buf.capacity() > 1 << 20 {
                    // Memory stays flat: one huge output does not keep its buffer.
                    self.buf = Vec::new();
                }
            }
        }
        if !self.join {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// One input's run: writes its outputs, reports its errors.
struct Run<'s, 'o, 'a, 'l> {
    sink: &'s mut Sink,
    out: &'o mut Out,
    at: Option<At<'a>>,
    /// The input line and the value it was built into.
    original: Option<(&'l [u8], Val)>,
    /// Outputs to pass over (already written by a run on part of the input).
    skip: u64,
    written: u64,
    /// A run on part of the input failed: run it again on the whole.
    retry: bool,
}

impl Run<'_, '_, '_, '_> {
    /// Handles one event; false stops the run. `partial`: the input is only
    /// part of the line, so an error asks for a run on the whole.
    fn event(&mut self, ev: Event, partial: bool) -> bool {
        let sink = &mut *self.sink;
        match ev {
            Event::Value(_) if self.skip > 0 => {
                self.skip -= 1;
                true
            }
            Event::Value(v) => {
                let same = self
                    .original
                    .as_ref()
                    .filter(|(_, o)| same_container(o, &v));
                let r = sink.write(self.out, &v, same.map(|(line, _)| *line));
                sink.outputs += 1;
                self.written += 1;
                sink.last_truthy = !matches!(v, Val::Null | Val::Bool(false));
                match r {
                    Ok(()) => true,
                    Err(e) => {
                        sink.io_error = Some(e);
                        false
                    }
                }
            }
            Event::Error(_) if partial => {
                self.retry = true;
                false
            }
            Event::Error(msg) => {
                sink.runtime_error = true;
                let r = match self.at {
                    Some(at) => warn(self.out, format_args!("{at}: error: {msg}")),
                    None => warn(self.out, format_args!("error: {msg}")),
                };
                if let Err(e) = r {
                    sink.io_error = Some(io::Error::new(io::ErrorKind::BrokenPipe, e.to_string()));
                }
                false
            }
            Event::Halt(code) => {
                sink.halt = Some(code);
                false
            }
        }
    }
}

/// True when `b` is the very array or object `a` (not an equal copy).
fn same_container(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Obj(x), Val::Obj(y)) => jaq_json::Rc::ptr_eq(x, y),
        (Val::Arr(x), Val::Arr(y)) => jaq_json::Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// Runs the first stage on `input` and every later stage on each output of
/// the one before; `each` sees the last stage's events and returns false to
/// stop. Returns false when stopped.
fn chain(stages: &[Program], input: Val, each: &mut dyn FnMut(Event) -> bool) -> bool {
    let Some((first, rest)) = stages.split_first() else {
        return each(Event::Value(input));
    };
    let mut go = true;
    first.run(input, &mut |ev| {
        go = match ev {
            Event::Value(v) => chain(rest, v, each),
            other => each(other),
        };
        go
    });
    go
}
