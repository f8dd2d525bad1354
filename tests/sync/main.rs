//! Cross-crate sync tests: a real newsroom server on 127.0.0.1 and real clients with their own
//! data directories — the core library in-process (`publish`) and the `byline` and
//! `byline-server` binaries as separate processes (`binaries`).

mod binaries;
mod conflicts;
mod editorial;
mod marks;
// The engine tests stop, restart and signal server and client processes (SIGKILL, SIGTERM):
// Unix only, like the kill test in `binaries`.
#[cfg(unix)]
mod engine;
mod public_copy;
mod publish;
mod render;
// Kills a client and a replica with SIGKILL, like the kill tests above: Unix only.
#[cfg(unix)]
mod replicas;
