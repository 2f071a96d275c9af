//! Every difference between the SQL dialects, in one place. The shared generator in
//! [`super`] asks a [`Dialect`] for each piece of syntax and never tests which dialect it has.

use crate::model::{Duration, Unit};

/// The SQL engines served by the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum DialectKind {
    /// PostgreSQL (procedures, pg_cron).
    Postgres,
    /// MySQL / MariaDB (stored procedures, events).
    Mysql,
    /// SQLite (statements looped by the runner).
    Sqlite,
}

impl DialectKind {
    /// All dialects, in output order.
    pub const ALL: [DialectKind; 3] = [DialectKind::Postgres, DialectKind::Mysql, DialectKind::Sqlite];

    /// The dialect's name as used by `--sql` and the output file name.
    pub fn name(self) -> &'static str {
        match self {
            DialectKind::Postgres => "postgres",
            DialectKind::Mysql => "mysql",
            DialectKind::Sqlite => "sqlite",
        }
    }

    /// The dialect named `name` (`postgres`, `mysql`, `sqlite`).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The dialect's syntax.
    pub fn syntax(self) -> &'static dyn Dialect {
        match self {
            DialectKind::Postgres => &Postgres,
            DialectKind::Mysql => &Mysql,
            DialectKind::Sqlite => &Sqlite,
        }
    }
}

/// Syntax of one dialect. Expressions take already-quoted SQL fragments.
pub trait Dialect: Sync {
    /// Which dialect.
    fn kind(&self) -> DialectKind;
    /// A quoted identifier (the checker guarantees `[A-Za-z_][A-Za-z0-9_]*`).
    fn quote(&self, ident: &str) -> String;
    /// `instant + amount unit` for a calendar duration (months, years): clamps to month end.
    /// The result is an instant of the same kind as [`Dialect::now_var`], whatever the session
    /// time zone.
    fn add_months(&self, instant: &str, months: u64) -> String;
    /// A time column's value as the instant the comparisons below take: the same in every
    /// session and for every storage form the dialect supports, NULL when unusable.
    fn instant(&self, column: &str) -> String {
        column.to_string()
    }
    /// `instant <= bound` (an [`Dialect::instant`] and an expression over now), exact and
    /// independent of session settings; false or NULL for unusable values.
    fn at_or_before(&self, instant: &str, bound: &str) -> String {
        format!("{instant} <= {bound}")
    }
    /// `instant + months <= now`, under the same guarantees as [`Dialect::at_or_before`].
    fn months_expired(&self, instant: &str, months: u64, now: &str) -> String {
        format!("{} <= {now}", self.add_months(instant, months))
    }
    /// A bound on the raw column that every row with `instant <= bound` meets, in any session
    /// and storage form: the index range a job scans.
    fn range_bound(&self, bound: &str) -> String {
        bound.to_string()
    }
    /// True when a non-NULL time column holds no instant the job can use (PostgreSQL
    /// infinities, MariaDB zero dates, SQLite text that is no date): such rows are skipped.
    fn unusable(&self, column: &str) -> String;
    /// A statement pinning the session to UTC before the runner evaluates predicates itself
    /// (MariaDB reads `TIMESTAMP` columns in the session time zone).
    fn pin_session(&self) -> Option<&'static str> {
        None
    }
    /// `instant - seconds` (fixed lengths of time).
    fn sub_seconds(&self, instant: &str, seconds: u64) -> String;
    /// Converts a timestamp expression to seconds since the epoch (UTC).
    fn epoch(&self, instant: &str) -> String;
    /// How the predicate names the row being purged in `table` (an alias or the table itself).
    fn row(&self, table: &str) -> String {
        let _ = table;
        "t".to_string()
    }
    /// The expression of the run's captured "now" inside a purge (variable or parameter).
    fn now_var(&self) -> &'static str;
    /// An expression for the current instant, evaluated by the statement itself (dry runs).
    fn now_expr(&self) -> &'static str;
    /// The least of several non-null expressions.
    fn least(&self, args: &[String]) -> String {
        format!("LEAST({})", args.join(", "))
    }
    /// A string literal.
    fn literal(&self, s: &str) -> String {
        crate::escape::sql_literal(s, self.kind())
    }
    /// The text form of a key value, to compare with the hold table's `row_key`.
    fn key_text(&self, expr: &str) -> String;
    /// DDL column types of the audit and hold tables: (id column definition, timestamp type,
    /// short text type, long text type).
    fn types(&self) -> (&'static str, &'static str, &'static str, &'static str);
    /// Column type of the hold table's `table_name` and `row_key`: text compared as exact
    /// bytes (no case folding, no trailing-space padding).
    fn exact_text(&self) -> &'static str {
        self.types().2
    }
    /// `ALTER TABLE … ADD COLUMN IF NOT EXISTS …` where the engine has it (`None`: the runner
    /// adds the column after looking).
    fn add_column_if_missing(&self, table: &str, column: &str, ty: &str) -> Option<String> {
        Some(format!("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {column} {ty}", self.quote(table)))
    }
    /// Statements giving an existing hold table exact matching (empty when its columns already
    /// compare exactly).
    fn exact_hold_columns(&self, table: &str) -> Vec<String> {
        let _ = table;
        Vec::new()
    }
    /// Records (or replaces) what setup installed under `object`.
    fn record_installed(&self, object: &str, policy: &str, hash: &str) -> String {
        format!(
            "INSERT INTO {} (object, policy, hash, installed_at) VALUES ({}, {}, {}, {}) ON CONFLICT (object) DO UPDATE SET policy = excluded.policy, hash = excluded.hash, installed_at = excluded.installed_at",
            self.quote(super::INSTALLED_TABLE),
            self.literal(object),
            self.literal(policy),
            self.literal(hash),
            self.now_expr()
        )
    }
    /// `CREATE INDEX IF NOT EXISTS name ON table (columns)`; `table` is quoted and qualified,
    /// `schema` and `table_name` are its unquoted parts.
    fn create_index(&self, name: &str, schema: Option<&str>, table: &str, table_name: &str, columns: &str) -> String {
        let _ = (schema, table_name);
        format!("CREATE INDEX IF NOT EXISTS {} ON {table} ({columns})", self.quote(name))
    }
    /// Statements defining the purge procedure of a job (empty if the runner loops instead).
    fn procedure(&self, job: &ProcJob<'_>) -> Vec<String>;
    /// How the runner calls the procedure with a batch size (`None`: runner loops `delete`).
    fn call(&self, proc_name: &str, batch: &str) -> Option<String>;
    /// One batch: delete at most `batch` rows of `table` matching `pred` (rows keyed by `order`).
    fn batch_delete(&self, table: &str, pred: &str, order: &str, batch: &str) -> String;
    /// Statements installing the schedule of a job (replacing an earlier one), or why the cron
    /// line cannot be installed.
    fn schedule(&self, job_name: &str, cron: &str, call: &str) -> Result<Vec<String>, String>;
    /// Why the installed schedule differs from the cron line, if it must.
    fn schedule_note(&self, cron: &str) -> Option<String> {
        let _ = cron;
        None
    }
}

