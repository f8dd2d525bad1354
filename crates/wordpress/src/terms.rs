//! Categories and tags by name: found, else created. A creation whose reply was lost is found
//! by the next lookup, and WordPress's `term_exists` answer names the term a race made.

use serde_json::{Value, json};

use crate::error::{Result, WpError};
use crate::site::Site;

/// Which taxonomy a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taxonomy {
    Category,
    Tag,
}

impl Taxonomy {
    fn route(self) -> &'static str {
        match self {
            Taxonomy::Category => "wp/v2/categories",
            Taxonomy::Tag => "wp/v2/tags",
        }
    }
}

/// WordPress returns term names HTML-escaped (`&amp;`); compare them as text.
fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
}

fn same(a: &str, b: &str) -> bool {
    unescape(a).trim().to_lowercase() == b.trim().to_lowercase()
}

impl Site {
    /// The id of the term called `name`, created if the site has none.
    pub async fn ensure_term(&self, taxonomy: Taxonomy, name: &str) -> Result<u64> {
        let found = self
            .get(
                taxonomy.route(),
                &[
                    ("search", name),
                    ("per_page", "100"),
                    ("_fields", "id,name"),
                ],
            )
            .await?;
        if let Some(id) = found
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["name"].as_str().is_some_and(|n| same(n, name)))
            .and_then(|t| t["id"].as_u64())
        {
            return Ok(id);
        }
        match self.post(taxonomy.route(), &json!({ "name": name })).await {
            Ok(t) => id_of(&t),
            Err(WpError::Http { code, data, .. }) if code == "term_exists" => {
                // Made meanwhile (or by an attempt whose reply was lost): WordPress names it.
                data["term_id"].as_u64().ok_or_else(|| {
                    WpError::Protocol(format!("term_exists without a term_id: {data}"))
                })
            }
            Err(e) => Err(e),
        }
    }
}

fn id_of(t: &Value) -> Result<u64> {
    t["id"]
        .as_u64()
        .ok_or_else(|| WpError::Protocol(format!("a term without id: {t}")))
}
