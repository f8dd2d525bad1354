use byline_core::ExportFormat;
use byline_protocol::{Article, BlockKind};
use unicode_normalization::UnicodeNormalization;

use crate::{library, seed_article};

const TITLE: &str = "Hội nghị khảo sát, đánh giá kết quả 15 năm triển khai thực hiện Nghị quyết số 20 \
                     của Ban chấp hành TƯ Đảng";

fn kinds(a: &Article) -> Vec<&'static str> {
    a.blocks.iter().map(|b| b.type_name()).collect()
}

#[test]
fn importing_the_model_story_gives_its_anatomy() {
    let (_d, lib) = library();
    let report = lib.import_article(&seed_article()).unwrap();
    assert!(
        report.warnings.is_empty(),
        "all three photos exist: {:?}",
        report.warnings
    );
    let a = lib.article(&report.article.id).unwrap();
    assert_eq!(a.section, "Trong tỉnh");
    assert_eq!(a.title, TITLE);
    assert_eq!(
        a.slug,
        "hoi-nghi-khao-sat-danh-gia-ket-qua-15-nam-trien-khai-thuc-hien-nghi-quyet-so-20-cua-ban-chap-hanh-tu-dang"
    );
    assert!(
        a.lead.starts_with("Sáng 18/6, đoàn công tác"),
        "lead is the first paragraph"
    );
    assert!(
        !a.blocks.iter().any(|b| b.text() == a.lead),
        "the lead must not be repeated in the blocks"
    );
    assert_eq!(
        kinds(&a),
        [
            "figure",
            "paragraph",
            "figure",
            "paragraph",
            "figure",
            "paragraph"
        ],
        "figures and paragraphs interleave as filed"
    );
    let captions: Vec<&str> = a
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Figure {
                caption, photo_id, ..
            } => {
                assert!(
                    photo_id.as_ref().is_some_and(|p| p.len() == 64),
                    "figure has a sha256 photo id"
                );
                Some(caption.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        captions,
        [
            "Toàn cảnh hội nghị.",
            "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị.",
            "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị."
        ]
    );
    let people: Vec<(&str, &str)> = a
        .byline
        .iter()
        .map(|p| (p.name.as_str(), p.role.as_str()))
        .collect();
    assert_eq!(
        people,
        [("Thanh Hà", "writer"), ("Cảnh Toàn", "photographer")]
    );
    assert_eq!(
        a.published_at.unwrap().to_rfc3339(),
        "2024-06-18T12:17:00+07:00",
        "zone kept"
    );
    assert_eq!(a.revision, 1);
}

#[test]
fn import_keeps_paste_damage_exactly_as_filed() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    let nbsp: usize = std::iter::once(a.lead.as_str())
        .chain(a.blocks.iter().map(|b| b.text()))
        .map(|t| t.matches('\u{a0}').count())
        .sum();
    assert_eq!(
        nbsp, 9,
        "eight space+NBSP runs and one trailing NBSP survive import"
    );
    assert!(
        a.blocks[3].text().ends_with("sản xuất….\u{a0}"),
        "trailing NBSP kept"
    );
    assert!(
        a.blocks[5].text().ends_with("có liên quan ."),
        "space before full stop kept"
    );
}

#[test]
fn a_story_filed_in_nfd_reads_back_in_nfc() {
    let (dir, lib) = library();
    let text = std::fs::read_to_string(seed_article()).unwrap();
    let nfd: String = text.nfd().collect();
    assert_ne!(nfd, text, "the fixture must really change under NFD");
    let path = dir.path().join("nfd.md");
    std::fs::write(&path, &nfd).unwrap();
    let nfc_story = lib.import_article(&seed_article()).unwrap().article;
    let nfd_story = lib.import_article(&path).unwrap().article;
    assert_eq!(nfd_story.title, TITLE, "title composed");
    assert_eq!(nfd_story.content().blocks.len(), 6);
    assert_eq!(nfd_story.lead, nfc_story.lead, "lead composed identically");
    for (a, b) in nfd_story.blocks.iter().zip(&nfc_story.blocks) {
        assert_eq!(a.text(), b.text(), "every block composed identically");
    }
    assert_eq!(nfd_story.byline, nfc_story.byline, "names composed");
}

