//! Spelling against the system hunspell-vi dictionary, the newsroom word list, the glossary's
//! "expand on first use" rule, and graceful degradation without a dictionary.

use crate::{desk, lead_only};
use byline_desk::{Desk, DeskError, Field, Finding, Rule, Settings, Severity};
use byline_protocol::{Article, Block, ErrorCode};
use std::collections::BTreeMap;

fn spelling(findings: &[Finding]) -> Vec<(&str, Option<usize>)> {
    findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::Spelling | Rule::UnknownName))
        .map(|f| (f.text.as_str(), f.block))
        .collect()
}

fn story(paragraphs: &[&str]) -> Article {
    let mut a = Article::new("Hội nghị công đoàn");
    a.lead = "Sáng 18/6, hội nghị diễn ra tại thành phố Vinh.".into();
    a.blocks = paragraphs.iter().map(|p| Block::paragraph(*p)).collect();
    a
}

#[test]
fn a_misspelt_syllable_in_a_paragraph_is_found_with_a_suggestion() {
    let a = story(&["Các cấp ủy đảng triển khai nghị quyêt và giai cấp cônng nhân hưởng ứng."]);
    let found = desk().check(&a);
    assert_eq!(
        spelling(&found),
        [("quyêt", Some(0)), ("cônng", Some(0))],
        "both typos, nothing else"
    );
    let q = found.iter().find(|f| f.text == "quyêt").unwrap();
    assert_eq!(
        (q.start, q.end),
        (32, 37),
        "offsets of the syllable in the paragraph"
    );
    assert_eq!(
        q.replacement.as_deref(),
        Some("quyết"),
        "hunspell's first suggestion is the right word"
    );
    assert!(!q.fixable, "spelling is never auto-fixed");
}

#[test]
fn correct_words_numbers_dates_and_listed_names_are_not_flagged() {
    let a = story(&[
        "Lúc 12:17 ngày 18/6/2024, 15 đại biểu của LĐLĐ tỉnh Nghệ An và CNVCLĐ đã dự hội nghị.",
        "NGHỊ QUYẾT SỐ 20 đi vào cuộc sống; Tổng Liên đoàn Lao động Việt Nam đánh giá cao.",
    ]);
    assert_eq!(
        spelling(&desk().check(&a)),
        [],
        "every syllable is Vietnamese, a number or a listed abbreviation"
    );
}

#[test]
fn new_style_syllables_pass_although_the_dictionary_only_knows_the_old_style() {
    let a = lead_only("Hòa bình, sức khỏe và cấp ủy, chị Thúy.");
    assert_eq!(
        spelling(&desk().check(&a)),
        [],
        "the checker looks words up in the old style"
    );
}

#[test]
fn decomposed_input_is_spell_checked_after_composition() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "Nghị quyết cônng nhân".nfd().collect();
    let found = desk().check(&lead_only(&nfd));
    let s: Vec<(&str, usize)> = found
        .iter()
        .filter(|f| f.rule == Rule::Spelling)
        .map(|f| (f.text.as_str(), f.start))
        .collect();
    assert_eq!(s, [("cônng", 11)], "NFC offsets, one typo");
}

#[test]
fn add_word_makes_a_name_acceptable_at_run_time() {
    let mut d = Desk::new(Settings::default()).unwrap();
    let a = lead_only("Ông Smithers và bà Kovalenko đến Vinh.");
    assert_eq!(
        spelling(&d.check(&a)).len(),
        2,
        "two unknown foreign names before adding"
    );
    d.add_word("Smithers").unwrap();
    d.add_word("Kovalenko").unwrap();
    assert_eq!(
        spelling(&d.check(&a)),
        [],
        "names in the word list are accepted"
    );
}

