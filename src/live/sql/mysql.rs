//! MySQL / MariaDB: jobs run as their stored procedure, which commits each batch.

use super::{Db, RunError};
use crate::backend::sql::{DialectKind, Job, Plan};
use crate::live::conn::{self, ConnectOptions, TlsMode, UrlParts};
use mysql::prelude::Queryable;
use std::path::PathBuf;

/// A MySQL / MariaDB connection (session time zone UTC).
pub struct My(mysql::Conn);

impl My {
    /// Connects and sets the session time zone to UTC. TLS as the `mysql` client takes it:
    /// `ssl-mode` and `ssl-ca` in the URL (overridden by `opts`), default no TLS; without a
    /// password in the URL, `MYSQL_PWD`. `opts.password` overrides both.
    pub fn connect(url: &str, opts: &ConnectOptions) -> Result<Self, RunError> {
        let mut u = UrlParts::parse(&url.replacen("mariadb://", "mysql://", 1));
        let url_mode = u.take(&["ssl-mode", "ssl_mode", "sslmode"]);
        let url_ca = u.take(&["ssl-ca", "ssl_ca", "sslrootcert"]);
        let ca = opts.ca_file.clone().or(url_ca.map(PathBuf::from));
        let mode = match (opts.tls_mode, url_mode) {
            (Some(m), _) => m,
            (None, Some(m)) => TlsMode::parse(&m)?,
            // A CA given is a CA to verify against.
            (None, None) if ca.is_some() => TlsMode::VerifyFull,
            (None, None) => TlsMode::Disable,
        };
        let parsed = mysql::Opts::from_url(&u.render())
            .map_err(|e| RunError(format!("invalid MySQL URL `{}`: {e}", conn::redact_url(url))))?;
        let mut b = mysql::OptsBuilder::from_opts(parsed.clone());
        if let Some(p) = &opts.password {
            b = b.pass(Some(p.clone()));
        } else if parsed.get_pass().is_none()
            && let Some(p) = std::env::var("MYSQL_PWD").ok().filter(|p| !p.is_empty())
        {
            b = b.pass(Some(p));
        }
        let ssl = match mode {
            TlsMode::Disable => None,
            TlsMode::Prefer | TlsMode::Require => {
                Some(mysql::SslOpts::default().with_danger_accept_invalid_certs(true))
            }
            TlsMode::VerifyCa | TlsMode::VerifyFull => {
                if let Some(ca) = &ca {
                    // Read here so a bad file is reported as such, not as a handshake failure.
                    conn::load_ca(ca)?;
                }
                Some(
                    mysql::SslOpts::default()
                        .with_root_cert_path(ca.clone())
                        .with_danger_skip_domain_validation(mode == TlsMode::VerifyCa),
                )
            }
        };
        // Over TLS, stay on TCP: the driver would otherwise move to the server's local socket.
        let tls = ssl.is_some();
        let with_tls = b.clone().ssl_opts(ssl).prefer_socket(!tls && parsed.get_prefer_socket());
        let c = match mysql::Conn::new(with_tls) {
            // `prefer`: a server without TLS is reached in the clear, as the `mysql` client does.
            Err(_) if mode == TlsMode::Prefer => mysql::Conn::new(b),
            r => r,
        };
        let mut c = c.map_err(conn::explain)?;
        refuse_mysql(&mut c)?;
        c.query_drop("SET time_zone = '+00:00'").map_err(RunError::from)?;
        Ok(My(c))
    }
}

/// The `mysql` dialect emits MariaDB's SQL (`CREATE OR REPLACE` procedures and events,
/// `CREATE INDEX IF NOT EXISTS`, `utf8mb4_nopad_bin`), verified on MariaDB 10.11. Oracle MySQL
/// rejects some of it part-way through a setup, so it is refused before anything runs.
fn refuse_mysql(c: &mut mysql::Conn) -> Result<(), RunError> {
    let version: Option<String> = c.query_first("SELECT VERSION()").map_err(RunError::from)?;
    let version = version.unwrap_or_default();
    if version.contains("MariaDB") {
        return Ok(());
    }
    Err(RunError(format!(
        "the server is MySQL {version}, not MariaDB: the `mysql` dialect's jobs use MariaDB statements \
         (`CREATE OR REPLACE PROCEDURE/EVENT`, `CREATE INDEX IF NOT EXISTS`, `utf8mb4_nopad_bin`) that MySQL \
         does not accept; see docs/sql.md"
    )))
}

fn schema_of(job: &Job) -> String {
    job.schema.as_deref().map_or_else(|| "DATABASE()".into(), |s| format!("'{s}'"))
}

