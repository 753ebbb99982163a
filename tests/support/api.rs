//! A scripted stand-in for the Anthropic Messages API on 127.0.0.1: an axum
//! server on its own thread and tokio runtime, started per test, stopped on
//! drop. It records every request so a test can assert what the model was sent.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::script::{self, Block, Reply};

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query, e.g. `/v1/messages`.
    pub path: String,
    /// The query string, e.g. `beta=true`.
    pub query: Option<String>,
    /// Headers, except `x-api-key` and `authorization`.
    pub headers: Vec<(String, String)>,
    /// The parsed JSON body (`Value::Null` when empty, a string when not JSON).
    pub body: Value,
}

impl Request {
    /// A `POST /v1/messages` for the conversation (not the session title,
    /// not a model probe, not a token count).
    pub fn is_turn(&self) -> bool {
        self.path == "/v1/messages" && !self.is_title() && !self.is_probe()
    }

    /// The CLI's side request that checks a model (2.1.332 sends one after
    /// `set_model`): not streamed, `max_tokens: 1`, the text "Hi".
    pub fn is_probe(&self) -> bool {
        self.path == "/v1/messages" && self.body["stream"] != true && self.body["max_tokens"] == 1
    }

    /// The CLI's side request for a session title ("Write the title ...").
    pub fn is_title(&self) -> bool {
        self.path == "/v1/messages" && self.contains("Write the title")
    }

    /// Whether the serialised body contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.body.to_string().contains(needle)
            || self.body.as_str().is_some_and(|s| s.contains(needle))
    }

    /// The texts (text blocks and tool_result outputs) of the last user message.
    pub fn last_user_texts(&self) -> Vec<String> {
        script::last_user_content(&self.body)
            .iter()
            .map(script::block_text)
            .collect()
    }

    /// A header's value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    requests: Mutex<Vec<Request>>,
    fail_with: Mutex<Option<u16>>,
    fail_next: Mutex<Option<(u16, usize)>>,
    should_retry: Mutex<Option<bool>>,
    slow_delay: Mutex<Duration>,
    script: Mutex<VecDeque<Vec<Block>>>,
    next_id: AtomicUsize,
}

