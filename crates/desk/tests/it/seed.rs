//! The model story: every real-world defect is found at the right place, nothing else is.

use crate::{desk, seed_article};
use byline_desk::{Field, Finding, Rule, Settings, blocking, fix};
use byline_text::char_slice;

/// (rule, field, block, start, end) of a finding, for exact comparisons.
type Key = (Rule, Field, Option<usize>, usize, usize);

fn key(f: &Finding) -> Key {
    (f.rule, f.field, f.block, f.start, f.end)
}

/// Every typography defect of the model story, in story order, at its exact char offsets.
fn expected() -> Vec<Key> {
    use Field::{Block, Lead};
    use Rule::*;
    vec![
        (DoubleSpace, Lead, None, 92, 94),               // "để  khảo sát"
        (DoubleSpace, Lead, None, 162, 164),             // "Nghị quyết 20  của"
        (UnbalancedQuotes, Lead, None, 193, 194),        // “Tiếp tục … never closed
        (DoubleSpace, Lead, None, 273, 275),             // "đất nước  cũng"
        (DoubleSpace, Block, Some(1), 39, 41),           // "báo cáo  với"
        (InconsistentDash, Block, Some(1), 417, 426),    // "CNH – HĐH" vs "CNH-HĐH" in the lead
        (DoubleSpace, Block, Some(3), 128, 130),         // "hỗ trợ  DN"
        (RepeatedPunctuation, Block, Some(3), 488, 490), // "sản xuất…."
        (TrailingSpace, Block, Some(3), 490, 491),       // the trailing NO-BREAK SPACE
        (DoubleSpace, Block, Some(5), 104, 106),         // "tồn tại  cũng"
        (DoubleSpace, Block, Some(5), 114, 116),         // "cũng như  nội dung"
        (DoubleSpace, Block, Some(5), 547, 549),         // "báo cáo  với Tổng"
        (SpaceBeforePunctuation, Block, Some(5), 642, 643), // "có liên quan ."
    ]
}

#[test]
fn the_model_story_parses_into_six_alternating_blocks() {
    let a = seed_article();
    let kinds: Vec<&str> = a.blocks.iter().map(|b| b.type_name()).collect();
    assert_eq!(
        kinds,
        [
            "figure",
            "paragraph",
            "figure",
            "paragraph",
            "figure",
            "paragraph"
        ],
        "as in article.md"
    );
    assert!(
        a.title.starts_with("Hội nghị khảo sát"),
        "title from the `# ` line"
    );
    assert!(
        a.lead.starts_with("Sáng 18/6"),
        "the first paragraph is the lead"
    );
}

#[test]
fn check_reports_every_defect_of_the_model_story_at_exact_offsets_and_nothing_else() {
    let a = seed_article();
    let all = desk().check(&a);
    let typo: Vec<Key> = all
        .iter()
        .filter(|f| f.rule.is_typography())
        .map(key)
        .collect();
    assert_eq!(
        typo,
        expected(),
        "exactly the filed defects, no typography finding on clean sentences"
    );
    let others: Vec<&Finding> = all.iter().filter(|f| !f.rule.is_typography()).collect();
    assert!(
        others.is_empty(),
        "the story is spelt right and in new tone style (cấp ủy); got {others:#?}"
    );
}

#[test]
fn each_finding_points_at_the_text_it_names() {
    let a = seed_article();
    let nbsp_runs = desk()
        .check(&a)
        .into_iter()
        .filter(|f| f.rule == Rule::DoubleSpace)
        .count();
    assert_eq!(
        nbsp_runs, 8,
        "eight space+NBSP runs in the file (grep -o $'\\xc2\\xa0' finds nine with the trailing one)"
    );
    for f in desk().check(&a) {
        let text = match f.field {
            Field::Lead => a.lead.as_str(),
            Field::Block => a.blocks[f.block.unwrap()].text(),
            Field::Title => a.title.as_str(),
            _ => unreachable!("no section or byline findings in the model story"),
        };
        assert_eq!(
            char_slice(text, f.start, f.end),
            f.text,
            "{} offsets must cover its text",
            f.rule
        );
        match f.rule {
            Rule::DoubleSpace => assert_eq!(
                f.text, " \u{a0}",
                "each run is a space then a NO-BREAK SPACE"
            ),
            Rule::TrailingSpace => {
                assert_eq!(f.text, "\u{a0}", "the paragraph ends with a NO-BREAK SPACE")
            }
            Rule::UnbalancedQuotes => assert_eq!(f.text, "“", "the opening quote of “Tiếp tục…"),
            Rule::RepeatedPunctuation => {
                assert_eq!(
                    (f.text.as_str(), f.replacement.as_deref()),
                    ("….", Some("…")),
                    "suggest the lone ellipsis"
                )
            }
            Rule::InconsistentDash => assert_eq!(
                f.replacement.as_deref(),
                Some("CNH-HĐH"),
                "the lead's form came first"
            ),
            _ => {}
        }
    }
}

