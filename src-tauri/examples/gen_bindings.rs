//! `gen-bindings DIR`: writes the UI's TypeScript bindings into DIR (see `scripts/gen-bindings.sh`).

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .expect("usage: gen-bindings OUT_DIR");
    if let Err(e) = byline_desktop::bindings::export(std::path::Path::new(&dir)) {
        eprintln!("gen-bindings: {e}");
        std::process::exit(1);
    }
}
