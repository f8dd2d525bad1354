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