/// What a procedure needs to know.
pub struct ProcJob<'a> {
    /// Policy identifier (literal in the audit).
    pub policy: &'a str,
    /// Procedure name (unquoted); also names the job's run lock.
    pub name: &'a str,
    /// Category name (literal in the audit).
    pub category: &'a str,
    /// Quoted table.
    pub table: &'a str,
    /// Table as text for the audit.
    pub table_text: &'a str,
    /// Quoted audit table.
    pub audit: &'a str,
    /// The expiry predicate, using [`Dialect::now_var`].
    pub pred: &'a str,
    /// Quoted column to order batches by.
    pub order: &'a str,
    /// Bound on `order` of every expired row, when that one column decides expiry.
    pub range_cut: Option<&'a str>,
    /// Schema, if qualified (unquoted).
    pub schema: Option<&'a str>,
    /// Table name (unquoted).
    pub table_name: &'a str,
    /// Key column (unquoted).
    pub key: &'a str,
}

/// Seconds of a fixed duration, or calendar months.
pub fn split(d: Duration) -> Result<u64, u64> {
    let n = u64::from(d.amount);
    match d.unit {
        Unit::Hours => Ok(n * 3_600),
        Unit::Days => Ok(n * 86_400),
        Unit::Weeks => Ok(n * 604_800),
        Unit::Months => Err(n),
        Unit::Years => Err(n * 12),
    }
}

/// PostgreSQL: columns are `timestamptz`, or `timestamp` holding UTC; every comparison goes
/// through epochs or the UTC wall clock, so the session time zone never matters.
pub struct Postgres;

/// The UTC wall clock (`timestamp`) of a `timestamptz` or a UTC `timestamp`, in any session;
/// NULL for infinities. Built from the exact epoch in microseconds, because `AT TIME ZONE`
/// turns the two column types into each other rather than into one.
fn pg_utc_wall(x: &str) -> String {
    format!(
        "CASE WHEN isfinite({x}) THEN timestamp 'epoch' + CAST(extract(epoch FROM {x}) * 1000000 AS bigint) * interval '1 microsecond' END"
    )
}
/// MariaDB / MySQL: columns are `DATETIME` holding UTC (or `TIMESTAMP` read with the session
/// time zone forced to UTC by the procedure).
pub struct Mysql;
/// SQLite: columns hold integer epoch seconds or text in a form SQLite's date functions read
/// (`YYYY-MM-DD HH:MM:SS`, RFC 3339 with `Z` or an offset, fractional seconds).
pub struct Sqlite;

