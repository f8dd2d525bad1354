//! Who may move a story where, checked on every write whatever the client's UI allows: a
//! reporter files and hands in (draft ⇄ submitted), a sub-editor marks submitted copy edited,
//! an editor approves, publishes and takes down, and only an editor assigns stories. A reporter
//! may edit a published story's working copy, which never reaches the page (see `versions`).

use byline_protocol::{Article, ErrorCode, Status};

use crate::db::{Role, User};
use crate::error::{Result, ServerError};

/// The refusal every non-editor gets for anything that would change the live page.
pub fn editor_required(user: &User, what: &str) -> ServerError {
    ServerError::new(
        ErrorCode::EditorRequired,
        format!(
            "an editor must {what}: a {} may not; the story stays on the desk for an editor",
            user.role.as_str()
        ),
    )
}

/// Statuses a role may set (by a write that changes the status), and the ones it may move a
/// story away from.
fn may_move(role: Role, from: Status, to: Status) -> bool {
    use Status::*;
    let handed_in = matches!(from, Edited | Approved);
    match role {
        Role::Editor => true,
        Role::Subeditor => matches!(to, Draft | Ready | Submitted | Edited) && from != Approved,
        Role::Reporter => matches!(to, Draft | Ready | Submitted) && !handed_in,
        Role::Photographer => false,
    }
}

/// Checks a write of `next` over `cur` (`None`: a new story) by `user`. `Published` and
/// `Withdrawn` are an editor's; the publish and unpublish endpoints are their usual way.
pub fn check_write(user: &User, cur: Option<&Article>, next: &Article) -> Result<()> {
    let from = cur.map_or(Status::Draft, |c| c.status);
    if next.status != from {
        if matches!(
            next.status,
            Status::Published | Status::Withdrawn | Status::Approved
        ) && user.role != Role::Editor
        {
            let what = match next.status {
                Status::Approved => "approve this story",
                Status::Withdrawn => "take this story down",
                _ => "publish this story",
            };
            return Err(editor_required(user, what));
        }
        if !may_move(user.role, from, next.status) {
            return Err(ServerError::new(
                ErrorCode::Forbidden,
                format!(
                    "a {} may not move a story from {} to {}; ask the editor",
                    user.role.as_str(),
                    from.as_str(),
                    next.status.as_str()
                ),
            ));
        }
    }
    let assigned_before = cur.map_or(&[][..], |c| c.assigned.as_slice());
    if next.assigned != assigned_before && user.role != Role::Editor {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            format!(
                "a {} may not assign stories; the editor assigns them",
                user.role.as_str()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User {
            name: "x".into(),
            role,
            token_hash: String::new(),
        }
    }

    fn with(status: Status) -> Article {
        let mut a = Article::new("Bài");
        a.status = status;
        a
    }

    #[test]
    fn a_reporter_hands_in_but_may_not_approve_or_publish() {
        let r = user(Role::Reporter);
        let draft = with(Status::Draft);
        assert!(check_write(&r, Some(&draft), &with(Status::Submitted)).is_ok());
        for to in [Status::Approved, Status::Published, Status::Withdrawn] {
            let e = check_write(&r, Some(&draft), &with(to)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::EditorRequired, "{to:?} is an editor's");
            assert!(e.to_string().contains("an editor must"), "{e}");
        }
        let e = check_write(&r, Some(&with(Status::Edited)), &with(Status::Draft)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden, "edited copy is the desk's");
    }

    #[test]
    fn a_sub_editor_marks_copy_edited_and_only_an_editor_assigns() {
        let s = user(Role::Subeditor);
        assert!(check_write(&s, Some(&with(Status::Submitted)), &with(Status::Edited)).is_ok());
        let mut assigned = with(Status::Draft);
        assigned.assigned.push(byline_protocol::Person {
            name: "Thanh Hà".into(),
            role: "reporter".into(),
        });
        let e = check_write(&s, Some(&with(Status::Draft)), &assigned).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden);
        assert!(check_write(&user(Role::Editor), None, &assigned).is_ok());
    }
}
