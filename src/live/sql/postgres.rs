//! PostgreSQL: jobs run as their procedure (`CALL`), which commits each batch.

use super::{Db, RunError};
use crate::backend::sql::{DialectKind, Job, Plan};
use crate::live::conn::{self, ConnectOptions, TlsMode, UrlParts};
use postgres::config::SslMode;
use std::path::{Path, PathBuf};

/// A PostgreSQL connection.
pub struct Pg(postgres::Client);

impl Pg {
    /// Connects with libpq's conventions: `sslmode` and `sslrootcert` in the URL (overridden by
    /// `opts`), default `prefer`; without a password in the URL, `PGPASSWORD`, then the
    /// password file (`PGPASSFILE` or `~/.pgpass`). `opts.password` overrides them all.
    pub fn connect(url: &str, opts: &ConnectOptions) -> Result<Self, RunError> {
        let mut u = UrlParts::parse(url);
        let url_mode = u.take(&["sslmode"]);
        let url_ca = u.take(&["sslrootcert"]);
        let ca = opts.ca_file.clone().or(url_ca.map(PathBuf::from));
        let mode = match (opts.tls_mode, url_mode) {
            (Some(m), _) => m,
            (None, Some(m)) => TlsMode::parse(&m)?,
            // A CA given is a CA to verify against.
            (None, None) if ca.is_some() => TlsMode::VerifyFull,
            (None, None) => TlsMode::Prefer,
        };
        let mut cfg: postgres::Config = u
            .render()
            .parse()
            .map_err(|e| RunError(format!("invalid PostgreSQL URL `{}`: {e}", conn::redact_url(url))))?;
        if cfg.get_connect_timeout().is_none() {
            cfg.connect_timeout(conn::CONNECT_TIMEOUT);
        }
        if let Some(p) = &opts.password {
            cfg.password(p);
        } else if cfg.get_password().is_none()
            && let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()).or_else(|| pgpass(&cfg))
        {
            cfg.password(p);
        }
        let res = if mode == TlsMode::Disable {
            cfg.ssl_mode(SslMode::Disable).connect(postgres::NoTls)
        } else {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(conn::rustls_config(mode, ca.as_deref())?);
            cfg.ssl_mode(if mode == TlsMode::Prefer { SslMode::Prefer } else { SslMode::Require }).connect(tls)
        };
        res.map(Pg).map_err(|e| conn::explain(pg_err(e)))
    }
}

/// The password `~/.pgpass` (or `PGPASSFILE`) gives for the connection, as libpq reads it:
/// `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped; a file
/// others can read is ignored.
fn pgpass(cfg: &postgres::Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(&path).ok()?.permissions().mode() & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = cfg.get_user().unwrap_or_default().to_string();
    let db = cfg.get_dbname().map_or_else(|| user.clone(), str::to_string);
    let want = [host, port, db, user];
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            return None;
        }
        let hit = fields.iter().zip(&want).all(|(f, w)| f == "*" || f == w);
        hit.then(|| fields[4].clone())
    })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.last_mut().into_iter().for_each(|f| f.extend(chars.next())),
            ':' if out.len() < 5 => out.push(String::new()),
            c => out.last_mut().into_iter().for_each(|f| f.push(c)),
        }
    }
    out
}

fn schema_of(job: &Job) -> String {
    job.schema.as_deref().map_or_else(|| "current_schema()".into(), |s| format!("'{s}'"))
}