impl Dialect for Postgres {
    fn kind(&self) -> DialectKind {
        DialectKind::Postgres
    }
    fn quote(&self, ident: &str) -> String {
        crate::escape::sql_ident(ident, self.kind())
    }
    fn add_months(&self, instant: &str, months: u64) -> String {
        // The UTC wall clock plus N months, read back as UTC: a timestamptz in every session.
        format!("({} + interval '{months} months') AT TIME ZONE 'UTC'", pg_utc_wall(instant))
    }
    fn sub_seconds(&self, instant: &str, seconds: u64) -> String {
        format!("{instant} - interval '{seconds} seconds'")
    }
    fn epoch(&self, instant: &str) -> String {
        format!("CAST(floor(extract(epoch FROM CASE WHEN isfinite({instant}) THEN {instant} END)) AS bigint)")
    }
    fn at_or_before(&self, instant: &str, bound: &str) -> String {
        // Epochs: a timestamptz's is its instant, a timestamp's reads it as UTC; comparing the
        // values themselves would convert a timestamp in the session's time zone. That is at
        // most a day off, so rows older than a day before the bound skip the costlier test.
        format!(
            "isfinite({instant}) AND ({instant} <= {bound} - interval '86400 seconds' OR extract(epoch FROM {instant}) <= extract(epoch FROM {bound}))"
        )
    }
    fn months_expired(&self, instant: &str, months: u64, now: &str) -> String {
        // As above: rows older than the longest N months plus a day are due in any session.
        let sure = (super::max_span_days(months) + 1) * 86_400;
        format!(
            "isfinite({instant}) AND ({instant} <= {now} - interval '{sure} seconds' OR {} <= {now})",
            self.add_months(instant, months)
        )
    }
    fn range_bound(&self, bound: &str) -> String {
        // A timestamp column is compared in the session's time zone, at most a day off UTC.
        // Seconds, not '1 day': a day of a timestamptz follows the session's DST.
        format!("{bound} + interval '86400 seconds'")
    }
    fn unusable(&self, column: &str) -> String {
        format!("NOT isfinite({column})")
    }
    fn now_var(&self) -> &'static str {
        "v_now"
    }
    fn now_expr(&self) -> &'static str {
        "clock_timestamp()"
    }
    fn key_text(&self, expr: &str) -> String {
        format!("CAST({expr} AS text)")
    }
    fn add_column_if_missing(&self, table: &str, column: &str, ty: &str) -> Option<String> {
        // `ADD COLUMN IF NOT EXISTS` takes an exclusive lock even when the column exists,
        // which running purges (writing their audit rows) would then wait on, or deadlock
        // with: look first.
        Some(format!(
            "DO $policyc$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
      AND table_name = {tl} AND column_name = {cl}) THEN
    ALTER TABLE {t} ADD COLUMN {column} {ty};
  END IF;
END $policyc$",
            tl = self.literal(table),
            cl = self.literal(column),
            t = self.quote(table),
        ))
    }
    fn types(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        ("bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "timestamptz", "varchar(255)", "text")
    }
    fn procedure(&self, j: &ProcJob<'_>) -> Vec<String> {
        let name = self.quote(j.name);
        let (table, order, pred) = (j.table, j.order, j.pred);
        // Each batch: its own transaction, timed for the audit's `detail`. Batches commit
        // asynchronously (a batch lost in a crash is redone by the next run); the final audit
        // commit is synchronous and so makes every earlier one durable.
        let body = match j.range_cut {
            // Walk the order column's index in slices [v_lo, v_lo + v_step) sized from the last
            // slice to hold about p_batch rows: one index pass in all, no re-scan of rows that
            // earlier batches deleted.
            Some(cut) => format!(
                "  v_cut := {cut};
  SELECT min(t.{order}) INTO v_lo FROM {table} AS t WHERE t.{order} <= v_cut AND isfinite(t.{order});
  IF v_lo IS NOT NULL THEN
    SELECT t.{order} INTO v_hi FROM {table} AS t WHERE t.{order} >= v_lo AND t.{order} <= v_cut
      ORDER BY t.{order} OFFSET p_batch LIMIT 1;
    v_step := greatest(1, ceil(extract(epoch FROM coalesce(v_hi, v_cut) - v_lo) * 1000000) + 1);
    LOOP
      v_hi := v_lo + v_step * interval '1 microsecond';
      v_t := clock_timestamp();
      PERFORM set_config('synchronous_commit', 'off', true);
      DELETE FROM {table} AS t WHERE t.{order} >= v_lo AND t.{order} < v_hi AND {pred};
      GET DIAGNOSTICS v_n = ROW_COUNT;
      v_longest := greatest(v_longest, clock_timestamp() - v_t);
      IF v_n > 2 * p_batch AND v_step > 1 THEN
        -- Denser than the slice was sized for: undo and retry narrower, so no committed
        -- transaction holds more than twice the batch (rows sharing one instant excepted).
        ROLLBACK;
        v_step := greatest(1, v_step / 4);
        CONTINUE;
      END IF;
      v_total := v_total + v_n;
      v_batches := v_batches + 1;
      UPDATE {audit} SET rows_deleted = v_total WHERE id = v_audit;
      COMMIT;
      EXIT WHEN v_hi > v_cut;
      v_lo := v_hi;
      -- Empty slices double, so gaps in the data cost few steps.
      v_step := greatest(1, (v_step * CASE WHEN v_n = 0 THEN 2.0
        ELSE least(2.0, greatest(0.5, p_batch::numeric / v_n)) END)::bigint);
    END LOOP;
  END IF;
",
                audit = j.audit,
            ),
            None => format!(
                "  LOOP
    v_t := clock_timestamp();
    PERFORM set_config('synchronous_commit', 'off', true);
    DELETE FROM {table} WHERE ctid = ANY (ARRAY(
      SELECT t.ctid FROM {table} AS t WHERE {pred} ORDER BY t.{order} LIMIT p_batch));
    GET DIAGNOSTICS v_n = ROW_COUNT;
    v_total := v_total + v_n;
    v_batches := v_batches + 1;
    UPDATE {audit} SET rows_deleted = v_total WHERE id = v_audit;
    v_longest := greatest(v_longest, clock_timestamp() - v_t);
    COMMIT;
    EXIT WHEN v_n < p_batch;
  END LOOP;
",
                audit = j.audit,
            ),
        };
        // The cut-off is captured once: now() would move after each COMMIT. A procedure with a
        // SET clause may not COMMIT, hence no `SET TimeZone` (the arithmetic is UTC-explicit).
        // Runs of one job take turns on a session advisory lock, which outlives the batches'
        // commits and goes with the session if the run dies; holding it, any audit row still
        // `running` belongs to a run that died. `p_audit` returns this run's audit row.
        vec![format!(
            "CREATE OR REPLACE PROCEDURE {name}(p_batch integer DEFAULT {batch}, INOUT p_audit bigint DEFAULT NULL)
LANGUAGE plpgsql
AS $policyc$
DECLARE
  v_now timestamptz;
  v_cut timestamptz;
  v_lo timestamptz;
  v_hi timestamptz;
  v_step bigint;
  v_t timestamptz;
  v_longest interval := interval '0';
  v_batches integer := 0;
  v_audit bigint;
  v_n bigint;
  v_total bigint := 0;
BEGIN
  PERFORM pg_advisory_lock(hashtext({jl}));
  UPDATE {audit} SET outcome = 'interrupted', finished_at = clock_timestamp()
    WHERE job = {jl} AND outcome = 'running';
  v_now := clock_timestamp();
  INSERT INTO {audit} (policy, job, category, table_name, cutoff, rows_deleted, started_at, outcome)
    VALUES ({pl}, {jl}, {cl}, {tl}, v_now, 0, v_now, 'running') RETURNING id INTO v_audit;
  p_audit := v_audit;
  COMMIT;
{body}  UPDATE {audit} SET finished_at = clock_timestamp(), outcome = 'ok',
    detail = format('%s batches, longest %s ms', v_batches, round(extract(epoch FROM v_longest) * 1000))
    WHERE id = v_audit;
  COMMIT;
  PERFORM pg_advisory_unlock(hashtext({jl}));
END
$policyc$",
            audit = j.audit,
            pl = self.literal(j.policy),
            jl = self.literal(j.name),
            cl = self.literal(j.category),
            tl = self.literal(j.table_text),
            batch = super::DEFAULT_BATCH,
        )]
    }
    fn call(&self, proc_name: &str, batch: &str) -> Option<String> {
        Some(format!("CALL {}({batch})", self.quote(proc_name)))
    }
    fn batch_delete(&self, table: &str, pred: &str, order: &str, batch: &str) -> String {
        format!(
            "DELETE FROM {table} WHERE ctid = ANY (ARRAY(SELECT t.ctid FROM {table} AS t WHERE {pred} ORDER BY t.{order} LIMIT {batch}))"
        )
    }
    fn schedule(&self, job_name: &str, cron: &str, call: &str) -> Result<Vec<String>, String> {
        crate::schedule::parse(cron).map_err(|e| e.to_string())?;
        let jl = self.literal(job_name);
        Ok(vec![
            format!("SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = {jl}"),
            format!("SELECT cron.schedule({jl}, {}, {})", self.literal(cron), self.literal(call)),
        ])
    }
}

