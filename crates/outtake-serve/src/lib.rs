//! The loopback media server: how the app's web view plays clips.
//!
//! WebKitGTK cannot play video from a custom URL scheme (WebKit bug 146351),
//! so clips and their thumbnails are served over HTTP on 127.0.0.1, on a
//! random port, with a per-launch secret as the first path segment. The page
//! asks for things by library id — `/clip/{id}/video`, `/clip/{id}/thumb`,
//! `/marker/{id}/thumb`, `/clip/{id}/storyboard` (the storyboard's index,
//! JSON) and `/clip/{id}/storyboard/{n}` (its sheet n, JPEG), and
//! `/clip/{id}/converted?t=S` for a clip the web
//! view cannot decode (`convert.rs`) — and the server looks the file up in the library
//! itself: it never takes a path from the page. File serving (Range, HEAD,
//! conditional requests, content types) is tower-http's `ServeFile`.
//!
//! Anything on the machine can connect, so the server bounds what a client
//! can hold ([`Limits`], in `connections.rs`, which runs the accept loop):
//! at most 64 connections at once (more wait unaccepted until one closes),
//! each closed if it takes over five seconds to send a request head — which
//! also closes a keep-alive connection idle that long. A request is answered
//! only with exactly one Host header, `127.0.0.1:PORT`.
//!
//! **Architecture Invariant:** the server only reads. It opens files the
//! library lists as present, and nothing else.

mod connections;
mod convert;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use outtake_core::Library;
use tokio::sync::oneshot;
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub use crate::connections::Limits;
pub use crate::convert::conversion_arguments;

/// A running server. Dropping it stops the server.
pub struct MediaServer {
    base: String,
    address: SocketAddr,
    _stop: oneshot::Sender<()>,
}

/// What the server needs to answer a request.
pub(crate) struct Shared {
    secret: String,
    /// `127.0.0.1:PORT`: any other Host header, or a second one, is refused,
    /// so a web page elsewhere cannot reach the server through DNS rebinding.
    host: String,
    library: Mutex<Library>,
    /// The conversions running for the window's player (at most two).
    conversions: convert::Conversions,
    /// When each clip's storyboard was last marked viewed: a hovering window
    /// asks often, and the library is written at most once per clip per [`VIEWED_EVERY`].
    viewed: Mutex<HashMap<i64, Instant>>,
}

/// How often a clip's storyboard is marked viewed at most (the cache evicts
/// the least recently viewed; to the minute is plenty).
const VIEWED_EVERY: Duration = Duration::from_secs(600);

/// The things a page may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asset {
    Video(i64),
    /// The clip's video converted to what the web view plays, from a time.
    Converted(i64),
    Poster(i64),
    MarkerFrame(i64),
    /// A clip's storyboard index (JSON).
    Storyboard(i64),
    /// Sheet n of a clip's storyboard.
    StoryboardSheet(i64, u32),
}

impl MediaServer {
    /// Opens its own connection to the library at `library` and starts
    /// serving on a random loopback port, on the current tokio runtime.
    pub async fn start(library: &Path) -> std::io::Result<MediaServer> {
        MediaServer::start_with(library, Limits::default()).await
    }

    /// [`MediaServer::start`] with other limits than the app's (tests use
    /// short timeouts and small caps).
    pub async fn start_with(library: &Path, limits: Limits) -> std::io::Result<MediaServer> {
        let library = Library::open(library).map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let secret = new_secret()?;
        let shared = Arc::new(Shared {
            secret: secret.clone(),
            host: address.to_string(),
            library: Mutex::new(library),
            conversions: convert::Conversions::default(),
            viewed: Mutex::default(),
        });
        let app = Router::new()
            .route("/{secret}/clip/{id}/video", get(video))
            .route("/{secret}/clip/{id}/converted", get(converted))
            .route("/{secret}/clip/{id}/thumb", get(poster))
            .route("/{secret}/marker/{id}/thumb", get(marker_frame))
            .route("/{secret}/clip/{id}/storyboard", get(storyboard))
            .route("/{secret}/clip/{id}/storyboard/{n}", get(storyboard_sheet))
            .with_state(shared);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(connections::serve(listener, app, limits, stopped));
        tracing::info!("media server on http://{address}/");
        Ok(MediaServer { base: format!("http://{address}/{secret}"), address, _stop: stop })
    }

