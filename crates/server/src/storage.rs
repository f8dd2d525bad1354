//! Where finished blobs live (`--blobs`): local files under the data directory (the default), or
//! an S3-compatible bucket configured by the standard `AWS_*` environment variables. Both have
//! one layout, rooted at `DIR/` or at `s3://BUCKET[/prefix]/`: originals in `blobs/ab/<sha>`,
//! previews in `blobs/previews/ab/<sha>`, public copies in `public/ab/<sha>`, unfinished uploads
//! under `uploads/` (see `parts`). This module parses the choice, opens the stores, writes a
//! content-addressed object so that a committed row never names a missing one, and answers
//! `/ready`'s question "does the blob store take a write?".

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::error::{Result, ServerError};

/// The blob store a server was started with (`--blobs`, env `BYLINE_BLOBS`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BlobsUrl {
    /// Files under the data directory (`DIR/blobs`, `DIR/public`, `DIR/uploads`).
    #[default]
    Files,
    /// An S3-compatible bucket; everything goes under `prefix` (empty, or ending in `/`).
    S3 { bucket: String, prefix: String },
}

impl FromStr for BlobsUrl {
    type Err = String;

    /// `files` or `s3://BUCKET[/prefix]`; anything else is refused naming the flag and the
    /// accepted forms.
    fn from_str(s: &str) -> Result<BlobsUrl, String> {
        let s = s.trim();
        if s.is_empty() || s == "files" {
            return Ok(BlobsUrl::Files);
        }
        let usage = "give --blobs files (the data directory, the default) or --blobs s3://BUCKET \
                     (credentials and endpoint from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, \
                     AWS_SECRET_ACCESS_KEY, AWS_REGION)";
        let Some(rest) = s.strip_prefix("s3://") else {
            return Err(format!("--blobs {s:?} is not a blob store; {usage}"));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // S3's bucket naming rules: 3-63 of lowercase letters, digits, dots and hyphens.
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok {
            return Err(format!(
                "--blobs {s:?}: the bucket name {bucket:?} must be 3-63 lowercase letters, digits, \
                 dots or hyphens; {usage}"
            ));
        }
        let prefix = prefix.trim_matches('/');
        let segments_ok = prefix.is_empty()
            || prefix.split('/').all(|p| {
                !p.is_empty()
                    && p != "."
                    && p != ".."
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if !segments_ok {
            return Err(format!(
                "--blobs {s:?}: the prefix {prefix:?} may hold only letters, digits, '-', '_', '.' \
                 and '/' between names; {usage}"
            ));
        }
        Ok(BlobsUrl::S3 {
            bucket: bucket.to_owned(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        })
    }
}

impl std::fmt::Display for BlobsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobsUrl::Files => f.write_str("files"),
            BlobsUrl::S3 { bucket, prefix } => {
                write!(f, "s3://{bucket}/{}", prefix.trim_end_matches('/'))
            }
        }
    }
}

/// The opened blob store.
pub struct Stores {
    /// Originals (and `previews/`).
    pub store: Arc<dyn ObjectStore>,
    /// Public copies.
    pub public: Arc<dyn ObjectStore>,
    /// The bucket at its prefix, for unfinished uploads (multipart): `None` for files.
    pub bucket: Option<Arc<PrefixStore<AmazonS3>>>,
}

/// Opens the stores `config.blobs` names; for files, creates `blobs/`, `public/` and
/// `uploads/` in `data_dir` (already canonical).
pub fn open(config: &crate::Config, data_dir: &Path) -> Result<Stores> {
    let url = &config.blobs;
    match url {
        BlobsUrl::Files => {
            for sub in ["blobs", "public", "uploads"] {
                std::fs::create_dir_all(data_dir.join(sub))?;
            }
            Ok(Stores {
                store: Arc::new(LocalFileSystem::new_with_prefix(data_dir.join("blobs"))?),
                public: Arc::new(LocalFileSystem::new_with_prefix(data_dir.join("public"))?),
                bucket: None,
            })
        }
        BlobsUrl::S3 { bucket, prefix } => {
            let mut builder = AmazonS3Builder::from_env();
            for (name, value) in &config.s3_settings {
                let key = AmazonS3ConfigKey::from_str(&name.to_ascii_lowercase())
                    .map_err(|e| ServerError::bad(format!("S3 setting {name}: {e}")))?;
                builder = builder.with_config(key, value);
            }
            let s3 = builder.with_bucket_name(bucket).build().map_err(|e| {
                ServerError::new(
                    byline_protocol::ErrorCode::InvalidInput,
                    format!(
                        "--blobs {url}: the S3 client cannot be configured ({e}); set \
                             AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and \
                             AWS_REGION (and AWS_ALLOW_HTTP=true for an http:// endpoint)"
                    ),
                )
            })?;
            let root = PrefixStore::new(s3, prefix.as_str());
            Ok(Stores {
                store: Arc::new(PrefixStore::new(root.clone(), "blobs")),
                public: Arc::new(PrefixStore::new(root.clone(), "public")),
                bucket: Some(Arc::new(root)),
            })
        }
    }
}

/// Which of the two content-addressed areas an object goes to.
#[derive(Debug, Clone, Copy)]
pub enum Area {
    Originals,
    Public,
}

impl Area {
    fn folder(self) -> &'static str {
        match self {
            Area::Originals => "blobs",
            Area::Public => "public",
        }
    }
}

