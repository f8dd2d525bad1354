//! TLS to PostgreSQL, with libpq's URL parameters: `sslmode=disable|prefer|require|verify-full`
//! and `sslrootcert=PATH|system`. A newsroom whose database runs on another machine (a managed
//! PostgreSQL, a database host on the office network) needs its stories encrypted on the wire
//! and the database's certificate checked; a Unix socket or a private link needs neither.
//!
//! As in libpq, `prefer` (the default) and `require` encrypt without checking who answers, and
//! `verify-full` checks the certificate chain against `sslrootcert` (a PEM file, or `system`
//! for the operating system's roots) and that the certificate names the host. `verify-ca`
//! (a chain check without the host name) is refused: use `verify-full`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::Socket;
use tokio_postgres::config::SslMode;
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

use crate::error::{Result, ServerError};
use crate::sql::redact;

/// A database URL made ready to connect: tokio-postgres's config (our own parameters taken
/// out) and the TLS connector its `sslmode` asks for.
#[derive(Clone)]
pub struct Target {
    pub config: tokio_postgres::Config,
    pub tls: Connector,
}

/// How the server checks the database's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Encrypt only (`prefer`, `require`).
    None,
    /// Chain and host name (`verify-full`).
    Full,
}

impl Target {
    /// Parses `postgres://USER[:PASS]@HOST[:PORT]/DB[?sslmode=…&sslrootcert=…&…]`.
    pub fn parse(url: &str) -> Result<Target> {
        let bad = |why: String| {
            ServerError::bad(format!(
                "--database {}: {why}; expected postgres://USER[:PASS]@HOST[:PORT]/DB with \
                 sslmode=disable|prefer|require|verify-full and, for verify-full, sslrootcert=PATH|system",
                redact(url)
            ))
        };
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut check, mut root, mut kept) = (Check::None, None, Vec::new());
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=').unwrap_or((pair, "")) {
                ("sslmode", "verify-full") => {
                    check = Check::Full;
                    kept.push("sslmode=require");
                }
                ("sslmode", "verify-ca") => {
                    return Err(bad(
                        "sslmode=verify-ca is not supported (use verify-full: the certificate must also name the host)".into(),
                    ));
                }
                ("sslrootcert", path) => root = Some(path.to_owned()),
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let config: tokio_postgres::Config = rebuilt
            .parse()
            .map_err(|e| bad(format!("not a PostgreSQL URL ({e})")))?;
        let tls = match (check, root) {
            (Check::Full, Some(root)) => Connector::verified(&root).map_err(bad)?,
            (Check::Full, None) => {
                return Err(bad(
                    "sslmode=verify-full needs sslrootcert (the CA's PEM file, or `system`)".into(),
                ));
            }
            (Check::None, Some(_)) => {
                return Err(bad(
                    "sslrootcert is only read with sslmode=verify-full".into()
                ));
            }
            (Check::None, None) if config.get_ssl_mode() == SslMode::Disable => Connector::off(),
            (Check::None, None) => Connector::unverified(),
        };
        Ok(Target { config, tls }.named("byline-server"))
    }

    /// The same database, its sessions named `name` in `pg_stat_activity` (so an operator sees
    /// which connection is the change listener).
    pub fn named(mut self, name: &str) -> Target {
        self.config.application_name(name);
        self
    }

    /// Opens one connection; the caller drives the returned connection future.
    pub async fn connect(
        &self,
    ) -> std::result::Result<
        (
            tokio_postgres::Client,
            tokio_postgres::Connection<Socket, TlsStream>,
        ),
        tokio_postgres::Error,
    > {
        self.config.connect(self.tls.clone()).await
    }
}

