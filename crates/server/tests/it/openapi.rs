//! The committed `openapi.json` must match what the server serves.

use axum::body::Body;

use crate::{Fixture, req};

#[tokio::test]
async fn the_committed_openapi_json_is_what_the_server_serves() {
    let f = Fixture::new();
    let (s, _, b) = f
        .call(
            req("GET", "/openapi.json", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(s.is_success());
    let served: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    if std::env::var_os("BYLINE_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "crates/server/openapi.json is stale: run BYLINE_BLESS=1 cargo test -p byline-server"
    );
    assert!(
        served["paths"]["/api/uploads/{id}"]["patch"].is_object(),
        "tus PATCH is documented"
    );
}
