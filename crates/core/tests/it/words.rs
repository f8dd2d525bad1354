//! The newsroom word list extended from a front end: the next check accepts the word, the list
//! survives reopening the library, and `desk.toml`'s own word list file is honoured.

use byline_core::Library;
use byline_desk::{Finding, Rule};
use byline_protocol::{Article, Block};

fn flagged(findings: &[Finding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::Spelling | Rule::UnknownName))
        .map(|f| f.text.as_str())
        .collect()
}

fn story(lib: &mut Library, text: &str) -> String {
    let mut a = Article::new("Hội nghị công đoàn tỉnh Nghệ An");
    a.blocks.push(Block::paragraph(text));
    lib.create_article(a).expect("story stored").id
}

#[test]
fn an_added_word_is_no_longer_flagged_and_survives_reopening() {
    let (dir, mut lib) = crate::library();
    let id = story(
        &mut lib,
        "Ông Smithers dự hội nghị cùng công nhân nhà máy xyzô.",
    );
    let before = lib.check_article(&id).unwrap();
    assert_eq!(
        flagged(&before),
        ["Smithers", "xyzô"],
        "a foreign name and a non-word are flagged before anyone adds them"
    );

    let (word, added) = lib.add_word("  Smithers ").unwrap();
    assert_eq!(
        (word.as_str(), added),
        ("Smithers", true),
        "trimmed and new"
    );
    assert_eq!(
        flagged(&lib.check_article(&id).unwrap()),
        ["xyzô"],
        "the loaded desk accepts the name at once"
    );
    let (_, again) = lib.add_word("Smithers").unwrap();
    assert!(!again, "adding a listed word twice does not repeat it");

    let list = std::fs::read_to_string(dir.path().join("lib/newsroom-words.txt")).unwrap();
    assert_eq!(
        list.lines().filter(|l| *l == "Smithers").count(),
        1,
        "one line in the library's word list file: {list}"
    );
    drop(lib);

    let reopened = Library::open(dir.path().join("lib")).unwrap();
    assert_eq!(
        flagged(&reopened.check_article(&id).unwrap()),
        ["xyzô"],
        "the word list is persisted, not only remembered by the running desk"
    );
    let words = reopened.words().unwrap();
    assert!(
        words.contains(&"Smithers".to_owned()) && words.contains(&"LĐLĐ".to_owned()),
        "the list shows added words after the built-in abbreviations: {words:?}"
    );
}

#[test]
fn a_word_added_by_another_process_reaches_a_running_desk() {
    let (dir, mut lib) = crate::library();
    let id = story(&mut lib, "Đoàn công tác gặp ông Pikachu tại Vinh.");
    assert_eq!(flagged(&lib.check_article(&id).unwrap()), ["Pikachu"]);
    // Another front end (the CLI) opens the same library and extends the list.
    let other = Library::open(dir.path().join("lib")).unwrap();
    other.add_word("Pikachu").unwrap();
    // File times can be coarse; make sure the change is visible as a change.
    let list = dir.path().join("lib/newsroom-words.txt");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
    std::fs::File::options()
        .write(true)
        .open(&list)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_eq!(
        flagged(&lib.check_article(&id).unwrap()),
        Vec::<&str>::new(),
        "the app's cached desk notices the list changed on disk and reloads"
    );
}

#[test]
fn the_word_list_named_in_desk_toml_is_the_one_extended() {
    let (dir, lib) = crate::library();
    let root = dir.path().join("lib");
    std::fs::write(
        root.join("desk.toml"),
        "[spelling]\nword_list = \"lists/words.txt\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("lists")).unwrap();
    std::fs::write(root.join("lists/words.txt"), "# ours\nNghi Lộc").unwrap();
    lib.add_word("Smithers").unwrap();
    assert_eq!(
        std::fs::read_to_string(root.join("lists/words.txt")).unwrap(),
        "# ours\nNghi Lộc\nSmithers\n",
        "appended to the configured file, comments and entries kept"
    );
    assert!(
        !root.join("newsroom-words.txt").exists(),
        "no second list when desk.toml names one"
    );
}

#[test]
fn words_that_the_list_cannot_hold_are_refused_with_the_reason() {
    let (_dir, lib) = crate::library();
    for (bad, why) in [
        ("   ", "empty"),
        ("a#b", "#"),
        ("hai\ndòng", "one line"),
        ("2024", "no letters"),
    ] {
        let e = lib.add_word(bad).unwrap_err();
        assert_eq!(
            e.code(),
            byline_protocol::ErrorCode::InvalidInput,
            "{bad:?} is invalid input"
        );
        assert!(e.to_string().contains(why), "{bad:?}: {e}");
    }
    let (w, _) = lib.add_word("Ho\u{0302}\u{0300}ng").unwrap();
    assert_eq!(w, "Hồng", "stored in NFC whatever form was typed");
}