/// The TLS side of a connection: none, or rustls with a client config.
#[derive(Clone)]
pub struct Connector(Option<Arc<rustls::ClientConfig>>);

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Connector {
    fn off() -> Connector {
        Connector(None)
    }

    fn unverified() -> Connector {
        let provider = provider();
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth();
        Connector(Some(Arc::new(config)))
    }

    fn verified(root: &str) -> std::result::Result<Connector, String> {
        let mut roots = rustls::RootCertStore::empty();
        if root == "system" {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        } else {
            let certs = CertificateDer::pem_file_iter(root)
                .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| format!("sslrootcert {root}: cannot read PEM certificates ({e})"))?;
            roots.add_parsable_certificates(certs);
        }
        if roots.is_empty() {
            return Err(format!("sslrootcert {root} holds no usable certificate"));
        }
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Connector(Some(Arc::new(config))))
    }
}

impl MakeTlsConnect<Socket> for Connector {
    type Stream = TlsStream;
    type TlsConnect = Connect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<Connect> {
        // Unix sockets have no host name (and the server never offers TLS on them).
        let name = ServerName::try_from(if domain.is_empty() {
            "localhost"
        } else {
            domain
        })
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?
        .to_owned();
        Ok(Connect {
            config: self.0.clone(),
            name,
        })
    }
}

/// One connection's TLS handshake.
pub struct Connect {
    config: Option<Arc<rustls::ClientConfig>>,
    name: ServerName<'static>,
}

impl TlsConnect<Socket> for Connect {
    type Stream = TlsStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<TlsStream>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            let Some(config) = self.config else {
                return Err(io::Error::other(
                    "TLS is off for this database (sslmode=disable)",
                ));
            };
            let tls = tokio_rustls::TlsConnector::from(config)
                .connect(self.name, stream)
                .await
                .map_err(|e| {
                    io::Error::other(format!(
                        "TLS with the database failed ({e}); with sslmode=verify-full, sslrootcert \
                         must hold the CA that signed the database's certificate, and the \
                         certificate must name the host written in --database"
                    ))
                })?;
            Ok(TlsStream(Box::new(tls)))
        })
    }
}

/// An encrypted connection to PostgreSQL.
pub struct TlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl tokio_postgres::tls::TlsStream for TlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM runs without channel binding (tokio-postgres's default is to prefer it).
        ChannelBinding::none()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

/// `prefer` and `require`: any certificate is taken (libpq's meaning of those modes), while the
/// handshake's signatures are still checked, so the session keys belong to whoever answered.
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(url: &str) -> String {
        Target::parse(url).err().expect("refused").to_string()
    }

    #[test]
    fn sslmode_and_sslrootcert_are_read_as_libpq_reads_them() {
        let t = Target::parse("postgres://u@db.example/news").unwrap();
        assert_eq!(t.config.get_ssl_mode(), SslMode::Prefer, "libpq's default");
        assert!(
            t.tls.0.is_some(),
            "prefer encrypts when the server offers TLS"
        );
        let t = Target::parse("postgres://u@db.example/news?sslmode=disable").unwrap();
        assert!(t.tls.0.is_none(), "disable never starts TLS");
        let t =
            Target::parse("postgres://u@db.example/news?sslmode=verify-full&sslrootcert=system")
                .unwrap();
        assert_eq!(
            t.config.get_ssl_mode(),
            SslMode::Require,
            "verify-full requires TLS"
        );
        assert_eq!(t.config.get_dbname(), Some("news"));
    }

    #[test]
    fn unusable_tls_settings_are_refused_with_what_to_write() {
        assert!(err("postgres://u@h/db?sslmode=verify-ca").contains("use verify-full"));
        assert!(err("postgres://u@h/db?sslmode=verify-full").contains("needs sslrootcert"));
        assert!(
            err("postgres://u@h/db?sslrootcert=/ca.pem")
                .contains("only read with sslmode=verify-full")
        );
        let missing =
            err("postgres://u:secret@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
        assert!(
            missing.contains("/nonexistent/ca.pem") && !missing.contains("secret"),
            "names the file, never the password: {missing}"
        );
    }
}
