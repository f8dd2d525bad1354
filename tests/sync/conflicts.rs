//! Resolving a real server conflict (two offline editors, same paragraph) by each choice, and the
//! publish panel's story state along the way.

use std::time::Duration;

use byline_core::Library;
use byline_core::conflicts::Choice;
use byline_core::photodesk::FieldEdit;
use byline_core::publishing::PublishState;
use byline_core::sync::{Patience, Remote};
use byline_sync::Backoff;

use byline_testkit::in_process as server;
use byline_testkit::{library, seed_article};

fn fast() -> Patience {
    Patience {
        attempts: 30,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
    }
}

/// Two libraries with the published model story; both edited paragraph 5 offline, B synced
/// first, so A holds one block conflict: the server's "Bản của B." and A's "Bản của A.".
struct Setup {
    _dirs: (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir),
    _srv: server::Server,
    remote: Remote,
    a: Library,
    id: String,
    block_id: String,
}

fn conflicted() -> Setup {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let remote = srv.remote(&srv.editor);
    let (d1, a) = library();
    let id = a.import_article(&seed_article()).unwrap().article.id;
    a.fix_article(&id).unwrap();
    let ids: Vec<String> = a.photos().unwrap().into_iter().map(|p| p.id).collect();
    let credit = FieldEdit {
        credit: Some("Cảnh Toàn".into()),
        ..Default::default()
    };
    a.caption_photos(&ids, &credit).unwrap();
    assert_eq!(
        a.publish_state(&id).unwrap().state,
        PublishState::Local,
        "a story never sent is local"
    );
    a.publish(&id, &remote, &fast()).unwrap();
    assert_eq!(
        a.publish_state(&id).unwrap().state,
        PublishState::Published,
        "after publishing the panel says published"
    );
    let (d2, b) = library();
    b.sync(&remote, &fast()).unwrap();

    let mut sb = b.article(&id).unwrap();
    *sb.blocks[5].text_mut() = "Bản của B.".into();
    b.save_article(&mut sb).unwrap();
    let mut sa = a.article(&id).unwrap();
    let block_id = sa.blocks[5].id.clone();
    *sa.blocks[5].text_mut() = "Bản của A.".into();
    a.save_article(&mut sa).unwrap();
    assert_eq!(
        a.publish_state(&id).unwrap().state,
        PublishState::Queued,
        "an edit of a tracked story waits in the outbox"
    );
    b.sync(&remote, &fast()).unwrap();
    a.sync(&remote, &fast()).unwrap();
    Setup {
        _dirs: (d1, d2, sdir),
        _srv: srv,
        remote,
        a,
        id,
        block_id,
    }
}

fn texts(lib: &Library, id: &str) -> Vec<String> {
    lib.article(id)
        .unwrap()
        .blocks
        .iter()
        .map(|b| b.text().to_owned())
        .collect()
}

#[test]
fn a_merge_conflict_is_listed_with_the_servers_text_and_mine() {
    let s = conflicted();
    let list = s.a.conflicts(&s.id).unwrap();
    assert_eq!(
        list.len(),
        1,
        "one paragraph edited on both sides: {list:?}"
    );
    let c = &list[0];
    assert_eq!(c.block_id.as_deref(), Some(s.block_id.as_str()));
    assert_eq!(
        c.server, "Bản của B.",
        "the server kept the first writer's text"
    );
    assert_eq!(c.mine, "Bản của A.", "my text is kept aside, not lost");
    assert!(
        c.can_keep_both,
        "two paragraphs can stand one after the other"
    );
    assert_eq!(
        s.a.publish_state(&s.id).unwrap().conflicts,
        1,
        "the panel counts the conflict"
    );
}

