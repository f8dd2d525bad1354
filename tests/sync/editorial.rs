//! Editorial control with the shipped binaries: a real `byline-server` process, an editor's
//! and a reporter's `byline` libraries. The page shows only what an editor published; a
//! reporter's edit reaches the desk, never the page; corrections are dated on the page; every
//! published version is kept; a takedown answers 410 and keeps them.

use byline_testkit::process::{Cli, ServerProcess, http};
use serde_json::Value;

fn page(srv: &ServerProcess, id: &str) -> (u16, String) {
    http("GET", &format!("{}/articles/{id}", srv.url), None, None)
}

#[test]
fn the_page_shows_only_what_an_editor_published_with_corrections_versions_and_takedown() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let editor = srv.add_user("Biên tập", "editor");
    let reporter = srv.add_user("Thanh Hà", "reporter");
    let desk = Cli::new(&dir.path().join("desk"));
    let field = Cli::new(&dir.path().join("field"));
    let as_editor = ["--server", srv.url.as_str(), "--token", editor.as_str()];
    let as_reporter = ["--server", srv.url.as_str(), "--token", reporter.as_str()];
    // `byline --json ARGS… WHO…` on a library.
    let run_json = |cli: &Cli, args: &[&str], who: &[&str]| -> Value {
        let all: Vec<&str> = args.iter().chain(who).copied().collect();
        cli.json(&all)
    };

    // The editor publishes the model story: version 1.
    let id = desk.ready_story();
    let first = run_json(&desk, &["publish", &id], &as_editor);
    assert_eq!(
        first["live"]["version"], 1,
        "publishing makes version 1: {first}"
    );
    let (_, v1_then) = http(
        "GET",
        &format!("{}/api/articles/{id}", srv.url),
        Some(&editor),
        None,
    );
    let v1_then: Value = serde_json::from_str(&v1_then).unwrap();
    let (status, published_page) = page(&srv, &id);
    assert_eq!(status, 200);

    // The reporter pulls it, edits the title and syncs: the desk sees it, the page does not.
    run_json(&field, &["sync"], &as_reporter);
    let new_title =
        "Tổng Liên đoàn Lao động Việt Nam khảo sát 15 năm thực hiện Nghị quyết 20 tại Nghệ An";
    field.ok(&["article", "set", &id, "title", new_title]);
    let synced = run_json(&field, &["sync"], &as_reporter);
    assert_eq!(
        synced["needs_attention"], 0,
        "the reporter's edit goes: {synced}"
    );
    // The photos came from the server with the story: the reporter's save queues none of
    // them (their metadata a reporter may not write would wait forever).
    assert_eq!(
        field.outbox(),
        Vec::<Value>::new(),
        "nothing of the reporter's stays waiting"
    );
    let (_, working) = http(
        "GET",
        &format!("{}/api/articles/{id}", srv.url),
        Some(&editor),
        None,
    );
    assert!(
        working.contains(new_title),
        "the desk sees the reporter's edit"
    );
    let (_, now_page) = page(&srv, &id);
    assert!(
        !now_page.contains(new_title),
        "the page does not show an unpublished edit"
    );
    assert_eq!(
        now_page, published_page,
        "the page is exactly what the editor published"
    );

    // The reporter's publish is refused: an editor must publish.
    let out = field.run(&[
        "--json", "publish", &id, "--server", &srv.url, "--token", &reporter,
    ]);
    assert!(!out.status.success(), "a reporter may not publish");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("an editor must publish"),
        "the refusal says who may: {err}"
    );
    assert!(
        err.contains("\"code\":\"editor_required\""),
        "with a code the app localises: {err}"
    );
    let (_, still) = page(&srv, &id);
    assert!(
        !still.contains(new_title),
        "the page is unchanged after the refusal"
    );

    // The editor pulls the edit and publishes it with a correction.
    run_json(&desk, &["sync"], &as_editor);
    let notice = "Bài viết đã được sửa tiêu đề cho đầy đủ tên Tổng Liên đoàn Lao động Việt Nam.";
    let second = run_json(&desk, &["publish", &id, "--correction", notice], &as_editor);
    assert_eq!(
        second["live"]["version"], 2,
        "the correction is version 2: {second}"
    );
    let (status, corrected) = page(&srv, &id);
    assert_eq!(status, 200);
    assert!(
        corrected.contains(new_title),
        "the page shows the new title"
    );
    assert!(
        corrected.contains("Thông tin cải chính"),
        "under the corrections heading"
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%d/%m/%Y")
        .to_string();
    assert!(
        corrected.contains(&format!("{today}</time>: {notice}")),
        "the notice is dated: {corrected}"
    );

    // Both versions are listed; the first reads back exactly as it was published.
    let versions = run_json(&desk, &["article", "versions", &id], &as_editor);
    let listed: Vec<(u64, &str, Option<&str>)> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_u64().unwrap(),
                v["published_by"].as_str().unwrap(),
                v["correction"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![(1, "Biên tập", None), (2, "Biên tập", Some(notice))]
    );
    let (status, v1) = http(
        "GET",
        &format!("{}/api/articles/{id}/versions/1", srv.url),
        Some(&editor),
        None,
    );
    assert_eq!(status, 200);
    let v1: Value = serde_json::from_str(&v1).unwrap();
    assert_eq!(
        v1, v1_then["article"],
        "version 1 is the article exactly as published"
    );

    // The takedown: 410 Gone with no content, the versions kept.
    let reason = "Yêu cầu của cơ quan chức năng";
    let report = run_json(&desk, &["unpublish", &id, "--reason", reason], &as_editor);
    assert_eq!(report["withdrawn"], true, "{report}");
    let (status, gone) = page(&srv, &id);
    assert_eq!(status, 410, "a takedown answers 410 Gone");
    assert!(gone.is_empty(), "with no content: {gone:?}");
    let versions = run_json(&desk, &["article", "versions", &id], &as_editor);
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        2,
        "the versions stay"
    );
    assert_eq!(
        desk.json(&["article", "show", &id])["status"],
        "withdrawn",
        "the editor's library shows the story withdrawn"
    );
}

