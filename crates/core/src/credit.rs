//! The credit a figure prints: its own, else the photo library's credit or creator, else the
//! story's photographer(s) from the byline (the copy desk shows that last one as inherited).
//! Every outward format (ninjs, WordPress) resolves credits here, so they all agree.

use byline_protocol::{Article, BlockKind};

use crate::Library;
use crate::photos::PhotoRecord;

/// The photo library's credit for a photo: its credit field, else its creator.
pub fn library_credit(rec: &PhotoRecord) -> Option<&str> {
    byline_protocol::library_credit(&rec.meta.fields.credit, &rec.meta.fields.creator)
}

/// The photo library's credit for a photo id (none when the photo is not in the library).
pub fn library_credit_of(lib: &Library, photo_id: &str) -> Option<String> {
    lib.photo(photo_id)
        .ok()
        .and_then(|rec| library_credit(&rec).map(str::to_owned))
}

/// A copy of `article` with every figure's credit filled in as it will be printed.
pub fn resolved(lib: &Library, article: &Article) -> Article {
    let mut out = article.clone();
    for b in &mut out.blocks {
        if let BlockKind::Figure {
            photo_id, credit, ..
        } = &mut b.kind
        {
            let rec = photo_id.as_deref().and_then(|id| lib.photo(id).ok());
            *credit = article.figure_credit(credit, rec.as_ref().and_then(library_credit));
        }
    }
    out
}
