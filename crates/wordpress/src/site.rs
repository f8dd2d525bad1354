//! A connection to one WordPress site: the address checked (http/https only), the REST API root
//! discovered from the home page's `Link: <…>; rel="https://api.w.org/"` header (so it works
//! with pretty permalinks, `/wp-json/`, and without, `/?rest_route=/`), HTTP Basic auth with an
//! application password, and JSON requests that turn WordPress's error bodies into [`WpError`].

use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, RequestBuilder, Url};
use serde_json::Value;

use crate::error::{Result, WpError};

/// How long one request may take (a photo upload makes WordPress resize it several times).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The link relation WordPress gives its REST API root.
const API_REL: &str = "https://api.w.org/";

/// Who publishes: the WordPress user and one of their application passwords.
#[derive(Clone)]
pub struct Login {
    pub user: String,
    pub app_password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("app_password", &"…")
            .finish()
    }
}

/// A WordPress site whose REST API root is known.
#[derive(Debug, Clone)]
pub struct Site {
    http: reqwest::Client,
    root: Url,
    auth: String,
}

/// Checks a site address where it enters: absolute, http or https, with a host.
pub fn check_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        WpError::Invalid(format!(
            "`{url}` is not a web address ({e}); give the site's address, e.g. https://example.com"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(WpError::Invalid(format!(
            "`{url}` is not an http(s) address; give the site's address, e.g. https://example.com"
        )));
    }
    Ok(parsed)
}

fn client() -> Result<reqwest::Client> {
    byline_sync::ensure_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("Byline/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| WpError::Protocol(format!("building the HTTP client: {e}")))
}

fn network(e: &reqwest::Error) -> WpError {
    WpError::Network(e.to_string())
}

impl Site {
    /// A site whose API root is already known (remembered from an earlier discovery).
    pub fn with_root(root: &str, login: &Login) -> Result<Site> {
        Ok(Site {
            http: client()?,
            root: check_url(root)?,
            auth: basic(login),
        })
    }

    /// Finds the REST API root of the site at `url` from its home page's Link header.
    pub async fn discover(url: &str, login: &Login) -> Result<Site> {
        let home = check_url(url)?;
        let http = client()?;
        let resp = http
            .head(home.clone())
            .send()
            .await
            .map_err(|e| network(&e))?;
        let mut root = api_link(resp.headers());
        if root.is_none() {
            // Some hosts answer HEAD without the headers a GET gets.
            let resp = http
                .get(home.clone())
                .send()
                .await
                .map_err(|e| network(&e))?;
            if resp.status().is_server_error() {
                return Err(http_error(resp).await);
            }
            root = api_link(resp.headers());
        }
        let root = root.ok_or_else(|| {
            WpError::Discovery(format!(
                "{home} does not announce a WordPress REST API (no Link rel=\"{API_REL}\" header); \
                 check the address, and that the site's REST API is not switched off"
            ))
        })?;
        let root = home.join(&root).map_err(|e| {
            WpError::Discovery(format!(
                "{home} announces an unusable API address {root}: {e}"
            ))
        })?;
        Ok(Site {
            http,
            root: check_url(root.as_str())?,
            auth: basic(login),
        })
    }

    /// The REST API root, e.g. `https://example.com/wp-json/`.
    pub fn root(&self) -> &str {
        self.root.as_str()
    }

    /// The URL of a REST route such as `wp/v2/posts`, with query parameters, whichever form
    /// of root the site announced.
    pub fn endpoint(&self, route: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.root.clone();
        let via_query = url.query_pairs().any(|(k, _)| k == "rest_route");
        if via_query {
            // `/?rest_route=/`: the route travels in the query.
            let others: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "rest_route")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut q = url.query_pairs_mut();
            q.clear();
            q.append_pair("rest_route", &format!("/{}", route.trim_start_matches('/')));
            for (k, v) in &others {
                q.append_pair(k, v);
            }
            for (k, v) in query {
                q.append_pair(k, v);
            }
        } else {
            let path = format!(
                "{}/{}",
                url.path().trim_end_matches('/'),
                route.trim_start_matches('/')
            );
            url.set_path(&path);
            if !query.is_empty() {
                let mut q = url.query_pairs_mut();
                for (k, v) in query {
                    q.append_pair(k, v);
                }
            }
        }
        url
    }

    /// A request to a REST route, authenticated.
    pub fn request(&self, method: Method, route: &str, query: &[(&str, &str)]) -> RequestBuilder {
        self.http
            .request(method, self.endpoint(route, query))
            .header("Authorization", &self.auth)
    }

    /// Sends a request and reads its JSON answer, turning error answers into [`WpError`].
    pub async fn send(&self, req: RequestBuilder) -> Result<Value> {
        let resp = req.send().await.map_err(|e| network(&e))?;
        if !resp.status().is_success() {
            return Err(http_error(resp).await);
        }
        let text = resp.text().await.map_err(|e| network(&e))?;
        serde_json::from_str(&text).map_err(|e| {
            WpError::Protocol(format!(
                "not JSON ({e}): {}",
                text.chars().take(200).collect::<String>()
            ))
        })
    }

    /// GET a route and read its JSON.
    pub async fn get(&self, route: &str, query: &[(&str, &str)]) -> Result<Value> {
        self.send(self.request(Method::GET, route, query)).await
    }

    /// POST a JSON body to a route.
    pub async fn post(&self, route: &str, body: &Value) -> Result<Value> {
        self.send(self.request(Method::POST, route, &[]).json(body))
            .await
    }
}

