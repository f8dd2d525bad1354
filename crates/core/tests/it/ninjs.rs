//! The ninjs 2.1 export of the model story, validated against IPTC's schema (kept in the repo
//! under fixtures/ninjs, MIT).

use std::path::PathBuf;

use byline_core::ExportFormat;
use serde_json::Value;

use crate::{library, seed_article};

fn schema() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/ninjs/ninjs-schema_2.1.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("the schema is in the repo"))
        .expect("the schema is JSON")
}

/// The schema's one external reference is GeoJSON (for `places[].geojson`, which Byline never
/// writes). Tests run offline, so it resolves to a local stand-in that still requires what every
/// GeoJSON object has, a `type`; any other external reference fails the test.
struct Offline;

impl jsonschema::Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "https://geojson.org/schema/GeoJSON.json" => Ok(serde_json::json!({
                "type": "object",
                "required": ["type"]
            })),
            other => Err(format!("{other} is not available offline").into()),
        }
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(Offline)
        .should_validate_formats(true)
        .build(&schema())
        .expect("the ninjs 2.1 schema compiles")
}

fn errors(v: &jsonschema::Validator, item: &Value) -> Vec<String> {
    v.iter_errors(item)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_model_storys_ninjs_export_validates_against_ninjs_2_1_and_carries_its_pictures() {
    let (d, lib) = library();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    let out = d.path().join("story.ninjs.json");
    let text = lib
        .export_article(&id, ExportFormat::Ninjs, Some(&out))
        .unwrap();
    let item: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        item,
        "the file holds what was returned"
    );
    let v = validator();
    let errs = errors(&v, &item);
    assert!(errs.is_empty(), "valid ninjs 2.1: {errs:#?}");

    assert_eq!(item["type"], "text");
    assert!(
        item["headlines"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("Hội nghị khảo sát"),
        "headline"
    );
    let body = item["bodies"][0]["value"].as_str().unwrap();
    assert_eq!(item["bodies"][0]["contenttype"], "text/html");
    assert!(
        body.contains("<figcaption>Toàn cảnh hội nghị."),
        "the body's figures keep their captions"
    );
    assert_eq!(item["by"], "Thanh Hà - Cảnh Toàn", "the printed byline");
    assert_eq!(
        item["subjects"][0],
        serde_json::json!({"name": "Trong tỉnh", "rel": "section"})
    );
    assert_eq!(
        item["contentcreated"], "2024-06-18T12:17:00+07:00",
        "the publish time keeps its zone"
    );
    let vc = item["versioncreated"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(vc).is_ok() && (vc.contains('+') || vc.ends_with('Z')),
        "versioncreated carries its zone: {vc}"
    );

    let pics = item["associations"].as_array().unwrap();
    assert_eq!(pics.len(), 3, "three pictures as associations");
    let captions: Vec<&str> = pics
        .iter()
        .map(|p| p["descriptions"][0]["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        captions,
        [
            "Toàn cảnh hội nghị.",
            "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị.",
            "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị."
        ]
    );
    for p in pics {
        assert_eq!(p["type"], "picture");
        assert_eq!(
            p["by"], "Cảnh Toàn",
            "the credit line is inherited from the byline's photographer"
        );
        let original = &p["renditions"][0];
        assert_eq!(original["name"], "original");
        assert_eq!(original["contenttype"], "image/jpeg");
        let href = original["href"].as_str().unwrap();
        let path = href.strip_prefix("file://").expect("a file URI");
        assert!(
            std::path::Path::new(path).exists(),
            "the rendition's href points at the library's file: {href}"
        );
        assert!(original["width"].as_u64().unwrap() > 0);
    }
}

#[test]
fn the_schema_check_in_this_test_does_reject_a_broken_item() {
    // The validation above would prove nothing if the validator accepted anything.
    let v = validator();
    let broken = serde_json::json!({
        "type": "text",
        "headlines": [{"role": "main"}],
        "associations": [{"name": "picture1"}],
        "versioncreated": "18/06/2024 12:17"
    });
    let errs = errors(&v, &broken);
    assert!(
        errs.len() >= 3,
        "missing uri, headline without value, association without uri, bad date-time: {errs:#?}"
    );
}
