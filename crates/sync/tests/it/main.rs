//! Integration tests of the sync client against a real server on 127.0.0.1:0 (the test kit's
//! in-process server), some through the kit's loopback fault proxy.

mod client;
mod feed;
mod resume;

use byline_testkit::in_process::{self, Server};

/// A running server with one user per role and rate limits off (the tests send in bursts), on
/// a temp data directory of its own.
pub fn start() -> Server {
    in_process::start_in_temp(&in_process::unlimited())
}
