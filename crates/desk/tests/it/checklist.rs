//! The pre-publish checklist, rule settings, language, and fix options.

use crate::lead_only;
use byline_desk::{
    Desk, Field, GpsPolicy, Language, PhotoFacts, PhotoMap, Rule, RuleLevel, Settings, Severity,
    ToneStyle, blocking, checklist, fix,
};
use byline_protocol::{Article, Block, BlockKind, Person};
use chrono::DateTime;

fn figure(photo: &str, caption: &str, credit: &str) -> Block {
    Block::new(BlockKind::Figure {
        photo_id: Some(photo.into()),
        caption: caption.into(),
        credit: credit.into(),
        src: Some(format!("photos/{photo}.jpg")),
    })
}

fn ready_story() -> Article {
    let mut a = Article::new("Hội nghị khảo sát kết quả 15 năm thực hiện Nghị quyết số 20");
    a.lead = "Sáng 18/6, đoàn công tác của Tổng Liên đoàn đã làm việc với Liên đoàn Lao động tỉnh Nghệ An.".into();
    a.byline = vec![Person {
        name: "Thanh Hà".into(),
        role: "writer".into(),
    }];
    a.published_at = Some(DateTime::parse_from_rfc3339("2024-06-18T12:17:00+07:00").unwrap());
    a.blocks = vec![
        figure("p1", "Toàn cảnh hội nghị.", "Cảnh Toàn"),
        Block::paragraph("Nội dung."),
    ];
    a
}

fn rules(findings: &[byline_desk::Finding]) -> Vec<(Rule, Option<usize>)> {
    findings.iter().map(|f| (f.rule, f.block)).collect()
}

#[test]
fn a_complete_story_passes_the_checklist() {
    let found = checklist(&ready_story(), &PhotoMap::new(), &Settings::default());
    assert!(
        found.is_empty(),
        "caption, credit, byline and lengths are all fine: {found:#?}"
    );
}

#[test]
fn a_figure_without_caption_or_credit_blocks_publishing() {
    let mut a = ready_story();
    a.blocks.push(figure("p2", "  ", ""));
    let found = checklist(&a, &PhotoMap::new(), &Settings::default());
    assert_eq!(
        rules(&found),
        [
            (Rule::MissingCaption, Some(2)),
            (Rule::MissingCredit, Some(2))
        ]
    );
    assert_eq!(blocking(&found).len(), 2, "both are errors");
    assert!(
        found[0].message.contains("photos/p2.jpg"),
        "the message names the photo: {}",
        found[0].message
    );
    let mut photos = PhotoMap::new();
    let facts = PhotoFacts {
        caption: Some("Lãnh đạo phát biểu.".into()),
        ..PhotoFacts::default()
    };
    photos.insert("p2".into(), facts);
    let found = checklist(&a, &photos, &Settings::default());
    assert_eq!(
        found[0].replacement.as_deref(),
        Some("Lãnh đạo phát biểu."),
        "the library caption is suggested"
    );
    assert!(!found[0].fixable, "but a human decides");
}

#[test]
fn a_credit_from_the_photo_library_counts() {
    let mut a = ready_story();
    a.blocks.push(figure("p2", "Lãnh đạo phát biểu.", ""));
    let mut photos = PhotoMap::new();
    photos.insert(
        "p2".into(),
        PhotoFacts {
            creator: Some("Cảnh Toàn".into()),
            ..PhotoFacts::default()
        },
    );
    assert!(
        checklist(&a, &photos, &Settings::default()).is_empty(),
        "the creator in the photo facts is the credit"
    );
}

#[test]
fn a_missing_byline_or_role_is_reported() {
    let mut a = ready_story();
    a.byline.clear();
    assert_eq!(
        rules(&checklist(&a, &PhotoMap::new(), &Settings::default())),
        [(Rule::MissingByline, None)]
    );
    a.byline = vec![Person {
        name: "Thanh Hà".into(),
        role: String::new(),
    }];
    let found = checklist(&a, &PhotoMap::new(), &Settings::default());
    assert_eq!(
        rules(&found),
        [(Rule::BylineRole, Some(0))],
        "the person's index is in `block`"
    );
    assert_eq!(
        (found[0].field, found[0].severity),
        (Field::Byline, Severity::Warning),
        "a role is advisory"
    );
}