fn text(v: &mysql::Value) -> String {
    match v {
        mysql::Value::NULL => String::new(),
        mysql::Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        mysql::Value::Int(i) => i.to_string(),
        mysql::Value::UInt(i) => i.to_string(),
        other => other.as_sql(true).trim_matches('\'').to_string(),
    }
}

impl Db for My {
    fn dialect(&self) -> DialectKind {
        DialectKind::Mysql
    }
    fn exec(&mut self, sql: &str) -> Result<(), RunError> {
        self.0.query_drop(sql).map_err(RunError::from)
    }
    fn exec_count(&mut self, sql: &str) -> Result<u64, RunError> {
        self.0.query_drop(sql).map_err(RunError::from)?;
        Ok(self.0.affected_rows())
    }
    fn query_i64(&mut self, sql: &str) -> Result<Option<i64>, RunError> {
        let v: Option<mysql::Row> = self.0.query_first(sql).map_err(RunError::from)?;
        Ok(v.and_then(|r| r.get::<Option<i64>, _>(0).flatten()))
    }
    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, RunError> {
        let rows: Vec<mysql::Row> = self.0.query(sql).map_err(RunError::from)?;
        Ok(rows.iter().map(|r| (0..r.len()).map(|i| r.as_ref(i).map(text).unwrap_or_default()).collect()).collect())
    }
    fn run_job(&mut self, plan: &Plan, job: &Job, batch: u32, on_batch: &mut dyn FnMut(u64)) -> Result<u64, RunError> {
        let call = plan.call(job, batch).ok_or_else(|| RunError("no procedure".into()))?;
        // The procedure returns its own audit row: other runs may have written later ones.
        self.exec("SET @policyc_audit = NULL")?;
        self.exec(&call)?;
        let id = self
            .query_i64("SELECT @policyc_audit")?
            .ok_or_else(|| RunError(format!("`{call}` returned no audit row")))?;
        let n =
            self.query_i64(&format!("SELECT rows_deleted FROM policyc_retention_audit WHERE id = {id}"))?.unwrap_or(0);
        let n = u64::try_from(n).unwrap_or(0);
        on_batch(n);
        Ok(n)
    }
    fn foreign_keys(&mut self, _: &[&Job]) -> Result<Vec<(String, String, String)>, RunError> {
        let rows = self.query_text(
            "SELECT TABLE_NAME, REFERENCED_TABLE_NAME, LOWER(DELETE_RULE) FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE()",
        )?;
        Ok(rows.into_iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone())).collect())
    }
    fn columns(&mut self, job: &Job) -> Result<Vec<(String, String)>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT COLUMN_NAME, LOWER(DATA_TYPE) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND TABLE_NAME = '{}'",
            schema_of(job),
            job.table_name
        ))?;
        Ok(rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect())
    }
    fn indexes(&mut self, job: &Job) -> Result<Vec<String>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {} AND TABLE_NAME = '{}'",
            schema_of(job),
            job.table_name
        ))?;
        Ok(rows.into_iter().map(|r| r[0].clone()).collect())
    }
    fn schedule_status(&mut self, job: &Job, call: &str) -> Result<Option<Result<(), String>>, RunError> {
        let on = self.query_text("SELECT @@GLOBAL.event_scheduler")?;
        let body = self.query_text(&format!(
            "SELECT EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() AND EVENT_NAME = '{}' AND STATUS = 'ENABLED'",
            job.name
        ))?;
        let on = on.first().and_then(|r| r.first()).is_some_and(|v| v.eq_ignore_ascii_case("on") || v == "1");
        Ok(Some(match (body.first(), on) {
            (None, _) => Err(format!("no enabled event `{}`", job.name)),
            (Some(r), _) if r[0].trim() != call => {
                Err(format!("event `{}` runs `{}`, not `{call}`: another job has this name", job.name, r[0].trim()))
            }
            (Some(_), true) => Ok(()),
            (Some(_), false) => {
                Err("event_scheduler is OFF: events never run (SET GLOBAL event_scheduler = ON)".into())
            }
        }))
    }
    fn table_exists(&mut self, name: &str) -> Result<bool, RunError> {
        Ok(self
            .query_i64(&format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{name}'"
            ))?
            .unwrap_or(0)
            > 0)
    }
    fn begin_setup(&mut self) -> Result<(), RunError> {
        // DDL commits implicitly here, so setups take turns on a named lock instead; every
        // statement is idempotent and procedures and events are replaced in place.
        match self.query_i64("SELECT GET_LOCK('policyc_setup', 600)")? {
            Some(1) => Ok(()),
            _ => Err(RunError("another setup held `policyc_setup` for 10 minutes".into())),
        }
    }
    fn end_setup(&mut self, _: bool) -> Result<(), RunError> {
        self.exec("DO RELEASE_LOCK('policyc_setup')")
    }
}
