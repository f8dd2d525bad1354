use byline_core::{search, store};
use byline_protocol::{Article, Block};

use crate::{library, seed_article};

#[test]
fn the_model_story_is_found_with_and_without_diacritics() {
    let (_d, lib) = library();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    let mut other = Article::new("Giá lúa tăng mạnh");
    other.lead = "Nông dân phấn khởi.".into();
    lib.create_article(other).unwrap();
    for q in [
        "nghi quyet",
        "LIÊN ĐOÀN",
        "lien doan",
        "Nghị quyết",
        "DANG",
        "cnvcld",
    ] {
        let hits = lib.search(q, 10).unwrap();
        assert_eq!(
            hits.len(),
            1,
            "query {q:?} should find exactly the model story"
        );
        assert_eq!(hits[0].article.id, id);
        assert!(
            !hits[0].snippet.highlights.is_empty(),
            "query {q:?} should highlight a word"
        );
    }
    assert!(
        lib.search("bóng đá", 10).unwrap().is_empty(),
        "unrelated words find nothing"
    );
    assert!(
        lib.search("  …  ", 10).unwrap().is_empty(),
        "a query without words finds nothing"
    );
}

#[test]
fn snippets_highlight_the_original_words_not_the_folded_ones() {
    let (_d, lib) = library();
    let mut a = Article::new("Tin ngắn");
    a.blocks.push(Block::paragraph(
        "Chiều nay, Liên đoàn Lao động tỉnh họp bàn.",
    ));
    lib.create_article(a).unwrap();
    let hit = &lib.search("lien doan", 10).unwrap()[0];
    assert_eq!(hit.snippet.field, "body");
    let words: Vec<String> = hit
        .snippet
        .highlights
        .iter()
        .map(|&(s, e)| hit.snippet.text.chars().skip(s).take(e - s).collect())
        .collect();
    assert_eq!(
        words,
        ["Liên", "đoàn"],
        "highlights point at the accented original"
    );
}

#[test]
fn title_matches_rank_above_body_matches() {
    let (_d, lib) = library();
    let mut body_only = Article::new("Tin thời tiết");
    body_only
        .blocks
        .push(Block::paragraph("Mưa lớn ở Nghệ An, công đoàn hỗ trợ."));
    lib.create_article(body_only).unwrap();
    let title = lib
        .create_article(Article::new("Công đoàn Nghệ An"))
        .unwrap();
    let hits = lib.search("cong doan", 10).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(
        hits[0].article.id, title.id,
        "a title hit should rank first"
    );
}

#[test]
fn the_last_word_of_a_query_matches_as_a_prefix() {
    let (_d, lib) = library();
    lib.import_article(&seed_article()).unwrap();
    assert_eq!(
        lib.search("nghi quy", 10).unwrap().len(),
        1,
        "typing in progress finds the story"
    );
    assert_eq!(
        lib.search("quyet nghi", 10).unwrap().len(),
        1,
        "word order does not matter"
    );
    assert!(
        lib.search("quy nghi", 10).unwrap().is_empty(),
        "only the last word is a prefix"
    );
}

/// Runs the indexer to completion on a second connection, as the app's background thread does.
fn index_everything(lib: &byline_core::Library) -> usize {
    // Unmigrated: `store::open` would already catch up, and the count is what is checked.
    let mut conn =
        store::open_unmigrated(&lib.root().join(byline_core::DB_FILE)).expect("second connection");
    let mut total = 0;
    loop {
        let n = search::index_pending(&mut conn, 16).expect("indexing works");
        if n == 0 {
            return total;
        }
        total += n;
    }
}

fn pending(lib: &byline_core::Library) -> i64 {
    lib.db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM fts_pending", [], |r| r.get(0))?))
        .unwrap()
}

fn ids(hits: &[byline_core::SearchHit]) -> Vec<String> {
    let mut v: Vec<String> = hits.iter().map(|h| h.article.id.clone()).collect();
    v.sort();
    v
}

#[test]
fn a_save_is_found_at_once_and_its_old_words_are_not() {
    let (_d, lib) = library();
    let mut a = lib.create_article(Article::new("Giá lúa tăng")).unwrap();
    index_everything(&lib);
    assert!(
        !lib.search("lua", 10).unwrap().is_empty(),
        "the indexed title is found"
    );
    a.title = "Mưa bão miền Trung".into();
    lib.save_article(&mut a).unwrap();
    assert_eq!(pending(&lib), 1, "the save marked its article for indexing");
    assert_eq!(
        ids(&lib.search("mua bao", 10).unwrap()),
        [a.id.as_str()],
        "the new title is found before any indexer ran"
    );
    assert!(
        lib.search("lua", 10).unwrap().is_empty(),
        "the index still holds the old title, and must not answer for a pending article"
    );
    assert_eq!(index_everything(&lib), 1, "one article was pending");
    assert_eq!(pending(&lib), 0);
    assert_eq!(ids(&lib.search("mua bao", 10).unwrap()), [a.id.as_str()]);
    assert!(lib.search("lua", 10).unwrap().is_empty());
}

