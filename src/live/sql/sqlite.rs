//! SQLite: the runner is the scheduler; it loops the batch statement, each batch its own
//! transaction, with the cut-off captured once per run.

use super::{Db, RunError};
use crate::backend::sql::AUDIT_TABLE;
use crate::backend::sql::{DialectKind, Job, Plan};
use rusqlite::named_params;
use std::fs::{File, OpenOptions};
use std::path::PathBuf;

/// A SQLite database (secure_delete on, so purged bytes are overwritten).
pub struct Lite(rusqlite::Connection, Option<PathBuf>);

impl Lite {
    /// Opens (creating) the file at `path`.
    pub fn open(path: &str) -> Result<Self, RunError> {
        let c = rusqlite::Connection::open(path).map_err(RunError::from)?;
        c.pragma_update(None, "secure_delete", "ON").map_err(RunError::from)?;
        // Writers take turns; a purge batch on a loaded machine can hold the write lock for
        // seconds, and a concurrent run should wait for it rather than fail.
        c.busy_timeout(std::time::Duration::from_secs(60)).map_err(RunError::from)?;
        let file = (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(format!("{path}.policyc-runs.lock")));
        Ok(Lite(c, file))
    }

    /// Makes runs on this database take turns: SQLite has no advisory locks, so an OS lock
    /// on a file beside it, which goes with the process. `None` for an in-memory database,
    /// which no other process sees.
    fn run_lock(&self) -> Result<Option<File>, RunError> {
        let Some(path) = &self.1 else { return Ok(None) };
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| RunError(format!("cannot open the run lock {}: {e}", path.display())))?;
        f.lock().map_err(|e| RunError(format!("cannot lock {}: {e}", path.display())))?;
        Ok(Some(f))
    }
}

fn text(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Null => String::new(),
        V::Integer(i) => i.to_string(),
        V::Real(f) => f.to_string(),
        V::Text(t) | V::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

impl Db for Lite {
    fn dialect(&self) -> DialectKind {
        DialectKind::Sqlite
    }
    fn exec(&mut self, sql: &str) -> Result<(), RunError> {
        self.0.execute_batch(sql).map_err(RunError::from)
    }
    fn exec_count(&mut self, sql: &str) -> Result<u64, RunError> {
        self.0.execute(sql, []).map(|n| n as u64).map_err(RunError::from)
    }
    fn query_i64(&mut self, sql: &str) -> Result<Option<i64>, RunError> {
        self.0.query_row(sql, [], |r| r.get::<_, Option<i64>>(0)).map_err(RunError::from)
    }
    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, RunError> {
        let mut st = self.0.prepare(sql).map_err(RunError::from)?;
        let n = st.column_count();
        let rows = st
            .query_map([], |r| (0..n).map(|i| r.get_ref(i).map(text)).collect::<Result<Vec<_>, _>>())
            .map_err(RunError::from)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(RunError::from)
    }
    fn run_job(&mut self, plan: &Plan, job: &Job, batch: u32, on_batch: &mut dyn FnMut(u64)) -> Result<u64, RunError> {
        let _turn = self.run_lock()?;
        // Holding the lock, a row of this job still `running` is a run that died.
        self.0
            .execute(
                &format!(
                    "UPDATE {AUDIT_TABLE} SET outcome = 'interrupted', finished_at = datetime('now') WHERE job = :job AND outcome = 'running'"
                ),
                named_params! {":job": job.name},
            )
            .map_err(RunError::from)?;
        let (now, epoch): (String, i64) = self
            .0
            .query_row("SELECT datetime('now'), unixepoch('now')", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(RunError::from)?;
        let cutoff = crate::semantics::format_instant(plan.cutoff(job, epoch)).replace('T', " ").replace('Z', "");
        self.0
            .execute(
                &plan.audit_start(),
                named_params! {":policy": plan.policy, ":job": job.name, ":category": job.category, ":table": job.table_text, ":cutoff": cutoff},
            )
            .map_err(RunError::from)?;
        let id = self.0.last_insert_rowid();
        let del = plan.batch_delete(job, batch);
        let upd = plan.audit_update();
        let mut total: u64 = 0;
        let mut batches = || -> Result<(), RunError> {
            loop {
                // One short transaction per batch; the audit progress commits with it.
                let tx = self.0.transaction().map_err(RunError::from)?;
                let n = tx.execute(&del, named_params! {":now": now}).map_err(RunError::from)?;
                total += n as u64;
                tx.execute(&upd, named_params! {":id": id, ":rows": total as i64, ":outcome": "running"})
                    .map_err(RunError::from)?;
                tx.commit().map_err(RunError::from)?;
                on_batch(n as u64);
                if (n as u64) < u64::from(batch) {
                    return Ok(());
                }
            }
        };
        if let Err(e) = batches() {
            // The failed batch rolled back; the run is over and says so.
            let _ = self.0.execute(&upd, named_params! {":id": id, ":rows": total as i64, ":outcome": "failed"});
            let _ = self.0.execute(
                &format!("UPDATE {AUDIT_TABLE} SET detail = :detail WHERE id = :id"),
                named_params! {":id": id, ":detail": e.0},
            );
            return Err(e);
        }
        self.0
            .execute(&upd, named_params! {":id": id, ":rows": total as i64, ":outcome": "ok"})
            .map_err(RunError::from)?;
        Ok(total)
    }
    fn foreign_keys(&mut self, jobs: &[&Job]) -> Result<Vec<(String, String, String)>, RunError> {
        let tables: Vec<String> = self
            .query_text("SELECT name FROM sqlite_master WHERE type = 'table'")?
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        let _ = jobs;
        let mut out = Vec::new();
        for t in tables {
            let rows = self.query_text(&format!(
                "SELECT \"table\", lower(on_delete) FROM pragma_foreign_key_list('{}')",
                t.replace('\'', "''")
            ))?;
            out.extend(rows.into_iter().map(|r| (t.clone(), r[0].clone(), r[1].clone())));
        }
        Ok(out)
    }
    fn columns(&mut self, job: &Job) -> Result<Vec<(String, String)>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT name, lower(type) FROM pragma_table_info('{}', '{}')",
            job.table_name,
            job.schema.as_deref().unwrap_or("main")
        ))?;
        Ok(rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect())
    }
    fn indexes(&mut self, job: &Job) -> Result<Vec<String>, RunError> {
        let rows = self.query_text(&format!(
            "SELECT name FROM \"{}\".sqlite_master WHERE type = 'index' AND tbl_name = '{}'",
            job.schema.as_deref().unwrap_or("main"),
            job.table_name
        ))?;
        Ok(rows.into_iter().map(|r| r[0].clone()).collect())
    }
    fn schedule_status(&mut self, _: &Job, _: &str) -> Result<Option<Result<(), String>>, RunError> {
        Ok(None)
    }
    fn table_exists(&mut self, name: &str) -> Result<bool, RunError> {
        Ok(self
            .query_i64(&format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{name}'"))?
            .unwrap_or(0)
            > 0)
    }
    fn begin_setup(&mut self) -> Result<(), RunError> {
        // Takes the write lock at once: concurrent setups wait (busy timeout), and the whole
        // setup commits or not at all.
        self.exec("BEGIN IMMEDIATE")
    }
    fn end_setup(&mut self, ok: bool) -> Result<(), RunError> {
        self.exec(if ok { "COMMIT" } else { "ROLLBACK" })
    }
}
