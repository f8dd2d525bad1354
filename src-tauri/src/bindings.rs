//! The UI contract in TypeScript: every type a command takes or returns, generated with ts-rs
//! into `ui/src/bindings/` (`scripts/gen-bindings.sh`; `scripts/test.sh` fails when stale).

use std::path::Path;

use ts_rs::{Config, TS};

/// Writes every binding (and what it refers to) into `dir`, one file per type.
pub fn export(dir: &Path) -> Result<(), ts_rs::ExportError> {
    // JSON numbers: the counts, revisions and sizes the UI sees are far below 2^53.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    byline_protocol::Article::export_all(&cfg)?;
    byline_protocol::ApiError::export_all(&cfg)?;
    byline_core::ArticleSummary::export_all(&cfg)?;
    byline_core::RevisionInfo::export_all(&cfg)?;
    byline_core::SaveOutcome::export_all(&cfg)?;
    byline_core::SearchHit::export_all(&cfg)?;
    byline_core::desk::FixReport::export_all(&cfg)?;
    byline_core::photodesk::PhotoView::export_all(&cfg)?;
    byline_core::photodesk::ImportReport::export_all(&cfg)?;
    byline_core::photodesk::Progress::export_all(&cfg)?;
    byline_core::photo_query::PhotoQuery::export_all(&cfg)?;
    byline_core::marks::MarkEdit::export_all(&cfg)?;
    byline_core::ingest::IngestReport::export_all(&cfg)?;
    crate::host::IngestRequest::export_all(&cfg)?;
    byline_desk::Finding::export_all(&cfg)?;
    crate::host::CaptionEdit::export_all(&cfg)?;
    byline_core::settings::SettingsView::export_all(&cfg)?;
    crate::host::AddedWord::export_all(&cfg)?;
    byline_core::publishing::Panel::export_all(&cfg)?;
    byline_core::events::Event::export_all(&cfg)?;
    byline_core::stories::MergedEdit::export_all(&cfg)?;
    byline_core::settings::LibrarySettings::export_all(&cfg)?;
    byline_core::publishing::StoryState::export_all(&cfg)?;
    byline_core::conflicts::ConflictView::export_all(&cfg)?;
    byline_core::conflicts::Choice::export_all(&cfg)?;
    byline_core::destinations::Destination::export_all(&cfg)?;
    byline_protocol::diff::ArticleDiff::export_all(&cfg)?;
    byline_protocol::sync::VersionList::export_all(&cfg)?;
    byline_protocol::sync::Me::export_all(&cfg)?;
    byline_protocol::sync::Live::export_all(&cfg)?;
    byline_core::editorial::UnpublishReport::export_all(&cfg)?;
    Ok(())
}
