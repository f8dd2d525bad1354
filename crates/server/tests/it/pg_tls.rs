//! TLS to PostgreSQL (`sslmode`, `sslrootcert`), always on the test kit's PostgreSQL cluster,
//! which takes TCP connections on 127.0.0.1 with TLS only, under a certificate from a test CA.

use std::time::{Duration, Instant};

use byline_server::args;
use byline_server::db::{self, DatabaseUrl, Role};
use byline_server::{AppState, Config};
use byline_testkit::pg;

fn open(url: String) -> (tempfile::TempDir, byline_server::error::Result<AppState>) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let config = Config {
        database: DatabaseUrl::Postgres(url),
        ..Config::default()
    };
    let state = AppState::open(&tmp.path().join("data"), config);
    (tmp, state)
}

/// Connections to the current database: (all, unencrypted, LISTENing for the change feed).
fn sessions(state: &AppState) -> (i64, i64, i64) {
    state
        .with_db(|c| {
            let row = c.query_one(
                "SELECT CAST(COUNT(*) AS BIGINT),
                        CAST(COUNT(*) FILTER (WHERE NOT s.ssl) AS BIGINT),
                        CAST(COUNT(*) FILTER (WHERE a.application_name = 'byline-server change listener') AS BIGINT)
                 FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
                 WHERE a.datname = current_database()",
                args![],
            )?;
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .expect("pg_stat_ssl reads")
}

/// `url` with the cluster's CA checked (`verify-full`) and `extra` parameters.
fn verified(url: &str, ca: &std::path::Path, extra: &str) -> String {
    format!(
        "{url}?sslmode=verify-full&sslrootcert={}{extra}",
        ca.display()
    )
}

/// A user written through `state` reads back through it.
fn writes_and_reads_back(state: &AppState) {
    let token = state
        .with_db(|c| db::add_user(c, "Biên tập", Role::Editor))
        .expect("a write goes through");
    assert!(
        state
            .with_db(|c| db::user_by_token(c, &token))
            .expect("a read goes through")
            .is_some(),
        "the user written over TLS reads back"
    );
}

#[test]
fn a_server_reaches_postgresql_over_verified_tls_and_every_session_is_encrypted() {
    if !pg::available() {
        return;
    }
    let target = pg::tls_database();
    let (_tmp, state) = open(verified(&target.url, &target.ca, ""));
    let state = state.expect("the server opens its database over verified TLS and migrates it");
    writes_and_reads_back(&state);
    // The change listener opens a connection of its own, through the same TLS settings.
    let deadline = Instant::now() + Duration::from_secs(20);
    let (all, plain, listening) = loop {
        let s = sessions(&state);
        if s.2 > 0 || Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        listening == 1,
        "the change listener is connected ({all} sessions)"
    );
    assert_eq!(plain, 0, "none of the {all} sessions is unencrypted");
}

#[test]
fn a_database_certificate_from_an_unknown_authority_is_refused_with_what_to_check() {
    if !pg::available() {
        return;
    }
    let target = pg::tls_database();
    // The operating system's roots do not include the test CA.
    let (_tmp, state) = open(format!(
        "{}?sslmode=verify-full&sslrootcert=system",
        target.url
    ));
    let err = state
        .err()
        .expect("an unverifiable certificate is refused")
        .to_string();
    assert!(
        err.contains("sslrootcert") && err.contains("TLS"),
        "the error says which setting to check: {err}"
    );
}

#[test]
fn require_encrypts_without_a_ca_and_disable_is_plain_which_this_cluster_refuses() {
    if !pg::available() {
        return;
    }
    let target = pg::tls_database();
    let (_tmp, state) = open(format!("{}?sslmode=require", target.url));
    let state = state.expect("require connects without checking the certificate, as libpq");
    assert_eq!(sessions(&state).1, 0, "the session is encrypted");
    let (_tmp, plain) = open(format!("{}?sslmode=disable", target.url));
    let err = plain
        .err()
        .expect("plain TCP is refused by the cluster's hostnossl rule")
        .to_string();
    assert!(
        err.contains("no encryption") || err.contains("pg_hba"),
        "PostgreSQL itself refused the unencrypted session: {err}"
    );
}

#[test]
fn a_password_sign_in_is_bound_to_the_tls_session_when_channel_binding_is_required() {
    if !pg::available() {
        return;
    }
    let target = pg::scram_database();
    // channel_binding=require fails the sign-in unless SCRAM-SHA-256-PLUS ran, which needs the
    // certificate hash the connector hands tokio-postgres.
    let bound = "&channel_binding=require";
    let (_tmp, state) = open(verified(&target.url, &target.ca, bound));
    let state = state
        .expect("the server signs in by SCRAM with channel binding over verified TLS and migrates");
    writes_and_reads_back(&state);
    let wrong = pg::scram_database()
        .url
        .replace(":scram-test-password@", ":wrong@");
    let (_tmp, refused) = open(verified(&wrong, &target.ca, bound));
    let why = refused
        .err()
        .expect("a wrong password is refused")
        .to_string();
    assert!(
        why.contains("password") && !why.contains(":wrong@"),
        "the refusal says what failed and hides the password: {why}"
    );
}
