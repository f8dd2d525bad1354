//! Integration tests of the sync client against a real server on 127.0.0.1:0 (the test kit's
//! in-process server), some through the kit's loopback fault proxy.

mod client;
mod feed;
mod resume;

use byline_testkit::in_process::{self, Server};

/// A running server with one user per role, on a temp data directory of its own.
pub fn start(config: &byline_server::Config) -> Server {
    in_process::start_in_temp(config)
}

/// The server's defaults with rate limits off (the tests send in bursts).
pub fn unlimited() -> byline_server::Config {
    byline_server::Config {
        rate_burst: 1e9,
        rate_per_sec: 1e9,
        ..Default::default()
    }
}
