fn main() {
    // The window's files are embedded at compile time from ui/dist (built by `npm run build` in
    // ui/). A clean clone has none yet: give `cargo build/test/clippy` a placeholder page so the
    // Rust side builds without Node; scripts/run.sh and scripts/test.sh build the real UI first.
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(dist).expect("create ui/dist");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Byline</title>\
             <p>The UI is not built: run <code>npm ci &amp;&amp; npm run build</code> in ui/.</p>",
        )
        .expect("write placeholder ui/dist/index.html");
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=capabilities");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // The one config is ../tauri.conf.json. This tauri-build (2.6) reads `tauri.conf.json` from
    // the current directory, so run it from the repository root (its generated capability
    // schemas land in ../gen/, ignored by git) and point it at our capabilities.
    std::env::set_current_dir("..").expect("cd to the repository root");
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("tauri build script");
}
