//! The library as a shared handle: readers never wait for the writer, photo import commits
//! photos while it runs (the first at once), the photographer's defaults apply in the core, and
//! an editor's copy is merged with what changed underneath it.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Duration;

use byline_core::settings::LibrarySettings;
use byline_core::{Library, Scope};
use byline_protocol::{Article, Block, BlockKind};

use crate::{library, seed_article};

fn photos_dir() -> std::path::PathBuf {
    seed_article().parent().unwrap().join("photos")
}

#[test]
fn listing_and_reading_stories_do_not_wait_for_a_writer_holding_its_transaction() {
    let (_d, lib) = library();
    let story = lib.create_article(Article::new("Tin sáng")).unwrap();
    let writer = lib.clone();
    let (held_tx, held_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        writer
            .db()
            .transaction(|tx| {
                tx.execute(
                    "INSERT INTO sync_state(key, value) VALUES ('held', '1')",
                    [],
                )?;
                held_tx.send(()).unwrap();
                // Hold the write transaction until the reader has finished (or give up).
                let _ = done_rx.recv_timeout(Duration::from_secs(20));
                Ok(())
            })
            .unwrap();
    });
    held_rx.recv().unwrap();
    let (list_tx, list_rx) = mpsc::channel();
    let reader = lib.clone();
    std::thread::spawn(move || {
        let listed = reader.articles(Scope::Live).map(|l| l.len());
        let shown = reader.article(&story.id).map(|a| a.title);
        list_tx.send((listed, shown)).unwrap();
    });
    let got = list_rx.recv_timeout(Duration::from_secs(10));
    done_tx.send(()).unwrap();
    holder.join().unwrap();
    let (listed, shown) = got.expect("reads answered while the writer held its transaction");
    assert_eq!(listed.unwrap(), 1, "the committed story is listed");
    assert_eq!(shown.unwrap(), "Tin sáng");
}

#[test]
fn an_import_commits_photos_while_it_runs_with_the_photographers_defaults() {
    let (_d, lib) = library();
    lib.save_settings(LibrarySettings {
        photo_credit: "Ảnh: Cảnh Toàn".into(),
        photo_city: "Vinh".into(),
        ..Default::default()
    })
    .unwrap();
    let mut events = lib.events().subscribe();
    let seen_during: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::default();
    let other = lib.clone();
    let report = lib
        .import_photos(&[photos_dir()], &AtomicBool::new(false), &|p| {
            if p.stage == byline_core::photodesk::Stage::Rendering {
                seen_during
                    .lock()
                    .unwrap()
                    .push(other.photos().unwrap().len());
            }
        })
        .unwrap();
    assert_eq!(
        report.imported.len(),
        3,
        "the model story's three photos: {report:?}"
    );
    let seen = seen_during.into_inner().unwrap();
    assert_eq!(
        seen.first(),
        Some(&1),
        "the first photo was in the library before the others finished: {seen:?}"
    );
    let mut announced = 0;
    while let Ok(ev) = events.try_recv() {
        if let byline_core::events::Event::PhotosChanged { ids } = ev {
            announced += ids.len();
        }
    }
    assert_eq!(
        announced, 3,
        "each photo was announced to the window as it landed"
    );
    for p in lib.photo_views().unwrap() {
        assert_eq!(
            p.credit, "Ảnh: Cảnh Toàn",
            "the default credit filled an empty one"
        );
        assert_eq!(p.city, "Vinh");
    }
}

#[test]
fn an_editors_copy_is_merged_with_a_change_made_underneath_it() {
    let (_d, lib) = library();
    let mut a = Article::new("Mưa lớn");
    a.blocks.push(Block::paragraph("Đoạn một."));
    a.blocks.push(Block::paragraph("Đoạn hai."));
    a.blocks.push(Block::paragraph("Đoạn ba."));
    let a = lib.create_article(a).unwrap();
    // Another front end (or a pull) changes the second paragraph and the third.
    let mut other = lib.article(&a.id).unwrap();
    set_text(&mut other, 1, "Đoạn hai, đã sửa ở tòa soạn.");
    set_text(&mut other, 2, "Đoạn ba của tòa soạn.");
    lib.save_article(&mut other).unwrap();
    // Meanwhile the editor, still on the first revision, changed the first and the third.
    let mut mine = a.clone();
    set_text(&mut mine, 0, "Đoạn một, phóng viên sửa.");
    set_text(&mut mine, 2, "Đoạn ba của phóng viên.");
    let stale = lib.save_article(&mut mine.clone()).unwrap_err();
    assert_eq!(
        stale.code(),
        byline_protocol::ErrorCode::Conflict,
        "a stale save is refused"
    );
    let merged = lib.merge_edit(mine).unwrap();
    let texts: Vec<_> = merged.article.blocks.iter().map(text).collect();
    assert_eq!(
        texts[0], "Đoạn một, phóng viên sửa.",
        "the editor's change is kept"
    );
    assert_eq!(
        texts[1], "Đoạn hai, đã sửa ở tòa soạn.",
        "the other change is kept"
    );
    assert_eq!(
        texts[2], "Đoạn ba của tòa soạn.",
        "a block both changed stays as stored"
    );
    assert_eq!(
        merged.conflicts.len(),
        1,
        "and the editor's version is kept as a conflict"
    );
    assert_eq!(
        lib.article(&a.id).unwrap().revision,
        merged.article.revision,
        "the merge is stored as the current revision"
    );
}

fn set_text(a: &mut Article, i: usize, t: &str) {
    if let BlockKind::Paragraph { text } = &mut a.blocks[i].kind {
        *text = t.into();
    }
}

fn text(b: &Block) -> String {
    match &b.kind {
        BlockKind::Paragraph { text } => text.clone(),
        _ => String::new(),
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync + Clone>() {}
    is::<Library>();
}

/// Two quick keys in the loupe (stars, then a label) arrive as two calls at once: the second
/// builds on the first instead of writing back what it read before the first committed.
#[test]
fn marks_set_at_the_same_moment_on_one_photo_all_stick() {
    let (_dir, lib) = crate::library();
    let r = lib
        .import_photos(&[photos_dir()], &AtomicBool::new(false), &|_| {})
        .unwrap();
    let id = r.imported[0].id.clone();
    for round in 0..20u8 {
        let edits = [
            byline_core::marks::MarkEdit {
                rating: Some(round % 5 + 1),
                ..Default::default()
            },
            byline_core::marks::MarkEdit {
                label: Some(Some(byline_protocol::Label::Red)),
                ..Default::default()
            },
            byline_core::marks::MarkEdit {
                tagged: Some(round % 2 == 0),
                ..Default::default()
            },
        ];
        lib.mark_photos(
            std::slice::from_ref(&id),
            &byline_core::marks::MarkEdit {
                label: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
        std::thread::scope(|s| {
            for e in &edits {
                let (lib, id) = (lib.clone(), id.clone());
                s.spawn(move || lib.mark_photos(std::slice::from_ref(&id), e).unwrap());
            }
        });
        let m = lib.photo_view(&id).unwrap().marks;
        assert_eq!(
            (m.rating, m.label, m.tagged),
            (
                round % 5 + 1,
                Some(byline_protocol::Label::Red),
                round % 2 == 0
            ),
            "round {round}: every concurrent mark is kept"
        );
    }
}
