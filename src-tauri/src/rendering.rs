//! How the window is drawn. WebKitGTK composites the page with OpenGL; on a
//! machine whose only OpenGL is Mesa's software rasteriser (llvmpipe: no GPU
//! render node, as in a virtual machine, a remote X session or Xvfb) that
//! compositing costs far more than it saves. Measured here under Xvfb on the
//! 100k-clip library (`cargo xtask bench app`, BENCHMARKS.md): flinging the
//! grid ran at a requestAnimationFrame p50 of 55–72 ms composited and 14–21 ms
//! drawn directly, and the web process held 80–120 MB less. So where there
//! is no render node the window draws without compositing; a machine with a
//! GPU keeps it. `WEBKIT_DISABLE_COMPOSITING_MODE` set by the fan, to any value
//! (WebKit reads `0` as "keep compositing"), is left as it is.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's own switch, read by its processes as they start.
const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Why the window draws without compositing, when it should.
pub fn software_only_reason() -> Option<&'static str> {
    if std::env::var_os(SWITCH).is_some() {
        return None;
    }
    software_only(
        has_render_node(Path::new("/dev/dri")),
        std::env::var_os("LIBGL_ALWAYS_SOFTWARE").as_deref(),
    )
}

/// Turns compositing off for the web processes about to start.
///
/// Must run before any other thread exists (it sets an environment variable).
pub fn draw_without_compositing() {
    // SAFETY: called first thing in `main`, before the app starts any thread,
    // so nothing reads the environment while it changes.
    unsafe { std::env::set_var(SWITCH, "1") };
}

/// The decision, apart from the machine it looks at: no render node means the
/// only OpenGL is software; so does Mesa's `LIBGL_ALWAYS_SOFTWARE` set to
/// anything but `0` or empty.
fn software_only(render_node: bool, always_software: Option<&OsStr>) -> Option<&'static str> {
    if always_software.is_some_and(|value| !value.is_empty() && value != "0") {
        return Some("LIBGL_ALWAYS_SOFTWARE is set");
    }
    (!render_node).then_some("no GPU render node (/dev/dri/renderD*): OpenGL would be software")
}

/// Whether `dri` (normally `/dev/dri`) holds a render node.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_opengl_turns_compositing_off_and_a_gpu_keeps_it() {
        assert!(software_only(false, None).is_some());
        assert_eq!(software_only(true, None), None);
        assert_eq!(software_only(true, Some(OsStr::new("0"))), None);
        assert_eq!(software_only(true, Some(OsStr::new(""))), None);
        assert_eq!(software_only(true, Some(OsStr::new("1"))), Some("LIBGL_ALWAYS_SOFTWARE is set"));
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("absent")));
        std::fs::write(dir.path().join("card0"), b"").expect("card0");
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").expect("renderD128");
        assert!(has_render_node(dir.path()));
    }
}