#[test]
fn findings_serialize_with_the_cli_field_names() {
    let f = desk().check(&seed_article()).into_iter().next().unwrap();
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["rule"], "double-space", "rule ids are kebab-case");
    assert_eq!(v["field"], "lead");
    assert_eq!(
        v["block"],
        serde_json::Value::Null,
        "no block index outside the body"
    );
    assert_eq!(
        (v["start"].as_u64(), v["end"].as_u64()),
        (Some(92), Some(94))
    );
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["fixable"], true);
    assert!(
        v["message"].as_str().unwrap().contains("khoảng trắng"),
        "Vietnamese by default"
    );
    assert!(
        v["message_en"].as_str().unwrap().contains("spaces"),
        "English alongside"
    );
}

#[test]
fn fix_repairs_the_safe_defects_and_leaves_quote_ellipsis_and_dash_to_a_human() {
    let a = seed_article();
    let fixed = fix(&a, &Settings::default());
    assert!(
        fixed.changed,
        "the filed story has safe defects, so the fix is a new revision"
    );
    let applied: Vec<Rule> = fixed.applied.iter().map(|f| f.rule).collect();
    assert_eq!(
        applied.iter().filter(|r| **r == Rule::DoubleSpace).count(),
        8,
        "all eight runs collapsed"
    );
    assert!(
        applied.contains(&Rule::TrailingSpace) && applied.contains(&Rule::SpaceBeforePunctuation)
    );
    assert!(
        !applied.iter().any(|r| matches!(
            r,
            Rule::UnbalancedQuotes | Rule::RepeatedPunctuation | Rule::InconsistentDash
        )),
        "judgement calls are never auto-fixed"
    );
    let left: Vec<Rule> = desk()
        .check(&fixed.article)
        .iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(
        left,
        [
            Rule::UnbalancedQuotes,
            Rule::InconsistentDash,
            Rule::RepeatedPunctuation
        ],
        "only the human ones remain"
    );
    assert!(
        fixed.article.blocks[5].text().ends_with("có liên quan."),
        "space before the full stop removed"
    );
    assert!(
        fixed.article.blocks[3].text().ends_with("sản xuất…."),
        "trailing NBSP gone, …. kept for a human"
    );
    assert!(
        fixed.article.lead.contains("để khảo sát"),
        "space+NBSP became one space"
    );
    assert_eq!(
        fixed.article.blocks[0].text(),
        a.blocks[0].text(),
        "clean captions are untouched"
    );

    let again = fix(&fixed.article, &Settings::default());
    assert!(
        again.applied.is_empty() && !again.changed,
        "a second fix finds nothing to do"
    );
    assert_eq!(again.article, fixed.article, "and changes nothing");
}

#[test]
fn the_model_story_can_be_published_as_filed_its_photos_credited_to_its_photographer() {
    let a = seed_article();
    let all = desk().check_all(&a, &Default::default());
    assert!(
        blocking(&all).is_empty(),
        "no figure has a credit of its own, but the byline names the photographer: {:#?}",
        blocking(&all)
    );
    let inherited: Vec<(Option<usize>, Option<&str>)> = all
        .iter()
        .filter(|f| f.rule == Rule::InheritedCredit)
        .map(|f| (f.block, f.replacement.as_deref()))
        .collect();
    assert_eq!(
        inherited,
        [
            (Some(0), Some("Cảnh Toàn")),
            (Some(2), Some("Cảnh Toàn")),
            (Some(4), Some("Cảnh Toàn"))
        ],
        "each figure shows the credit it inherits, so the desk can override it"
    );
}

#[test]
fn the_model_story_without_a_photographer_is_blocked_by_its_uncredited_photos() {
    let mut a = seed_article();
    a.byline.retain(|p| p.role != "photographer");
    let all = desk().check_all(&a, &Default::default());
    let blockers: Vec<(Rule, Option<usize>)> =
        blocking(&all).iter().map(|f| (f.rule, f.block)).collect();
    assert_eq!(
        blockers,
        [
            (Rule::MissingCredit, Some(0)),
            (Rule::MissingCredit, Some(2)),
            (Rule::MissingCredit, Some(4))
        ],
        "neither a credit of their own nor a photographer to inherit from"
    );
}