#[test]
fn pending_and_indexed_search_match_the_same_stories() {
    let (_d, lib) = library();
    let texts = [
        (
            "Liên đoàn Lao động tỉnh",
            "Đoàn viên nhận thưởng.",
            "Công nhân nghỉ Tết.",
        ),
        (
            "Nghị quyết số 20",
            "Ban chấp hành TƯ Đảng.",
            "Giai cấp công nhân Việt Nam.",
        ),
        (
            "Bóng đá",
            "Đội nhà thắng.",
            "Cổ động viên ăn mừng trên sân Vinh.",
        ),
        (
            "Thời tiết",
            "Mưa lớn.",
            "Liên tục ba ngày, đoàn cứu hộ lên đường.",
        ),
    ];
    for (title, lead, body) in texts {
        let mut a = Article::new(title);
        a.lead = lead.into();
        a.blocks.push(Block::paragraph(body));
        lib.create_article(a).unwrap();
    }
    let queries = [
        "lien doan",
        "doan",
        "doan vien",
        "lien",
        "cong nhan",
        "cong nha",
        "nghi",
        "nghi quy",
        "viet nam",
        "vie",
        "VINH",
        "an mung",
        "an mun",
        "an mu ng",
        "thang",
        "20",
        "2",
        "tet",
        "doan lien",
        "xyz",
    ];
    let before: Vec<Vec<String>> = queries
        .iter()
        .map(|q| ids(&lib.search(q, 10).unwrap()))
        .collect();
    assert_eq!(index_everything(&lib), texts.len());
    for (q, was) in queries.iter().zip(&before) {
        assert_eq!(
            &ids(&lib.search(q, 10).unwrap()),
            was,
            "query {q:?} must match the same stories whether they are pending or indexed"
        );
    }
    assert!(
        before.iter().any(|v| v.len() > 1) && before.iter().any(Vec::is_empty),
        "the queries must include ones that match several stories and ones that match none"
    );
}

#[test]
fn search_on_a_read_only_connection_finds_saves_no_indexer_saw() {
    let (_d, lib) = library();
    let a = lib
        .create_article(Article::new("Lũ quét ở Yên Bái"))
        .unwrap();
    let ro = rusqlite::Connection::open_with_flags(
        lib.root().join(byline_core::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let hits = search::search(&ro, "lu quet", 10).expect("search needs no write");
    assert_eq!(
        ids(&hits),
        [a.id.as_str()],
        "the pending story is found read-only"
    );
    assert!(
        !hits[0].snippet.highlights.is_empty(),
        "a pending hit has a snippet like any other"
    );
}

#[test]
fn trashed_stories_leave_search_whether_indexed_or_not() {
    let (_d, lib) = library();
    let a = lib
        .create_article(Article::new("Hội nghị tổng kết"))
        .unwrap();
    let b = lib.create_article(Article::new("Hội nghị sơ kết")).unwrap();
    index_everything(&lib);
    lib.trash(&a.id).unwrap();
    assert_eq!(
        ids(&lib.search("hoi nghi", 10).unwrap()),
        std::slice::from_ref(&b.id),
        "a trashed story leaves results before the indexer runs"
    );
    index_everything(&lib);
    assert_eq!(
        ids(&lib.search("hoi nghi", 10).unwrap()),
        std::slice::from_ref(&b.id)
    );
    lib.untrash(&a.id).unwrap();
    assert_eq!(
        ids(&lib.search("hoi nghi", 10).unwrap()).len(),
        2,
        "back out of the trash, it is found again at once"
    );
    lib.trash(&a.id).unwrap();
    lib.empty_trash().unwrap();
    index_everything(&lib);
    let in_index: i64 = lib
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM article_search", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(
        in_index, 1,
        "emptying the trash removes its text from the index"
    );
}

#[test]
fn the_indexer_takes_at_most_its_budget_per_call() {
    let (_d, lib) = library();
    for i in 0..5 {
        lib.create_article(Article::new(format!("Tin số {i}")))
            .unwrap();
    }
    let mut conn = store::open_unmigrated(&lib.root().join(byline_core::DB_FILE)).unwrap();
    let runs: Vec<usize> = (0..4)
        .map(|_| search::index_pending(&mut conn, 2).unwrap())
        .collect();
    assert_eq!(
        runs,
        [2, 2, 1, 0],
        "budget 2 drains five pending stories in three calls"
    );
}

#[test]
fn opening_a_library_indexes_what_an_earlier_process_left_pending() {
    let (_d, lib) = library();
    lib.create_article(Article::new("Điện lực báo lịch cắt điện"))
        .unwrap();
    assert_eq!(pending(&lib), 1, "no indexer ran in this 'process'");
    let root = lib.root().to_path_buf();
    drop(lib);
    let lib = byline_core::Library::open(&root).unwrap();
    assert_eq!(pending(&lib), 0, "opening caught up");
    assert_eq!(lib.search("cat dien", 10).unwrap().len(), 1);
}