impl Dialect for Mysql {
    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }
    fn quote(&self, ident: &str) -> String {
        crate::escape::sql_ident(ident, self.kind())
    }
    fn add_months(&self, instant: &str, months: u64) -> String {
        format!("DATE_ADD({instant}, INTERVAL {months} MONTH)")
    }
    fn at_or_before(&self, instant: &str, bound: &str) -> String {
        // A zero date compares before every date.
        format!("{instant} <= {bound} AND NOT ({})", self.unusable(instant))
    }
    fn months_expired(&self, instant: &str, months: u64, now: &str) -> String {
        // DATE_ADD of a zero date warns, an error in a strict-mode DELETE: never reach it.
        format!("CASE WHEN {} THEN NULL ELSE {} END <= {now}", self.unusable(instant), self.add_months(instant, months))
    }
    fn unusable(&self, column: &str) -> String {
        format!("(MONTH({column}) = 0 OR DAYOFMONTH({column}) = 0)")
    }
    fn pin_session(&self) -> Option<&'static str> {
        Some("SET time_zone = '+00:00'")
    }
    fn sub_seconds(&self, instant: &str, seconds: u64) -> String {
        format!("{instant} - INTERVAL {seconds} SECOND")
    }
    fn epoch(&self, instant: &str) -> String {
        format!("CAST(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', {instant}) AS SIGNED)")
    }
    fn row(&self, table: &str) -> String {
        // Single-table DELETE … LIMIT allows no alias.
        table.to_string()
    }
    fn now_var(&self) -> &'static str {
        "v_now"
    }
    fn now_expr(&self) -> &'static str {
        "UTC_TIMESTAMP(6)"
    }
    fn key_text(&self, expr: &str) -> String {
        // Exact bytes, as the hold table's columns compare: no case folding, no padding.
        format!("CONVERT(CAST({expr} AS CHAR) USING utf8mb4) COLLATE utf8mb4_nopad_bin")
    }
    fn exact_text(&self) -> &'static str {
        "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
    }
    fn exact_hold_columns(&self, table: &str) -> Vec<String> {
        let ty = self.exact_text();
        vec![format!("ALTER TABLE {} MODIFY table_name {ty} NOT NULL, MODIFY row_key {ty} NOT NULL", self.quote(table))]
    }
    fn record_installed(&self, object: &str, policy: &str, hash: &str) -> String {
        format!(
            "INSERT INTO {} (object, policy, hash, installed_at) VALUES ({}, {}, {}, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE policy = VALUES(policy), hash = VALUES(hash), installed_at = VALUES(installed_at)",
            self.quote(super::INSTALLED_TABLE),
            self.literal(object),
            self.literal(policy),
            self.literal(hash)
        )
    }
    fn types(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        ("BIGINT AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)", "VARCHAR(255)", "TEXT")
    }
    fn procedure(&self, j: &ProcJob<'_>) -> Vec<String> {
        let name = self.quote(j.name);
        let (table, pred) = (j.table, j.pred);
        let order = format!("{table}.{}", j.order);
        // After each batch's DELETE: count, audit, commit, time it.
        let record = |indent: &str| {
            [
                "SET v_n = ROW_COUNT();",
                "SET v_total = v_total + v_n;",
                "SET v_batches = v_batches + 1;",
                &format!("UPDATE {} SET rows_deleted = v_total WHERE id = v_audit;", j.audit),
                "COMMIT;",
                "SET v_longest = GREATEST(v_longest, TIMESTAMPDIFF(MICROSECOND, v_t, UTC_TIMESTAMP(6)));",
            ]
            .iter()
            .map(|l| format!("{indent}{l}\n"))
            .collect::<String>()
        };
        // Single-table DELETE … ORDER BY … LIMIT: MariaDB rejects LIMIT inside IN (subquery).
        let body = match j.range_cut {
            // Slices of the order column's index, as in PostgreSQL; LIMIT caps a slice that
            // turns out denser than sized, whose earliest rows then go and the rest is retried
            // narrower. Walking on from the last slice never re-reads rows InnoDB has only
            // delete-marked so far. When the slice's keys form a dense range of an indexed
            // integer key (ids growing with time, as inserts make them), the slice is deleted
            // along the clustered index: one B-tree descent per row fewer than through the
            // time index. Rows in that key range outside the slice go only if expired too.
            Some(cut) => format!(
                "  SET v_cut = {cut};
  SELECT COUNT(*) INTO v_keyed FROM information_schema.STATISTICS AS s
    JOIN information_schema.COLUMNS AS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA
      AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
    WHERE s.TABLE_SCHEMA = {schema} AND s.TABLE_NAME = {tn} AND s.COLUMN_NAME = {kn}
      AND s.SEQ_IN_INDEX = 1 AND c.DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint');
  SELECT MIN({order}) INTO v_lo FROM {table} WHERE {order} <= v_cut AND NOT {zero};
  IF v_lo IS NOT NULL THEN
    SET v_hi = (SELECT {order} FROM {table} WHERE {order} >= v_lo AND {order} <= v_cut
      ORDER BY {order} LIMIT 1 OFFSET p_batch);
    SET v_step = GREATEST(1, TIMESTAMPDIFF(MICROSECOND, v_lo, COALESCE(v_hi, v_cut)) + 1);
    slices: LOOP
      SET v_hi = v_lo + INTERVAL v_step MICROSECOND;
      SET v_count = 0;
      IF v_keyed > 0 THEN
        SELECT MIN({key}), MAX({key}), COUNT(*) INTO v_kmin, v_kmax, v_count FROM {table}
          WHERE {order} >= v_lo AND {order} < v_hi AND {order} <= v_cut;
      END IF;
      SET v_t = UTC_TIMESTAMP(6);
      START TRANSACTION;
      IF v_count > 0 AND v_kmax - v_kmin < 2 * v_count THEN
        DELETE FROM {table} WHERE {key} >= v_kmin AND {key} <= v_kmax AND {pred} ORDER BY {key} LIMIT v_cap;
      ELSE
        DELETE FROM {table} WHERE {order} >= v_lo AND {order} < v_hi AND {pred} ORDER BY {order} LIMIT v_cap;
      END IF;
{record}      IF v_n >= v_cap THEN
        SET v_step = GREATEST(1, v_step DIV 4);
      ELSE
        IF v_hi > v_cut THEN
          LEAVE slices;
        END IF;
        SET v_lo = v_hi;
        -- Empty slices double, so gaps in the data cost few steps.
        SET v_step = GREATEST(1, CAST(v_step * IF(v_n = 0, 2.0, LEAST(2.0, GREATEST(0.5, p_batch / v_n))) AS SIGNED));
      END IF;
    END LOOP;
  END IF;
",
                record = record("      "),
                zero = self.unusable(&order),
                key = format!("{table}.{}", self.quote(j.key)),
                schema = j.schema.map_or_else(|| "DATABASE()".to_string(), |s| self.literal(s)),
                tn = self.literal(j.table_name),
                kn = self.literal(j.key),
            ),
            None => format!(
                "  REPEAT
    SET v_t = UTC_TIMESTAMP(6);
    START TRANSACTION;
    DELETE FROM {table} WHERE {pred} ORDER BY {order} LIMIT p_batch;
{record}  UNTIL v_n < p_batch END REPEAT;
",
                record = record("    "),
            ),
        };
        // CREATE OR REPLACE: the procedure never stops existing while it is replaced. Runs of a
        // job take turns on GET_LOCK (held across commits, freed with the session); holding
        // it, any audit row still `running` belongs to a run that died. An error undoes the
        // open batch, records the run `failed`, and gives back the lock and the caller's
        // session time zone before it is re-raised. `p_audit` returns this run's audit row.
        vec![format!(
            "CREATE OR REPLACE PROCEDURE {name}(IN p_batch INT, OUT p_audit BIGINT)
BEGIN
  DECLARE v_now DATETIME(6);
  DECLARE v_cut DATETIME(6);
  DECLARE v_lo DATETIME(6);
  DECLARE v_hi DATETIME(6);
  DECLARE v_t DATETIME(6);
  DECLARE v_step BIGINT;
  DECLARE v_cap INT;
  DECLARE v_keyed INT DEFAULT 0;
  DECLARE v_kmin BIGINT;
  DECLARE v_kmax BIGINT;
  DECLARE v_count BIGINT DEFAULT 0;
  DECLARE v_longest BIGINT DEFAULT 0;
  DECLARE v_batches INT DEFAULT 0;
  DECLARE v_audit BIGINT;
  DECLARE v_n BIGINT DEFAULT 0;
  DECLARE v_total BIGINT DEFAULT 0;
  DECLARE v_tz VARCHAR(64) DEFAULT @@session.time_zone;
  DECLARE v_locked INT DEFAULT 0;
  DECLARE v_err TEXT;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    GET DIAGNOSTICS CONDITION 1 v_err = MESSAGE_TEXT;
    ROLLBACK;
    IF v_audit IS NOT NULL THEN
      UPDATE {audit} SET finished_at = UTC_TIMESTAMP(6), outcome = 'failed', detail = v_err WHERE id = v_audit;
      COMMIT;
    END IF;
    SET time_zone = v_tz;
    IF v_locked = 1 THEN
      DO RELEASE_LOCK({jl});
    END IF;
    RESIGNAL;
  END;
  SET v_locked = COALESCE(GET_LOCK({jl}, 86400), 0);
  IF v_locked = 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'another run of this job held its lock for a day';
  END IF;
  SET time_zone = '+00:00';
  UPDATE {audit} SET outcome = 'interrupted', finished_at = UTC_TIMESTAMP(6)
    WHERE job = {jl} AND outcome = 'running';
  COMMIT;
  SET v_now = UTC_TIMESTAMP(6);
  SET v_cap = 2 * p_batch;
  INSERT INTO {audit} (policy, job, category, table_name, cutoff, rows_deleted, started_at, outcome)
    VALUES ({pl}, {jl}, {cl}, {tl}, v_now, 0, v_now, 'running');
  SET v_audit = LAST_INSERT_ID();
  SET p_audit = v_audit;
  COMMIT;
{body}  UPDATE {audit} SET finished_at = UTC_TIMESTAMP(6), outcome = 'ok',
    detail = CONCAT(v_batches, ' batches, longest ', ROUND(v_longest / 1000), ' ms')
    WHERE id = v_audit;
  COMMIT;
  SET time_zone = v_tz;
  DO RELEASE_LOCK({jl});
END",
            audit = j.audit,
            pl = self.literal(j.policy),
            jl = self.literal(j.name),
            cl = self.literal(j.category),
            tl = self.literal(j.table_text),
        )]
    }
    fn call(&self, proc_name: &str, batch: &str) -> Option<String> {
        Some(format!("CALL {}({batch}, @policyc_audit)", self.quote(proc_name)))
    }
    fn batch_delete(&self, table: &str, pred: &str, order: &str, batch: &str) -> String {
        format!("DELETE FROM {table} WHERE {pred} ORDER BY {order} LIMIT {batch}")
    }
    fn schedule_note(&self, cron: &str) -> Option<String> {
        mysql_every(cron).ok()?.2
    }
    fn schedule(&self, job_name: &str, cron: &str, call: &str) -> Result<Vec<String>, String> {
        let (every, starts, _) = mysql_every(cron)?;
        let name = self.quote(job_name);
        Ok(vec![
            // STARTS is read in the session's time zone; cron lines are UTC.
            "SET time_zone = '+00:00'".to_string(),
            format!("CREATE OR REPLACE EVENT {name} ON SCHEDULE EVERY {every} STARTS {starts} DO {call}"),
        ])
    }
}