/// `ab/abcd…`: where a blob named by its SHA-256 lives inside its area.
pub fn blob_path(sha: &str) -> object_store::path::Path {
    object_store::path::Path::from(format!("{}/{sha}", &sha[..2]))
}

/// Writes a content-addressed object durably, before the row naming it commits. For files not
/// `ObjectStore::put`: its local backend renames without any fsync, so after a power cut a
/// committed row could name a missing or empty file. An S3 PUT is durable when it answers.
pub async fn put_blob(
    state: &crate::AppState,
    area: Area,
    sha: &str,
    bytes: Vec<u8>,
) -> Result<()> {
    match &state.config().blobs {
        BlobsUrl::Files => {
            let dir = state.inner.data_dir.join(area.folder()).join(&sha[..2]);
            let path = dir.join(sha);
            crate::blocking(move || {
                std::fs::create_dir_all(&dir)?;
                Ok(byline_durable::write(&path, &bytes)?)
            })
            .await
        }
        BlobsUrl::S3 { .. } => {
            let store = match area {
                Area::Originals => &state.inner.store,
                Area::Public => &state.inner.public,
            };
            store.put(&blob_path(sha), bytes.into()).await?;
            Ok(())
        }
    }
}

/// `/ready`'s blob check: a small object written and removed again (for files, also synced).
pub async fn probe(state: &crate::AppState) -> Result<()> {
    let name = format!(".ready-{}", uuid::Uuid::now_v7());
    match &state.config().blobs {
        BlobsUrl::Files => {
            let dir = state.inner.data_dir.join("blobs");
            crate::blocking(move || probe_dir(&dir, &name)).await
        }
        BlobsUrl::S3 { .. } => {
            let path = object_store::path::Path::from(name);
            state.inner.store.put(&path, "ready".into()).await?;
            state.inner.store.delete(&path).await?;
            Ok(())
        }
    }
}

fn probe_dir(dir: &Path, name: &str) -> Result<()> {
    let path: PathBuf = dir.join(name);
    let out = std::fs::write(&path, b"ready")
        .and_then(|()| std::fs::File::open(&path)?.sync_all())
        .map_err(|e| {
            ServerError::from(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", dir.display()),
            ))
        });
    let _ = std::fs::remove_file(&path);
    out
}

#[cfg(test)]
mod tests {
    use super::BlobsUrl;

    #[test]
    fn blobs_urls_parse_into_files_or_a_bucket_with_an_optional_prefix() {
        assert_eq!("files".parse(), Ok(BlobsUrl::Files), "the default by name");
        assert_eq!(
            "s3://byline-photos".parse(),
            Ok(BlobsUrl::S3 {
                bucket: "byline-photos".into(),
                prefix: String::new()
            }),
            "a bucket alone"
        );
        assert_eq!(
            "s3://byline-photos/nghe-an/2026/".parse(),
            Ok(BlobsUrl::S3 {
                bucket: "byline-photos".into(),
                prefix: "nghe-an/2026/".into()
            }),
            "a prefix keeps one trailing slash"
        );
    }

    #[test]
    fn a_bad_blobs_url_is_refused_naming_the_flag_and_the_accepted_forms() {
        for bad in [
            "https://s3.example/bucket",
            "s3://",
            "s3://Bad_Bucket",
            "s3://ok-bucket/../x",
            "/var/lib/byline",
        ] {
            let err = bad.parse::<BlobsUrl>().expect_err(bad);
            assert!(
                err.contains("--blobs") && err.contains("s3://BUCKET"),
                "{bad}: the error names the flag and what to give: {err}"
            );
        }
    }
}