#[test]
fn title_and_lead_lengths_follow_the_settings() {
    let mut s = Settings::default();
    s.limits.title_max = 20;
    s.limits.lead_min = 200;
    let found = checklist(&ready_story(), &PhotoMap::new(), &s);
    assert_eq!(
        rules(&found),
        [(Rule::TitleLength, None), (Rule::LeadLength, None)]
    );
    assert!(
        found[0].message.contains("15–20"),
        "the message gives the limits: {}",
        found[0].message
    );
    let mut a = ready_story();
    a.title = " ".into();
    assert_eq!(
        rules(&checklist(&a, &PhotoMap::new(), &Settings::default())),
        [(Rule::MissingTitle, None)]
    );
}

#[test]
fn a_photo_taken_after_the_publish_time_blocks() {
    let mut photos = PhotoMap::new();
    let later = DateTime::parse_from_rfc3339("2024-06-18T13:00:00+07:00").unwrap();
    photos.insert(
        "p1".into(),
        PhotoFacts {
            taken_at: Some(later),
            ..PhotoFacts::default()
        },
    );
    let found = checklist(&ready_story(), &photos, &Settings::default());
    assert_eq!(rules(&found), [(Rule::PhotoDateAfterPublish, Some(0))]);
    assert_eq!(found[0].severity, Severity::Error);
    let earlier = DateTime::parse_from_rfc3339("2024-06-18T04:00:00+00:00").unwrap(); // 11:00 at +07:00
    photos.insert(
        "p1".into(),
        PhotoFacts {
            taken_at: Some(earlier),
            ..PhotoFacts::default()
        },
    );
    assert!(
        checklist(&ready_story(), &photos, &Settings::default()).is_empty(),
        "offsets are compared as instants"
    );
}

#[test]
fn gps_follows_the_policy() {
    let mut photos = PhotoMap::new();
    photos.insert(
        "p1".into(),
        PhotoFacts {
            has_gps: true,
            ..PhotoFacts::default()
        },
    );
    let mut s = Settings::default();
    let d = Desk::new(s.clone()).unwrap();
    assert!(
        d.publish_policy().strip_gps,
        "strip is the default: the publisher removes coordinates"
    );
    let found = checklist(&ready_story(), &photos, &s);
    assert_eq!(
        (found[0].rule, found[0].severity, found[0].fixable),
        (Rule::PhotoGps, Severity::Info, true)
    );
    s.photos.gps = GpsPolicy::Block;
    let found = checklist(&ready_story(), &photos, &s);
    assert_eq!(
        blocking(&found).len(),
        1,
        "under `block` a located photo stops the publish"
    );
    s.photos.gps = GpsPolicy::Keep;
    assert!(
        checklist(&ready_story(), &photos, &s).is_empty(),
        "`keep` publishes coordinates silently"
    );
}

#[test]
fn rules_can_be_switched_off_or_made_stricter_in_a_settings_file() {
    let s = Settings::parse(
        "language = \"en\"\n[rules]\ndouble-space = \"off\"\ntrailing-space = \"error\"\n",
        std::path::Path::new("desk.toml"),
    )
    .unwrap();
    assert_eq!(s.language, Language::En);
    let d = Desk::new(s.clone()).unwrap();
    let found = d.check(&lead_only("Tại  hội nghị này. "));
    assert_eq!(
        rules(&found),
        [(Rule::TrailingSpace, None)],
        "double-space is off"
    );
    assert_eq!(found[0].severity, Severity::Error, "made an error");
    assert!(
        found[0].message.starts_with("Trailing space"),
        "English messages: {}",
        found[0].message
    );
    let fixed = fix(&lead_only("Tại  hội nghị này. "), &s);
    assert_eq!(
        fixed.article.lead, "Tại  hội nghị này.",
        "fix leaves what is switched off"
    );
    assert_eq!(s.rules.get("double-space"), Some(&RuleLevel::Off));
}