/// MariaDB events have an interval and a start, not a cron line. A schedule with evenly spaced
/// runs (every N minutes or hours, daily, weekly) maps exactly; a fixed day of the month maps to
/// `EVERY 1 MONTH`; anything else runs at its shortest gap from its first run, at least as often
/// as asked, with a note. Returns (interval, start, note).
/// (interval, start, note) of a MariaDB event schedule.
type EventEvery = (String, String, Option<String>);

fn mysql_every(cron: &str) -> Result<EventEvery, String> {
    use std::collections::BTreeMap;
    use std::sync::{Mutex, OnceLock, PoisonError};
    // The cadence scans years of runs; a policy has few distinct schedules but one per job.
    static CACHE: OnceLock<Mutex<BTreeMap<String, Result<EventEvery, String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap_or_else(PoisonError::into_inner).get(cron) {
        return v.clone();
    }
    let v = mysql_every_uncached(cron);
    cache.lock().unwrap_or_else(PoisonError::into_inner).insert(cron.to_string(), v.clone());
    v
}

fn mysql_every_uncached(cron: &str) -> Result<EventEvery, String> {
    let unit = |g: i64| {
        if g % 1_440 == 0 {
            format!("{} DAY", g / 1_440)
        } else if g % 60 == 0 {
            format!("{} HOUR", g / 60)
        } else {
            format!("{g} MINUTE")
        }
    };
    // The checker has validated the line; one that reaches here invalid is reported, never
    // replaced by some other schedule.
    let c = crate::schedule::parse(cron).map_err(|e| e.to_string())?;
    let cad = c.cadence().ok_or_else(|| "it never runs".to_string())?;
    let starts = format!("'{}'", crate::semantics::format_instant(cad.first).replace('T', " ").replace('Z', ""));
    Ok(if c.monthly_on().is_some() {
        ("1 MONTH".into(), starts, None)
    } else if cad.min_gap == cad.max_gap {
        (unit(cad.min_gap), starts, None)
    } else {
        let every = unit(cad.min_gap);
        let note = format!(
            "MariaDB events cannot express the schedule `{cron}`; its events run every {} from {starts} UTC, at least as often",
            every.to_lowercase()
        );
        (every, starts, Some(note))
    })
}