impl Db for Pg {
    fn dialect(&self) -> DialectKind {
        DialectKind::Postgres
    }
    fn exec(&mut self, sql: &str) -> Result<(), RunError> {
        self.0.batch_execute(sql).map_err(pg_err)
    }
    fn exec_count(&mut self, sql: &str) -> Result<u64, RunError> {
        self.0.execute(sql, &[]).map_err(pg_err)
    }
    fn query_i64(&mut self, sql: &str) -> Result<Option<i64>, RunError> {
        let rows = self.0.query(sql, &[]).map_err(pg_err)?;
        Ok(rows.first().and_then(|r| r.try_get::<_, Option<i64>>(0).ok().flatten()))
    }
    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, RunError> {
        let rows = self.0.simple_query(sql).map_err(pg_err)?;
        Ok(rows
            .iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => {
                    Some((0..r.len()).map(|i| r.get(i).unwrap_or("").to_string()).collect())
                }
                _ => None,
            })
            .collect())
    }
    fn run_job(&mut self, plan: &Plan, job: &Job, batch: u32, on_batch: &mut dyn FnMut(u64)) -> Result<u64, RunError> {
        let call = plan.call(job, batch).ok_or_else(|| RunError("no procedure".into()))?;
        // The procedure returns its own audit row: other runs may have written later ones.
        let rows = match self.query_text(&call) {
            Ok(r) => r,
            Err(e) => {
                // A failed run leaves the job's lock held by this session (PL/pgSQL cannot catch
                // errors around COMMITs), so the run's row is closed here; if the run died
                // before taking the lock and it is free, any row still running is dead too.
                // Then the lock goes: this session holds no other.
                if self
                    .query_text(&format!("SELECT pg_try_advisory_lock(hashtext('{}'))", job.name))
                    .is_ok_and(|r| r.first().is_some_and(|r| r[0] == "t"))
                {
                    let _ = self.0.execute(
                        "UPDATE policyc_retention_audit SET outcome = 'failed', finished_at = clock_timestamp(), detail = $2 WHERE job = $1 AND outcome = 'running'",
                        &[&job.name, &e.0],
                    );
                }
                let _ = self.exec("SELECT pg_advisory_unlock_all()");
                return Err(e);
            }
        };
        let id: i64 = rows
            .first()
            .and_then(|r| r.first())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| RunError(format!("`{call}` returned no audit row")))?;
        let n =
            self.query_i64(&format!("SELECT rows_deleted FROM policyc_retention_audit WHERE id = {id}"))?.unwrap_or(0);
        let n = u64::try_from(n).unwrap_or(0);
        on_batch(n);
        Ok(n)
    }
    fn foreign_keys(&mut self, _: &[&Job]) -> Result<Vec<(String, String, String)>, RunError> {
        let rows = self.query_text(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, \
             CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' \
             WHEN 'r' THEN 'restrict' ELSE 'no action' END FROM pg_constraint c WHERE c.contype = 'f'",
        )?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let strip = |s: &str| s.rsplit('.').next().unwrap_or(s).trim_matches('"').to_string();
                (strip(&r[0]), strip(&r[1]), r[2].clone())
            })
            .collect())
    }
    fn columns(&mut self, job: &Job) -> Result<Vec<(String, String)>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = {} AND table_name = '{}'",
            schema_of(job),
            job.table_name
        ))?;
        Ok(rows.into_iter().map(|r| (r[0].clone(), r[1].to_lowercase())).collect())
    }
    fn indexes(&mut self, job: &Job) -> Result<Vec<String>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT indexname FROM pg_indexes WHERE schemaname = {} AND tablename = '{}'",
            schema_of(job),
            job.table_name
        ))?;
        Ok(rows.into_iter().map(|r| r[0].clone()).collect())
    }
    fn schedule_status(&mut self, job: &Job, call: &str) -> Result<Option<Result<(), String>>, RunError> {
        let has_cron = self.query_i64("SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'")?.unwrap_or(0);
        if has_cron == 0 {
            return Ok(Some(Err("the pg_cron extension is not installed in this database".into())));
        }
        let cmds =
            self.query_text(&format!("SELECT command FROM cron.job WHERE jobname = '{}' AND active", job.name))?;
        Ok(Some(match cmds.first() {
            None => Err(format!("no active pg_cron job `{}`", job.name)),
            Some(r) if r[0].trim() != call => Err(format!(
                "pg_cron job `{}` runs `{}`, not `{call}`: another job has this name",
                job.name,
                r[0].trim()
            )),
            Some(_) => Ok(()),
        }))
    }
    fn table_exists(&mut self, name: &str) -> Result<bool, RunError> {
        Ok(self
            .query_i64(&format!(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{name}'"
            ))?
            .unwrap_or(0)
            > 0)
    }
    fn begin_setup(&mut self) -> Result<(), RunError> {
        // DDL is transactional: all of the setup or none; the transaction-scoped lock makes
        // concurrent setups take turns (catalogue rows are not safe to create concurrently).
        self.exec("BEGIN")?;
        self.exec("SELECT pg_advisory_xact_lock(hashtext('policyc_setup'))")
    }
    fn end_setup(&mut self, ok: bool) -> Result<(), RunError> {
        self.exec(if ok { "COMMIT" } else { "ROLLBACK" })
    }
}

/// The server's message, not just "db error".
fn pg_err(e: postgres::Error) -> RunError {
    match e.as_db_error() {
        Some(d) => RunError(format!("{}: {}", d.code().code(), d.message())),
        None => RunError(conn::with_causes(&e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pgpass_fields_unescape() {
        assert_eq!(super::split_pgpass(r"h:5432:db:u:p\:a\\b:c"), ["h", "5432", "db", "u", r"p:a\b:c"]);
        assert_eq!(super::split_pgpass("*:*:*:u:pw").len(), 5);
    }
}
