//! Reaching databases over TLS with passwords kept off the command line, against real servers
//! given certificates this test makes (openssl): the shared PostgreSQL switched to TLS by a
//! reload (never a restart; plain connections keep working), a throwaway MariaDB and a
//! throwaway TLS-only Redis, both killed at the end. Each engine: `verify-full` with the right
//! CA connects, with another CA or another host name fails on one plain line (exit 2),
//! `require` needs no CA, a password from `--password-file` or the environment works where the
//! URL has none, and no output holds the password.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::live::{self, conn::ConnectOptions, conn::TlsMode};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A CA, a server certificate it signed for IP 127.0.0.1 only, and an unrelated CA.
struct Pki {
    dir: tempfile::TempDir,
    ca: PathBuf,
    other_ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "openssl {}: {}", args.join(" "), String::from_utf8_lossy(&o.stderr));
}

fn pki() -> Option<Pki> {
    common::tool("openssl", &["version"])?;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    for (name, cn) in [("ca", "policyc test CA"), ("other", "policyc unrelated CA")] {
        let (key, pem, subj) = (format!("{name}.key"), format!("{name}.pem"), format!("/CN={cn}"));
        let mut a = vec!["req", "-x509"];
        a.extend(ec);
        a.extend(["-keyout", &key, "-out", &pem, "-days", "3", "-subj", &subj]);
        a.extend(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        openssl(d, &a);
    }
    let mut a = vec!["req"];
    a.extend(ec);
    a.extend(["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    openssl(d, &a);
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "3",
            "-extfile",
            "ext.cnf",
        ],
    );
    Some(Pki {
        ca: d.join("ca.pem"),
        other_ca: d.join("other.pem"),
        cert: d.join("server.pem"),
        key: d.join("server.key"),
        dir,
    })
}

/// Runs the CLI with `env` added: (exit code, stdout + stderr).
fn cli(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policyc"));
    c.args(args).env_remove("DATABASE_URL").env_remove("REDIS_URL").env_remove("PGPASSWORD").env_remove("MYSQL_PWD");
    c.env("PGPASSFILE", "/nonexistent");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
    )
}

/// A policy with one store of `kind` and one 7-day category.
fn policy(dir: &Path, kind: &str) -> PathBuf {
    let text = format!(
        "policy tls_{kind} {{\n  version \"1.0.0\"\n  effective 2024-01-01\n  locales en\n  default en\n  role controller\n  title {{ en \"TLS\" }}\n  feature {{ en \"TLS\" }}\n  controller {{ name {{ en \"Test\" }} }}\n  availability {{ regions worldwide }}\n}}\nstore db: {kind} {{ name {{ en \"Database\" }} }}\npurpose run {{ label {{ en \"Run\" }} }}\nbasis b: contract {{ label {{ en \"Contract\" }} citation \"GDPR Art. 6(1)(b)\" }}\ncategory visit {{\n  label {{ en \"C\" }}\n  field id: integer {{ label {{ en \"Id\" }} }}\n  field at: timestamp {{ label {{ en \"At\" }} }}\n  use run under b\n  stored in db {{ table tls_visits collected at at key id }}\n  retain 7 days\n}}\n"
    );
    let p = dir.join(format!("tls_{kind}.policy"));
    std::fs::write(&p, text).unwrap();
    p
}

/// The URL with `user:password@` in place of its user part.
fn with_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
    format!("{scheme}://{user}@{rest}")
}

/// `url` with its host replaced by `host`.
fn with_host(url: &str, from: &str, to: &str) -> String {
    url.replacen(from, to, 1)
}

