//! How to reach a managed database: TLS modes, certificate authorities, and passwords from
//! files and the environment instead of the command line; URLs redacted in every message.

use super::RunError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How long connecting (TCP and TLS handshake) may take.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How a connection uses TLS (the names of PostgreSQL's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Never encrypt.
    Disable,
    /// Encrypt when the server offers it, without verifying its certificate.
    Prefer,
    /// Encrypt; do not verify the certificate.
    Require,
    /// Encrypt; verify the certificate chain, not the host name.
    VerifyCa,
    /// Encrypt; verify the certificate chain and that it names the host.
    VerifyFull,
}

impl TlsMode {
    /// Every mode with its name, as `--tls-mode` accepts it.
    pub const ALL: [(&'static str, TlsMode); 5] = [
        ("disable", TlsMode::Disable),
        ("prefer", TlsMode::Prefer),
        ("require", TlsMode::Require),
        ("verify-ca", TlsMode::VerifyCa),
        ("verify-full", TlsMode::VerifyFull),
    ];

    /// Parses a mode in PostgreSQL's spelling (`verify-full`) or MySQL's (`VERIFY_IDENTITY`).
    pub fn parse(s: &str) -> Result<TlsMode, RunError> {
        let norm = s.to_ascii_lowercase().replace('_', "-");
        let mode = match norm.as_str() {
            "disabled" => Some(TlsMode::Disable),
            "preferred" | "allow" => Some(TlsMode::Prefer),
            "required" => Some(TlsMode::Require),
            "verify-identity" => Some(TlsMode::VerifyFull),
            n => Self::ALL.iter().find(|(name, _)| *name == n).map(|(_, m)| *m),
        };
        mode.ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            RunError(format!("unknown TLS mode `{s}`: use one of {}", names.join(", ")))
        })
    }

    /// Whether the certificate chain is checked.
    pub fn verifies(self) -> bool {
        matches!(self, TlsMode::VerifyCa | TlsMode::VerifyFull)
    }
}

/// What the command line and the environment add to a database URL.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--tls-mode` (overrides the URL's).
    pub tls_mode: Option<TlsMode>,
    /// `--ca-file`: PEM certificates to trust instead of the system's (overrides the URL's).
    pub ca_file: Option<PathBuf>,
    /// From `--password-file`: used when the URL has no password.
    pub password: Option<String>,
}

/// Reads a password file: its first line, without the line ending.
pub fn read_password_file(path: &Path) -> Result<String, RunError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RunError(format!("cannot read the password file {}: {e}", path.display())))?;
    Ok(text.lines().next().unwrap_or_default().trim_end_matches('\r').to_string())
}

/// The parts of a `scheme://user:password@host/…?query#fragment` URL this module needs.
#[derive(Debug, Clone)]
pub(crate) struct UrlParts {
    /// Everything before the query, password included.
    pub base: String,
    /// Query parameters, in order, not decoded.
    pub query: Vec<(String, String)>,
    /// The fragment, with its `#`, or empty.
    pub fragment: String,
}

impl UrlParts {
    pub fn parse(url: &str) -> UrlParts {
        let (rest, fragment) = match url.find('#') {
            Some(i) => (&url[..i], url[i..].to_string()),
            None => (url, String::new()),
        };
        let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        UrlParts { base: base.to_string(), query, fragment }
    }

    /// Removes and returns the value of the first parameter named one of `names`.
    pub fn take(&mut self, names: &[&str]) -> Option<String> {
        let i = self.query.iter().position(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))?;
        Some(percent_decode(&self.query.remove(i).1))
    }

    /// The URL again, without the parameters taken.
    pub fn render(&self) -> String {
        let mut s = self.base.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        s.push_str(&self.fragment);
        s
    }

    /// The decoded password of the authority, if any.
    pub fn password(&self) -> Option<String> {
        let (user, _) = userinfo(&self.base)?;
        user.split_once(':').map(|(_, p)| percent_decode(p))
    }

    /// The password as written and decoded: what a message must never show.
    pub fn secrets(&self) -> Vec<String> {
        let raw = userinfo(&self.base).and_then(|(u, _)| u.split_once(':')).map(|(_, p)| p.to_string());
        raw.into_iter().chain(self.password()).collect()
    }
}

