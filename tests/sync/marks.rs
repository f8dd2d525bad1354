//! Culling marks travel with a photo's metadata: a photographer's picks reach the server and a
//! colleague's library, and the server keeps them with the caption.

use std::time::{Duration, Instant};

use byline_core::engine::Target;
use byline_core::marks::MarkEdit;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::Patience;
use byline_protocol::{Label, Marks};
use byline_sync::Backoff;
use byline_testkit::in_process as server;
use byline_testkit::process::http_bytes;
use byline_testkit::{library, seed_article};

fn fast() -> Patience {
    Patience {
        attempts: 30,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
    }
}

#[test]
fn marks_set_after_publishing_reach_the_server_and_a_colleagues_library() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let remote = srv.remote(&srv.editor);
    let (_d1, mine) = library();
    let id = mine.import_article(&seed_article()).unwrap().article.id;
    mine.fix_article(&id).unwrap();
    let photos: Vec<String> = mine.photos().unwrap().into_iter().map(|p| p.id).collect();
    mine.caption_photos(
        &photos,
        &FieldEdit {
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .unwrap();
    mine.publish(&id, &remote, &fast()).unwrap();
    let (_d2, theirs) = library();
    theirs.sync(&remote, &fast()).unwrap();
    let pick = photos[0].clone();
    assert!(theirs.photo(&pick).is_ok(), "the colleague has the photo");

    mine.mark_photos(
        std::slice::from_ref(&pick),
        &MarkEdit {
            rating: Some(5),
            label: Some(Some(Label::Red)),
            tagged: Some(true),
            rejected: None,
        },
    )
    .unwrap();
    assert_eq!(
        mine.outbox(false).unwrap().len(),
        1,
        "a mark on a photo the server has queues its metadata"
    );
    let r = mine.sync(&remote, &fast()).unwrap();
    assert_eq!(r.push.needs_attention, 0);
    assert!(mine.outbox(false).unwrap().is_empty(), "sent");

    let (status, body) = http_bytes(
        &format!("{}/api/photos/{pick}/meta", srv.url),
        Some(&srv.editor),
    );
    assert_eq!(status, 200);
    let info: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        info["meta"]["marks"]["rating"], 5,
        "the server keeps the marks: {info}"
    );
    assert_eq!(info["meta"]["marks"]["label"], "red", "{info}");
    assert_eq!(
        info["meta"]["caption"],
        theirs.photo_view(&pick).unwrap().caption,
        "caption intact"
    );

    // Photo metadata changes come through the change feed, which the sync engine follows.
    let engine = theirs.start_engine(Target::Fixed(remote.clone())).unwrap();
    let want = Marks {
        rating: 5,
        label: Some(Label::Red),
        tagged: true,
        rejected: false,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while theirs.photo_view(&pick).unwrap().marks != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    engine.stop();
    assert_eq!(
        theirs.photo_view(&pick).unwrap().marks,
        want,
        "the colleague's library shows the picks"
    );
    assert!(
        theirs.outbox(false).unwrap().is_empty(),
        "pulled marks are not sent back"
    );
}
