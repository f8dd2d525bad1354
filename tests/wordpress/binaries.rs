//! The CLI contract's "Destinations" section with the `byline` binary, against the real
//! WordPress: add (password kept in the 0600 file here), list, publish `--to` twice, remove;
//! and what bad input gets.

use std::sync::atomic::Ordering;

use byline_testkit::process::Cli;
use byline_testkit::seed_article;

use crate::faulty_wordpress;

#[test]
fn the_byline_binary_adds_lists_publishes_to_and_removes_a_wordpress_destination() {
    let f = faulty_wordpress(20);
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    let add = |cli: &Cli| {
        cli.command(&[
            "--json",
            "destination",
            "add",
            "web",
            "--wordpress",
            &f.proxy.url,
            "--user",
            &f.wp.user,
            "--app-password",
            &f.wp.app_password,
        ])
        .env("BYLINE_KEYCHAIN", "off")
        .output()
        .unwrap()
    };
    let out = add(&cli);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = dir.path().join("wordpress-web.secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret)
            .expect("the password file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only, like the server token");
    }
    let list = cli.json(&["destination", "list"]);
    assert_eq!(list[0]["name"], "web");
    assert_eq!(list[0]["kind"], "wordpress");
    assert_eq!(list[0]["url"], f.proxy.url.as_str());
    assert_eq!(list[0]["user"], f.wp.user.as_str());
    assert!(
        !String::from_utf8_lossy(&cli.run(&["--json", "destination", "list"]).stdout)
            .contains(&f.wp.app_password),
        "the password is never printed"
    );

    let id = String::from_utf8(
        cli.run(&["article", "import", seed_article().to_str().unwrap()])
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let mut report = serde_json::Value::Null;
    for _ in 0..5 {
        let out = cli.run(&["--json", "publish", &id, "--to", "web"]);
        if out.status.success() {
            report = serde_json::from_slice(&out.stdout).unwrap();
            break;
        }
    }
    assert_eq!(report["destination"], "web", "published: {report}");
    assert_eq!(
        report["uploaded_media"].as_u64().unwrap() + report["skipped_media"].as_u64().unwrap(),
        3
    );
    assert!(report["url"].as_str().unwrap().starts_with(&f.proxy.url));
    f.faults.store(false, Ordering::SeqCst);
    let again = cli.json(&["publish", &id, "--to", "web"]);
    assert_eq!(
        again["post_id"], report["post_id"],
        "publishing again updates the same post"
    );
    assert_eq!(again["uploaded_media"], 0);
    assert_eq!(f.wp.posts().len(), 1);

    let out = cli.run(&["destination", "remove", "web"]);
    assert!(out.status.success());
    assert!(!secret.exists(), "the password goes with the destination");
    assert_eq!(cli.json(&["destination", "list"]), serde_json::json!([]));
    let out = cli.run(&["publish", &id, "--to", "web"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("byline destination list"),
        "an unknown destination says what to do: {err}"
    );
}

#[test]
fn a_destination_address_that_is_not_http_or_https_is_refused_where_it_enters() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    for bad in ["ftp://example.com", "javascript:alert(1)", "example.com"] {
        let out = cli.run(&[
            "destination",
            "add",
            "web",
            "--wordpress",
            bad,
            "--user",
            "u",
            "--app-password",
            "p",
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("--wordpress") && err.contains("http"),
            "{bad} is refused with what to give instead: {err}"
        );
    }
    assert_eq!(
        cli.json(&["destination", "list"]),
        serde_json::json!([]),
        "nothing was added"
    );
}

#[test]
fn the_ninjs_export_of_the_byline_binary_is_ninjs_with_three_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    let id = String::from_utf8(
        cli.run(&["article", "import", seed_article().to_str().unwrap()])
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let out_file = dir.path().join("story.json");
    let out = cli.run(&[
        "article",
        "export",
        &id,
        "--format",
        "ninjs",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(item["standard"]["version"], "2.1");
    assert_eq!(item["associations"].as_array().unwrap().len(), 3);
}