/// The `user[:password]` of a URL and the byte range it occupies.
fn userinfo(url: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let start = url.find("://")? + 3;
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    let at = url[start..end].rfind('@')? + start;
    Some((&url[start..at], start..at))
}

/// `url` with its password replaced by `***`: for every message and report.
pub fn redact_url(url: &str) -> String {
    match userinfo(url) {
        Some((user, range)) if user.contains(':') => {
            let name = user.split_once(':').map_or(user, |(n, _)| n);
            format!("{}{name}:***{}", &url[..range.start], &url[range.end..])
        }
        _ => url.to_string(),
    }
}

/// `text` with every occurrence of `secret` (raw or as it appears in the URL) replaced.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 2) {
        out = out.replace(s.as_str(), "***");
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Loads the certificates of a PEM file.
pub(crate) fn load_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>, RunError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| RunError(format!("cannot read the CA file {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(RunError(format!("the CA file {} holds no PEM certificate", path.display())));
    }
    Ok(certs)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A rustls client configuration for `mode`: the chain verified against `ca` (or the system's
/// roots) for `verify-*`, not verified for `prefer` and `require`.
pub(crate) fn rustls_config(mode: TlsMode, ca: Option<&Path>) -> Result<rustls::ClientConfig, RunError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(RunError::from)?;
    if !mode.verifies() {
        return Ok(builder.dangerous().with_custom_certificate_verifier(Arc::new(NoVerify)).with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            for c in load_ca(path)? {
                roots.add(c).map_err(|e| RunError(format!("the CA file {}: {e}", path.display())))?;
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(c);
            }
        }
    }
    let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| RunError(format!("no usable CA certificate: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> =
        if mode == TlsMode::VerifyCa { Arc::new(ChainOnly(inner)) } else { inner };
    Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// `require`: encrypts, trusts any certificate (as libpq's `sslmode=require`).
#[derive(Debug)]
struct NoVerify;

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(m, c, d, &provider().signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(m, c, d, &provider().signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider().signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end: &CertificateDer<'_>,
        inter: &[CertificateDer<'_>],
        name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        match self.0.verify_server_cert(end, inter, name, ocsp, now) {
            Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            r => r,
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(m, c, d)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(m, c, d)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// A Redis client: `rediss://` (or `--tls-mode` other than `disable`) encrypts; `verify-full`
/// (the default of `rediss://`) checks the chain against `opts.ca_file` or the system's roots
/// and the host name, `verify-ca` the chain only, `require` and `prefer` nothing (the
/// driver's `#insecure`). `opts.password` replaces the URL's.
pub fn redis_client(url: &str, opts: &ConnectOptions) -> Result<redis::Client, RunError> {
    let secrets: Vec<String> = UrlParts::parse(url).secrets().into_iter().chain(opts.password.clone()).collect();
    let fail = |e: RunError| RunError(scrub(&e.0, &secrets));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| RunError(format!("invalid Redis URL `{}`: expected redis:// or rediss://", redact_url(url))))?;
    let insecure_url = rest.ends_with("#insecure");
    let rest = rest.trim_end_matches("#insecure");
    let url_mode = match scheme {
        "redis" => TlsMode::Disable,
        "rediss" if insecure_url => TlsMode::Require,
        "rediss" => TlsMode::VerifyFull,
        _ => return Err(RunError(format!("invalid Redis URL `{}`: expected redis:// or rediss://", redact_url(url)))),
    };
    let mode = match opts.tls_mode {
        Some(m) => m,
        // A CA given is a CA to verify against.
        None if url_mode == TlsMode::Disable && opts.ca_file.is_some() => TlsMode::VerifyFull,
        None => url_mode,
    };
    let target = match mode {
        TlsMode::Disable => format!("redis://{rest}"),
        TlsMode::Prefer | TlsMode::Require => format!("rediss://{rest}#insecure"),
        TlsMode::VerifyCa | TlsMode::VerifyFull => format!("rediss://{rest}"),
    };
    let client = (|| {
        let mut info = redis::IntoConnectionInfo::into_connection_info(target.as_str()).map_err(explain)?;
        if let Some(p) = &opts.password {
            info = info.clone().set_redis_settings(info.redis_settings().clone().set_password(p));
        }
        let client = match (&opts.ca_file, mode.verifies()) {
            (Some(ca), true) => {
                load_ca(ca)?;
                let pem = std::fs::read(ca)
                    .map_err(|e| RunError(format!("cannot read the CA file {}: {e}", ca.display())))?;
                redis::Client::build_with_tls(info, redis::TlsCertificates { client_tls: None, root_cert: Some(pem) })
                    .map_err(explain)?
            }
            _ => redis::Client::open(info).map_err(explain)?,
        };
        if mode != TlsMode::VerifyCa {
            return Ok(client);
        }
        // After the CA is set: building with it replaces the address's TLS settings.
        let mut info = client.get_connection_info().clone();
        let mut addr = info.addr().clone();
        addr.set_danger_accept_invalid_hostnames(true);
        info = info.set_addr(addr);
        redis::Client::open(info).map_err(explain)
    })();
    client.map_err(fail)
}

/// Connects to Redis as [`redis_client`] says; errors are plain and hold no password.
pub fn redis_connect(url: &str, opts: &ConnectOptions) -> Result<redis::Connection, RunError> {
    let secrets: Vec<String> = UrlParts::parse(url).secrets().into_iter().chain(opts.password.clone()).collect();
    // Bounded: a server that never answers the TLS handshake (a plain port) would hang us.
    redis_client(url, opts)?
        .get_connection_with_timeout(CONNECT_TIMEOUT)
        .map_err(|e| RunError(scrub(&explain(e).0, &secrets)))
}

/// An error and its causes on one line (drivers often put the reason in the cause).
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let t = c.to_string();
        if !text.contains(&t) {
            text = format!("{text}: {t}");
        }
        cause = c.source();
    }
    text
}

/// A driver's error as one plain line: certificate failures say so and point at `--ca-file`.
pub(crate) fn explain(e: impl std::fmt::Display) -> RunError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let why = if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        Some("it is not signed by a trusted certificate authority")
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        Some("it does not name the host connected to")
    } else if lower.contains("expired") && lower.contains("certificate") {
        Some("it has expired")
    } else if lower.contains("invalid peer certificate") || lower.contains("invalidcertificate") {
        Some("it was rejected")
    } else {
        None
    };
    match why {
        Some(why) => RunError(format!("the server's certificate is not trusted: {why} ({text}) (use --ca-file)")),
        None => RunError(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_password_only() {
        assert_eq!(redact_url("postgres://u:s3cr%40t@h:5/db?x=1"), "postgres://u:***@h:5/db?x=1");
        assert_eq!(redact_url("redis://:pw@h/0"), "redis://:***@h/0");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:///tmp/a@b"), "sqlite:///tmp/a@b");
    }

    #[test]
    fn takes_tls_parameters_and_keeps_the_rest() {
        let mut u =
            UrlParts::parse("postgres://u:p%3Aq@h/db?sslmode=verify-full&application_name=x&sslrootcert=/a%20b.pem");
        assert_eq!(u.take(&["sslmode"]).as_deref(), Some("verify-full"));
        assert_eq!(u.take(&["sslrootcert"]).as_deref(), Some("/a b.pem"));
        assert_eq!(u.render(), "postgres://u:p%3Aq@h/db?application_name=x");
        assert_eq!(u.password().as_deref(), Some("p:q"));
    }

    #[test]
    fn modes_in_both_spellings() {
        assert_eq!(TlsMode::parse("VERIFY_IDENTITY").unwrap(), TlsMode::VerifyFull);
        assert_eq!(TlsMode::parse("REQUIRED").unwrap(), TlsMode::Require);
        assert_eq!(TlsMode::parse("verify-ca").unwrap(), TlsMode::VerifyCa);
        assert!(TlsMode::parse("sometimes").is_err());
    }
}