#[test]
fn the_diff_of_the_model_story_between_import_and_fix_lists_only_removed_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(&dir.path().join("desk"));
    let seed = byline_testkit::seed_article();
    let id = cli.ok(&["article", "import", seed.to_str().unwrap()]);
    cli.ok(&["fix", &id]);
    let before = cli.json(&["article", "show", &id, "--revision", "1"]);
    let after = cli.json(&["article", "show", &id]);
    let touched: Vec<String> = before["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["blocks"].as_array().unwrap())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !touched.is_empty(),
        "the fix changes blocks of the model story"
    );

    let rev = after["revision"].as_u64().unwrap().to_string();
    let diff = cli.json(&["article", "diff", &id, "1", &rev]);
    let changes = diff["changes"].as_array().unwrap();
    let listed: Vec<&str> = changes
        .iter()
        .map(|c| c["block"].as_str().unwrap())
        .collect();
    for b in &touched {
        assert!(
            listed.contains(&b.as_str()),
            "block {b} the fix touched is listed: {diff}"
        );
    }
    let mut removed = String::new();
    for c in changes {
        assert_eq!(c["kind"], "changed", "a fix changes blocks in place: {c}");
        for op in c["ops"].as_array().unwrap() {
            let text = op["text"].as_str().unwrap();
            match op["op"].as_str().unwrap() {
                "equal" => {}
                "delete" => removed.push_str(text),
                other => panic!("a fix only removes: {other} {text:?} in {c}"),
            }
        }
    }
    assert!(
        removed.chars().all(|c| c == ' ' || c == '\u{a0}'),
        "only spaces and no-break spaces are removed: {removed:?}"
    );
    assert!(
        removed.contains('\u{a0}'),
        "the pasted no-break spaces are among them"
    );
    assert!(removed.contains(' '), "and plain spaces");
}

/// The desktop's path: every save of a story the server tracks queues a push, and the sync
/// engine (started as the app starts it) sends it. An editor typing in a published story must
/// never change the public page.
#[test]
fn the_desktops_autosave_of_a_published_story_never_changes_the_public_page() {
    use byline_core::engine::Target;
    use byline_core::sync::Patience;
    use byline_testkit::{in_process, library, wait_until};

    let sdir = tempfile::tempdir().unwrap();
    let srv = in_process::start(sdir.path());
    let (_d, lib) = library();
    let id = byline_testkit::ready_story(&lib);
    let remote = srv.remote(&srv.editor);
    lib.publish(&id, &remote, &Patience::default())
        .expect("the editor publishes");
    let url = format!("{}/articles/{id}", srv.url);
    let (status, published) = http("GET", &url, None, None);
    assert_eq!(status, 200);

    let engine = lib
        .start_engine(Target::Fixed(remote))
        .expect("the engine starts");
    // Three autosaves as the editor types a new lead, each a save of the whole story.
    let mut a = lib.article(&id).unwrap();
    for lead in [
        "Sáng 18/6, đoàn",
        "Sáng 18/6, đoàn công tác",
        "Sáng 18/6, đoàn công tác đã đến",
    ] {
        a.lead = lead.to_string();
        lib.save_article(&mut a).expect("autosave");
    }
    let sent = wait_until(std::time::Duration::from_secs(30), || {
        lib.outbox(false).unwrap().is_empty().then_some(())
    });
    engine.stop();
    assert!(sent.is_some(), "the engine pushed the autosaves");
    let (_, working) = http(
        "GET",
        &format!("{}/api/articles/{id}", srv.url),
        Some(&srv.editor),
        None,
    );
    assert!(
        working.contains("đoàn công tác đã đến"),
        "the desk's working copy has the typed lead: {working}"
    );
    let (status, now) = http("GET", &url, None, None);
    assert_eq!(status, 200);
    assert_eq!(
        now, published,
        "the public page is still exactly what was published"
    );
}

/// A front end's async command (Tauri runs them on a tokio worker) may call the core's blocking
/// network functions: they run on a thread of their own there instead of panicking with
/// "cannot start a runtime from within a runtime", which once blanked the story list.
#[tokio::test(flavor = "multi_thread")]
async fn the_cores_network_calls_work_from_inside_an_async_runtime() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = byline_testkit::in_process::start(sdir.path());
    let remote = srv.remote(&srv.editor);
    let who =
        byline_core::editorial::me(&remote).expect("who-am-I answers from inside an async runtime");
    assert_eq!(who.role, "editor", "the token's role: {who:?}");
    let (_d, lib) = byline_testkit::library();
    let id = byline_testkit::ready_story(&lib);
    let report = lib
        .publish(&id, &remote, &byline_core::sync::Patience::default())
        .expect("a publish from inside an async runtime");
    assert_eq!(
        report.live.map(|l| l.version),
        Some(1),
        "the story is published as version 1"
    );
}
