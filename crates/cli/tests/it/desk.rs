use crate::{json, ok, seed_article};

fn findings(dir: &std::path::Path, id: &str) -> Vec<serde_json::Value> {
    json(dir, &["check", id, "--json"])
        .as_array()
        .expect("check --json prints an array")
        .clone()
}

/// Imports the model story into the library at `dir`; its id.
fn import_seed(dir: &std::path::Path) -> String {
    ok(
        dir,
        &["article", "import", seed_article().to_str().unwrap()],
    )
    .trim()
    .to_owned()
}

fn count(f: &[serde_json::Value], rule: &str) -> usize {
    f.iter().filter(|x| x["rule"] == rule).count()
}

#[test]
fn check_reports_the_model_storys_paste_damage_where_it_is() {
    let d = tempfile::tempdir().unwrap();
    let id = import_seed(d.path());
    let f = findings(d.path(), &id);
    for x in &f {
        for key in ["rule", "message", "field", "start", "end"] {
            assert!(x.get(key).is_some(), "finding has `{key}`: {x}");
        }
    }
    assert_eq!(count(&f, "double-space"), 8, "eight space+NBSP runs");
    assert_eq!(count(&f, "trailing-space"), 1, "one trailing NBSP");
    assert_eq!(
        count(&f, "space-before-punctuation"),
        1,
        "the ' .' at the end"
    );
    assert_eq!(
        count(&f, "unbalanced-quotes"),
        1,
        "the unclosed “ in the lead"
    );
    assert_eq!(count(&f, "repeated-punctuation"), 1, "the '….'");
    let quote = f.iter().find(|x| x["rule"] == "unbalanced-quotes").unwrap();
    assert_eq!(
        (quote["field"].as_str(), quote["start"].as_u64()),
        (Some("lead"), Some(193))
    );
    let dots = f
        .iter()
        .find(|x| x["rule"] == "repeated-punctuation")
        .unwrap();
    assert_eq!(
        (dots["field"].as_str(), dots["block"].as_u64()),
        (Some("block"), Some(3))
    );
    let before = f
        .iter()
        .find(|x| x["rule"] == "space-before-punctuation")
        .unwrap();
    assert_eq!(before["block"], 5, "the ' .' is in the last paragraph");
}

#[test]
fn fix_removes_safe_defects_as_a_new_revision_and_leaves_the_quote() {
    let d = tempfile::tempdir().unwrap();
    let id = import_seed(d.path());
    ok(d.path(), &["fix", &id]);
    let a = json(d.path(), &["article", "show", &id, "--json"]);
    assert_eq!(a["revision"], 2, "fix saves a new revision");
    let f = findings(d.path(), &id);
    for rule in ["double-space", "trailing-space", "space-before-punctuation"] {
        assert_eq!(count(&f, rule), 0, "{rule} fixed");
    }
    assert_eq!(
        count(&f, "unbalanced-quotes"),
        1,
        "the quote is left for a human"
    );
    assert_eq!(
        count(&f, "repeated-punctuation"),
        1,
        "'….' is left for a human"
    );
    let old = json(
        d.path(),
        &["article", "show", &id, "--revision", "1", "--json"],
    );
    assert!(
        old["lead"].as_str().unwrap().contains("để \u{a0}khảo"),
        "revision 1 keeps the filed text"
    );
    ok(d.path(), &["fix", &id]);
    let a = json(d.path(), &["article", "show", &id, "--json"]);
    assert_eq!(
        a["revision"], 2,
        "a second fix changes nothing and saves nothing"
    );
}

#[test]
fn words_add_stops_a_name_being_flagged_and_words_list_shows_it() {
    let d = tempfile::tempdir().unwrap();
    let id = import_seed(d.path());
    ok(
        d.path(),
        &["article", "set", &id, "section", "Tin Smithers"],
    );
    let named = |f: &[serde_json::Value]| {
        f.iter()
            .filter(|x| x["text"] == "Smithers" && x["rule"] == "unknown-name")
            .count()
    };
    assert_eq!(
        named(&findings(d.path(), &id)),
        1,
        "the unknown name is flagged before it is listed"
    );
    let added = json(d.path(), &["words", "add", "Smithers", "--json"]);
    assert_eq!(
        added,
        serde_json::json!({"word": "Smithers", "added": true}),
        "the JSON says what was stored"
    );
    assert_eq!(
        named(&findings(d.path(), &id)),
        0,
        "a later check (another process) accepts the listed name"
    );
    let again = json(d.path(), &["words", "add", "Smithers", "--json"]);
    assert_eq!(again["added"], false, "a second add changes nothing");
    let list = json(d.path(), &["words", "list", "--json"]);
    let list: Vec<&str> = list
        .as_array()
        .expect("words list --json prints an array")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        list.contains(&"Smithers") && list.contains(&"LĐLĐ"),
        "listed after the built-in words: {list:?}"
    );
    let bad = crate::byline(d.path(), &["words", "add", "#"]);
    assert!(
        !bad.status.success(),
        "a word the list cannot hold fails with a non-zero exit"
    );
}