fn basic(login: &Login) -> String {
    // Application passwords are shown with spaces for reading; WordPress accepts either form.
    let pw: String = login
        .app_password
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let raw = format!("{}:{pw}", login.user.trim());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// The target of the `rel="https://api.w.org/"` link among the response's Link headers.
fn api_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|link| {
            let (target, params) = link.split_once(';')?;
            let rel = params.split(';').any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=")
                    .map(|r| r.trim_matches('"'))
                    .is_some_and(|r| r.split_whitespace().any(|r| r == API_REL))
            });
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            rel.then(|| target.to_owned())
        })
}

async fn http_error(resp: reqwest::Response) -> WpError {
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .map(Duration::from_secs);
    let text = resp.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let code = body["code"].as_str().unwrap_or("http_error").to_owned();
    let message = body["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| text.chars().take(200).collect());
    WpError::Http {
        status,
        code,
        message,
        retry_after,
        data: body["data"].clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(root: &str) -> Site {
        let login = Login {
            user: "u".into(),
            app_password: "abcd efgh".into(),
        };
        Site::with_root(root, &login).unwrap()
    }

    #[test]
    fn routes_go_in_the_path_under_pretty_permalinks() {
        let s = site("http://example.com/blog/wp-json/");
        assert_eq!(
            s.endpoint("wp/v2/posts", &[("slug", "a b"), ("status", "any")])
                .as_str(),
            "http://example.com/blog/wp-json/wp/v2/posts?slug=a+b&status=any"
        );
    }

    #[test]
    fn routes_go_in_the_query_without_pretty_permalinks() {
        let s = site("http://example.com/?rest_route=/");
        assert_eq!(
            s.endpoint("wp/v2/media/4", &[("context", "edit")]).as_str(),
            "http://example.com/?rest_route=%2Fwp%2Fv2%2Fmedia%2F4&context=edit"
        );
    }

    #[test]
    fn the_api_link_is_found_among_other_links() {
        let mut h = reqwest::header::HeaderMap::new();
        h.append(
            reqwest::header::LINK,
            "<http://e.com/wp-json/wp/v2/pages/2>; rel=\"alternate\"; type=\"application/json\""
                .parse()
                .unwrap(),
        );
        h.append(
            reqwest::header::LINK,
            "<http://e.com/?rest_route=/>; rel=\"https://api.w.org/\""
                .parse()
                .unwrap(),
        );
        assert_eq!(api_link(&h).as_deref(), Some("http://e.com/?rest_route=/"));
    }

    #[test]
    fn only_http_and_https_addresses_are_accepted() {
        for bad in [
            "ftp://example.com",
            "javascript:alert(1)",
            "example.com",
            "file:///etc",
        ] {
            assert!(check_url(bad).is_err(), "{bad} must be refused");
        }
        assert!(check_url(" https://example.com ").is_ok());
    }

    #[test]
    fn the_application_password_is_sent_without_its_reading_spaces() {
        let s = site("http://e.com/wp-json/");
        let expected = base64::engine::general_purpose::STANDARD.encode("u:abcdefgh");
        assert_eq!(s.auth, format!("Basic {expected}"));
    }
}
