use std::path::Path;

use byline_core::{Library, Scope};
use byline_protocol::ErrorCode;

use crate::library;

fn db_bytes(lib: &Library) -> Vec<(String, u64)> {
    lib.articles(Scope::Live)
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.revision))
        .collect()
}

fn refused(lib: &mut Library, path: &Path) -> String {
    let before = db_bytes(lib);
    let err = lib
        .import_article(path)
        .expect_err("bad input must be refused");
    assert_eq!(
        db_bytes(lib),
        before,
        "a refused import must leave the library untouched"
    );
    assert!(
        matches!(err.code(), ErrorCode::InvalidInput | ErrorCode::TooLarge),
        "bad input is the user's to fix, not a crash: {err:?}"
    );
    err.to_string()
}

#[test]
fn broken_front_matter_names_the_file_and_the_line() {
    let (dir, mut lib) = library();
    lib.import_article(&crate::seed_article()).unwrap();
    let p = dir.path().join("broken.md");
    std::fs::write(&p, "---\nsection: [Trong tỉnh\nbyline: x\n---\n# Tiêu đề\n").unwrap();
    let msg = refused(&mut lib, &p);
    assert!(
        msg.contains("broken.md") && msg.contains("front matter"),
        "got: {msg}"
    );
    assert!(
        msg.contains("line"),
        "the message should point at a line: {msg}"
    );

    std::fs::write(&p, "---\npublished_at: 18/6/2024\n---\n# T\n").unwrap();
    let msg = refused(&mut lib, &p);
    assert!(
        msg.contains("published_at") && msg.contains("+07:00"),
        "says how to write it: {msg}"
    );

    std::fs::write(&p, "---\nsectoin: Thể thao\n---\n# T\n").unwrap();
    let msg = refused(&mut lib, &p);
    assert!(msg.contains("sectoin"), "a misspelt field is named: {msg}");
}

#[test]
fn a_non_utf8_file_is_refused_with_the_offset() {
    let (dir, mut lib) = library();
    let p = dir.path().join("latin1.md");
    // "Nghệ" is not in Latin-1; a Windows-1258 file gives bytes like these.
    std::fs::write(&p, b"# Ngh\xea An\n\nS\xe1ng nay\n").unwrap();
    let msg = refused(&mut lib, &p);
    assert!(
        msg.contains("latin1.md") && msg.contains("UTF-8") && msg.contains("offset 5"),
        "got: {msg}"
    );
}

#[test]
fn an_empty_file_is_refused() {
    let (dir, mut lib) = library();
    let p = dir.path().join("empty.md");
    std::fs::write(&p, "").unwrap();
    assert!(refused(&mut lib, &p).contains("empty"));
    std::fs::write(&p, "\n  \n").unwrap();
    assert!(
        refused(&mut lib, &p).contains("empty"),
        "whitespace only counts as empty"
    );
}

#[test]
fn a_50_mb_file_is_refused_before_it_is_read() {
    let (dir, mut lib) = library();
    let p = dir.path().join("huge.md");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap(); // sparse: no 50 MB written to disk
    let msg = refused(&mut lib, &p);
    assert!(msg.contains("huge.md") && msg.contains("MB"), "got: {msg}");
}

#[test]
fn a_markdown_file_without_a_title_is_refused() {
    let (dir, mut lib) = library();
    let p = dir.path().join("notitle.md");
    std::fs::write(&p, "---\nsection: Thể thao\n---\n").unwrap();
    assert!(refused(&mut lib, &p).contains("no title"));
}

#[test]
fn a_missing_photo_keeps_the_figure_and_warns() {
    let (dir, lib) = library();
    let p = dir.path().join("s.md");
    std::fs::write(&p, "# Tin\n\nSa pô.\n\n![Chú thích.](khong-co.jpg)\n").unwrap();
    let report = lib.import_article(&p).unwrap();
    assert_eq!(
        report.warnings.len(),
        1,
        "one warning for the missing photo"
    );
    assert!(report.warnings[0].contains("khong-co.jpg"));
    assert_eq!(
        report.article.blocks[0].text(),
        "Chú thích.",
        "caption kept"
    );
}

#[test]
fn a_script_link_in_related_items_names_the_file_the_entry_and_the_fix() {
    let (dir, mut lib) = library();
    let p = dir.path().join("related.md");
    std::fs::write(
        &p,
        "---\nrelated:\n  - title: Bài trước\n    url: https://baohatinh.vn/bai-truoc.html\n  \
         - title: Xem ngay\n    url: \"javascript:alert(1)\"\n---\n# Tiêu đề\n\nĐoạn mở đầu.\n",
    )
    .unwrap();
    let msg = refused(&mut lib, &p);
    assert!(
        msg.contains("related.md") && msg.contains("Xem ngay") && msg.contains("https://"),
        "names the file, the entry and the fix: {msg}"
    );

    // The same gate holds for a story saved by a front end, not only for imports.
    let mut a = lib
        .create_article(byline_protocol::Article::new("Tin mới"))
        .unwrap();
    a.related.push(byline_protocol::Related {
        title: "Dữ liệu".into(),
        url: Some("data:text/html,<script>1</script>".into()),
        article_id: None,
    });
    let err = lib
        .save_article(&mut a)
        .expect_err("a data: link is refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
}