#[test]
fn a_word_list_file_named_in_the_settings_is_loaded() {
    let dir = std::env::temp_dir().join(format!("byline-desk-wl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("words.txt"),
        "# tòa soạn\nSmithers\nQuỳnh Lưu  # a district\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("desk.toml"),
        "[spelling]\nword_list = \"words.txt\"\n",
    )
    .unwrap();
    let settings = Settings::load(&dir.join("desk.toml")).unwrap();
    let d = Desk::new(settings).unwrap();
    assert_eq!(
        spelling(&d.check(&lead_only("Ông Smithers về Quỳnh Lưu."))),
        [],
        "entries from the file are accepted"
    );

    std::fs::write(
        dir.join("desk.toml"),
        "[spelling]\nword_list = \"missing.txt\"\n",
    )
    .unwrap();
    let err = Desk::new(Settings::load(&dir.join("desk.toml")).unwrap()).unwrap_err();
    assert!(
        matches!(err, DeskError::WordList { .. }),
        "an unreadable word list is an error, got {err}"
    );
    assert!(
        err.to_string().contains("missing.txt"),
        "the message names the file: {err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_dictionary_degrades_to_one_clear_finding() {
    let mut settings = Settings::default();
    settings.spelling.dictionary = "/nonexistent/vi_VN".into();
    let d = Desk::new(settings).expect("a desk without a dictionary still checks typography");
    let err = d
        .dictionary_error()
        .expect("the desk says why spelling is off");
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(
        err.to_string().contains("/nonexistent/vi_VN")
            && err.to_string().contains("install hunspell-vi"),
        "{err}"
    );
    let found = d.check(&lead_only("giai cấp cônng nhân  mới"));
    let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [Rule::SpellingUnavailable, Rule::DoubleSpace],
        "typography still runs; spelling reports itself"
    );
    assert_eq!(
        found[0].severity,
        Severity::Info,
        "a missing dictionary does not block publishing"
    );
}

#[test]
fn switching_spelling_off_is_not_a_missing_dictionary() {
    let mut settings = Settings::default();
    settings.spelling.enabled = false;
    let d = Desk::new(settings).unwrap();
    assert!(
        d.dictionary_error().is_none(),
        "nothing was asked for, nothing is missing"
    );
    let found = d.check(&lead_only("giai cấp cônng nhân"));
    assert!(
        found.is_empty(),
        "no spelling and no spelling-unavailable finding: {found:?}"
    );
}

#[test]
fn spelling_unavailable_is_about_the_whole_article() {
    let mut settings = Settings::default();
    settings.spelling.dictionary = "/nonexistent/vi_VN".into();
    let f = Desk::new(settings)
        .unwrap()
        .check(&lead_only("Tốt."))
        .remove(0);
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(
        (v["rule"].as_str(), v["field"].as_str()),
        (Some("spelling-unavailable"), Some("article"))
    );
}

fn glossary_desk() -> Desk {
    let glossary = BTreeMap::from([(
        "LĐLĐ".to_owned(),
        byline_desk::GlossaryEntry {
            expansion: "Liên đoàn Lao động".into(),
            expand_on_first_use: true,
        },
    )]);
    Desk::new(Settings {
        glossary,
        ..Settings::default()
    })
    .unwrap()
}

#[test]
fn an_abbreviation_first_used_without_its_expansion_is_reported_once() {
    let mut a = story(&["LĐLĐ tỉnh báo cáo kết quả.", "LĐLĐ tỉnh cũng đề xuất."]);
    a.lead = "Sáng 18/6, đoàn đã làm việc với LĐLĐ Nghệ An.".into();
    let f: Vec<Finding> = glossary_desk()
        .check(&a)
        .into_iter()
        .filter(|f| f.rule == Rule::AbbreviationNotExpanded)
        .collect();
    assert_eq!(f.len(), 1, "only the first use");
    assert_eq!(
        (f[0].field, f[0].start, f[0].end),
        (Field::Lead, 32, 36),
        "the lead's LĐLĐ"
    );
    assert_eq!(
        f[0].replacement.as_deref(),
        Some("Liên đoàn Lao động (LĐLĐ)")
    );
}

#[test]
fn an_abbreviation_expanded_before_or_beside_its_first_use_is_fine() {
    let d = glossary_desk();
    let mut a = story(&["LĐLĐ tỉnh báo cáo."]);
    a.lead = "Sáng 18/6, Liên đoàn Lao động (LĐLĐ) tỉnh Nghệ An họp.".into();
    assert!(
        d.check(&a)
            .iter()
            .all(|f| f.rule != Rule::AbbreviationNotExpanded),
        "expanded in the lead"
    );
    a.lead = "Sáng 18/6, LĐLĐ (Liên đoàn lao động) tỉnh Nghệ An họp.".into();
    assert!(
        d.check(&a)
            .iter()
            .all(|f| f.rule != Rule::AbbreviationNotExpanded),
        "expansion beside it, any case"
    );
    a.title = "LĐLĐ Nghệ An họp".into();
    assert!(
        d.check(&a)
            .iter()
            .all(|f| f.rule != Rule::AbbreviationNotExpanded),
        "headlines are exempt"
    );
}
