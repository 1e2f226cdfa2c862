//! Build script of the desktop app: lets tauri-build generate the context.
//!
//! Cargo runs this with the workspace root as its working directory, so the
//! capabilities are found under `src-tauri/` explicitly.

fn main() {
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
