use byline_core::{CoreError, Field, Scope};
use byline_protocol::{Article, Block, ErrorCode, Related};

use crate::{library, seed_article};

#[test]
fn every_save_is_a_new_revision_and_unchanged_saves_are_free() {
    let (_d, lib) = library();
    let mut a = lib.import_article(&seed_article()).unwrap().article;
    a.blocks.push(Block::paragraph("Đoạn mới."));
    let out = lib.save_article(&mut a).unwrap();
    assert_eq!(
        (out.revision, out.changed),
        (2, true),
        "an edit makes revision 2"
    );
    let again = lib.save_article(&mut a).unwrap();
    assert_eq!(
        (again.revision, again.changed),
        (2, false),
        "saving identical content writes nothing"
    );
    let revs = lib.revisions(&a.id).unwrap();
    assert_eq!(revs.iter().map(|r| r.revision).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(revs[1].parent, Some(1), "revision 2 descends from 1");
    assert_ne!(revs[0].content_hash, revs[1].content_hash);
}

#[test]
fn a_save_from_a_stale_copy_is_refused_not_applied() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    let mut window_one = lib.article(&a.id).unwrap();
    let mut window_two = lib.article(&a.id).unwrap();
    window_one.title = "Bản của cửa sổ một".into();
    lib.save_article(&mut window_one).unwrap();
    window_two.title = "Bản của cửa sổ hai".into();
    let err = lib.save_article(&mut window_two).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Conflict,
        "a stale base must not overwrite: {err}"
    );
    assert_eq!(
        lib.article(&a.id).unwrap().title,
        "Bản của cửa sổ một",
        "first save kept"
    );
}

#[test]
fn restore_makes_old_content_current_as_a_new_revision() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    let original_title = a.title.clone();
    lib.set_field(&a.id, Field::Title, "Tiêu đề tạm").unwrap();
    lib.set_field(&a.id, Field::Status, "ready").unwrap();
    let out = lib.restore(&a.id, 1).unwrap();
    assert_eq!(
        out.revision, 4,
        "restore appends; it never rewrites history"
    );
    let now = lib.article(&a.id).unwrap();
    assert_eq!(now.title, original_title);
    assert_eq!(
        now.status.as_str(),
        "draft",
        "status restored with the content"
    );
    assert_eq!(
        lib.article_revision(&a.id, 2).unwrap().title,
        "Tiêu đề tạm",
        "revision 2 untouched"
    );
    assert_eq!(lib.revisions(&a.id).unwrap().len(), 4);
}

#[test]
fn setting_the_title_moves_a_derived_slug_along() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    let a = lib
        .set_field(&a.id, Field::Title, "Đại hội Công đoàn tỉnh")
        .unwrap();
    assert_eq!(a.slug, "dai-hoi-cong-doan-tinh");
    let a = lib.set_field(&a.id, Field::Slug, "dai-hoi").unwrap();
    let a = lib.set_field(&a.id, Field::Title, "Đại hội khác").unwrap();
    assert_eq!(
        a.slug, "dai-hoi",
        "a hand-set slug is not overwritten by a title change"
    );
}

#[test]
fn trash_hides_a_story_until_emptied_and_keeps_its_history() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    lib.trash(&a.id).unwrap();
    assert!(
        lib.articles(Scope::Live).unwrap().is_empty(),
        "trashed story leaves the list"
    );
    assert!(
        lib.search("nghi quyet", 10).unwrap().is_empty(),
        "and the search"
    );
    assert_eq!(lib.articles(Scope::Trash).unwrap().len(), 1);
    lib.untrash(&a.id).unwrap();
    assert_eq!(
        lib.search("nghi quyet", 10).unwrap().len(),
        1,
        "untrash re-indexes"
    );
    lib.trash(&a.id).unwrap();
    assert_eq!(lib.empty_trash().unwrap(), 1);
    let err = lib.article(&a.id).unwrap_err();
    assert!(
        matches!(err, CoreError::NotFound { .. }),
        "emptied trash deletes for good: {err}"
    );
}

#[test]
fn ids_can_be_given_by_unique_prefix() {
    let (_d, lib) = library();
    let a = lib.import_article(&seed_article()).unwrap().article;
    assert_eq!(lib.article(&a.id[..13]).unwrap().id, a.id);
}

#[test]
fn related_items_are_saved_in_order_as_nfc_and_come_back_with_a_restore() {
    let (_d, lib) = library();
    let other = lib
        .create_article(Article::new("Đại hội Công đoàn tỉnh"))
        .unwrap();
    let mut a = lib.import_article(&seed_article()).unwrap().article;
    // As a decomposing source would paste them: "Hà Nội", "mưa-lớn" in NFD.
    let nfd_title = "Ha\u{300} Nội";
    let nfd_url = "https://vnexpress.net/mu\u{31b}a-lo\u{31b}\u{301}n";
    a.related = vec![
        Related {
            title: other.title.clone(),
            url: None,
            article_id: Some(other.id.clone()),
        },
        Related {
            title: nfd_title.into(),
            url: Some(nfd_url.into()),
            article_id: None,
        },
    ];
    let saved = lib.save_article(&mut a).unwrap();
    assert!(
        saved.changed,
        "adding related items is a change worth a revision"
    );
    let stored = lib.article(&a.id).unwrap().related;
    assert_eq!(
        stored
            .iter()
            .map(|r| (r.title.as_str(), r.url.as_deref(), r.article_id.as_deref()))
            .collect::<Vec<_>>(),
        [
            (other.title.as_str(), None, Some(other.id.as_str())),
            ("Hà Nội", Some("https://vnexpress.net/mưa-lớn"), None),
        ],
        "both items kept, in order, the link's title and address in NFC"
    );

    a.related.reverse();
    lib.save_article(&mut a).unwrap();
    assert_eq!(
        lib.article(&a.id).unwrap().related[0].article_id,
        None,
        "a reorder alone is saved"
    );
    lib.restore(&a.id, saved.revision).unwrap();
    assert_eq!(
        lib.article(&a.id).unwrap().related,
        stored,
        "restoring a revision brings its related items back"
    );
}