fn same_content(a: &Article, b: &Article) {
    assert_eq!(a.title, b.title);
    assert_eq!(a.section, b.section);
    assert_eq!(a.lead, b.lead);
    assert_eq!(a.slug, b.slug);
    assert_eq!(a.byline, b.byline);
    assert_eq!(a.published_at, b.published_at);
    assert_eq!(a.related, b.related);
    assert_eq!(a.blocks.len(), b.blocks.len(), "same number of blocks");
    for (x, y) in a.blocks.iter().zip(&b.blocks) {
        let strip = |k: &BlockKind| match k {
            BlockKind::Figure {
                photo_id,
                caption,
                credit,
                ..
            } => {
                format!("figure {photo_id:?} {caption} {credit}")
            }
            other => format!("{other:?}"),
        };
        assert_eq!(
            strip(&x.kind),
            strip(&y.kind),
            "block content equal (ids are new on import)"
        );
    }
}

#[test]
fn markdown_export_reimports_to_the_same_content() {
    let (dir, lib) = library();
    let original = lib.import_article(&seed_article()).unwrap().article;
    let out = dir.path().join("export/story.md");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let md = lib
        .export_article(&original.id, ExportFormat::Markdown, Some(&out))
        .unwrap();
    let again = lib.import_article(&out).unwrap();
    assert!(
        again.warnings.is_empty(),
        "photos were written beside the export: {:?}",
        again.warnings
    );
    same_content(&original, &again.article);
    let md2 = lib
        .export_article(&again.article.id, ExportFormat::Markdown, None)
        .unwrap();
    assert_eq!(md, md2, "export is stable across a round trip");
}

#[test]
fn json_export_reimports_to_the_same_content_under_a_new_id() {
    let (dir, lib) = library();
    let original = lib.import_article(&seed_article()).unwrap().article;
    let out = dir.path().join("story.json");
    lib.export_article(&original.id, ExportFormat::Json, Some(&out))
        .unwrap();
    let again = lib.import_article(&out).unwrap().article;
    assert_ne!(
        again.id, original.id,
        "a re-import is a new story, not an overwrite"
    );
    same_content(&original, &again);
}

#[test]
fn html_export_shows_what_the_newspaper_page_shows() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    let html = lib.export_article(&a.id, ExportFormat::Html, None).unwrap();
    for needle in [
        "Trong tỉnh",
        "12:17, 18/06/2024 (GMT+07:00)",
        "Toàn cảnh hội nghị.",
        "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị.",
        "Thanh Hà - Cảnh Toàn",
        "data:image/jpeg;base64,/9j/",
    ] {
        assert!(
            html.contains(needle),
            "standalone HTML should contain {needle:?}"
        );
    }
}

#[test]
fn markdown_edge_cases_survive_a_round_trip() {
    let (_d, lib) = library();
    let mut a = Article::new("Tiêu đề");
    a.lead = String::new();
    a.blocks = vec![
        byline_protocol::Block::paragraph("# không phải tiêu đề"),
        byline_protocol::Block::paragraph("dòng một\ndòng hai"),
        byline_protocol::Block::new(BlockKind::Quote {
            text: "trích dẫn".into(),
            attribution: None,
        }),
        byline_protocol::Block::new(BlockKind::Heading {
            text: "Mục".into(),
            level: 2,
        }),
        byline_protocol::Block::new(BlockKind::Figure {
            photo_id: None,
            caption: "Ảnh [minh họa]".into(),
            credit: "Ảnh: \"TTXVN\"".into(),
            src: Some("x.jpg".into()),
        }),
    ];
    let a = lib.create_article(a).unwrap();
    let md = lib
        .export_article(&a.id, ExportFormat::Markdown, None)
        .unwrap();
    let back = byline_core::io::markdown::parse(&md, "rt.md")
        .unwrap()
        .article;
    assert_eq!(
        back.lead, "",
        "an empty lead must not swallow the first paragraph"
    );
    same_content(&a, &back);
}