/// The checks every engine passes; `url` has no password, reaches 127.0.0.1, and its user
/// needs `password`. `cmd` is the subcommand and its URL flag; `ok` the exit codes of a
/// connection that worked.
fn common_checks(cmd: &[&str], url: &str, password: &str, pw_env: &str, pki: &Pki, policy: &Path, ok: &[i32]) {
    let pfile = pki.dir.path().join("password");
    std::fs::write(&pfile, format!("{password}\n")).unwrap();
    let (ca, other, pf) = (pki.ca.to_str().unwrap(), pki.other_ca.to_str().unwrap(), pfile.to_str().unwrap());
    let pol = policy.to_str().unwrap();
    let run = |extra: &[&str], u: &str, env: &[(&str, &str)]| {
        let mut a: Vec<&str> = cmd.to_vec();
        a.push(u);
        a.extend(extra);
        a.push(pol);
        let (code, out) = cli(&a, env);
        assert!(!out.contains(password), "the password is printed:\n{out}");
        (code, out)
    };
    // verify-full with the right CA, the password from a file.
    let (code, out) = run(&["--tls-mode", "verify-full", "--ca-file", ca, "--password-file", pf], url, &[]);
    assert!(ok.contains(&code), "verify-full with the right CA: {code}\n{out}");
    // The wrong CA: one plain line, exit 2.
    let (code, out) = run(&["--tls-mode", "verify-full", "--ca-file", other, "--password-file", pf], url, &[]);
    assert_eq!(code, 2, "{out}");
    let line = out.lines().find(|l| l.contains("error")).unwrap_or_default();
    assert!(line.contains("the server's certificate is not trusted") && line.contains("--ca-file"), "{out}");
    assert!(line.contains("not signed by a trusted certificate authority"), "{out}");
    // A CA file alone means verify-full.
    let (code, out) = run(&["--ca-file", other, "--password-file", pf], url, &[]);
    assert_eq!(code, 2, "--ca-file alone: {out}");
    assert!(out.contains("the server's certificate is not trusted"), "{out}");
    let (code, out) = run(&["--ca-file", ca, "--password-file", pf], url, &[]);
    assert!(ok.contains(&code), "--ca-file alone, the right CA: {code}\n{out}");
    // The right CA but a host name the certificate does not give.
    let local = with_host(url, "127.0.0.1", "localhost");
    let (code, out) = run(&["--tls-mode", "verify-full", "--ca-file", ca, "--password-file", pf], &local, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the server's certificate is not trusted: it does not name the host"), "{out}");
    // verify-ca checks the chain only: that host name passes, the other CA does not.
    let (code, out) = run(&["--tls-mode", "verify-ca", "--ca-file", ca, "--password-file", pf], &local, &[]);
    assert!(ok.contains(&code), "verify-ca, another host name: {code}\n{out}");
    let (code, out) = run(&["--tls-mode", "verify-ca", "--ca-file", other, "--password-file", pf], &local, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not signed by a trusted certificate authority"), "{out}");
    // require: encrypted, no CA needed; the password from the engine's variable.
    let (code, out) = run(&["--tls-mode", "require"], url, &[(pw_env, password)]);
    assert!(ok.contains(&code), "require with {pw_env}: {code}\n{out}");
    // A wrong password in the URL is refused, and the message does not show it either.
    let bad = with_user(url, &format!("{}:wrong{password}", user_of(url)));
    let (code, out) = run(&["--tls-mode", "require"], &bad, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains(&format!("wrong{password}")), "{out}");
}

fn user_of(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    rest.split_once('@').map_or("", |(u, _)| u.split(':').next().unwrap_or(""))
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(secs), "{what} not ready after {secs} s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process ended (and waited for) when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_over_tls() {
    let base = common::service_url("POLICYC_TEST_POSTGRES_URL");
    let Some(pki) = pki() else { return };
    let mut db = match live::sql::connect_with(
        &base,
        &ConnectOptions { tls_mode: Some(TlsMode::Disable), ..Default::default() },
    ) {
        Ok(d) => d,
        Err(e) => {
            common::skip::<()>(&format!("PostgreSQL at {base} is unreachable: {e}"));
            return;
        }
    };
    // The server's certificate: this test's, in the data directory, read on reload.
    let data = db.query_text("SHOW data_directory").unwrap()[0][0].clone();
    let owner = std::fs::metadata(&data).map(|m| std::os::unix::fs::MetadataExt::uid(&m)).unwrap();
    let (crt, key) =
        (Path::new(&data).join("policyc-test-server.crt"), Path::new(&data).join("policyc-test-server.key"));
    std::fs::copy(&pki.cert, &crt).unwrap();
    std::fs::copy(&pki.key, &key).unwrap();
    for f in [&crt, &key] {
        std::os::unix::fs::chown(f, Some(owner), None).unwrap();
        std::fs::set_permissions(f, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    }
    // A role that must give its password over TLS (one hba line for it alone; others keep theirs).
    let role = "policyc_tls_pw";
    let password = "Tls-pass-7391";
    let hba = db.query_text("SHOW hba_file").unwrap()[0][0].clone();
    let rules = std::fs::read_to_string(&hba).unwrap();
    let line = format!("hostssl all {role} 127.0.0.1/32 scram-sha-256");
    if !rules.contains(&line) {
        std::fs::write(&hba, format!("{line}\n{rules}")).unwrap();
    }
    db.exec(&format!("DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"))
        .unwrap();
    db.exec(&format!("ALTER ROLE {role} LOGIN PASSWORD '{password}'")).unwrap();
    // `verify` only reads, whatever other tests left in the database.
    db.exec(&format!("GRANT pg_read_all_data TO {role}")).unwrap();
    db.exec(&format!("ALTER SYSTEM SET ssl_cert_file = '{}'", crt.display())).unwrap();
    db.exec(&format!("ALTER SYSTEM SET ssl_key_file = '{}'", key.display())).unwrap();
    db.exec("ALTER SYSTEM SET ssl = on").unwrap();
    db.exec("SELECT pg_reload_conf()").unwrap();
    let full = ConnectOptions { tls_mode: Some(TlsMode::VerifyFull), ca_file: Some(pki.ca.clone()), password: None };
    wait_for("PostgreSQL with the test certificate", 15, || live::sql::connect_with(&base, &full).is_ok());

    // The connection is encrypted, and plain connections still work.
    let mut tls = live::sql::connect_with(&base, &full).unwrap();
    let ssl = tls.query_text("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").unwrap();
    assert_eq!(ssl[0][0], "true");
    let mut plain =
        live::sql::connect_with(&base, &ConnectOptions { tls_mode: Some(TlsMode::Disable), ..Default::default() })
            .unwrap();
    let ssl = plain.query_text("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").unwrap();
    assert_eq!(ssl[0][0], "false");

    // The URL's own spelling: `sslmode` and `sslrootcert`.
    let q = if base.contains('?') { '&' } else { '?' };
    let in_url = format!("{base}{q}sslmode=verify-full&sslrootcert={}", pki.ca.display());
    let mut d = live::sql::connect(&in_url).unwrap();
    assert_eq!(d.query_text("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").unwrap()[0][0], "true");

    let pol = policy(pki.dir.path(), "postgres");
    let url = with_user(&base, role);
    // `verify` connects, then reports the jobs missing (1).
    common_checks(&["verify", "--database-url"], &url, password, "PGPASSWORD", &pki, &pol, &[0, 1]);

    // ~/.pgpass (here PGPASSFILE), and DATABASE_URL instead of --database-url.
    let pgpass = pki.dir.path().join("pgpass");
    std::fs::write(&pgpass, format!("127.0.0.1:*:*:{role}:{password}\n")).unwrap();
    std::fs::set_permissions(&pgpass, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let ca = pki.ca.to_str().unwrap();
    let (code, out) = cli(
        &["verify", "--tls-mode", "verify-full", "--ca-file", ca, pol.to_str().unwrap()],
        &[("DATABASE_URL", &url), ("PGPASSFILE", pgpass.to_str().unwrap())],
    );
    assert!(code == 0 || code == 1, "{code}\n{out}");
    assert!(!out.contains(password), "{out}");
    // Without any password the server refuses: the checks above used the ones given.
    let (code, out) = cli(&["verify", "--tls-mode", "require", "--database-url", &url, pol.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{out}");
    // JSON output holds a redacted URL only.
    let with_pw = with_user(&base, &format!("{role}:{password}"));
    let (code, out) = cli(
        &["--format", "json", "purge", "--database-url", &with_pw, "--tls-mode", "require", pol.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("{role}:***@")) && !out.contains(password), "{out}");
}

#[test]
fn mariadb_over_tls() {
    if common::tool("mariadbd", &["--version"]).is_none() {
        return;
    }
    let Some(pki) = pki() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sock = dir.path().join("mysqld.sock");
    let o = Command::new("mariadb-install-db")
        .args(["--no-defaults", "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"])
        .arg(format!("--datadir={}", data.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "mariadb-install-db: {}", String::from_utf8_lossy(&o.stderr));
    let port = free_port();
    let _server = Server(
        Command::new("mariadbd")
            .args(["--no-defaults", "--user=root", "--bind-address=127.0.0.1", "--skip-name-resolve"])
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={port}"))
            .arg(format!("--socket={}", sock.display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .arg(format!("--log-error={}", dir.path().join("error.log").display()))
            .arg(format!("--ssl-cert={}", pki.cert.display()))
            .arg(format!("--ssl-key={}", pki.key.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let root = format!("mysql://root@127.0.0.1:{port}/mysql");
    let plain = ConnectOptions { tls_mode: Some(TlsMode::Disable), ..Default::default() };
    wait_for("the throwaway MariaDB", 60, || live::sql::connect_with(&root, &plain).is_ok());
    let password = "Tls-pass-4417";
    let mut db = live::sql::connect_with(&root, &plain).unwrap();
    for s in [
        "CREATE DATABASE t_tls".to_string(),
        "CREATE TABLE t_tls.tls_visits (id INT PRIMARY KEY, at DATETIME(6) NOT NULL)".into(),
        format!("CREATE USER 'tls'@'%' IDENTIFIED BY '{password}' REQUIRE SSL"),
        "GRANT ALL ON *.* TO 'tls'@'%'".into(),
    ] {
        db.exec(&s).unwrap();
    }
    let url = format!("mysql://tls@127.0.0.1:{port}/t_tls");
    // Encrypted, per the server.
    let full = ConnectOptions {
        tls_mode: Some(TlsMode::VerifyFull),
        ca_file: Some(pki.ca.clone()),
        password: Some(password.into()),
    };
    let mut tls = live::sql::connect_with(&url, &full).unwrap();
    let cipher = tls.query_text("SHOW SESSION STATUS LIKE 'Ssl_cipher'").unwrap();
    assert!(!cipher[0][1].is_empty(), "{cipher:?}");
    // The URL's own spelling, as the mysql client's: `ssl-mode` and `ssl-ca`.
    let in_url =
        format!("mysql://tls:{password}@127.0.0.1:{port}/t_tls?ssl-mode=VERIFY_IDENTITY&ssl-ca={}", pki.ca.display());
    assert!(live::sql::connect(&in_url).is_ok());

    let pol = policy(pki.dir.path(), "mysql");
    // `setup` connects and installs (0).
    common_checks(&["setup", "--database-url"], &url, password, "MYSQL_PWD", &pki, &pol, &[0]);
}

#[test]
fn redis_over_tls() {
    if common::tool("redis-server", &["--version"]).is_none() {
        return;
    }
    let Some(pki) = pki() else { return };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let password = "Tls-pass-9902";
    let _server = Server(
        Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--tls-auth-clients",
                "no",
            ])
            .args(["--tls-port", &port.to_string(), "--requirepass", password])
            .args(["--tls-cert-file", pki.cert.to_str().unwrap(), "--tls-key-file", pki.key.to_str().unwrap()])
            .args(["--dir", dir.path().to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("rediss://127.0.0.1:{port}/0");
    let full = ConnectOptions { tls_mode: None, ca_file: Some(pki.ca.clone()), password: Some(password.into()) };
    wait_for("the throwaway Redis", 30, || {
        live::conn::redis_connect(&url, &full).is_ok_and(|mut c| redis::cmd("PING").query::<String>(&mut c).is_ok())
    });
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tencent_im/im.policy");
    // rediss:// is verify-full by default; --tls-mode takes a redis:// URL to TLS as well.
    let (ca, other) = (pki.ca.to_str().unwrap(), pki.other_ca.to_str().unwrap());
    let pfile = pki.dir.path().join("password");
    std::fs::write(&pfile, format!("{password}\n")).unwrap();
    let pf = pfile.to_str().unwrap();
    let pol = policy.to_str().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["verify"];
        a.extend(args);
        a.push(pol);
        let (code, out) = cli(&a, env);
        assert!(!out.contains(password), "the password is printed:\n{out}");
        (code, out)
    };
    let (code, out) = run(&["--redis-url", &url, "--ca-file", ca, "--password-file", pf], &[]);
    assert_eq!(code, 0, "verify-full with the right CA: {out}");
    assert!(out.contains("keys scanned"), "{out}");
    let (code, out) = run(&["--redis-url", &url, "--ca-file", other, "--password-file", pf], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("the server's certificate is not trusted: it is not signed by a trusted certificate authority"),
        "{out}"
    );
    let local = format!("rediss://localhost:{port}/0");
    let (code, out) = run(&["--redis-url", &local, "--ca-file", ca, "--password-file", pf], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the server's certificate is not trusted: it does not name the host"), "{out}");
    let (code, out) =
        run(&["--redis-url", &local, "--tls-mode", "verify-ca", "--ca-file", ca, "--password-file", pf], &[]);
    assert_eq!(code, 0, "verify-ca, another host name: {out}");
    // A CA file makes a redis:// URL verify-full.
    let plain = format!("redis://127.0.0.1:{port}/0");
    let (code, out) = run(&["--redis-url", &plain, "--ca-file", other, "--password-file", pf], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the server's certificate is not trusted"), "{out}");
    let (code, out) = run(&["--redis-url", &plain, "--ca-file", ca, "--password-file", pf], &[]);
    assert_eq!(code, 0, "{out}");
    // require: no CA; REDIS_URL (with its password) instead of --redis-url.
    let plain_scheme = format!("redis://:{password}@127.0.0.1:{port}/0");
    let (code, out) = run(&["--tls-mode", "require"], &[("REDIS_URL", &plain_scheme)]);
    assert_eq!(code, 0, "require via REDIS_URL: {out}");
    // No password: refused, plainly.
    let (code, out) = run(&["--redis-url", &url, "--ca-file", ca], &[]);
    assert_eq!(code, 2, "{out}");
    // A port that accepts and never answers the handshake: a bounded wait, then exit 2.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("rediss://127.0.0.1:{}/0", silent.local_addr().unwrap().port());
    let t = Instant::now();
    let (code, out) = run(&["--redis-url", &silent_url, "--ca-file", ca], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    drop(silent);
    // A wrong password is not echoed.
    let bad = format!("rediss://:wrong{password}@127.0.0.1:{port}/0#insecure");
    let (code, out) = run(&["--redis-url", &bad], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains(&format!("wrong{password}")), "{out}");
}

#[test]
fn urls_come_from_the_environment_and_are_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let pol = policy(dir.path(), "postgres");
    let pol = pol.to_str().unwrap();
    // No URL anywhere: a usage error that says where one may come from.
    let (code, out) = cli(&["setup", pol], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("DATABASE_URL"), "{out}");
    let (code, out) = cli(&["verify", pol], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("REDIS_URL"), "{out}");
    // An unknown mode is refused by the argument parser.
    let (code, out) = cli(&["verify", "--tls-mode", "sometimes", "--database-url", "sqlite://:memory:", pol], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("verify-full"), "{out}");
    // Unsupported or unreachable URLs from the environment: shown without their password.
    for url in [
        "oracle://scott:Tiger-1234@db/x",
        "postgres://u:Tiger-1234@127.0.0.1:1/x",
        "mysql://u:Tiger-1234@127.0.0.1:1/x",
    ] {
        for fmt in ["human", "json"] {
            let (code, out) = cli(&["--format", fmt, "purge", pol], &[("DATABASE_URL", url)]);
            assert_eq!(code, 2, "{out}");
            assert!(!out.contains("Tiger-1234"), "{url}: {out}");
        }
    }
    let (code, out) = cli(&["verify", pol], &[("REDIS_URL", "redis://:Tiger-1234@127.0.0.1:1/0")]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Redis") && !out.contains("Tiger-1234"), "{out}");
    // An unreadable password file is an I/O error naming the file.
    let (code, out) = cli(
        &["verify", "--password-file", "/nonexistent/pw", "--database-url", "postgres://u@127.0.0.1:1/x", pol],
        &[],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot read the password file /nonexistent/pw"), "{out}");
}
