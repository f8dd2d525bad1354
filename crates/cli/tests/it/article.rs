use crate::{byline, json, ok, seed_article};

fn import(dir: &std::path::Path) -> String {
    let out = ok(
        dir,
        &["article", "import", seed_article().to_str().unwrap()],
    );
    let id = out.trim().to_owned();
    assert_eq!(
        out,
        format!("{id}\n"),
        "import prints the id alone on stdout"
    );
    id
}

#[test]
fn help_exits_zero() {
    let d = tempfile::tempdir().unwrap();
    let out = byline(d.path(), &["--help"]);
    assert!(out.status.success(), "--help must exit 0");
    assert!(String::from_utf8_lossy(&out.stdout).contains("article"));
}

#[test]
fn import_then_show_json_has_the_contract_fields() {
    let d = tempfile::tempdir().unwrap();
    let id = import(d.path());
    let a = json(d.path(), &["article", "show", &id, "--json"]);
    for key in [
        "id",
        "section",
        "title",
        "slug",
        "lead",
        "status",
        "published_at",
        "byline",
        "blocks",
        "revision",
    ] {
        assert!(a.get(key).is_some(), "show --json must have `{key}`");
    }
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["section"], "Trong tỉnh");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["published_at"], "2024-06-18T12:17:00+07:00");
    assert_eq!(a["revision"], 1);
    let types: Vec<&str> = a["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "figure",
            "paragraph",
            "figure",
            "paragraph",
            "figure",
            "paragraph"
        ]
    );
    assert_eq!(a["blocks"][0]["caption"], "Toàn cảnh hội nghị.");
    assert_eq!(
        a["blocks"][0]["photo_id"].as_str().unwrap().len(),
        64,
        "photo id is a sha256"
    );
    assert_eq!(a["byline"][1]["name"], "Cảnh Toàn");
    assert_eq!(a["byline"][1]["role"], "photographer");
}

#[test]
fn list_and_search_ignore_case_and_diacritics() {
    let d = tempfile::tempdir().unwrap();
    let id = import(d.path());
    let all = json(d.path(), &["article", "list", "--json"]);
    assert_eq!(all[0]["id"], id.as_str());
    assert_eq!(all[0]["status"], "draft");
    assert!(all[0]["title"].as_str().unwrap().starts_with("Hội nghị"));
    for q in ["nghi quyet", "LIÊN ĐOÀN", "lien doan", "Nghị quyết"] {
        let hits = json(d.path(), &["article", "list", "--json", "--search", q]);
        assert_eq!(
            hits.as_array().unwrap().len(),
            1,
            "--search {q:?} finds the story"
        );
        assert_eq!(hits[0]["id"], id.as_str());
        assert!(hits[0]["title"].is_string() && hits[0]["status"].is_string());
    }
    let none = json(
        d.path(),
        &["article", "list", "--json", "--search", "xổ số"],
    );
    assert_eq!(
        none,
        serde_json::json!([]),
        "no match is an empty array, not an error"
    );
}

#[test]
fn set_revisions_and_restore_keep_every_version() {
    let d = tempfile::tempdir().unwrap();
    let id = import(d.path());
    ok(d.path(), &["article", "set", &id, "title", "Tiêu đề mới"]);
    ok(d.path(), &["article", "set", &id, "status", "ready"]);
    let revs = json(d.path(), &["article", "revisions", &id, "--json"]);
    let nums: Vec<u64> = revs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_u64().unwrap())
        .collect();
    assert_eq!(nums, [1, 2, 3]);
    assert!(
        revs[0]["saved_at"].is_string(),
        "each revision has saved_at"
    );
    ok(d.path(), &["article", "restore", &id, "1"]);
    let a = json(d.path(), &["article", "show", &id, "--json"]);
    assert_eq!(a["revision"], 4, "restore adds a revision");
    assert!(
        a["title"].as_str().unwrap().starts_with("Hội nghị"),
        "old title is back"
    );
    assert_eq!(a["status"], "draft");
}

#[test]
fn markdown_export_reimports_to_the_same_content() {
    let d = tempfile::tempdir().unwrap();
    let id = import(d.path());
    let out = d.path().join("out/story.md");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    ok(
        d.path(),
        &[
            "article",
            "export",
            &id,
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let id2 = ok(d.path(), &["article", "import", out.to_str().unwrap()])
        .trim()
        .to_owned();
    let strip = |v: serde_json::Value| {
        let mut v = v;
        for k in ["id", "created_at", "updated_at", "revision"] {
            v.as_object_mut().unwrap().remove(k);
        }
        for b in v["blocks"].as_array_mut().unwrap() {
            b.as_object_mut().unwrap().remove("id");
        }
        v
    };
    let a = strip(json(d.path(), &["article", "show", &id, "--json"]));
    let b = strip(json(d.path(), &["article", "show", &id2, "--json"]));
    assert_eq!(a, b, "md export re-imports to the same article content");
    let html = ok(d.path(), &["article", "export", &id, "--format", "html"]);
    assert!(
        html.contains("Thanh Hà - Cảnh Toàn"),
        "html export prints the byline"
    );
}

#[test]
fn errors_are_one_line_on_stderr_with_a_non_zero_exit() {
    let d = tempfile::tempdir().unwrap();
    let out = byline(d.path(), &["article", "show", "does-not-exist", "--json"]);
    assert!(!out.status.success(), "unknown id must fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    let v: serde_json::Value =
        serde_json::from_str(err.trim()).expect("--json errors are {code, message}");
    assert_eq!(v["code"], "not_found");
    let bad = d.path().join("bad.md");
    std::fs::write(&bad, b"# \xff\xfe\n").unwrap();
    let out = byline(d.path(), &["article", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.md") && err.contains("UTF-8"),
        "names the file and the problem: {err}"
    );
}

#[test]
fn attach_appends_a_figure_for_a_library_photo() {
    let d = tempfile::tempdir().unwrap();
    let id = import(d.path());
    let a = json(d.path(), &["article", "show", &id, "--json"]);
    let photo = a["blocks"][2]["photo_id"].as_str().unwrap().to_owned();
    let a = json(
        d.path(),
        &[
            "article",
            "attach",
            &id,
            &photo,
            "--caption",
            "Ảnh bổ sung.",
            "--json",
        ],
    );
    let last = a["blocks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "figure");
    assert_eq!(last["photo_id"], photo.as_str());
    assert_eq!(last["caption"], "Ảnh bổ sung.");
}