#[test]
fn fix_converts_the_tone_style_only_when_configured() {
    let a = lead_only("Hoà bình và sức khoẻ  của cấp uỷ.");
    let plain = fix(&a, &Settings::default());
    assert_eq!(
        plain.article.lead, "Hoà bình và sức khoẻ của cấp uỷ.",
        "by default only whitespace is fixed"
    );
    let s = Settings {
        fix_tone_style: true,
        ..Settings::default()
    };
    let fixed = fix(&a, &s);
    assert_eq!(
        fixed.article.lead, "Hòa bình và sức khỏe của cấp ủy.",
        "converted to the new style"
    );
    assert_eq!(
        fixed
            .applied
            .iter()
            .filter(|f| f.rule == Rule::ToneStyle)
            .count(),
        3
    );
    let old = Settings {
        tone_style: ToneStyle::Old,
        fix_tone_style: true,
        ..Settings::default()
    };
    assert_eq!(
        fix(&fixed.article, &old).article.lead,
        "Hoà bình và sức khoẻ của cấp uỷ.",
        "and back"
    );
}

#[test]
fn fix_normalises_and_strips_invisible_characters() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "Nghị quyết".nfd().collect();
    let a = lead_only(&format!(" {nfd}\u{200b} số 20 ."));
    let fixed = fix(&a, &Settings::default());
    assert_eq!(
        fixed.article.lead, "Nghị quyết số 20.",
        "NFC, no ZWSP, no edge or pre-punctuation space"
    );
    let applied: Vec<Rule> = fixed.applied.iter().map(|f| f.rule).collect();
    assert_eq!(
        applied,
        [
            Rule::LeadingSpace,
            Rule::NotNfc,
            Rule::InvisibleChar,
            Rule::SpaceBeforePunctuation
        ],
        "each repair is reported"
    );
}

#[test]
fn settings_load_reports_the_file_and_line_of_a_bad_value() {
    let dir = std::env::temp_dir().join(format!("byline-desk-set-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("desk.toml");
    std::fs::write(&p, "language = \"vi\"\n[limits]\ntitle_max = \"long\"\n").unwrap();
    let err = Settings::load(&p).unwrap_err();
    assert!(
        err.to_string().contains(&format!("{}:3:", p.display())),
        "file:line in {err}"
    );
    let err = Settings::load(&dir.join("nope.toml")).unwrap_err();
    assert_eq!(
        err.code(),
        byline_protocol::ErrorCode::Io,
        "a missing file is an I/O error"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_readme_example_settings_file_parses() {
    let readme = include_str!("../../README.md");
    let toml = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml block in the README");
    let s = Settings::parse(toml, std::path::Path::new("README.md"))
        .expect("the documented example is valid");
    assert_eq!(s.tone_style, ToneStyle::New);
    assert!(
        s.glossary["LĐLĐ"].expand_on_first_use,
        "the example turns on expand-on-first-use"
    );
}

#[test]
fn a_figure_without_its_own_credit_inherits_the_bylines_photographers_and_its_own_wins() {
    let mut a = ready_story();
    a.byline.push(Person {
        name: "Cảnh Toàn".into(),
        role: "photographer".into(),
    });
    a.byline.push(Person {
        name: "Hữu Vinh".into(),
        role: "Photographer".into(),
    });
    a.blocks.push(figure("p2", "Lãnh đạo phát biểu.", ""));
    let found = checklist(&a, &PhotoMap::new(), &Settings::default());
    assert_eq!(
        rules(&found),
        [(Rule::InheritedCredit, Some(2))],
        "p1 has its own credit (no finding); p2 inherits the photographers"
    );
    assert_eq!(
        found[0].severity,
        Severity::Info,
        "inheriting is not a failure"
    );
    assert_eq!(
        found[0].replacement.as_deref(),
        Some("Cảnh Toàn, Hữu Vinh"),
        "every photographer in the byline, in order"
    );
    assert_eq!(
        a.figure_credit("", None),
        "Cảnh Toàn, Hữu Vinh",
        "what a publish prints for p2"
    );
    assert_eq!(
        a.figure_credit("TTXVN", None),
        "TTXVN",
        "a credit of its own overrides the inherited one"
    );
    assert_eq!(
        a.figure_credit("", Some("Ảnh: Bá Đức")),
        "Ảnh: Bá Đức",
        "the photo library's credit comes before the byline"
    );
}