    /// `http://127.0.0.1:PORT/SECRET`: the prefix of every URL the page uses.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

/// 128 random bits as hex: a URL nobody else on the machine can guess.
fn new_secret() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

async fn video(state: State<Arc<Shared>>, url: UrlPath<(String, i64)>, request: Request) -> Response {
    answer(state, url, request, Asset::Video).await
}

async fn converted(state: State<Arc<Shared>>, url: UrlPath<(String, i64)>, request: Request) -> Response {
    answer(state, url, request, Asset::Converted).await
}

async fn poster(state: State<Arc<Shared>>, url: UrlPath<(String, i64)>, request: Request) -> Response {
    answer(state, url, request, Asset::Poster).await
}

async fn marker_frame(state: State<Arc<Shared>>, url: UrlPath<(String, i64)>, request: Request) -> Response {
    answer(state, url, request, Asset::MarkerFrame).await
}

async fn storyboard(state: State<Arc<Shared>>, url: UrlPath<(String, i64)>, request: Request) -> Response {
    answer(state, url, request, Asset::Storyboard).await
}

async fn storyboard_sheet(
    state: State<Arc<Shared>>,
    UrlPath((secret, id, n)): UrlPath<(String, i64, u32)>,
    request: Request,
) -> Response {
    serve(state, secret, request, Asset::StoryboardSheet(id, n)).await
}

async fn answer(
    state: State<Arc<Shared>>,
    UrlPath((secret, id)): UrlPath<(String, i64)>,
    request: Request,
    asset: fn(i64) -> Asset,
) -> Response {
    serve(state, secret, request, asset(id)).await
}

async fn serve(
    State(shared): State<Arc<Shared>>,
    secret: String,
    request: Request,
    asset: Asset,
) -> Response {
    if !addressed_to(&request, &shared.host) {
        return (StatusCode::FORBIDDEN, "wrong host").into_response();
    }
    if !same_secret(&secret, &shared.secret) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let start = match asset {
        Asset::Converted(_) => match convert::start_time(request.uri().query()) {
            Some(start) => start,
            None => return (StatusCode::BAD_REQUEST, "t is not a time in seconds").into_response(),
        },
        _ => 0.0,
    };
    let lookup = Arc::clone(&shared);
    let found = tokio::task::spawn_blocking(move || locate(&lookup, asset)).await;
    let path = match found {
        Ok(Ok(Some(path))) => path,
        Ok(Ok(None)) => {
            return (StatusCode::NOT_FOUND, format!("{asset:?} is not in the library")).into_response();
        }
        Ok(Err(error)) => {
            tracing::warn!("media server: {asset:?}: {error}");
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
        Err(error) => return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    };
    if let Asset::Converted(_) = asset {
        return convert::respond(&shared.conversions, path, start, &request);
    }
    let served = ServeFile::new(&path).oneshot(request).await;
    let mut response = match served {
        Ok(response) => response.map(Body::new),
        Err(error) => return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    };
    // Thumbnails and storyboards are re-made when a clip's file changes; the
    // page revalidates with Last-Modified rather than trusting a cached copy.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Whether the request names this server and nothing else: exactly one Host
/// header, equal to `127.0.0.1:PORT`, and no other authority in the target.
/// Checking only the first of two Host headers would let a rebinding page's
/// own name through behind ours, and hyper does not refuse duplicates.
fn addressed_to(request: &Request, host: &str) -> bool {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let only_ours = match (hosts.next(), hosts.next()) {
        (Some(only), None) => only.as_bytes() == host.as_bytes(),
        _ => false,
    };
    // An absolute-form target (`GET http://other/...`) overrides Host under
    // RFC 9112, so its authority must be ours too.
    only_ours && request.uri().authority().is_none_or(|authority| authority.as_str() == host)
}

/// Compares in time independent of where the first difference is.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len()
        && given.bytes().zip(secret.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The file behind an asset, when the library has one that can be read now.
fn locate(shared: &Shared, asset: Asset) -> outtake_core::Result<Option<PathBuf>> {
    let library = shared.library.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match asset {
        Asset::Video(id) | Asset::Converted(id) => Ok(library.reachable_path(id)?),
        Asset::Poster(id) => library.clip_poster(id),
        Asset::MarkerFrame(id) => library.marker_frame(id),
        Asset::Storyboard(id) | Asset::StoryboardSheet(id, _) => {
            let found = match asset {
                Asset::StoryboardSheet(_, n) => library.storyboard_sheet(id, n)?,
                _ => library.storyboard_index(id)?,
            };
            // Whichever the page loads first marks the clip viewed; the
            // throttle keeps a hovering window from writing on every request.
            if found.is_some() && due(&shared.viewed, id) {
                library.mark_storyboard_viewed(id)?;
            }
            Ok(found)
        }
    }
}

/// Whether a clip's storyboard is due to be marked viewed again (and notes it is).
fn due(viewed: &Mutex<HashMap<i64, Instant>>, clip_id: i64) -> bool {
    let mut viewed = viewed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let due = viewed.get(&clip_id).is_none_or(|at| at.elapsed() >= VIEWED_EVERY);
    if due {
        viewed.insert(clip_id, Instant::now());
    }
    due
}

#[cfg(test)]
mod tests;