impl Dialect for Sqlite {
    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }
    fn quote(&self, ident: &str) -> String {
        crate::escape::sql_ident(ident, self.kind())
    }
    fn add_months(&self, instant: &str, months: u64) -> String {
        // SQLite's '+N months' rolls over (Jan 31 + 1 month = Mar 3): move the first of the
        // month instead, then add the clamped day of month and keep the time of day.
        let n1 = months + 1;
        format!(
            "(date({instant}, 'start of month', '+{months} months', printf('+%d days', min(CAST(strftime('%d', {instant}) AS INTEGER), CAST(strftime('%d', {instant}, 'start of month', '+{n1} months', '-1 day') AS INTEGER)) - 1)) || ' ' || time({instant}))"
        )
    }
    fn sub_seconds(&self, instant: &str, seconds: u64) -> String {
        format!("datetime({instant}, '-{seconds} seconds')")
    }
    fn epoch(&self, instant: &str) -> String {
        format!("CASE typeof({instant}) WHEN 'integer' THEN {instant} ELSE unixepoch({instant}) END")
    }
    fn instant(&self, column: &str) -> String {
        // Integer: epoch seconds. Text: any form SQLite's date functions read (space or `T`,
        // `Z` or `±HH:MM`, fractional seconds); a fraction counts as half a second, so a run's
        // whole-second now compares exactly (t <= N iff ceil(t) <= N). Reals, and text that
        // does not start with a date (SQLite would read `2460000.5` as a Julian day and `now`
        // as the current time), are refused: which instant they mean is ambiguous.
        format!(
            "(CASE typeof({column}) WHEN 'integer' THEN {column} WHEN 'text' THEN CASE WHEN {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN unixepoch({column}) + CASE WHEN substr({column}, 20, 1) = '.' AND CAST('0.' || substr({column}, 21) AS REAL) > 0 THEN 0.5 ELSE 0 END END END)"
        )
    }
    fn at_or_before(&self, instant: &str, bound: &str) -> String {
        format!("{instant} <= unixepoch({bound})")
    }
    fn months_expired(&self, instant: &str, months: u64, now: &str) -> String {
        // Calendar months move the whole second; the half-second fraction is added back.
        let whole = format!("datetime({instant}, 'unixepoch')");
        format!(
            "unixepoch({}) + abs({instant} - CAST({instant} AS INTEGER)) <= unixepoch({now})",
            self.add_months(&whole, months)
        )
    }
    fn range_bound(&self, bound: &str) -> String {
        // Text compares as text: offsets up to a day and `T` against a space need two days'
        // margin. Integers sort before all text, so they always pass.
        format!("datetime({bound}, '+2 days')")
    }
    fn unusable(&self, column: &str) -> String {
        format!("({column} IS NOT NULL AND {} IS NULL)", self.instant(column))
    }
    fn now_var(&self) -> &'static str {
        ":now"
    }
    fn now_expr(&self) -> &'static str {
        "datetime('now')"
    }
    fn key_text(&self, expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }
    fn add_column_if_missing(&self, _: &str, _: &str, _: &str) -> Option<String> {
        None
    }
    fn create_index(&self, name: &str, schema: Option<&str>, _: &str, table_name: &str, columns: &str) -> String {
        // SQLite qualifies the index, not the table: `CREATE INDEX s.i ON t`.
        let name = match schema {
            Some(s) => format!("{}.{}", self.quote(s), self.quote(name)),
            None => self.quote(name),
        };
        format!("CREATE INDEX IF NOT EXISTS {name} ON {} ({columns})", self.quote(table_name))
    }
    fn types(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT", "TEXT")
    }
    fn least(&self, args: &[String]) -> String {
        format!("min({})", args.join(", "))
    }
    fn procedure(&self, _: &ProcJob<'_>) -> Vec<String> {
        Vec::new()
    }
    fn call(&self, _: &str, _: &str) -> Option<String> {
        None
    }
    fn batch_delete(&self, table: &str, pred: &str, order: &str, batch: &str) -> String {
        // Stock SQLite has no DELETE … LIMIT.
        format!(
            "DELETE FROM {table} WHERE rowid IN (SELECT t.rowid FROM {table} AS t WHERE {pred} ORDER BY t.{order} LIMIT {batch})"
        )
    }
    fn schedule(&self, _: &str, _: &str, _: &str) -> Result<Vec<String>, String> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::mysql_every;

    #[test]
    fn mariadb_events_follow_the_cron_line() {
        let at = |c: &str| {
            let (every, starts, note) = mysql_every(c).unwrap();
            (every, starts, note.is_some())
        };
        assert_eq!(at("15 3 * * *"), ("1 DAY".into(), "'2000-01-01 03:15:00'".into(), false));
        assert_eq!(at("*/15 * * * *"), ("15 MINUTE".into(), "'2000-01-01 00:00:00'".into(), false));
        assert_eq!(at("30 */6 * * *"), ("6 HOUR".into(), "'2000-01-01 00:30:00'".into(), false));
        // Mondays: 2000-01-03 was the first.
        assert_eq!(at("0 4 * * 1"), ("7 DAY".into(), "'2000-01-03 04:00:00'".into(), false));
        assert_eq!(at("0 2 1 * *"), ("1 MONTH".into(), "'2000-01-01 02:00:00'".into(), false));
        // Weekdays only: daily is the closest event that runs at least as often.
        assert_eq!(at("0 3 * * 1-5"), ("1 DAY".into(), "'2000-01-03 03:00:00'".into(), true));
    }
}
