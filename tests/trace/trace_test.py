"""End-to-end tests of `pgfence trace` (tests/trace/CMakeLists.txt lists the suites).

Every suite drives the real binary against a real PostgreSQL started by pgfence itself;
without server binaries the suites are skipped (exit 77)."""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


class Suite:
    def __init__(self, args):
        self.binary = os.path.abspath(args.binary)
        self.inject_binary = os.path.abspath(args.inject)
        self.oracle_binary = os.path.abspath(args.oracle)
        self.conformance = os.path.abspath(args.conformance)
        self.schema = os.path.join(self.conformance, "schema.sql")
        self.failures = []
        self.checks = 0
        # A private TMPDIR: the server's folder is the only thing that appears in it.
        self.tmp = tempfile.mkdtemp(prefix="pgfence-trace-test-")
        os.chmod(self.tmp, 0o755)
        self.env = dict(os.environ, TMPDIR=self.tmp)
        self.env.pop("NO_COLOR", None)
        # The suite's plain SQL folders are run by psql -f, one file a run: `tool = "psql"` says so,
        # without which a plan with a step outside a transaction is declined (runner not known).
        self.psql_config = self.write("psql.pgfence.toml", 'tool = "psql"\n')

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)
        return condition

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, *args, binary=None, env=None, timeout=600):
        if "--plan" in args and "--config" not in args and "--no-config" not in args:
            args = ("--config", self.psql_config, *args)
        proc = subprocess.run([binary or self.binary, "trace", *args], env=env or self.env, capture_output=True,
                              timeout=timeout)
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

    def run_json(self, *args, **kw):
        code, out, err = self.run("--format", "json", *args, **kw)
        try:
            return code, json.loads(out), err
        except json.JSONDecodeError:
            self.check(False, f"not JSON (exit {code}): {out[:500]} {err[:500]}")
            return code, None, err

    def statements(self, doc):
        return [s for f in doc["files"] for s in f["statements"]]

    def server_dirs(self):
        return glob.glob(os.path.join(self.tmp, "pgfence-pg-*"))

    def check_nothing_left(self, what):
        deadline = time.time() + 10
        while self.server_dirs() and time.time() < deadline:
            time.sleep(0.05)
        self.check(not self.server_dirs(), f"{what}: server folders left behind: {self.server_dirs()}")

    # -- suites -------------------------------------------------------------------

    def families(self):
        """Every conformance case as a migration of its own (context statements, then the
        observed one) on a fresh copy of the schema: the analyzer must be right about all.
        Cases for a newer server (`-- needs: N`) are traced in a second run when the first
        one's server is new enough, and left out otherwise, as the conformance suite skips them."""
        cases = split_cases(sorted(glob.glob(os.path.join(self.conformance, "cases", "*.sql"))))
        self.check(len(cases) > 300, f"only {len(cases)} conformance cases found")
        traced = [c for c in cases if c[3] == 0]
        doc, expected_files = self.trace_cases("cases", traced)
        if doc is None:
            return
        docs = [doc]
        server = int(re.match(r"\d+", doc["server_version"]).group(0))
        newer = [c for c in cases if 0 < c[3] <= server]
        if newer:
            newer_doc, newer_files = self.trace_cases("newer_cases", newer)
            if newer_doc is None:
                return
            docs.append(newer_doc)
            expected_files.update(newer_files)
            traced += newer
        families_confirmed = set()
        outside = 0
        observed_exclusive = 0
        for f in (f for d in docs for f in d["files"]):
            family, case_id = expected_files.get(f["path"], ("?", "?"))
            for s in f["statements"]:
                if s["verdict"] in ("mismatch", "error", "skipped"):
                    detail = s["error"]["message"] if s["error"] else "; ".join(d["message"] for d in s["differences"])
                    self.check(False, f"{case_id} line {s['line']}: {s['verdict']}: {detail}")
            last = f["statements"][-1] if f["statements"] else None
            if last and last["verdict"] in ("confirmed", "trace-only", "static-only"):
                families_confirmed.add(family)
            if last and last["observed"]["outside_transaction"]:
                outside += 1
            if last and any(l["mode"] == "ACCESS EXCLUSIVE" for l in last["observed"]["locks"]):
                observed_exclusive += 1
        all_families = {c[0] for c in traced}
        self.check(families_confirmed == all_families, f"families without a traced case: {all_families - families_confirmed}")
        # The trace really watched: CONCURRENTLY/VACUUM ran in autocommit, and DDL's locks were seen.
        self.check(outside >= 10, f"only {outside} cases ran outside a transaction block")
        self.check(observed_exclusive >= 100, f"only {observed_exclusive} cases observed an ACCESS EXCLUSIVE lock")
        summaries = "; ".join(str(d["summary"]) for d in docs)
        print(f"families: {len(traced)} cases in {len(all_families)} families on PostgreSQL {server}: {summaries}; "
              f"{len(cases) - len(traced)} need a newer server")

    def trace_cases(self, folder, cases):
        """Traces each case as a migration file of its own in `folder`, on one server; returns the
        JSON report (None when it is not JSON) and {path: (family, case id)}."""
        case_dir = os.path.join(self.tmp, folder)
        expected_files = {}
        for family, case_id, sql, _ in cases:
            path = self.write(os.path.join(folder, f"{family}__{case_id}.sql"), sql)
            expected_files[path] = (family, case_id)
        code, doc, err = self.run_json("--trace-as-superuser", "--setup", self.schema, "--isolated", "--ci", case_dir, timeout=1200)
        self.check(code == 0, f"{folder}: exit {code}, expected 0: {err[-2000:]}")
        if doc is None:
            return None, expected_files
        self.check(len(doc["files"]) == len(cases), f"{folder}: {len(doc['files'])} files traced, {len(cases)} written")
        summary = doc["summary"]
        self.check(summary["mismatch"] == 0 and summary["error"] == 0 and summary["skipped"] == 0,
                   f"{folder}: summary {summary}")
        return doc, expected_files

    def inject(self):
        """A deliberately wrong model (test build only) is reported as a mismatch, and --ci fails."""
        path = self.write("inject/001.sql", "ALTER TABLE users ADD COLUMN trace_note text;\nCREATE INDEX CONCURRENTLY "
                                            "orders_note_idx ON orders (code);\n")
        code, doc, err = self.run_json("--trace-as-superuser", "--setup", self.schema, "--ci", path, binary=self.inject_binary)
        self.check(code == 1, f"inject with --ci: exit {code}, expected 1: {err}")
        if doc:
            verdicts = [s["verdict"] for s in self.statements(doc)]
            self.check(verdicts == ["mismatch", "mismatch"], f"inject: verdicts {verdicts}")
            first = self.statements(doc)[0]
            kinds = [d["kind"] for d in first["differences"]]
            self.check("lock-mode" in kinds, f"inject: differences {first['differences']}")
            diff = next((d for d in first["differences"] if d["kind"] == "lock-mode"), None)
            if diff:
                self.check(diff["observed"] == "ACCESS EXCLUSIVE" and diff["predicted"] == "SHARE UPDATE EXCLUSIVE",
                           f"inject: {diff}")
            # The higher of predicted and observed: the observed ACCESS EXCLUSIVE is high.
            self.check(first["risk"] in ("HIGH", "CRITICAL"), f"inject: mismatch risk {first['risk']}")
            self.check(doc["failed"] is True, "inject: failed is not true")
        code, out, err = self.run("--trace-as-superuser", "--setup", self.schema, path, binary=self.inject_binary)
        self.check(code == 0, f"inject without --ci: exit {code}, expected 0")
        self.check("MISMATCH" in out and "predicted: users SHARE UPDATE EXCLUSIVE" in out, f"inject text: {out}")
        # The shipped binary, same file: confirmed.
        code, doc, err = self.run_json("--trace-as-superuser", "--setup", self.schema, "--ci", path)
        self.check(code == 0, f"real model: exit {code}: {err}")
        if doc:
            self.check([s["verdict"] for s in self.statements(doc)] == ["confirmed", "confirmed"],
                       f"real model verdicts: {[s['verdict'] for s in self.statements(doc)]}")
        self.check_nothing_left("inject")

    def errors(self):
        """The server rejects a statement: an error verdict with PostgreSQL's own message and
        SQLSTATE; the rest of the file is skipped; the next file still runs; --ci fails."""
        bad = self.write("errors/001_bad.sql", "CREATE TABLE t1 (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n"
                                               "ALTER TABLE t1 ADD COLUMN y int;\n")
        good = self.write("errors/002_good.sql", "ALTER TABLE t1 ADD COLUMN z int;\n")
        code, doc, err = self.run_json("--ci", bad, good)
        self.check(code == 1, f"errors with --ci: exit {code}, expected 1")
        if doc:
            st = self.statements(doc)
            self.check([s["verdict"] for s in st] == ["confirmed", "error", "skipped", "confirmed"],
                       f"errors: verdicts {[s['verdict'] for s in st]}")
            e = st[1]["error"] or {}
            self.check(e.get("message") == 'relation "no_such_table" does not exist', f"errors: message {e}")
            self.check(e.get("sqlstate") == "42P01", f"errors: sqlstate {e}")
            self.check(st[1]["line"] == 2, f"errors: line {st[1]['line']}")
        code, out, err = self.run(bad)
        self.check(code == 0, f"errors without --ci: exit {code}")
        self.check('PostgreSQL: relation "no_such_table" does not exist' in out, f"errors text: {out}")
        self.check("\x1b" not in out, "errors: escape sequences in non-terminal output")
        # An unknown column type is the server's error too, with the statement's own line.
        code, doc, err = self.run_json(self.write("errors/003.sql", "\n\nCREATE TABLE t2 (a no_such_type);\n"))
        if doc:
            s = self.statements(doc)[0]
            self.check(s["verdict"] == "error" and "no_such_type" in s["error"]["message"] and s["line"] == 3,
                       f"errors: unknown type: {s}")
        # A message of several lines keeps them (issue #34: its line break was shown as U+FFFD,
        # then flattened): the DETAIL on a line of its own under the message, and the caret of
        # "LINE n:" under the place it points at, in text and in JSON.
        dup = self.write("errors/004_dup.sql", "CREATE TABLE t4 (a int);\nINSERT INTO t4 VALUES (1), (1);\n"
                                               "CREATE UNIQUE INDEX t4_a ON t4 (a);\n")
        code, out, err = self.run(dup)
        lines = out.splitlines()
        at = next((i for i, l in enumerate(lines) if "could not create unique index" in l), -1)
        self.check(at >= 0 and at + 1 < len(lines) and lines[at + 1].strip().startswith("DETAIL:") and
                   "Key (a)=(1) is duplicated" in lines[at + 1] and "\ufffd" not in out,
                   f"errors: a multi-line message: {out[-400:]!r}")
        caret = self.write("errors/005_caret.sql", "SELECT a\nFROM no_such_relation\nWHERE a = 1;\n")
        code, out, err = self.run(caret)
        lines = out.splitlines()
        at = next((i for i, l in enumerate(lines) if l.strip().startswith("LINE 2: FROM no_such_relation")), -1)
        self.check(at >= 0 and at + 1 < len(lines) and lines[at + 1].strip() == "^" and
                   lines[at + 1].index("^") == lines[at].index("no_such_relation"),
                   f"errors: the caret under its place: {out[-400:]!r}")
        code, doc, err = self.run_json(caret)
        if doc:
            message = (self.statements(doc)[0]["error"] or {}).get("message", "")
            self.check(message.split("\n")[1:2] == ["LINE 2: FROM no_such_relation"], f"errors: JSON message lines: {message!r}")
        self.check_nothing_left("errors")

    def agrees(self):
        """Shapes from real migration histories where the trace used to report a mismatch although
        the model was right (issue #34, "trace agrees"): locks that PostgreSQL takes only for rows
        written (a foreign key's check or action, a row trigger, a function called per row), only
        if what IF EXISTS names exists, or only when a PL/pgSQL branch runs or its block keeps
        them; the catalog's own locks; DROP INDEX CONCURRENTLY's last, instant ACCESS EXCLUSIVE
        as the plain role. Each is confirmed, saying what was not seen; rows make the conditional
        lock appear, and it is then confirmed as predicted."""
        first = self.write("agrees/V1__init.sql", """CREATE TABLE projects (id text PRIMARY KEY, name text);
CREATE TABLE models (id text PRIMARY KEY, project_id text REFERENCES projects (id) ON DELETE CASCADE);
CREATE TABLE old_models (id text, project_id text);
CREATE INDEX models_project_idx ON models (project_id);
CREATE TABLE queues ("offset" serial, kind text);
CREATE TABLE keywords (id serial PRIMARY KEY, keyword text NOT NULL, crates_cnt int NOT NULL DEFAULT 0);
CREATE TABLE crates (id serial PRIMARY KEY);
CREATE TABLE crates_keywords (crate_id int NOT NULL REFERENCES crates (id), keyword_id int NOT NULL REFERENCES keywords (id));
CREATE FUNCTION touch_crates_cnt() RETURNS trigger AS $$
BEGIN
    UPDATE keywords SET crates_cnt = crates_cnt + 1 WHERE id = NEW.keyword_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER trigger_crates_cnt AFTER INSERT ON crates_keywords FOR EACH ROW EXECUTE FUNCTION touch_crates_cnt();
CREATE TABLE workflow_versions (id int PRIMARY KEY, workflow_id int, deleted_at timestamptz);
CREATE TABLE workflow_concurrency (workflow_version_id int);
CREATE FUNCTION migrate_workflow_concurrency(v int) RETURNS void AS $$
BEGIN
    INSERT INTO workflow_concurrency VALUES (v);
END $$ LANGUAGE plpgsql;
""")
        self.write("agrees/V2__cleanup.sql", """INSERT INTO models (id, project_id) SELECT id, project_id FROM old_models;
DELETE FROM projects WHERE name = 'legacy';
DROP TRIGGER IF EXISTS update_models_updated_at ON models;
DROP VIEW IF EXISTS v_models_report;
DROP TABLE IF EXISTS schema_migrations;
DROP INDEX CONCURRENTLY IF EXISTS models_project_idx;
""")
        self.write("agrees/V3__queues.sql", """DO $$
    BEGIN
        BEGIN
            ALTER TABLE queues ADD kind text;
        EXCEPTION
            WHEN duplicate_column THEN RAISE NOTICE 'kind already exists';
        END;
    END;
$$;
DO $$
    BEGIN
        IF NOT EXISTS (SELECT constraint_name FROM information_schema.table_constraints
                       WHERE table_name = 'queues' AND constraint_type = 'PRIMARY KEY') THEN
            ALTER TABLE queues ADD PRIMARY KEY ("offset");
        END IF;
    END;
$$;
""")
        self.write("agrees/V4__keywords.sql", """WITH lower_keywords AS (
    SELECT keywords.id AS upper_id, k.id AS lower_id
    FROM keywords
    INNER JOIN keywords AS k ON lower(keywords.keyword) = k.keyword
    WHERE lower(keywords.keyword) != keywords.keyword
)
INSERT INTO crates_keywords (crate_id, keyword_id)
SELECT ck.crate_id, lower_id FROM crates_keywords ck INNER JOIN lower_keywords ON ck.keyword_id = lower_keywords.upper_id;
WITH latest AS (
    SELECT DISTINCT ON (workflow_id) workflow_id, id FROM workflow_versions WHERE deleted_at IS NULL ORDER BY workflow_id, id DESC
)
SELECT migrate_workflow_concurrency(id) FROM latest;
WITH parts AS (
    SELECT inhrelid::regclass AS part FROM pg_inherits WHERE inhparent = 'queues'::regclass
)
SELECT count(*) FROM parts;
""")
        self.write("agrees/V4_1__prices.sql", """BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
CREATE TEMPORARY TABLE temp_prices AS SELECT id AS model_id, 'input' AS usage_type FROM models;
INSERT INTO old_models (id, project_id) SELECT model_id, usage_type FROM temp_prices;
DROP TABLE temp_prices;
COMMIT;
ALTER INDEX IF EXISTS sgrif_testing RENAME TO index_recent_downloads;
ALTER TABLE IF EXISTS legacy_stats ADD COLUMN note text;
DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'pgboss') THEN
            RETURN;
        END IF;
        PERFORM count(*) FROM queues;
    END;
$$;
""")
        # With rows, the foreign key's check runs, and its ROW SHARE is seen as predicted.
        self.write("agrees/V5__rows.sql", """INSERT INTO projects (id, name) VALUES ('p1', 'one');
INSERT INTO models (id, project_id) VALUES ('m1', 'p1');
""")
        code, doc, err = self.run_json("--ci", os.path.dirname(first))
        self.check(code == 0, f"agrees: exit {code}: {err[-600:]}")
        if not doc:
            return
        st = self.statements(doc)
        verdicts = [(s["line"], s["sql"].split()[0], s["verdict"]) for s in st]
        self.check(doc["summary"]["mismatch"] == 0 and all(s["verdict"] in ("confirmed", "static-only") for s in st) and
                   [s["verdict"] for s in st].count("static-only") == 2,  # BEGIN and COMMIT
                   f"agrees: verdicts {verdicts}: " + "; ".join(d["message"] for s in st for d in s["differences"]))
        uncertain = [u for s in st for u in s["uncertain"]]
        for said in ("projects ROW SHARE not taken", "models ROW EXCLUSIVE not taken", "models ACCESS EXCLUSIVE not taken",
                     "v_models_report ACCESS EXCLUSIVE not taken", "queues ACCESS EXCLUSIVE not taken",
                     "workflow_concurrency ROW EXCLUSIVE not taken", "keywords ACCESS SHARE, not ROW EXCLUSIVE",
                     "sgrif_testing SHARE UPDATE EXCLUSIVE not taken", "legacy_stats ACCESS EXCLUSIVE not taken",
                     "queues ACCESS SHARE not taken"):
            self.check(any(u.startswith(said) for u in uncertain), f"agrees: nothing says '{said}': {uncertain}")
        drop = next((s for s in st if s["sql"].startswith("DROP INDEX CONCURRENTLY")), None)
        self.check(drop is not None and any(l["relation"] == "models_project_idx" and l["mode"] == "ACCESS EXCLUSIVE"
                                            for l in drop["observed"]["locks"]),
                   f"agrees: DROP INDEX CONCURRENTLY's ACCESS EXCLUSIVE on the index was not seen: {drop and drop['observed']}")
        child = next((s for s in st if s["sql"].startswith("INSERT INTO models (id, project_id) VALUES")), None)
        self.check(child is not None and any(l["relation"] == "projects" and l["mode"] == "ROW SHARE"
                                             for l in child["observed"]["locks"]) and not child["uncertain"],
                   f"agrees: the foreign key's check with a row: {child}")
        self.check_nothing_left("agrees")

    def plan(self):
        """--plan runs each file's migration plan in its place, with rows in its tables and a
        writer and a reader at work: every step runs, locks as predicted, the backfill fills the
        column, and the application's writes keep working. A step that breaks the application's
        writes fails the plan, and --ci with it."""
        setup = self.write("plan/setup.sql",
                           "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                           "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total numeric);\n"
                           "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 3000) g;\n"
                           "INSERT INTO orders (user_id, total) SELECT 1 + g % 3000, g FROM generate_series(1, 20000) g;\n")
        path = self.write("plan/m/0002_orders.sql",
                          "BEGIN;\n"
                          "ALTER TABLE orders ADD COLUMN status text,\n"
                          "  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
                          "UPDATE orders SET status = 'new';\n"
                          "CREATE INDEX orders_user_idx ON orders (user_id);\n"
                          "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                          "COMMIT;\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, path)
        if not self.check(code == 0 and doc is not None, f"plan: exit {code}: {err}"):
            return
        self.check(len(doc["plans"]) == 1, f"plan: {len(doc['plans'])} plans traced")
        plan = doc["plans"][0]
        self.check(plan["ok"], f"plan: did not run through: {json.dumps(plan)[:2000]}")
        self.check(plan["verdict"].get("result") == "proven", f"plan: not proven: {plan['verdict']}")
        runs = [st["run"] for st in plan["steps"]]
        self.check("no transaction" in runs and "in transaction" in runs, f"plan: steps {runs}")
        for st in plan["steps"]:
            self.check(st["ok"], f"plan: {st['title']}: {st['outcome']}")
            if st["run"] == "out of band":
                self.check(st["outcome"].startswith("backfill:"), f"plan: the backfill did not run: {st['outcome']}")
                continue
            self.check(st["table"] in ("orders", "users"), f"plan: {st['title']}: no writer ({st['table']!r})")
            self.check(st["writes"] > 0 and st["reads"] > 0, f"plan: {st['title']}: the writer did nothing: {st}")
            self.check(st["writer_error"] == "", f"plan: {st['title']}: {st['writer_error']}")
        verdicts = [s["verdict"] for s in self.statements(doc)]
        self.check("mismatch" not in verdicts and "error" not in verdicts, f"plan: verdicts {verdicts}")
        # The plan's files, not the original, ran: no plain CREATE INDEX was traced.
        sqls = [s["sql"] for s in self.statements(doc)]
        self.check(not any(q.startswith("CREATE INDEX orders_user_idx") for q in sqls), "plan: the original ran")
        self.check(any("CONCURRENTLY" in q for q in sqls), "plan: no CONCURRENTLY statement traced")

        # A volatile default's backfill has no batched form pgfence can prove: the plan is
        # declined, nothing of it runs, and --ci does not fail on a declined plan.
        volatile = self.write("plan/v/0002_ref.sql", "ALTER TABLE orders ADD COLUMN ref uuid NOT NULL DEFAULT gen_random_uuid();\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, volatile)
        if self.check(doc is not None and len(doc["plans"]) == 1, f"plan: volatile: {err}"):
            v = doc["plans"][0]["verdict"]
            self.check(v.get("result") == "declined" and "by hand" in v.get("reason", ""), f"plan: volatile default not declined: {v}")
            self.check(code == 0, f"plan: a declined plan failed --ci (exit {code})")

        # A statement with no safe form that breaks every INSERT: the writer sees it, --ci fails.
        broken = self.write("plan/b/0002_broken.sql",
                            "CREATE FUNCTION no_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no writes'; END $$;\n"
                            "CREATE TRIGGER no_writes BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION no_writes();\n"
                            "CREATE INDEX orders_total_idx ON orders (total);\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, broken)
        if self.check(doc is not None and len(doc["plans"]) == 1, f"plan: broken: {err}"):
            self.check(code == 1 and not doc["plans"][0]["ok"], f"plan: a plan that breaks writes passed (exit {code})")
            errors = [st["writer_error"] for st in doc["plans"][0]["steps"] if st["writer_error"]]
            self.check(any("no writes" in e for e in errors), f"plan: the writer's error is not reported: {errors}")
        # A step that drops its table, as the file does: the writer on it then meets "does not
        # exist", which the original causes too; the step is not FAILED beside a proven verdict
        # (the outside DBA's teable clean_useless_tables read FAILED and proven at once).
        dropped = self.write("plan/d/0002_drop.sql",
                             "CREATE INDEX orders_total_idx ON orders (total);\nDROP TABLE orders;\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, dropped)
        if self.check(doc is not None and len(doc["plans"]) == 1, f"plan: dropped: {err}"):
            p = doc["plans"][0]
            self.check(p["verdict"].get("result") == "proven" and p["ok"] and code == 0 and not doc["failed"],
                       f"plan: a step dropping its table read as failed (exit {code}): "
                       f"{[(st['title'], st['ok'], st['writer_error']) for st in p['steps']]} {p['verdict']}")
        # The writer beside a step inserts new rows as the old release does, not copies of old
        # ones: a copy repeats the key the step makes unique, the CONCURRENTLY build failed on it
        # and the step read FAILED beside a proven verdict (crates.io's unique_num).
        unique = self.write("plan/u/0002_unique.sql", "ALTER TABLE orders ADD CONSTRAINT orders_total_key UNIQUE (user_id, total);\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, unique)
        if self.check(doc is not None and len(doc["plans"]) == 1, f"plan: unique: {err}"):
            p = doc["plans"][0]
            self.check(p["verdict"].get("result") == "proven" and p["ok"] and code == 0,
                       f"plan: a unique key's step failed under the writer (exit {code}): "
                       f"{[(st['title'], st['ok'], st['outcome']) for st in p['steps']]} {p['verdict']}")
            self.check(all(st["writes"] > 0 for st in p["steps"] if st["run"] != "out of band"),
                       f"plan: unique: the writer wrote nothing: {p['steps']}")
        # Nor with values far from the seeded rows': a CHECK the plan validates later met the
        # writer's rows numbered from 10001 up (the red team's items.qty < 5000).
        bounded = self.write("plan/c/0002_check.sql", "ALTER TABLE orders ADD CONSTRAINT orders_user_check CHECK (user_id <= 3000);\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, bounded)
        if self.check(doc is not None and len(doc["plans"]) == 1, f"plan: check: {err}"):
            p = doc["plans"][0]
            self.check(p["verdict"].get("result") == "proven" and p["ok"] and code == 0,
                       f"plan: a CHECK's validation failed on the writer's rows (exit {code}): "
                       f"{[(st['title'], st['ok'], st['outcome']) for st in p['steps']]} {p['verdict']}")
        # The rows a rehearsal seeds do not stay for the later files: a later ADD COLUMN ...
        # NOT NULL without a default (which needs the table empty) still runs.
        first = self.write("plan/h/001_init.sql", "CREATE TABLE obs (id text PRIMARY KEY, name text);\n")
        self.write("plan/h/002_idx.sql", "CREATE INDEX obs_name ON obs (name);\n")
        self.write("plan/h/003_kind.sql", "ALTER TABLE obs ADD COLUMN kind text NOT NULL;\n")
        code, doc, err = self.run_json("--plan", os.path.dirname(first))
        errors = [s for s in self.statements(doc or {"files": []}) if s["verdict"] == "error"]
        self.check(doc is not None and not errors, f"plan: a rehearsal's rows reached a later file: {[e.get('error') for e in errors]} {err}")
        # Nor when the file itself fails on the tables as the history left them (crates.io, a
        # table an earlier migration makes): the later file met the seeded rows.
        first = self.write("plan/f/001_init.sql", "CREATE TABLE obs (id text PRIMARY KEY, name text);\n")
        self.write("plan/f/002_idx.sql", "CREATE INDEX obs_name ON obs (name);\nUPDATE missing SET x = 1;\n")
        self.write("plan/f/003_kind.sql", "ALTER TABLE obs ADD COLUMN kind text NOT NULL;\n")
        code, doc, err = self.run_json("--plan", os.path.dirname(first))
        later = [s for s in self.statements(doc or {"files": []}) if s["verdict"] == "error" and "kind" in s["sql"]]
        self.check(doc is not None and not later, f"plan: a failed file's rehearsal rows reached a later file: {[e.get('error') for e in later]} {err}")
        self.check_nothing_left("plan")

    ORACLE_SETUP = (
        "CREATE TYPE mood AS ENUM ('calm', 'busy', 'away');\n"
        "CREATE TABLE accounts (code text PRIMARY KEY, region text NOT NULL, created timestamptz, tags jsonb, state mood);\n"
        "CREATE TABLE links (id bigserial PRIMARY KEY, account text NOT NULL REFERENCES accounts (code), token uuid,\n"
        "  note text CHECK (length(note) > 3));\n"
        "CREATE TABLE members (team int, member uuid, account text REFERENCES accounts (code), role mood,\n"
        "  joined timestamptz, PRIMARY KEY (team, member));\n"
        "CREATE TABLE items (id int PRIMARY KEY, parent int, pos int, label text);\n")

    def verdict(self, doc, path_part):
        plans = [p for p in (doc or {}).get("plans", []) if path_part in p["path"]]
        return plans[0]["verdict"] if plans and plans[0]["verdict"] else {}

    def oracle(self):
        """--plan's oracle holds each plan to the file it replaces: a plan that moves a backfill
        out of band under the new release's writes differs (naming the column), a batched
        window-function UPDATE differs, CREATE INDEX -> CONCURRENTLY is proven; plans written by
        hand (pgfence_trace_oracle) that drop a row, break a write or leave a placeholder differ."""
        setup = self.write("oracle/setup.sql", self.ORACLE_SETUP)
        flag = self.write("oracle/a/0002_flag.sql",
                          "ALTER TABLE links ADD COLUMN enable_join bool NOT NULL DEFAULT TRUE;\n"
                          "UPDATE links SET enable_join = FALSE;\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, flag)
        v = self.verdict(doc, "0002_flag")
        # The generator folds the constant into the ADD COLUMN (DEFAULT FALSE, then SET DEFAULT
        # TRUE): no backfill, and the oracle proves it; the backfill under the new release's
        # writes that it used to compose differs (hand_plans, "clobber").
        self.check(v.get("result") == "proven" and code == 0, f"oracle: (a) the folded plan is not proven (exit {code}): {v} {err}")
        if doc and doc["plans"]:
            sql = " ".join(q["sql"] for q in self.statements(doc))
            self.check("DEFAULT false" in sql.replace("FALSE", "false") and "SET DEFAULT" in sql, f"oracle: (a) not folded: {sql[:600]}")

        window = self.write("oracle/b/0002_window.sql",
                            "UPDATE items SET pos = s.rn FROM (SELECT id, row_number() OVER (PARTITION BY parent ORDER BY pos) rn\n"
                            "  FROM items) s WHERE items.id = s.id;\n")
        code, doc, err = self.run_json("--plan", "--setup", setup, window)
        if doc and doc["plans"]:
            v = self.verdict(doc, "0002_window")
            batched = any(st["run"] == "out of band" for st in doc["plans"][0]["steps"])
            if batched:
                self.check(v.get("result") == "differs", f"oracle: (b) the batched window UPDATE was not caught: {v}")
            else:
                self.check(v.get("result") in ("proven", "declined"), f"oracle: (b) an unbatched plan: {v}")

        index = self.write("oracle/c/0002_index.sql", "CREATE INDEX members_account_idx ON members (account);\n")
        later = self.write("oracle/c/0003_later.sql", "COMMENT ON INDEX members_account_idx IS 'by account';\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, index, later)
        v = self.verdict(doc, "0002_index")
        self.check(v.get("result") == "proven" and code == 0, f"oracle: (c) CREATE INDEX CONCURRENTLY not proven (exit {code}): {v} {err}")
        if doc:
            out = json.dumps(doc["plans"])
            self.check("CONCURRENTLY" in out or any("CONCURRENTLY" in s["sql"] for s in self.statements(doc)),
                       "oracle: (c) the plan did not use CONCURRENTLY")
        code, out, err = self.run("--plan", "--setup", setup, index)
        self.check("verdict: proven" in out and "1 proven" in out, f"oracle: (c) text output: {out[-600:]}")
        # golang-migrate runs every file on one connection: the plan's lock_timeout is RESET at the
        # end of each step that sets it (not SET LOCAL, which x-multi-statement=true, sending each
        # statement alone, would make hold for nothing), and its CONCURRENTLY step sets none
        # (proven; a session-level SET left behind differs, hand_plans "timeout-left").
        gm = self.write("oracle/m/000002_members_level.up.sql",
                        "ALTER TABLE members ADD COLUMN level int NOT NULL DEFAULT 1;\n"
                        "CREATE INDEX members_level_idx ON members (level);\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, gm)
        v = self.verdict(doc, "000002_members_level")
        shown = subprocess.run([self.binary, "analyze", "--no-config", "--schema", setup, "--format", "json", gm],
                               capture_output=True, text=True)
        plan = json.loads(shown.stdout)["files"][0]["plan"] if shown.stdout.startswith("{") else None
        steps = plan["steps"] if plan else []
        self.check(v.get("result") == "proven" and code == 0, f"oracle: a golang-migrate plan is not proven (exit {code}): {v} {err}")
        sets = [s["sql"] for s in steps if "SET lock_timeout" in s["sql"]]
        self.check(sets and all(s.rstrip().endswith("RESET lock_timeout;") for s in sets)
                   and all("SET LOCAL" not in s["sql"] for s in steps),
                   f"oracle: golang-migrate plan's lock_timeout is not RESET at each step's end: {[s['sql'] for s in steps]}")
        # A value from a random source (the original run twice differs there too) is compared by
        # NULL-ness: the plan that keeps the UPDATE whole is proven, not "differs" on the uuids.
        token = self.write("oracle/r/0002_token.sql", "ALTER TABLE items ADD COLUMN token uuid;\n"
                           "UPDATE items SET token = gen_random_uuid();\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, token)
        v = self.verdict(doc, "0002_token")
        self.check(v.get("result") == "proven" and code == 0, f"oracle: a random-valued UPDATE kept whole is not proven (exit {code}): {v} {err}")
        # The original runs as its tool runs it: goose wraps the file in one transaction, where
        # LOCK TABLE is allowed (run statement by statement, it failed and the plan was unchecked).
        # (The fill passes links' CHECK (length(note) > 3) on the seeded rows: 'n' || id did not,
        # and the plan was proven only because it was rehearsed on the table without them.)
        locked = self.write("oracle/g/20260101000002_lock.sql",
                            "-- +goose Up\nLOCK TABLE links IN SHARE ROW EXCLUSIVE MODE;\n"
                            "UPDATE links SET note = 'note ' || id WHERE note IS NULL;\n"
                            "CREATE INDEX links_note ON links (note);\n-- +goose Down\nDROP INDEX links_note;\n")
        code, doc, err = self.run_json("--plan", "--ci", "--setup", setup, locked)
        v = self.verdict(doc, "0002_lock")
        self.check(v.get("result") == "proven" and code == 0, f"oracle: a goose file's LOCK TABLE in its transaction: {v} {err}")
        # Names are the repository's: a difference naming a hostile column is escaped in the text
        # and exact in the JSON.
        hostile_setup = self.write("oracle/h/setup.sql", 'CREATE TABLE "li\x1b[31mnks" (id bigserial PRIMARY KEY, note text);\n')
        hostile = self.write("oracle/h/0002_flag.sql",
                             'ALTER TABLE "li\x1b[31mnks" ADD COLUMN "fl\x1b]8;;x\x07ag" bool NOT NULL DEFAULT TRUE;\n'
                             'UPDATE "li\x1b[31mnks" SET "fl\x1b]8;;x\x07ag" = FALSE;\n')
        code, out, err = self.run("--plan", "--setup", hostile_setup, hostile)
        self.check("verdict: proven" in out and "\x1b" not in out and "\x07" not in out,
                   f"oracle: hostile names: {out[-800:]!r}")
        code, doc, err = self.run_json("--plan", "--setup", hostile_setup, hostile)
        v = self.verdict(doc, "0002_flag")
        sql = " ".join(q["sql"] for q in self.statements(doc)) if doc else ""
        self.check(v.get("result") == "proven" and '"fl\x1b]8;;x\x07ag"' in sql, f"oracle: hostile names in JSON: {v}")
        self.hand_plans()
        self.oracle_seeding_and_names()
        self.check_nothing_left("oracle")

    def oracle_seeding_and_names(self):
        """The seeded NULLs follow the catalog, not the file's text; the databases' names are not
        the well-known ones a migration could ALTER or DROP, and such a file is never proven (#33)."""
        setup = self.write("oracle/n/setup.sql", self.ORACLE_SETUP)
        # "NOT NULL" in a comment changes nothing: items.label still gets NULLs, on which this
        # unique index over coalesce(label, '') fails. The plan is still rehearsed with the rows
        # (never proven on empty tables, issue #54), and the verdict says the file fails on them.
        comment = self.write("oracle/n/0002_comment.sql", "COMMENT ON COLUMN items.label IS 'NOT NULL once filled';\n"
                             "CREATE UNIQUE INDEX items_label_key ON items ((coalesce(label, '')));\n")
        code, doc, err = self.run_json("--plan", "--setup", setup, comment)
        plans = (doc or {}).get("plans", [])
        seeded = " ".join(plans[0].get("seeded", [])) if plans else ""
        v = self.verdict(doc, "0002_comment")
        self.check(plans and "items" in seeded and v.get("result") == "unchecked"
                   and v.get("reason", "").startswith("the migration fails on a table with rows"),
                   f"oracle: NOT NULL in a comment turned off NULL seeding: {seeded} {v} {err[-300:]}")
        # A file that makes the column NOT NULL gets no NULLs in it (it runs on the seeded rows),
        # and its plan is proven.
        required = self.write("oracle/n2/0002_required.sql", "ALTER TABLE items ALTER COLUMN label SET NOT NULL;\n")
        code, doc, err = self.run_json("--plan", "--setup", setup, required)
        plans = (doc or {}).get("plans", [])
        seeded = " ".join(plans[0].get("seeded", [])) if plans else ""
        v = self.verdict(doc, "0002_required")
        self.check(plans and "presumes them empty" not in seeded and "items" in seeded and v.get("result") == "proven",
                   f"oracle: SET NOT NULL on a seeded column: {seeded} {v} {err[-300:]}")
        # The columns of a composite foreign key take one parent row: the child is seeded (each
        # column took its value from another foreign key's parent before, and every row was
        # refused). A table that refuses every seeded row ran empty: its plan is not proven.
        keyed_setup = self.write("oracle/k/setup.sql",
                                 "CREATE TABLE proj (id bigint PRIMARY KEY);\n"
                                 "CREATE TABLE sess (id text, proj_id bigint REFERENCES proj, PRIMARY KEY (id, proj_id));\n"
                                 "CREATE TABLE tr (id bigint PRIMARY KEY, sess_id text, proj_id bigint NOT NULL REFERENCES proj,\n"
                                 "  FOREIGN KEY (sess_id, proj_id) REFERENCES sess (id, proj_id));\n"
                                 "CREATE TABLE closed (id bigint PRIMARY KEY, n int NOT NULL CHECK (n < 0 AND n > 0));\n")
        composite = self.write("oracle/k/0002_tr.sql", "CREATE INDEX tr_sess_idx ON tr (sess_id);\n")
        code, doc, err = self.run_json("--plan", "--setup", keyed_setup, composite)
        plans = (doc or {}).get("plans", [])
        seeded = " ".join(plans[0].get("seeded", [])) if plans else ""
        v = self.verdict(doc, "0002_tr")
        self.check("tr: INSERT 0 200" in seeded and v.get("result") == "proven",
                   f"oracle: a composite foreign key's columns from one parent row: {seeded} {v} {err[-300:]}")
        refused = self.write("oracle/k2/0002_closed.sql", "CREATE INDEX closed_n_idx ON closed (n);\n")
        code, doc, err = self.run_json("--plan", "--setup", keyed_setup, refused)
        plans = (doc or {}).get("plans", [])
        seeded = " ".join(plans[0].get("seeded", [])) if plans else ""
        v = self.verdict(doc, "0002_closed")
        self.check("closed: 0 of 200 rows added (the others refused: " in seeded and "closed_n_check" in seeded
                   and "closed: holds no row once seeded" in seeded
                   and v.get("result") == "unchecked" and "closed held no rows" in v.get("reason", ""),
                   f"oracle: a table that refused every seeded row: {seeded} {v} {err[-300:]}")
        # A folder traced with --plan knows its own later files, as analyze does: a rename whose
        # view-in-place step waits for a later release while a later migration of the set alters
        # the table is declined (Dokploy 0074 was offered by trace and found different).
        rn_first = self.write("oracle/rn/0001_apps.sql", "CREATE TABLE apps (id bigint PRIMARY KEY, cert text);\n")
        self.write("oracle/rn/0002_rename.sql", "ALTER TABLE apps RENAME COLUMN cert TO resolver;\n")
        self.write("oracle/rn/0003_more.sql", "ALTER TABLE apps ADD COLUMN note text;\n")
        code, doc, err = self.run_json("--plan", os.path.dirname(rn_first))
        v = self.verdict(doc, "0002_rename")
        self.check(v.get("result") == "declined" and "0003_more.sql comes after this file" in v.get("reason", ""),
                   f"oracle: a later file of the traced set stops the view-in-place plan: {v} {err[-300:]}")
        # Stored generated columns that read paths of a json column (kestra's flows and workers):
        # the seeded json holds each path with a value of the generated column's type; before,
        # every row was refused ("null value in column deleted") and the plan ran on no row.
        generated_setup = self.write("oracle/g/setup.sql",
                                     "CREATE TABLE flows (key text PRIMARY KEY, value jsonb NOT NULL,\n"
                                     "  deleted bool NOT NULL GENERATED ALWAYS AS (CAST(value ->> 'deleted' AS bool)) STORED,\n"
                                     "  namespace varchar(20) NOT NULL GENERATED ALWAYS AS (value ->> 'namespace') STORED,\n"
                                     "  revision int NOT NULL GENERATED ALWAYS AS ((value -> 'meta' ->> 'rev')::int) STORED,\n"
                                     "  worker varchar(36) NOT NULL GENERATED ALWAYS AS (value -> 'worker' -> 'it''s' ->> 'uuid') STORED);\n")
        generated = self.write("oracle/g/0002_flows.sql", "CREATE INDEX flows_ns_idx ON flows (deleted, namespace, revision);\n")
        code, doc, err = self.run_json("--plan", "--setup", generated_setup, generated)
        plans = (doc or {}).get("plans", [])
        seeded = " ".join(plans[0].get("seeded", [])) if plans else ""
        v = self.verdict(doc, "0002_flows")
        self.check("flows: INSERT 0 200" in seeded and v.get("result") == "proven",
                   f"oracle: json paths read by generated columns are seeded: {seeded} {v} {err[-300:]}")
        # The names of old (pgfence_base, pgfence_oracle_N) do not reach the oracle's databases.
        for name, sql in (("alter", "ALTER DATABASE pgfence_base SET work_mem = '5MB';\n"),
                          ("drop", "DROP DATABASE IF EXISTS pgfence_oracle_2;\nDROP DATABASE IF EXISTS pgfence_oracle_bare_1;\n"
                                   "ALTER DATABASE pgfence_base SET work_mem = '5MB';\n")):
            path = self.write(f"oracle/t-{name}/0002_tamper.sql", "CREATE INDEX items_pos_idx ON items (pos);\n" + sql)
            code, doc, err = self.run_json("--plan", "--setup", setup, path)
            v = self.verdict(doc, "0002_tamper")
            self.check(doc is not None and v.get("result") != "proven", f"oracle: a file that alters pgfence_base ({name}) was proven: {v}")
        # One that finds the names in pg_database (DROP DATABASE cannot run in a DO block; ALTER can).
        dynamic = self.write("oracle/t-dynamic/0002_tamper.sql", "CREATE INDEX items_pos_idx ON items (pos);\n"
                             "DO $$ DECLARE d text; BEGIN FOR d IN SELECT datname FROM pg_database WHERE datname <> current_database()"
                             " AND datname NOT IN ('postgres', 'template0', 'template1') LOOP\n"
                             "  BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = %L', d, '5MB'); EXCEPTION WHEN others THEN NULL; END;\n"
                             "END LOOP; END $$;\n")
        code, doc, err = self.run_json("--plan", "--setup", setup, dynamic)
        v = self.verdict(doc, "0002_tamper")
        self.check(v.get("result") == "unchecked" and "altered or dropped" in v.get("reason", ""),
                   f"oracle: a file that alters the oracle's databases found in pg_database: {v}")

    def hand(self, name, original, steps, tables, later=(), setup="", empty=()):
        setup = self.write(f"oracle/hand/{name}/setup.sql", self.ORACLE_SETUP + setup)
        orig = self.write(f"oracle/hand/{name}/original.sql", original)
        plan = self.write(f"oracle/hand/{name}/plan.json",
                          json.dumps({"tables": tables, "steps": steps, "later": list(later), "empty": list(empty)}))
        proc = subprocess.run([self.oracle_binary, setup, orig, plan], env=self.env, capture_output=True, timeout=600)
        try:
            return json.loads(proc.stdout.decode())
        except json.JSONDecodeError:
            self.check(False, f"oracle: {name}: {proc.stdout[:300]} {proc.stderr[:300]}")
            return {}

    def hand_plans(self):
        def step(sql, run="in transaction", after=False, title="Migration"):
            return {"title": title, "run": run, "sql": sql, "after_release": after}
        # The same steps as the file: proven (the control for the cases below).
        v = self.hand("same", "ALTER TABLE members ADD COLUMN level int;\n",
                      [step("ALTER TABLE members ADD COLUMN level int;")], ["members"])
        self.check(v.get("result") == "proven", f"oracle: a plan equal to the file is not proven: {v}")
        # A tool runs its next migrations on the same connection (golang-migrate, Flyway): a
        # step that leaves a session lock_timeout the file does not differs (a later CREATE INDEX
        # CONCURRENTLY would give up on any older transaction); SET LOCAL in its transaction, or
        # the file's own SET copied, leaves what the file leaves.
        add = "ALTER TABLE members ADD COLUMN level int;"
        v = self.hand("timeout-left", add + "\n", [step("SET lock_timeout = '2s';\n" + add)], ["members"])
        self.check(v.get("result") == "differs" and any("leaves lock_timeout = 2000ms on its connection" in d for d in v.get("details", [])),
                   f"oracle: a step that leaves lock_timeout on the tool's connection: {v}")
        v = self.hand("timeout-local", add + "\n", [step("SET LOCAL lock_timeout = '2s';\n" + add)], ["members"])
        self.check(v.get("result") == "proven", f"oracle: SET LOCAL lock_timeout in the step's transaction: {v}")
        v = self.hand("timeout-file", "SET lock_timeout = '2s';\n" + add + "\n", [step("SET lock_timeout = '2s';\n" + add)], ["members"])
        self.check(v.get("result") == "proven", f"oracle: a step that sets what the file sets: {v}")
        # The other way: the file leaves its own lock_timeout for the tool's next migrations, and a
        # plan whose last step puts it back to the default (a recipe's guard RESET) differs.
        v = self.hand("timeout-taken-away", "SET lock_timeout = '10s';\n" + add + "\n",
                      [step("SET lock_timeout = '10s';\n" + add + "\nRESET lock_timeout;")], ["members"])
        self.check(v.get("result") == "differs" and any("where the original leaves 10000ms" in d for d in v.get("details", [])),
                   f"oracle: a last step that takes away the file's lock_timeout: {v}")
        # A file that presumes its table empty (ADD COLUMN ... NOT NULL without a default; the
        # table is a parent, so the traffic deletes none of the rows it writes) runs only before
        # the first batch of writes: the file itself as a one-step plan fails after it, as the
        # file does at every later position, so nothing holds a plan to it (unchecked, naming why).
        orders = ("CREATE TABLE orders (id bigserial PRIMARY KEY, total int NOT NULL);\n"
                  "CREATE TABLE order_lines (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders (id));\n")
        required = "ALTER TABLE orders ADD COLUMN status text NOT NULL;\n"
        for name, steps in (("empty-same", [step(required)]), ("empty-split", [step("SELECT 1;"), step(required)])):
            v = self.hand(name, required, steps, [], setup=orders, empty=["orders"])
            self.check(v.get("result") == "unchecked" and "fails once the old release has written" in v.get("reason", ""),
                       f"oracle: {name}: a file that runs only on its empty table: {v}")
        # A plan whose steps all run there is still held to the file before the writes: a DEFAULT
        # the file does not give differs.
        v = self.hand("empty-default", required, [step("ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';")],
                      [], setup=orders, empty=["orders"])
        self.check(v.get("result") == "differs" and "orders.status" in v.get("reason", ""),
                   f"oracle: a plan that gives the required column a default: {v}")
        # A plan that deletes a row the file keeps: the row is named.
        v = self.hand("drops", "ALTER TABLE members ADD COLUMN level int;\n",
                      [step("ALTER TABLE members ADD COLUMN level int;"),
                       step("DELETE FROM members WHERE team IN (30, 31);", run="out of band", title="Out of band")], ["members"])
        # (The rows the traffic picks by position shift too, so the first difference may be one of those.)
        self.check(v.get("result") == "differs" and any(d.startswith("end state: members") for d in v.get("details", [])),
                   f"oracle: a plan that drops a row: {v}")
        # The backfill of the flag column moved out of band after the new release deployed: it
        # rewrites the values the new release wrote (links.enable_join named).
        v = self.hand("clobber", "ALTER TABLE links ADD COLUMN enable_join bool NOT NULL DEFAULT TRUE;\n"
                      "UPDATE links SET enable_join = FALSE;\n",
                      [step("ALTER TABLE links ADD COLUMN enable_join bool NOT NULL DEFAULT TRUE;"),
                       step("UPDATE links SET enable_join = FALSE;", run="out of band", after=True, title="Out of band")],
                      ["links"])
        self.check(v.get("result") == "differs" and "links.enable_join is true in the original, false in the plan" in v.get("reason", ""),
                   f"oracle: a backfill that rewrites the new release's rows: {v}")
        # The same backfill before the deploy is the file run at the backfill's position: proven.
        v = self.hand("backfill-first", "ALTER TABLE links ADD COLUMN enable_join bool NOT NULL DEFAULT TRUE;\n"
                      "UPDATE links SET enable_join = FALSE;\n",
                      [step("ALTER TABLE links ADD COLUMN enable_join bool NOT NULL DEFAULT TRUE;"),
                       step("UPDATE links SET enable_join = FALSE;", run="out of band", title="Out of band")],
                      ["links"])
        self.check(v.get("result") == "proven" and v.get("position") == 2, f"oracle: a backfill before the deploy: {v}")
        # A unique key replaced by a partial one (supabase/auth's users_email_key): the plan that
        # drops the key a migration before it builds the new index CONCURRENTLY lets the old
        # release's duplicate in between (and the build then fails): differs. Built first, then
        # the old key dropped: proven.
        unique_setup = "ALTER TABLE accounts ADD COLUMN email text, ADD COLUMN sso bool NOT NULL DEFAULT false;\n" \
                       "UPDATE accounts SET email = code || '@x';\n" \
                       "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);\n"
        original = ("ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;\n"
                    "CREATE UNIQUE INDEX accounts_email_partial ON accounts (email) WHERE NOT sso;\n")
        v = self.hand("unique-window", original,
                      [step("ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;", title="Migration 1"),
                       step("CREATE UNIQUE INDEX CONCURRENTLY accounts_email_partial ON accounts (email) WHERE NOT sso;",
                            run="no transaction", title="Migration 2")], ["accounts"], setup=unique_setup)
        self.check(v.get("result") == "differs", f"oracle: a plan that drops a unique key before its replacement is built: {v}")
        v = self.hand("unique-built-first", original,
                      [step("CREATE UNIQUE INDEX CONCURRENTLY accounts_email_partial ON accounts (email) WHERE NOT sso;",
                            run="no transaction", title="Migration 1"),
                       step("ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;", title="Migration 2")],
                      ["accounts"], setup=unique_setup)
        self.check(v.get("result") == "proven", f"oracle: the replacement unique index built before the key is dropped: {v}")
        # A constraint left NOT VALID where the file validates it.
        v = self.hand("notvalid", "ALTER TABLE items ADD CONSTRAINT pos_positive CHECK (pos >= 0);\n",
                      [step("ALTER TABLE items ADD CONSTRAINT pos_positive CHECK (pos >= 0) NOT VALID;")], ["items"])
        self.check(v.get("result") == "differs" and any("pos_positive" in d and "not validated" in d for d in v.get("details", [])),
                   f"oracle: a constraint left NOT VALID: {v}")
        # The new release deploys before the column exists (after_release on the step that adds it):
        # its writes fail, reported with SQLSTATE 42703 and the step.
        v = self.hand("early", "ALTER TABLE accounts ADD COLUMN score numeric;\n",
                      [step("SELECT 1;", title="Migration 1"),
                       step("ALTER TABLE accounts ADD COLUMN score numeric;", after=True, title="Migration 2")], ["accounts"])
        self.check(v.get("result") == "differs" and any("42703" in d and "Migration 1" in d for d in v.get("details", [])),
                   f"oracle: a write broken by an early deploy: {v}")
        # A placeholder reaching the server fails its step, by name.
        v = self.hand("placeholder", "UPDATE items SET label = 'x';\n",
                      [step("UPDATE items SET label = 'x' WHERE id > :last_id;", run="out of band", title="Out of band")],
                      ["items"])
        self.check(v.get("result") == "differs" and any(":last_id reached the server" in d for d in v.get("details", [])),
                   f"oracle: a placeholder: {v}")
        # A later migration that applies after the file but not after the plan.
        v = self.hand("later", "CREATE INDEX items_pos_idx ON items (pos);\n",
                      [step("CREATE INDEX CONCURRENTLY items_pos_idx ON items (pos);", run="no transaction")], ["items"],
                      later=["DROP INDEX items_pos_idx;"])
        self.check(v.get("result") == "proven", f"oracle: CONCURRENTLY with a later DROP INDEX: {v}")
        # A backfill left as comments: nothing runs, and the rows differ.
        v = self.hand("comments", "UPDATE items SET label = 'none' WHERE label IS NULL;\n",
                      [step("-- UPDATE items SET label = 'none' WHERE label IS NULL;", run="out of band", title="Out of band")],
                      ["items"])
        details = v.get("details", [])
        self.check(v.get("result") == "differs" and any("items.label" in d for d in details)
                   and any("only comments" in d for d in details), f"oracle: a backfill left as comments: {v}")
        # The same compared end state, but a later migration that applies after the file fails
        # after the plan (extended statistics are not compared; an enum short of a value, used
        # here before, now is).
        v = self.hand("later-broken", "CREATE STATISTICS items_stats ON parent, pos FROM items;\n",
                      [step("SELECT 1;")], ["items"],
                      later=["DROP STATISTICS items_stats;"])
        self.check(v.get("result") == "differs" and any(d.startswith("later migration 1:") and "applies after the original" in d
                                                        for d in v.get("details", [])), f"oracle: a later migration broken: {v}")
        # A table renamed behind a view until the release: the old release's writes through the
        # view succeed where the file refuses them. Those rescued writes are credited, and nothing
        # else is: with them left out the plan matches the file.
        rename = "ALTER TABLE items RENAME TO entries;\n"
        v = self.hand("rescued", rename,
                      [step("ALTER TABLE items RENAME TO entries; CREATE VIEW items AS SELECT * FROM entries;", title="Migration 1"),
                       step("DROP VIEW items;", after=True, title="Migration 2")], ["items"])
        self.check(v.get("result") == "proven" and v.get("rescued_writes", 0) > 0, f"oracle: rescued writes not credited: {v}")
        # A later migration that fails after the file too (hatchet's LOCK TABLE outside a
        # transaction block) does not keep the rescued writes from being credited.
        v = self.hand("rescued-later-fails-both", rename,
                      [step("ALTER TABLE items RENAME TO entries; CREATE VIEW items AS SELECT * FROM entries;", title="Migration 1"),
                       step("DROP VIEW items;", after=True, title="Migration 2")], ["items"],
                      later=["LOCK TABLE entries IN ACCESS EXCLUSIVE MODE;"])
        self.check(v.get("result") == "proven" and v.get("rescued_writes", 0) > 0,
                   f"oracle: rescued writes with a later migration that fails after both: {v}")
        # One that the rescued writes break (a CHECK the rescued row 1101 fails), which applies
        # after the file, still differs (row 1101: the old release's first write at position 1 is 1000 + 101).
        v = self.hand("rescued-later-broken", rename,
                      [step("ALTER TABLE items RENAME TO entries; CREATE VIEW items AS SELECT * FROM entries;", title="Migration 1"),
                       step("DROP VIEW items;", after=True, title="Migration 2")], ["items"],
                      later=["ALTER TABLE entries ADD CONSTRAINT entries_not_rescued CHECK (id <> 1101);"])
        self.check(v.get("result") == "differs" and v.get("rescued_writes", 0) == 0,
                   f"oracle: rescued writes that break a later migration: {v}")
        # A column copied elsewhere and then dropped, in two migrations (umami's share_id): the old
        # release's writes of it in between are taken and then lost where the file refused them
        # (the application knew). Not a rescue: differs, naming the lost value.
        copy = ("CREATE TABLE item_labels (item int, label text);\n"
                "INSERT INTO item_labels SELECT id, label FROM items WHERE label IS NOT NULL;\n")
        drop = "ALTER TABLE items DROP COLUMN label;\n"
        v = self.hand("rescued-value-lost", copy + drop,
                      [step(copy, title="Migration 1"), step(drop, title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and v.get("rescued_writes", 0) == 0,
                   f"oracle: a write whose value the plan loses is credited as rescued: {v}")
        # The same statements in one migration, as the file: proven.
        v = self.hand("copied-then-dropped", copy + drop, [step(copy + drop)], ["items"])
        self.check(v.get("result") == "proven", f"oracle: the copy and the drop in one migration: {v}")
        # The same with the view left behind: a schema the file does not leave, rescued or not.
        v = self.hand("rescued-view-left", rename,
                      [step("ALTER TABLE items RENAME TO entries; CREATE VIEW items AS SELECT * FROM entries;", title="Migration 1")],
                      ["items"])
        self.check(v.get("result") == "differs" and "items" in v.get("reason", ""), f"oracle: a view left behind: {v}")
        # Rescued writes do not excuse a row the plan changes: an extra UPDATE still differs.
        v = self.hand("rescued-and-changed", rename,
                      [step("ALTER TABLE items RENAME TO entries; CREATE VIEW items AS SELECT * FROM entries;", title="Migration 1"),
                       step("DROP VIEW items; UPDATE entries SET label = 'changed' WHERE id = (SELECT min(id) FROM entries);",
                            after=True, title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and "entries.label" in v.get("reason", ""), f"oracle: a change hidden by rescued writes: {v}")
        # Rescued writes that break a step are no rescue: the old release's NULLs written between
        # the backfill and SET NOT NULL make that step fail in production.
        v = self.hand("rescued-breaks-step", "ALTER TABLE items ADD COLUMN flag bool;\nUPDATE items SET flag = true;\n"
                      "ALTER TABLE items ALTER COLUMN flag SET NOT NULL;\n",
                      [step("ALTER TABLE items ADD COLUMN flag bool;", title="Migration 1"),
                       step("UPDATE items SET flag = true;", run="out of band", title="Out of band"),
                       step("ALTER TABLE items ALTER COLUMN flag SET NOT NULL;", title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and any("Migration 2" in d and "null values" in d for d in v.get("details", [])),
                   f"oracle: rescued writes that break a step: {v}")
        # Writes the file refuses for their data (its trigger's RAISE, a CHECK) are no rescue: a
        # plan that creates the trigger only after the release lets through rows the file forbids
        # (proven with rescued_writes before: only writes refused for a missing object count).
        refuse = ("CREATE FUNCTION no_big() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN IF NEW.pos >= 500 THEN "
                  "RAISE EXCEPTION 'too big'; END IF; RETURN NEW; END$$;\n")
        trigger = "CREATE TRIGGER no_big BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION no_big();"
        v = self.hand("rescued-refused-for-data", refuse + trigger + "\n",
                      [step(refuse, title="Migration 1"), step(trigger, after=True, title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and v.get("rescued_writes", 0) == 0,
                   f"oracle: writes the file's trigger refuses, let through, were credited as rescued: {v}")
        # The file's session settings stay on its own session: a trailing SET that makes every
        # later write fail (read-only) made the original's traffic fail, so a plan was "proven" with
        # those writes rescued, even one that refused the old release's inserts between its steps.
        readonly = "ALTER TABLE items ADD COLUMN note text;\nSET default_transaction_read_only = on;\n"
        v = self.hand("file-session-set", readonly, [step(readonly)], ["items"])
        self.check(v.get("result") == "proven" and v.get("rescued_writes", 0) == 0,
                   f"oracle: a SET in the file reached the traffic of the original's run: {v}")
        v = self.hand("file-session-set-broken", readonly,
                      [step("ALTER TABLE items ADD COLUMN note text; "
                            "ALTER TABLE items ADD CONSTRAINT refuse_new CHECK (id < 1000) NOT VALID;", title="Migration 1"),
                       step("ALTER TABLE items DROP CONSTRAINT refuse_new;", after=True, title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and any(d.startswith("write failed") and "refuse_new" in d for d in v.get("details", [])),
                   f"oracle: writes the plan broke were hidden by a SET in the file: {v}")
        # A value the traffic takes from the clock through a trigger the file creates (hatchet's
        # v1_lookup_table.inserted_at): each run of the original holds its own, so the column is
        # compared by NULL-ness (found by running the original twice with the traffic), and the
        # plan that runs the same statements in two migrations is proven.
        clock = ("CREATE TABLE item_log (item int, seen timestamptz);\n"
                 "CREATE FUNCTION log_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n"
                 "  INSERT INTO item_log VALUES (NEW.id, clock_timestamp()); RETURN NEW; END $$;\n"
                 "CREATE TRIGGER items_log AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION log_item();\n")
        split_clock = [step(clock, title="Migration 1"), step("ALTER TABLE items ADD COLUMN note text;", title="Migration 2")]
        v = self.hand("clock-trigger", clock + "ALTER TABLE items ADD COLUMN note text;\n", split_clock, ["items"])
        self.check(v.get("result") == "proven", f"oracle: a clock value written by the traffic through a trigger: {v}")
        # Still compared: a plan that makes such a value NULL, or changes another column of its rows.
        v = self.hand("clock-trigger-null", clock + "ALTER TABLE items ADD COLUMN note text;\n",
                      split_clock + [step("UPDATE item_log SET seen = NULL WHERE item = (SELECT min(item) FROM item_log);",
                                          title="Migration 3")], ["items"])
        self.check(v.get("result") == "differs" and "item_log" in v.get("reason", "") and "seen=NULL" in v.get("reason", ""),
                   f"oracle: a clock value made NULL by the plan: {v}")
        v = self.hand("clock-trigger-other", clock + "ALTER TABLE items ADD COLUMN note text;\n",
                      split_clock + [step("UPDATE item_log SET item = item + 100000 WHERE item = (SELECT min(item) FROM item_log);",
                                          title="Migration 3")], ["items"])
        self.check(v.get("result") == "differs" and "item_log" in v.get("reason", ""),
                   f"oracle: another column of rows with a clock value changed by the plan: {v}")
        # The old release's UPDATE leaves alone a column a unique index covers (hatchet's Prisma
        # key "WorkflowTriggerCronRef_parentId_cron_key"), as it does a unique constraint's: changed,
        # a foreign key's ON UPDATE CASCADE carries it into another table for as long as the plan
        # keeps the key the file drops, which no position of the file matches.
        crons = ("CREATE TABLE crons (parent int NOT NULL, cron text NOT NULL, label text);\n"
                 "CREATE UNIQUE INDEX crons_parent_cron_key ON crons (parent, cron);\n"
                 "CREATE TABLE runs (id int PRIMARY KEY, parent int, cron text,\n"
                 "  FOREIGN KEY (parent, cron) REFERENCES crons (parent, cron) ON UPDATE CASCADE ON DELETE SET NULL);\n")
        required = "ALTER TABLE crons ADD COLUMN id int; UPDATE crons SET id = 1; ALTER TABLE crons ALTER COLUMN id SET NOT NULL;"
        note = "ALTER TABLE crons ADD COLUMN note text;"
        drop = "ALTER TABLE runs DROP CONSTRAINT runs_parent_cron_fkey;"
        steps = [step(required, title="Migration 1"), step(note, title="Migration 2"), step(drop, title="Migration 3")]
        v = self.hand("unique-index-key", "\n".join([required, note, drop]) + "\n", steps, ["crons", "runs"], setup=crons)
        self.check(v.get("result") == "proven", f"oracle: a column of a unique index updated by the old release: {v}")
        # Still compared: a plan that changes that column itself.
        v = self.hand("unique-index-key-changed", "\n".join([required, note, drop]) + "\n",
                      steps + [step("UPDATE crons SET cron = cron || 'x' WHERE parent = (SELECT min(parent) FROM crons);",
                                    title="Migration 4")],
                      ["crons", "runs"], setup=crons)
        self.check(v.get("result") == "differs" and "crons.cron" in v.get("reason", ""),
                   f"oracle: a unique-indexed column changed by the plan: {v}")
        # A column renamed behind a view until the release: the new release's UPDATE names its row
        # by the primary key (a view has no ctid) and goes through the view, so the plan is proven.
        view = ("ALTER TABLE items RENAME TO items_base; ALTER TABLE items_base RENAME COLUMN label TO title;\n"
                "CREATE VIEW items AS SELECT *, title AS label FROM items_base{where};")
        swap = step("DROP VIEW items; ALTER TABLE items_base RENAME TO items;", after=True, title="Migration 2")
        rename_column = "ALTER TABLE items RENAME COLUMN label TO title;\n"
        v = self.hand("rename-column-view", rename_column, [step(view.format(where=""), title="Migration 1"), swap], ["items"])
        self.check(v.get("result") == "proven", f"oracle: a column renamed behind a view: {v}")
        # The same through a view that hides half the rows: the writes through it reach other rows.
        v = self.hand("rename-column-view-hides-rows", rename_column,
                      [step(view.format(where=" WHERE id % 2 = 0"), title="Migration 1"), swap], ["items"])
        self.check(v.get("result") == "differs", f"oracle: a view that hides rows from the writes: {v}")
        # A column whose default reads the clock: the traffic's rows hold another value in each
        # run and are compared by NULL-ness, but the rows both runs of the original agree on (the
        # seeded ones) are compared exactly: a plan that rewrites them differs.
        events = "CREATE TABLE events (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), label text);\n"
        note = "ALTER TABLE events ADD COLUMN note text;"
        v = self.hand("clock-default", note + "\n", [step(note, title="Migration 1")], ["events"], setup=events)
        self.check(v.get("result") == "proven", f"oracle: a clock default written by the traffic: {v}")
        v = self.hand("clock-default-rewritten", note + "\n",
                      [step(note, title="Migration 1"),
                       step("UPDATE events SET created_at = created_at - interval '5 years';", title="Migration 2")],
                      ["events"], setup=events)
        self.check(v.get("result") == "differs" and "created_at" in v.get("reason", ""),
                   f"oracle: a clock column rewritten in every row: {v}")
        # A column renamed behind a view (crates.io's crate_owners.user_id): the old release's
        # INSERT, refused by the original for the name it lacks, gets through the view under the
        # plan and fails there on its data (the CHECK), after taking a value from the table's
        # sequence. It fails in both runs; the sequence value it took is not a difference.
        tickets = "CREATE TABLE tickets (id bigserial PRIMARY KEY, owner text, qty int CHECK (qty < 0));\n"
        behind = step("ALTER TABLE tickets RENAME TO tickets_base; ALTER TABLE tickets_base RENAME COLUMN owner TO holder;\n"
                      "CREATE VIEW tickets AS SELECT *, holder AS owner FROM tickets_base;", title="Migration 1")
        back = "DROP VIEW tickets; ALTER TABLE tickets_base RENAME TO tickets;"
        renamed = "ALTER TABLE tickets RENAME COLUMN owner TO holder;\n"
        v = self.hand("view-write-fails-on-data", renamed, [behind, step(back, after=True, title="Migration 2")], ["tickets"],
                      setup=tickets)
        self.check(v.get("result") == "proven", f"oracle: a write refused by both, for another reason under the plan: {v}")
        # Still compared: a plan that moves the sequence itself.
        v = self.hand("view-write-fails-on-data-setval", renamed,
                      [behind, step(back + " SELECT setval('tickets_id_seq', 500);", after=True, title="Migration 2")],
                      ["tickets"], setup=tickets)
        self.check(v.get("result") == "differs" and "tickets_id_seq" in v.get("reason", ""),
                   f"oracle: a sequence the plan moves, with writes refused by both: {v}")
        # A column added with no value for the rows it finds, then a clock default (crates.io's
        # users.created_at): at the deploy position the old release's row written before the file
        # is NULL in both runs of the original, at the position the plan adds the column it gets
        # now(). Compared with that position, the values two runs of the original differ in there
        # are compared by NULL-ness, and the plan that runs the ALTER first is proven.
        added = "ALTER TABLE items ADD COLUMN made timestamptz NULL DEFAULT NULL, ALTER COLUMN made SET DEFAULT now();"
        comment = "COMMENT ON COLUMN items.made IS 'when';"
        v = self.hand("clock-default-added", added + "\n" + comment + "\n",
                      [step(added, title="Migration 1"), step(comment, title="Migration 2")], ["items"])
        self.check(v.get("result") == "proven" and v.get("position") == 1,
                   f"oracle: a clock default the file adds, compared at the plan's position: {v}")
        # Still compared: a plan that gives the rows the file finds the clock value too.
        v = self.hand("clock-default-added-filled", added + "\n" + comment + "\n",
                      [step("ALTER TABLE items ADD COLUMN made timestamptz DEFAULT now();", title="Migration 1"),
                       step(comment, title="Migration 2")], ["items"])
        self.check(v.get("result") == "differs" and "items.made is NULL in the original" in v.get("reason", ""),
                   f"oracle: a clock default that fills the rows the file leaves NULL: {v}")
        # A batched window-function UPDATE: each batch numbers only its own rows.
        window = ("UPDATE items SET pos = s.rn FROM (SELECT id, row_number() OVER (PARTITION BY parent ORDER BY pos) rn\n"
                  "  FROM items) s WHERE items.id = s.id;\n")
        batched = ("DO $$ DECLARE last int := -1; hi int; BEGIN LOOP\n"
                   "  SELECT max(id) INTO hi FROM (SELECT id FROM items WHERE id > last ORDER BY id LIMIT 10) b;\n"
                   "  EXIT WHEN hi IS NULL;\n"
                   "  UPDATE items SET pos = s.rn FROM (SELECT id, row_number() OVER (PARTITION BY parent ORDER BY pos) rn\n"
                   "    FROM items WHERE id > last AND id <= hi) s WHERE items.id = s.id;\n"
                   "  last := hi; END LOOP; END $$;")
        v = self.hand("window", window, [step(batched, run="out of band", title="Out of band")], ["items"])
        self.check(v.get("result") == "differs" and "items.pos" in v.get("reason", ""), f"oracle: a batched window UPDATE: {v}")
        v = self.hand("window-whole", window, [step(window.strip(), run="out of band", title="Out of band")], ["items"])
        self.check(v.get("result") == "proven", f"oracle: the window UPDATE as one statement: {v}")
        self.hand_plans_catalog(step)

    @staticmethod
    def plan_step(sql, run="in transaction", after=False, title="Migration"):
        return {"title": title, "run": run, "sql": sql, "after_release": after}

    def hand_plans_catalog(self, step=None):
        """The end state holds functions, grants, row-level security, policies and comments; the
        oracle's databases are checked for tampering; rows are picked by their key (#33)."""
        step = step or Suite.plan_step
        add = "ALTER TABLE items ADD COLUMN note text;"
        # A function the file replaces (a trigger's body, a view's helper): the plan that skips
        # CREATE OR REPLACE FUNCTION differs, naming the function.
        fn = ("CREATE FUNCTION item_label(i int) RETURNS text LANGUAGE sql AS $$SELECT 'v1'$$;\n"
              "CREATE ROLE reader;\n")
        replace = "CREATE OR REPLACE FUNCTION item_label(i int) RETURNS text LANGUAGE sql AS $$SELECT 'v2'$$;"
        v = self.hand("function-replaced", add + "\n" + replace + "\n", [step(add + "\n" + replace)], ["items"], setup=fn)
        self.check(v.get("result") == "proven", f"oracle: a plan that replaces the function too: {v}")
        v = self.hand("function-skipped", add + "\n" + replace + "\n", [step(add)], ["items"], setup=fn)
        self.check(v.get("result") == "differs" and "function item_label(integer)" in v.get("reason", "")
                   and "'v2'" in v.get("reason", ""), f"oracle: a plan that skips CREATE OR REPLACE FUNCTION: {v}")
        # Grants (a table's, a column's, a function's) and ownership.
        for name, grant, named in (("grant-table", "GRANT SELECT ON items TO reader;", "owner and grants items"),
                                   ("grant-column", "GRANT UPDATE (label) ON items TO reader;", "column grants items.label"),
                                   ("grant-function", "REVOKE EXECUTE ON FUNCTION item_label(int) FROM PUBLIC;",
                                    "function item_label(integer)"),
                                   ("owner", "ALTER TABLE items OWNER TO reader;", "owner and grants items")):
            v = self.hand(name, add + "\n" + grant + "\n", [step(add)], ["items"], setup=fn)
            self.check(v.get("result") == "differs" and named in v.get("reason", ""), f"oracle: a plan that skips {grant}: {v}")
        # Row-level security and a policy: each skipped differs, by name; both kept are proven.
        rls = "ALTER TABLE items ENABLE ROW LEVEL SECURITY;"
        policy = "CREATE POLICY items_positive ON items USING (pos > 0);"
        original = "\n".join([add, rls, policy]) + "\n"
        v = self.hand("rls-kept", original, [step(add), step(rls + "\n" + policy, title="Migration 2")], ["items"], setup=fn)
        self.check(v.get("result") == "proven", f"oracle: a plan with the policy and row-level security: {v}")
        v = self.hand("rls-skipped", original, [step(add + "\n" + policy)], ["items"], setup=fn)
        self.check(v.get("result") == "differs" and "row level security items" in v.get("reason", ""),
                   f"oracle: a plan that skips ENABLE ROW LEVEL SECURITY: {v}")
        v = self.hand("policy-skipped", original, [step(add + "\n" + rls)], ["items"], setup=fn)
        self.check(v.get("result") == "differs" and "policy public.items.items_positive" in v.get("reason", ""),
                   f"oracle: a plan that skips CREATE POLICY: {v}")
        v = self.hand("comment-skipped", add + "\nCOMMENT ON COLUMN items.label IS 'shown';\n", [step(add)], ["items"], setup=fn)
        self.check(v.get("result") == "differs" and "comment on column label of table items" in v.get("reason", ""),
                   f"oracle: a plan that skips COMMENT ON: {v}")
        # Repository SQL that alters the oracle's other databases (found in pg_database), or the
        # settings every session of its role starts with: the verdict is never proven.
        alter_all = ("DO $$ DECLARE d text; BEGIN FOR d IN SELECT datname FROM pg_database WHERE datname <> current_database()"
                     " AND datname NOT IN ('postgres', 'template0', 'template1') LOOP\n"
                     "  BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = %L', d, '5MB'); EXCEPTION WHEN others THEN NULL; END;\n"
                     "END LOOP; END $$;\n")
        v = self.hand("tamper-databases", add + "\n" + alter_all, [step(add)], ["items"])
        self.check(v.get("result") == "unchecked" and "altered or dropped" in v.get("reason", ""),
                   f"oracle: a file that alters the oracle's databases: {v}")
        v = self.hand("tamper-role", add + "\nALTER ROLE CURRENT_USER SET work_mem = '5MB';\n", [step(add)], ["items"])
        self.check(v.get("result") == "unchecked" and "altered or dropped" in v.get("reason", ""),
                   f"oracle: a file that alters its role's settings: {v}")
        # Rows named by their key, ordered by it alone: a column a trigger sets from the clock,
        # ahead of the key, no longer decides which row the traffic updates. The backfill walked
        # in another order than the file's UPDATE stamps the rows in another order; the plan is
        # proven, and a backfill of another value still differs.
        notes = ("CREATE TABLE notes (stamp timestamptz, id int PRIMARY KEY, body text);\n"
                 "CREATE FUNCTION notes_stamp() RETURNS trigger LANGUAGE plpgsql AS\n"
                 "  $$BEGIN NEW.stamp := clock_timestamp(); RETURN NEW; END$$;\n"
                 "CREATE TRIGGER notes_stamp BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_stamp();\n")
        walk = ("DO $$ DECLARE hi int := 2147483647; lo int; BEGIN LOOP\n"
                "  SELECT min(id) INTO lo FROM (SELECT id FROM notes WHERE id < hi ORDER BY id DESC LIMIT 7) b;\n"
                "  EXIT WHEN lo IS NULL;\n"
                "  UPDATE notes SET extra = '{value}' WHERE id >= lo AND id < hi; hi := lo; END LOOP; END $$;")
        backfill = "ALTER TABLE notes ADD COLUMN extra text;\nUPDATE notes SET extra = 'x';\n"
        v = self.hand("trigger-stamped", backfill,
                      [step("ALTER TABLE notes ADD COLUMN extra text;"),
                       step(walk.format(value="x"), run="out of band", title="Out of band")], ["notes"], setup=notes)
        self.check(v.get("result") == "proven", f"oracle: rows picked by a trigger-set clock column: {v}")
        v = self.hand("trigger-stamped-wrong", backfill,
                      [step("ALTER TABLE notes ADD COLUMN extra text;"),
                       step(walk.format(value="y"), run="out of band", title="Out of band")], ["notes"], setup=notes)
        self.check(v.get("result") == "differs" and "notes.extra" in v.get("reason", ""),
                   f"oracle: a backfill of another value under a clock trigger: {v}")

    def setup(self):
        """--setup loads a schema first; without it the same file fails. Files run in order on
        one database, so a later file sees an earlier one's tables."""
        path = self.write("setup/001.sql", "ALTER TABLE orders ALTER COLUMN code TYPE varchar(200);\n")
        code, doc, err = self.run_json(path)
        if doc:
            self.check(self.statements(doc)[0]["verdict"] == "error", "setup: ran without --setup")
        code, doc, err = self.run_json("--trace-as-superuser", "--setup", self.schema, "--ci", path)
        self.check(code == 0, f"setup: exit {code}: {err}")
        if doc:
            s = self.statements(doc)[0]
            self.check(s["verdict"] == "confirmed", f"setup: verdict {s['verdict']} {s['differences']}")
            self.check(doc["setup"] == [self.schema], f"setup: {doc['setup']}")
        # pg_dump's own output (15.14 and later): \restrict first, \unrestrict last.
        dumped = self.write("setup/dump.sql", "--\n-- PostgreSQL database dump\n--\n\\restrict k3y\n\nSET statement_timeout = 0;\n"
                            "CREATE TABLE public.items (id bigint PRIMARY KEY, name text);\n\\unrestrict k3y\n")
        uses = self.write("setup/dump/001.sql", "ALTER TABLE items ALTER COLUMN name TYPE varchar(10);\n")
        code, doc, err = self.run_json("--setup", dumped, uses)
        self.check(code == 0 and doc is not None and self.statements(doc)[0]["verdict"] == "confirmed",
                   f"setup: a pg_dump file with \\restrict lines loads: exit {code}: {err[-300:]}")
        first = self.write("setup/seq/001.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n")
        second = self.write("setup/seq/002.sql", "ALTER TABLE items ALTER COLUMN name TYPE varchar(10);\n"
                                                  "ALTER TABLE items ADD CONSTRAINT name_len CHECK (length(name) > 0) NOT VALID;\n"
                                                  "ALTER TABLE items VALIDATE CONSTRAINT name_len;\n")
        code, doc, err = self.run_json("--ci", os.path.dirname(first))
        self.check(code == 0, f"setup: sequence exit {code}: {err}")
        if doc:
            st = self.statements(doc)
            self.check([s["verdict"] for s in st] == ["confirmed"] * 4, f"setup: sequence {[s['verdict'] for s in st]}")
            rewrite = st[1]["observed"]["rewrites"]
            self.check(rewrite == ["items"], f"setup: the type change rewrote {rewrite}")
            changes = {(c["object"], c["name"]): c for s in st for c in s["observed"]["changes"]}
            added = changes.get(("constraint", "public.items.name_len"))
            self.check(added is not None, f"setup: no constraint change seen: {list(changes)}")
            validated = [c for c in st[3]["observed"]["changes"] if c["object"] == "constraint"]
            self.check(validated and validated[0]["before"] == "CHECK NOT VALID" and validated[0]["after"] == "CHECK",
                       f"setup: validation not seen: {validated}")
        # --max-risk (the original pgfence's `trace --ci --max-risk medium`): a traced risk above
        # it fails --ci as well; at critical nothing here is above it.
        code, out, err = self.run("--ci", "--max-risk", "low", os.path.dirname(first))
        self.check(code == 1 and "with a risk above --max-risk LOW" in err, f"setup: --max-risk low: {code} {err}")
        code, out, err = self.run("--ci", "--max-risk", "critical", os.path.dirname(first))
        self.check(code == 0, f"setup: --max-risk critical: {code} {err}")
        # A TypeORM migration calling uuid_generate_v4() runs as TypeORM runs it: its PostgreSQL
        # driver has created the uuid-ossp extension on connect. A plain SQL file gets no such help.
        orm = self.write("setup/orm/1700000000000-AddUser.ts",
                         "import { MigrationInterface, QueryRunner } from 'typeorm';\n"
                         "export class AddUser1700000000000 implements MigrationInterface {\n"
                         "  public async up(queryRunner: QueryRunner): Promise<void> {\n"
                         "    await queryRunner.query(`CREATE TABLE \"user\" (id uuid NOT NULL DEFAULT uuid_generate_v4(), name text)`);\n"
                         "  }\n"
                         "  public async down(queryRunner: QueryRunner): Promise<void> {\n"
                         "    await queryRunner.query(`DROP TABLE \"user\"`);\n"
                         "  }\n}\n")
        code, doc, err = self.run_json("--ci", orm)
        self.check(code == 0 and doc and [s["verdict"] for s in self.statements(doc)] == ["confirmed"],
                   f"setup: a TypeORM file using uuid_generate_v4(): exit {code} {err} {doc and self.statements(doc)}")
        plain = self.write("setup/plain/001.sql", "CREATE TABLE users (id uuid NOT NULL DEFAULT uuid_generate_v4());\n")
        code, doc, err = self.run_json(plain)
        self.check(doc and self.statements(doc)[0]["verdict"] == "error", f"setup: plain SQL got the extension: {doc}")
        # As the plain migration role (no --trace-as-superuser), a DROP INDEX CONCURRENTLY runs
        # and its last, instant ACCESS EXCLUSIVE on the index is seen: the observer pins catalog
        # rows on the superuser's session (as the plain role the pin failed the statement, and
        # every later statement of the set; later it went unpinned and the lock unseen, a mismatch).
        first = self.write("setup/pin/001_init.sql", "CREATE TABLE s (id int PRIMARY KEY, token text);\n"
                                                    "CREATE UNIQUE INDEX s_token_key ON s (token);\n")
        self.write("setup/pin/002_drop.sql", "DROP INDEX CONCURRENTLY IF EXISTS s_token_key;\n")
        self.write("setup/pin/003_more.sql", "ALTER TABLE s ADD COLUMN note text;\n")
        code, doc, err = self.run_json(os.path.dirname(first))
        verdicts = [s["verdict"] for s in self.statements(doc)] if doc else []
        self.check(doc is not None and verdicts == ["confirmed"] * 4,
                   f"setup: DROP INDEX CONCURRENTLY as the plain role: {verdicts} {err}")
        bad_setup = self.write("setup/bad.sql", "CREATE TABLE broken (;\n")
        code, out, err = self.run("--setup", bad_setup, path)
        self.check(code == 2 and err.startswith("error: --setup ") and "syntax error" in err, f"setup: bad setup: {code} {err}")
        self.check_nothing_left("setup")

    def usage(self):
        path = self.write("usage/001.sql", "SELECT 1;\n")
        cases = [
            (["--format", "xml", path], "--format"),
            (["--pg-version", "9", path], "--pg-version"),
            (["--pg-version", "12", path], "PostgreSQL 12 is not installed"),
            (["--pg-bin", self.tmp, path], "--pg-bin"),
            ([], "needs at least one file"),
            ([os.path.join(self.tmp, "nope.sql")], "nope.sql"),
            (["--setup", os.path.join(self.tmp, "nope.sql"), path], "--setup"),
            (["--docker-image", "postgres:17-alpine", path], "--docker-image postgres:17-alpine"),
            (["--frobnicate", path], "unknown option"),
            (["--ci", "--max-risk", "none", path], "--max-risk takes"),
        ]
        for args, needle in cases:
            if args[:2] == ["--pg-version", "12"] and os.path.isdir("/usr/lib/postgresql/12/bin"):
                continue
            code, out, err = self.run(*args)
            lines = err.strip().splitlines()
            self.check(code == 2, f"usage {args}: exit {code}, expected 2")
            self.check(len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0],
                       f"usage {args}: stderr {err!r}")
        # Docker missing from PATH altogether: the same single line.
        env = dict(self.env, PATH="/usr/bin:/bin")
        if not shutil.which("docker", path=env["PATH"]):
            code, out, err = self.run("--docker-image", "postgres:17-alpine", path, env=env)
            self.check(code == 2 and "docker is not on PATH" in err and len(err.strip().splitlines()) == 1,
                       f"usage: docker not on PATH: {code} {err!r}")
        self.check_nothing_left("usage")

    def signals(self):
        """Interrupted in the middle of a statement: no server process, socket or folder stays."""
        path = self.write("signals/001.sql", "CREATE TABLE s (id int);\nSELECT pg_sleep(60);\n")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            proc = subprocess.Popen([self.binary, "trace", path], env=self.env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            postmaster, port, family = self.wait_for_sleep()
            if not self.check(postmaster is not None, f"{sig.name}: the trace never reached pg_sleep"):
                proc.kill()
                proc.wait()
                continue
            proc.send_signal(sig)
            code = proc.wait(timeout=30)
            self.check(code != 0, f"{sig.name}: exit {code}")
            deadline = time.time() + 10
            while time.time() < deadline and (alive(family) or self.server_dirs()):
                time.sleep(0.05)
            self.check(not alive(family), f"{sig.name}: server processes left: {alive(family)}")
            self.check(not self.server_dirs(), f"{sig.name}: folder left: {self.server_dirs()}")
            self.check(not glob.glob(f"/tmp/.s.PGSQL.{port}*"), f"{sig.name}: socket left in /tmp")
            self.check(not glob.glob(f"/var/run/postgresql/.s.PGSQL.{port}*"), f"{sig.name}: socket left")

    def wait_for_sleep(self):
        """The postmaster's pid, port and process family once a backend runs pg_sleep."""
        deadline = time.time() + 60
        while time.time() < deadline:
            for d in self.server_dirs():
                try:
                    with open(os.path.join(d, "data", "postmaster.pid")) as f:
                        lines = f.read().splitlines()
                    port = int(lines[3])
                except (OSError, ValueError, IndexError):
                    continue
                # postmaster.pid holds the pid inside the server's PID namespace: find it by its command line.
                pid = find_process(f"-D {d}/data")
                if pid is None:
                    continue
                family = [pid] + children(pid)
                for c in family[1:]:
                    if "pg_sleep" in cmdline(c) or "SELECT" in cmdline(c):
                        return pid, port, family
            time.sleep(0.05)
        return None, None, []


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            out.append(int(entry))
    return out


def find_process(marker):
    for entry in os.listdir("/proc"):
        if entry.isdigit() and marker in cmdline(int(entry)):
            return int(entry)
    return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pids):
    """Those of `pids` still running (zombies count as gone)."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.append(pid)
    return out


def split_cases(files):
    """(family, case id, SQL, needed major version or 0) per `-- case:` of the conformance
    files; contention directives dropped (the trace plans its contention from the predicted
    locks itself)."""
    cases = []
    for path in files:
        family = re.sub(r"^\d+_", "", os.path.basename(path)[:-4])
        current = None
        for line in open(path).read().splitlines():
            m = re.match(r"^\s*-- case:\s*(\S+)", line)
            needs = re.match(r"^\s*-- needs:\s*(\d+)\s*$", line)
            if m:
                current = [family, m.group(1), "", 0]
                cases.append(current)
            elif needs and current is not None:
                current[3] = int(needs.group(1))
            elif re.match(r"^\s*-- (hold|pin|squat):", line):
                continue
            elif current is not None:
                current[2] += line + "\n"
    return [tuple(c) for c in cases]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--inject", required=True)
    parser.add_argument("--oracle", required=True)
    parser.add_argument("--conformance", required=True)
    args = parser.parse_args()
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and not shutil.which("initdb"):
        print("skipped: no PostgreSQL server binaries")
        return SKIP
    suite = Suite(args)
    try:
        getattr(suite, args.suite)()
    finally:
        shutil.rmtree(suite.tmp, ignore_errors=True)
    for f in suite.failures:
        print("FAIL:", f)
    print(f"{args.suite}: {suite.checks - len(suite.failures)} of {suite.checks} checks passed")
    return 1 if suite.failures else 0


if __name__ == "__main__":
    sys.exit(main())
