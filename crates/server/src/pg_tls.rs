//! TLS to PostgreSQL, with libpq's URL parameters: `sslmode=disable|prefer|require|verify-full`
//! and `sslrootcert=PATH|system`. A newsroom whose database runs on another machine (a managed
//! PostgreSQL, a database host on the office network) needs its stories encrypted on the wire
//! and the database's certificate checked; a Unix socket or a private link needs neither.
//!
//! As in libpq, `prefer` (the default) and `require` encrypt without checking who answers, and
//! `verify-full` checks the certificate chain against `sslrootcert` (a PEM file, or `system`
//! for the operating system's roots) and that the certificate names the host. `verify-ca`
//! (a chain check without the host name) is refused: use `verify-full`. A SCRAM password
//! sign-in over TLS is bound to the session (`channel_binding`, see [`TlsStream`]).

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
    /// SCRAM-SHA-256-PLUS: the password exchange is bound to this TLS session (RFC 5929's
    /// `tls-server-end-point`, a hash of the certificate the server presented), so a man in the
    /// middle that terminated TLS itself, which `prefer` and `require` cannot rule out since they
    /// take any certificate, cannot relay the login. tokio-postgres uses it whenever the server
    /// offers it; `channel_binding=require` in `--database` refuses a server that does not.
    fn channel_binding(&self) -> ChannelBinding {
        let (_, session) = self.0.get_ref();
        session
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|cert| server_end_point(cert.as_ref()))
            .map_or_else(ChannelBinding::none, ChannelBinding::tls_server_end_point)
    }
}

/// RFC 5929 §4.1: the certificate hashed with the hash of its own signature algorithm, SHA-256
/// when that is MD5 or SHA-1; `None` when the algorithm has no single hash (Ed25519, RSA-PSS),
/// for which the binding is undefined.
fn server_end_point(cert: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    const RSA: [u8; 8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01]; // 1.2.840.113549.1.1
    const ECDSA: [u8; 6] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04]; // 1.2.840.10045.4
    let oid = signature_oid(cert)?;
    let bits = match oid {
        [rsa @ .., 4 | 5 | 11] if rsa == RSA => 256,
        [rsa @ .., 12] if rsa == RSA => 384,
        [rsa @ .., 13] if rsa == RSA => 512,
        [ec @ .., 0x01] if ec == ECDSA => 256, // ecdsa-with-SHA1
        [ec @ .., 0x03, 0x02] if ec == ECDSA => 256,
        [ec @ .., 0x03, 0x03] if ec == ECDSA => 384,
        [ec @ .., 0x03, 0x04] if ec == ECDSA => 512,
        _ => return None,
    };
    Some(match bits {
        256 => sha2::Sha256::digest(cert).to_vec(),
        384 => sha2::Sha384::digest(cert).to_vec(),
        _ => sha2::Sha512::digest(cert).to_vec(),
    })
}

/// The OID of a DER certificate's `signatureAlgorithm` (X.509: `SEQUENCE { tbsCertificate,
/// signatureAlgorithm SEQUENCE { OID, … }, signature }`).
fn signature_oid(cert: &[u8]) -> Option<&[u8]> {
    let (0x30, body, _) = der(cert)? else {
        return None;
    };
    let (_, _tbs, rest) = der(body)?;
    let (0x30, algorithm, _) = der(rest)? else {
        return None;
    };
    let (0x06, oid, _) = der(algorithm)? else {
        return None;
    };
    Some(oid)
}

/// One DER element at the start of `b`: its tag, its contents and what follows it.
fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, b) = b.split_first()?;
    let (&first, b) = b.split_first()?;
    let (len, b) = if first < 0x80 {
        (usize::from(first), b)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || b.len() < n {
            return None;
        }
        let len = b[..n]
            .iter()
            .fold(0usize, |acc, &x| acc << 8 | usize::from(x));
        (len, &b[n..])
    };
    (b.len() >= len).then(|| (tag, &b[..len], &b[len..]))
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

    /// A certificate's outline: an empty to-be-signed part, the algorithm `oid`, a signature.
    fn cert_signed_with(oid: &[u8]) -> Vec<u8> {
        let mut alg = vec![0x06, oid.len() as u8];
        alg.extend_from_slice(oid);
        let mut body = vec![0x30, 0x00, 0x30, alg.len() as u8];
        body.extend_from_slice(&alg);
        body.extend_from_slice(&[0x03, 0x02, 0x00, 0xAB]);
        let mut cert = vec![0x30, 0x81, body.len() as u8];
        cert.extend_from_slice(&body);
        cert
    }

    #[test]
    fn the_channel_binding_hashes_the_certificate_as_rfc_5929_says() {
        use sha2::Digest;
        let ecdsa_sha256 = cert_signed_with(&[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]);
        assert_eq!(
            server_end_point(&ecdsa_sha256),
            Some(sha2::Sha256::digest(&ecdsa_sha256).to_vec()),
            "ecdsa-with-SHA256 is bound with SHA-256 (a long-form length is read too)"
        );
        let rsa_sha384 = cert_signed_with(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 12]);
        assert_eq!(
            server_end_point(&rsa_sha384),
            Some(sha2::Sha384::digest(&rsa_sha384).to_vec()),
            "sha384WithRSAEncryption is bound with SHA-384"
        );
        let rsa_sha1 = cert_signed_with(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 5]);
        assert_eq!(
            server_end_point(&rsa_sha1).map(|h| h.len()),
            Some(32),
            "SHA-1 signatures are bound with SHA-256, not SHA-1"
        );
        let ed25519 = cert_signed_with(&[0x2B, 0x65, 0x70]);
        assert_eq!(server_end_point(&ed25519), None, "Ed25519 has no binding");
        assert_eq!(
            server_end_point(&ecdsa_sha256[..ecdsa_sha256.len() - 3]),
            None,
            "a truncated certificate gives no binding rather than a wrong one"
        );
    }

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