#[test]
fn keeping_the_servers_text_clears_the_conflict_here_and_on_the_server() {
    let s = conflicted();
    let before = s.a.article(&s.id).unwrap().revision;
    s.a.resolve_conflict(&s.id, 0, Choice::KeepServer).unwrap();
    assert!(s.a.conflicts(&s.id).unwrap().is_empty(), "resolved locally");
    assert_eq!(
        s.a.article(&s.id).unwrap().revision,
        before,
        "the server's text was already current: no new revision"
    );
    assert!(
        s.a.outbox(false)
            .unwrap()
            .iter()
            .any(|i| i.target == s.id && i.kind.as_str() == "article"),
        "queued so the server learns the conflict was seen"
    );
    s.a.sync(&s.remote, &fast()).unwrap();
    assert!(s.a.outbox(false).unwrap().is_empty(), "sent");
    assert!(
        s.a.conflicts(&s.id).unwrap().is_empty(),
        "and still resolved"
    );
    assert!(texts(&s.a, &s.id).contains(&"Bản của B.".to_owned()));
    let (_d, c) = library();
    c.sync(&s.remote, &fast()).unwrap();
    assert!(
        c.conflicts(&s.id).unwrap().is_empty(),
        "a third library pulls the story without the conflict: the server cleared it"
    );
}

#[test]
fn using_mine_replaces_the_servers_text_in_a_new_revision_that_reaches_the_server() {
    let s = conflicted();
    let before = s.a.article(&s.id).unwrap().revision;
    let a = s.a.resolve_conflict(&s.id, 0, Choice::UseMine).unwrap();
    assert_eq!(a.revision, before + 1, "a new local revision");
    let t = texts(&s.a, &s.id);
    assert!(t.contains(&"Bản của A.".to_owned()), "{t:?}");
    assert!(
        !t.contains(&"Bản của B.".to_owned()),
        "mine replaced the server's: {t:?}"
    );
    assert!(s.a.conflicts(&s.id).unwrap().is_empty());
    s.a.sync(&s.remote, &fast()).unwrap();
    let (_d, c) = library();
    c.sync(&s.remote, &fast()).unwrap();
    let t = texts(&c, &s.id);
    assert!(
        t.contains(&"Bản của A.".to_owned()) && c.conflicts(&s.id).unwrap().is_empty(),
        "the server now holds my text and no conflict: {t:?}"
    );
}

#[test]
fn keeping_both_puts_mine_after_the_servers_as_a_new_block() {
    let s = conflicted();
    let n = s.a.article(&s.id).unwrap().blocks.len();
    let a = s.a.resolve_conflict(&s.id, 0, Choice::KeepBoth).unwrap();
    assert_eq!(a.blocks.len(), n + 1, "one block more");
    let pos = a.blocks.iter().position(|b| b.id == s.block_id).unwrap();
    assert_eq!(
        a.blocks[pos].text(),
        "Bản của B.",
        "the server's text stays"
    );
    assert_eq!(a.blocks[pos + 1].text(), "Bản của A.", "mine follows it");
    assert_ne!(
        a.blocks[pos + 1].id,
        s.block_id,
        "the new block has its own id, or merges would confuse the two"
    );
    s.a.sync(&s.remote, &fast()).unwrap();
    let (_d, c) = library();
    c.sync(&s.remote, &fast()).unwrap();
    let t = texts(&c, &s.id);
    assert!(
        t.contains(&"Bản của A.".to_owned()) && t.contains(&"Bản của B.".to_owned()),
        "both texts reach the server: {t:?}"
    );
}

#[test]
fn a_conflict_index_that_is_gone_is_refused_and_changes_nothing() {
    let s = conflicted();
    let before = s.a.article(&s.id).unwrap().revision;
    let e = s.a.resolve_conflict(&s.id, 3, Choice::UseMine).unwrap_err();
    assert_eq!(
        e.code(),
        byline_protocol::ErrorCode::InvalidInput,
        "an unknown conflict is the caller's mistake: {e}"
    );
    assert_eq!(
        s.a.article(&s.id).unwrap().revision,
        before,
        "nothing saved"
    );
    assert_eq!(
        s.a.conflicts(&s.id).unwrap().len(),
        1,
        "the real one is still there"
    );
}
