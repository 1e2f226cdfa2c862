//! Rules about the workspace itself: the core stays free of any desktop stack.

use std::process::Command;

/// `outtake-core` must build without Tauri, GTK or WebKit so the CLI and tests
/// never pull in a window system (STYLE.md: the wall between core and shell).
#[test]
fn core_depends_on_no_desktop_stack() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--package",
            "outtake-core",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    assert!(tree.contains("rusqlite"), "the tree should list the core's own dependencies:\n{tree}");
    let forbidden = ["tauri", "gtk", "webkit", "wry", "tao ", "javascriptcore", "soup"];
    let offending: Vec<&str> =
        tree.lines().filter(|line| forbidden.iter().any(|f| line.to_lowercase().contains(f))).collect();
    assert!(offending.is_empty(), "outtake-core depends on a desktop crate: {offending:?}");
}