/// The running stand-in. Dropping it stops the server and its runtime.
pub struct MockApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockApi {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> MockApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            fail_with: Mutex::new(None),
            fail_next: Mutex::new(None),
            should_retry: Mutex::new(None),
            slow_delay: Mutex::new(script::SLOW_DELAY),
            script: Mutex::new(VecDeque::new()),
            next_id: AtomicUsize::new(1),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("mock-api-{}", addr.port()))
            .spawn(move || serve(listener, state, stopped))
            .expect("spawn mock API thread");
        MockApi {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The value for `ANTHROPIC_BASE_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// From now on answer every `POST /v1/messages` with this HTTP error
    /// (`None`: back to the scripted rules).
    pub fn fail_with(&self, status: Option<u16>) {
        *self.shared.fail_with.lock().unwrap() = status;
    }

    /// Answer the next `times` conversation turns (not title requests nor
    /// model probes) with this HTTP error, then go back to the rules: e.g.
    /// `fail_next(529, 1)` for one `system/api_retry` followed by a normal
    /// answer. The count lives here, not in the CLI: with
    /// [`Sandbox::no_api_retries`](super::Sandbox::no_api_retries) the first
    /// process ends with the error, and a new process of the same test (a
    /// restart) gets the normal answer.
    pub fn fail_next(&self, status: u16, times: usize) {
        *self.shared.fail_next.lock().unwrap() = Some((status, times));
    }

    /// Send `x-should-retry: true|false` with every error from now on
    /// (`None`: no such header, the default). The CLI honours `false`: it gives
    /// up at once instead of retrying for minutes.
    pub fn set_should_retry(&self, retry: Option<bool>) {
        *self.shared.should_retry.lock().unwrap() = retry;
    }

    /// The pause between streamed events of a `slow:` reply.
    pub fn set_slow_delay(&self, delay: Duration) {
        *self.shared.slow_delay.lock().unwrap() = delay;
    }

    /// Answer the next conversation turns (not title requests nor model
    /// probes) with these messages, one each, in order, whatever the CLI
    /// sends: a scripted session (the demo's). The rules apply again once
    /// they are used up. The CLI still runs the tools the messages call.
    pub fn play(&self, turns: Vec<Vec<Block>>) {
        self.shared.script.lock().unwrap().extend(turns);
    }

    /// How many turns given to [`MockApi::play`] are still unanswered.
    pub fn script_left(&self) -> usize {
        self.shared.script.lock().unwrap().len()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The streamed model turns received so far.
    pub fn turns(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(Request::is_turn)
            .collect()
    }

    /// One line per request (method, path, last user texts), for failure messages.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for r in self.requests() {
            let texts: Vec<String> = r
                .last_user_texts()
                .iter()
                .map(|t| t.chars().take(120).collect())
                .collect();
            out.push_str(&format!("{} {} {texts:?}\n", r.method, r.path));
        }
        out
    }

    /// Waits up to `timeout` for a request matching `pred`.
    pub fn wait_for(&self, timeout: Duration, pred: impl Fn(&Request) -> bool) -> Option<Request> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self.requests().into_iter().find(&pred) {
                return Some(r);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: std::net::TcpListener, state: Arc<Shared>, stopped: oneshot::Receiver<()>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime for the mock API");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let app = Router::new()
            .route("/v1/messages", post(messages))
            .route("/v1/messages/count_tokens", post(count_tokens))
            .fallback(not_found)
            .with_state(state);
        // Dropping the runtime after `stopped` aborts open (even slow) streams.
        tokio::select! {
            r = axum::serve(listener, app) => r.expect("mock API server"),
            _ = stopped => {}
        }
    });
}

fn record(state: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Request {
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
    };
    let headers = headers
        .iter()
        .filter(|(k, _)| *k != "x-api-key" && *k != header::AUTHORIZATION)
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let req = Request {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    };
    state.requests.lock().unwrap().push(req.clone());
    req
}

fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn error_response(state: &Shared, status: u16, message: &str) -> Response {
    let mut resp = json_response(status, script::error_body(status, message));
    let headers = resp.headers_mut();
    headers.insert("request-id", "req_scripted".parse().unwrap());
    if let Some(retry) = *state.should_retry.lock().unwrap() {
        headers.insert("x-should-retry", retry.to_string().parse().unwrap());
    }
    resp
}

async fn messages(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = record(&state, &method, &uri, &headers, &body);
    let fail_with = *state.fail_with.lock().unwrap();
    if let Some(status) = fail_with {
        return error_response(&state, status, &format!("scripted {status}"));
    }
    if req.is_turn() {
        let mut next = state.fail_next.lock().unwrap();
        if let Some((status, left)) = *next {
            *next = (left > 1).then_some((status, left - 1));
            if left > 0 {
                return error_response(&state, status, &format!("scripted {status}"));
            }
        }
    }
    let n = state.next_id.fetch_add(1, Ordering::Relaxed);
    let id = format!("msg_{n:04}");
    let model = req.body["model"]
        .as_str()
        .unwrap_or("claude-opus-4-8")
        .to_owned();
    let delay = *state.slow_delay.lock().unwrap();
    let (blocks, delay) = if req.is_title() {
        // The CLI's side request for a session title (a JSON schema output).
        (
            vec![Block::Text(r#"{"title": "Scripted session"}"#.to_owned())],
            Duration::ZERO,
        )
    } else if let Some(blocks) = req
        .is_turn()
        .then(|| state.script.lock().unwrap().pop_front())
        .flatten()
    {
        (blocks, Duration::ZERO)
    } else {
        match script::reply_for(&req.body, delay) {
            Reply::Http(status) => {
                return error_response(&state, status, &format!("scripted {status}"));
            }
            Reply::Stall if req.body["stream"] == true => {
                let start = script::sse_events(&id, &model, &[]).remove(0);
                return sse_response(vec![start], Duration::ZERO, true);
            }
            Reply::Stall => return std::future::pending().await,
            Reply::Message { blocks, delay } => (blocks, delay),
        }
    };
    if req.body["stream"] == true {
        sse_response(script::sse_events(&id, &model, &blocks), delay, false)
    } else {
        json_response(200, script::message_json(&id, &model, &blocks))
    }
}

async fn count_tokens(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    json_response(200, json!({"input_tokens": 12}))
}

async fn not_found(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    let message = format!("scripted stand-in: no route for {method} {}", uri.path());
    json_response(404, script::error_body(404, &message))
}

/// Streams `events` as server-sent events, pausing `delay` before each
/// delta; with `hang`, the stream then stays open, silent, until the client
/// goes away (or the stand-in stops).
fn sse_response(events: Vec<(&'static str, Value)>, delay: Duration, hang: bool) -> Response {
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        for (name, data) in events {
            if !delay.is_zero() && name == "content_block_delta" {
                tokio::time::sleep(delay).await;
            }
            let frame = format!("event: {name}\ndata: {data}\n\n");
            if tx.send(Bytes::from(frame)).await.is_err() {
                return; // the client went away
            }
        }
        if hang {
            tx.closed().await;
        }
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .header("request-id", "req_scripted")
        .body(Body::from_stream(Frames(rx)))
        .expect("SSE response")
}

/// The receiving end of the SSE frames as a body stream.
struct Frames(mpsc::Receiver<Bytes>);

impl futures_core::Stream for Frames {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|frame| frame.map(Ok))
    }
}
