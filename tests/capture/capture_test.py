"""End-to-end tests of `pgfence capture` (tests/capture/CMakeLists.txt lists the suites).

Every suite runs the real binary, which starts its throwaway PostgreSQL 15 (Debian's
/usr/lib/postgresql/15/bin) or uses one the test starts (--server), and real clients: psql and
pgbench (the extended protocol) from that package, Alembic 1.8, Django 3.2 and ActiveRecord 6.1
from Debian's python3-alembic, python3-django with python3-psycopg2, ruby-activerecord with ruby-pg. Without them a suite is skipped (exit 77)."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import projects  # noqa: E402

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"
PYTHON = "/usr/bin/python3"


class Failed(Exception):
    pass


class Suite:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix="pgfence-capture-test-")
        os.chmod(self.tmp, 0o755)
        # Debian's tools first: the clients the command runs are the packaged ones.
        self.env = dict(os.environ, TMPDIR=self.tmp, PATH=f"{PG_BIN}:/usr/bin:/bin", NO_COLOR="1")
        self.checks = 0
        self.failures = []

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)
        return condition

    def folder(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def capture(self, cwd, *args, env=None, timeout=600):
        proc = subprocess.run([self.binary, "capture", *args], cwd=cwd, env=env or self.env, capture_output=True,
                              text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    def capture_json(self, cwd, *args, **kw):
        code, out, err = self.capture(cwd, "--format", "json", *args, **kw)
        try:
            return code, json.loads(out), err
        except json.JSONDecodeError:
            raise Failed(f"not JSON (exit {code}): {out[:800]}\n{err[-2000:]}")

    def files(self, doc):
        return {f["path"]: f for f in doc["files"]}

    def rules(self, f):
        return sorted((x["rule"], x["risk"]) for x in f["findings"])

    def server_dirs(self):
        return [d for d in os.listdir(self.tmp) if d.startswith("pgfence-pg-")]

    # -- suites -------------------------------------------------------------------------

    def protocol(self):
        """psql (simple protocol, SSLRequest answered 'N') and pgbench -M extended (Parse, Bind
        with the values, Execute, Sync) through the proxy; the command's environment; the record;
        a Rails-shaped bookkeeping write (schema_migrations, the version bound as $1) mapped to
        db/migrate/<version>_*.rb with its statements' findings there."""
        root = self.folder("protocol")
        projects.write(root, "db/migrate/20240102000000_add_index_to_orders.rb", "class AddIndexToOrders; end\n")
        projects.write(root, "db/migrate/20240101000000_create_orders.rb", "class CreateOrders; end\n")
        # As ActiveRecord does on one connection: the migration's statement, then its version bound as $1.
        projects.write(root, "migration.sql", "CREATE INDEX orders_ref ON orders (ref);\n\\set version 20240102000000\n"
                       "INSERT INTO schema_migrations (version) VALUES (:version);\n")
        projects.write(root, "run.sh", """
            set -e
            env > command.env
            psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE schema_migrations (version varchar PRIMARY KEY)'
            psql -X -q -v ON_ERROR_STOP=1 -c 'BEGIN' -c 'CREATE TABLE orders (id int, ref text)' \\
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240101000000')" -c 'COMMIT'
            pgbench -n -M extended -t 1 -f migration.sql > /dev/null
            printf '1\\tA\\n2\\tB\\n' | psql -X -q -c '\\copy orders from stdin'
        """)
        env = dict(self.env, GITHUB_TOKEN="ghp_secret", PGFENCE_GOVERNANCE_TOKEN="pgf_secret", PGHOSTADDR="10.9.9.9",
                   APP_SETTING="kept")
        record = os.path.join(root, "record.json")
        code, doc, err = self.capture_json(root, "--record", record, "--", "bash", "run.sh", env=env)
        self.check(code == 0, f"protocol: exit {code}: {err[-1500:]}")
        seen = dict(line.split("=", 1) for line in open(os.path.join(root, "command.env")).read().splitlines() if "=" in line)
        self.check("GITHUB_TOKEN" not in seen and "PGFENCE_GOVERNANCE_TOKEN" not in seen, "protocol: pgfence's secrets reached the command")
        self.check("PGHOSTADDR" not in seen, "protocol: the caller's PGHOSTADDR reached the command")
        self.check(seen.get("APP_SETTING") == "kept", "protocol: the command's own environment was not kept")
        self.check(seen.get("PGHOST") == "127.0.0.1" and seen.get("DATABASE_URL", "").startswith("postgresql://"),
                   f"protocol: PGHOST/DATABASE_URL do not name the proxy: {seen.get('PGHOST')} {seen.get('DATABASE_URL')}")
        self.check(seen.get("DATABASE_URL", "").endswith(f":{seen.get('PGPORT')}/{seen.get('PGDATABASE')}"),
                   "protocol: DATABASE_URL and PGPORT/PGDATABASE disagree")
        sessions = json.load(open(record))["sessions"]
        self.check(len(sessions) == 5, f"protocol: {len(sessions)} sessions recorded, not 5")
        copy = [(e["sql"].split()[0], e["copy_in_bytes"], e["tags"]) for e in sessions[4]["events"]] if len(sessions) == 5 else []
        self.check(copy == [("COPY", 8, ["COPY 2"])], f"protocol: COPY FROM STDIN not recorded with its bytes: {copy}")
        self.check(all(s["refused_encryption"] for s in sessions[:2]), "protocol: psql's SSLRequest was not answered 'N'")
        self.check(all(s["authenticated"] for s in sessions), "protocol: a session did not authenticate through the proxy")
        second = [(e["sql"], e["status_before"], e["status_after"]) for e in sessions[1]["events"]]
        self.check(second[:2] == [("BEGIN", "I", "T"), ("CREATE TABLE orders (id int, ref text)", "T", "T")] and
                   second[-1] == ("COMMIT", "T", "I"), f"protocol: transaction status not as the server said: {second}")
        extended = [(e["kind"], e["sql"], e["parameters"]) for e in sessions[3]["events"]]
        self.check(extended == [("execute", "CREATE INDEX orders_ref ON orders (ref);", []),
                                ("execute", "INSERT INTO schema_migrations (version) VALUES ($1);", ["20240102000000"])],
                   f"protocol: pgbench's extended-protocol statement or its value not recorded: {extended}")
        files = self.files(doc)
        index = files.get("db/migrate/20240102000000_add_index_to_orders.rb")
        create = files.get("db/migrate/20240101000000_create_orders.rb")
        if self.check(index is not None and create is not None, f"protocol: migrations not mapped to their files: {list(files)}"):
            self.check(("create-index-without-concurrently", "HIGH") in self.rules(index),
                       f"protocol: the plain CREATE INDEX is not reported at its file: {self.rules(index)}")
            lock = [l["mode"] for s in index["statements"] for l in s["locks"] if l["relation"] == "orders"]
            self.check(lock == ["SHARE"], f"protocol: CREATE INDEX's lock on orders: {lock}")
            self.check(self.rules(create) == [], f"protocol: a new table has findings: {self.rules(create)}")
            self.check(not any("schema_migrations" in s["sql"] for f in doc["files"] for s in f["statements"]),
                       "protocol: the tool's bookkeeping is reported as the application's")
        self.check(not self.server_dirs(), f"protocol: server folders left: {self.server_dirs()}")

    def alembic(self):
        """Alembic 1.8 upgrading three revisions in its one transaction: the index built without
        CONCURRENTLY is a SHARE lock at its own file, the new table has no finding."""
        if not tool_present("alembic"):
            raise Skip("python3-alembic is not installed")
        root = self.folder("alembic")
        command = projects.alembic_project(root)
        code, doc, err = self.capture_json(root, "--", *command)
        self.check(code == 0, f"alembic: exit {code}: {err[-1500:]}")
        files = self.files(doc)
        expected = ["migrations/versions/a1_create_items.py", "migrations/versions/b2_index_items.py",
                    "migrations/versions/c3_add_note.py"]
        if not self.check(list(files) == expected, f"alembic: migrations {list(files)}, not {expected}"):
            return
        index = files["migrations/versions/b2_index_items.py"]
        self.check(("create-index-without-concurrently", "HIGH") in self.rules(index),
                   f"alembic: op.create_index not reported at its file: {self.rules(index)}")
        modes = [l["mode"] for s in index["statements"] for l in s["locks"] if l["relation"] == "items"]
        self.check(modes == ["SHARE"], f"alembic: the index's lock: {modes}")
        self.check(self.rules(files["migrations/versions/a1_create_items.py"]) == [],
                   f"alembic: the safe revision has findings: {self.rules(files['migrations/versions/a1_create_items.py'])}")
        sqls = [s["sql"] for f in doc["files"] for s in f["statements"]]
        self.check(not any("alembic_version" in s for s in sqls), "alembic: its alembic_version writes are reported")
        self.check([s for s in (st["sql"] for st in index["statements"])] == ["BEGIN", "CREATE INDEX ix_items_name ON items (name)", "COMMIT"],
                   f"alembic: the revision's statements within the tool's transaction: {[s['sql'] for s in index['statements']]}")
        code, out, err = self.capture(root, "--ci", "--max-risk", "medium", "--", *command)
        self.check(code == 1, f"alembic: --ci with a HIGH finding: exit {code}, not 1")
        self.check("b2_index_items.py" in out and "create-index-without-concurrently" in out,
                   "alembic: the text report does not name the file and rule")

    def django(self):
        """Django 3.2 migrate: AddIndex is a plain CREATE INDEX, reported at 0002's file; the
        initial CreateModel has no finding; a migration the server rejects is exit 5 with its
        error, at its file."""
        if not tool_present("django") or not tool_present("psycopg2"):
            raise Skip("python3-django or python3-psycopg2 is not installed")
        root = self.folder("django")
        command = projects.django_project(root)
        code, doc, err = self.capture_json(root, "--", *command)
        self.check(code == 0, f"django: exit {code}: {err[-1500:]}")
        files = self.files(doc)
        expected = ["shop/migrations/0001_initial.py", "shop/migrations/0002_order_reference_index.py",
                    "shop/migrations/0003_order_note.py"]
        if not self.check(list(files) == expected, f"django: migrations {list(files)}, not {expected}"):
            return
        index = files["shop/migrations/0002_order_reference_index.py"]
        self.check(("create-index-without-concurrently", "HIGH") in self.rules(index),
                   f"django: AddIndex not reported at its file: {self.rules(index)}")
        self.check(all(x["start"]["line"] == 1 for x in index["findings"]), "django: findings do not point at the file's line 1")
        self.check(self.rules(files["shop/migrations/0001_initial.py"]) == [],
                   f"django: CreateModel has findings: {self.rules(files['shop/migrations/0001_initial.py'])}")
        self.check(not any("django_migrations" in s["sql"] for f in doc["files"] for s in f["statements"]),
                   "django: its django_migrations bookkeeping is reported")
        failing = self.folder("django-failing")
        command = projects.django_project(failing, failing=True)
        code, out, err = self.capture(failing, "--", *command)
        self.check(code == 5, f"django: a rejected migration: exit {code}, not 5: {err[-800:]}")
        self.check('column "note" of relation "shop_order" already exists' in err and "42701" in err,
                   f"django: the server's error is not said: {err[-800:]}")

    def pull_request(self):
        """`pr --capture`: a Django pull request adding two migrations, captured by Django 3.2's
        migrate in the head checkout. The added AddIndex is HIGH at its own file, the added nullable
        field has no finding, the base's CreateModel is history (not reported); without the record
        the same files are unknown; a malformed record is exit 2 with one error line."""
        if not tool_present("django") or not tool_present("psycopg2"):
            raise Skip("python3-django or python3-psycopg2 is not installed")
        root = self.folder("pull-request")
        command = projects.django_project(root)
        git = lambda *a: subprocess.run(["git", "-C", root, *a], check=True, capture_output=True, text=True).stdout.strip()
        git("init", "-q", "-b", "main")
        git("config", "user.email", "t@example.com")
        git("config", "user.name", "t")
        added = ["shop/migrations/0002_order_reference_index.py", "shop/migrations/0003_order_note.py"]
        git("add", "-A", "--", ".", *[":!" + a for a in added])
        git("commit", "-q", "-m", "base")
        base = git("rev-parse", "HEAD")
        git("add", "-A")
        git("commit", "-q", "-m", "two migrations")
        head = git("rev-parse", "HEAD")
        record = os.path.join(self.tmp, "pull-request.json")
        code, _, err = self.capture(root, "--record", record, "--", *command)
        if not self.check(code == 0, f"pull_request: capture exit {code}: {err[-1500:]}"):
            return

        def pr(*extra):
            report = os.path.join(self.tmp, "pr-report.json")
            if os.path.exists(report):
                os.remove(report)
            env = {k: v for k, v in self.env.items() if not k.startswith("GITHUB_")}
            proc = subprocess.run([self.binary, "pr", "--no-config", "--repo", root, "--base", base, "--head", head,
                                   "--no-check-run", "--no-comment", "--no-sarif", "--format", f"json={report}", *extra],
                                  cwd=root, env=env, capture_output=True, text=True, timeout=300)
            doc = json.load(open(report)) if os.path.exists(report) else {"files": []}
            return proc.returncode, self.files(doc), proc.stderr

        code, files, err = pr("--capture", record)
        self.check(code == 1, f"pull_request: exit {code}, not 1 (a new HIGH finding): {err[-1500:]}")
        index, note = files.get(added[0]), files.get(added[1])
        if self.check(index is not None and note is not None, f"pull_request: the added migrations are not reported: {list(files)}"):
            self.check(("create-index-without-concurrently", "HIGH") in self.rules(index),
                       f"pull_request: AddIndex not judged from what Django sent: {self.rules(index)}")
            self.check(not any(risk in ("HIGH", "CRITICAL") or rule == "unknown-statement" for rule, risk in self.rules(note)),
                       f"pull_request: the nullable AddField has findings: {self.rules(note)}")
            self.check(any("CREATE INDEX" in s["sql"] for s in index["statements"]),
                       "pull_request: the captured CREATE INDEX is not the file's statement")
        self.check("shop/migrations/0001_initial.py" not in files, f"pull_request: the base's migration is reported: {list(files)}")
        self.check("2 reported, 1 the base branch has (history)" in err, f"pull_request: the closing count: {err[-600:]}")

        code, files, err = pr()
        static = files.get(added[0])
        self.check(static is not None and any(rule == "unknown-statement" for rule, _ in self.rules(static)) and
                   ("create-index-without-concurrently", "HIGH") not in self.rules(static),
                   f"pull_request: without the record the Django file is not unknown: {static and self.rules(static)}")

        self.pull_request_binding(root, record, pr, added)

        broken = os.path.join(self.tmp, "broken.json")
        with open(broken, "w") as f:
            f.write('{"sessions": [{"id": 1}]}')
        code, _, err = pr("--capture", broken)
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        self.check(code == 2 and len(lines) == 1 and "broken.json" in lines[0] and "sessions[0]" in lines[0],
                   f"pull_request: a malformed record: exit {code}, {lines}")

    def pull_request_binding(self, root, record, pr, added):
        """The governance upload of `pr --capture` binds each captured migration to the SQL the
        capture judged, not only to its file: a second record that sends other SQL for the same
        unchanged file (here the index under another name) moves that file's sha256 and the
        content hash, so an approval of the first does not cover it; the other file's stays."""
        import http.server
        import threading
        bodies = []

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                data = b'{"id": "1", "conclusion": "action_required", "items": 1}'
                self.send_response(201)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with open(record) as f:
                text = f.read()
            other = os.path.join(self.tmp, "pull-request-other.json")
            changed = text.replace('CREATE INDEX \\"', 'CREATE INDEX \\"other_')
            if not self.check(changed != text, "pull_request: the record holds no CREATE INDEX to change"):
                return
            with open(other, "w") as f:
                f.write(changed)
            self.env["PGFENCE_GOVERNANCE_TOKEN"] = "pgfgov_captureBinding42"
            for rec in (record, other):
                pr("--capture", rec, "--upload", url, "--repository", "octo/app", "--pr", "7")
        finally:
            server.shutdown()
            self.env.pop("PGFENCE_GOVERNANCE_TOKEN", None)
        if not self.check(len(bodies) == 2, f"pull_request: {len(bodies)} uploads, not 2"):
            return
        sha = [{f["path"]: f.get("sha256") for f in b["report"]["files"]} for b in bodies]
        self.check(sha[0].get(added[0]) and sha[0].get(added[0]) != sha[1].get(added[0]),
                   f"pull_request: other captured SQL for {added[0]} keeps its hash: {sha}")
        self.check(sha[0].get(added[1]) and sha[0].get(added[1]) == sha[1].get(added[1]),
                   f"pull_request: the unchanged capture of {added[1]} changed its hash: {sha}")
        self.check(bodies[0].get("content_hash") != bodies[1].get("content_hash"), "pull_request: the content hash did not move")

    def rails(self):
        """ActiveRecord 6.1's migrator: add_index without algorithm: is a plain CREATE INDEX at its
        db/migrate file; algorithm: :concurrently under disable_ddl_transaction! runs outside any
        transaction with no such finding; create_table has none."""
        if subprocess.run(["/usr/bin/ruby", "-e", "require 'active_record'; require 'pg'"], capture_output=True).returncode != 0:
            raise Skip("ruby-activerecord or ruby-pg is not installed")
        root = self.folder("rails")
        command = projects.rails_project(root)
        code, doc, err = self.capture_json(root, "--", *command)
        self.check(code == 0, f"rails: exit {code}: {err[-1500:]}")
        files = self.files(doc)
        create, plain, concurrent = ("db/migrate/20240101000000_create_orders.rb",
                                     "db/migrate/20240102000000_add_index_to_orders_reference.rb",
                                     "db/migrate/20240103000000_add_index_to_orders_customer.rb")
        if not self.check(list(files) == [create, plain, concurrent], f"rails: migrations {list(files)}"):
            return
        self.check(("create-index-without-concurrently", "HIGH") in self.rules(files[plain]),
                   f"rails: add_index not reported at its file: {self.rules(files[plain])}")
        self.check(self.rules(files[create]) == [], f"rails: create_table has findings: {self.rules(files[create])}")
        statements = [(s["sql"], s["transaction"]["state"]) for s in files[concurrent]["statements"]]
        self.check(len(statements) == 1 and statements[0][0].startswith("CREATE INDEX CONCURRENTLY") and statements[0][1] == "none",
                   f"rails: the concurrent index's statements: {statements}")
        self.check("create-index-without-concurrently" not in [r for r, _ in self.rules(files[concurrent])],
                   f"rails: the concurrent index is reported as a plain one: {self.rules(files[concurrent])}")
        self.check(not any("schema_migrations" in s["sql"] or "ar_internal_metadata" in s["sql"]
                           for f in doc["files"] for s in f["statements"]), "rails: its bookkeeping is reported")

    def outcomes(self):
        """A command that exits non-zero (3), never connects (4), runs past --timeout (3); usage
        errors (2); nothing left behind."""
        root = self.folder("outcomes")
        code, out, err = self.capture(root, "--", "sh", "-c", "psql -X -q -c 'SELECT 1' >/dev/null; exit 7")
        self.check(code == 3 and "exited with code 7" in err, f"outcomes: a failing command: exit {code}: {err[-400:]}")
        code, out, err = self.capture(root, "--", "true")
        self.check(code == 4 and "never connected" in err, f"outcomes: a command that never connects: exit {code}: {err[-400:]}")
        code, out, err = self.capture(root, "--timeout", "2", "--", "sleep", "30", timeout=120)
        self.check(code == 3 and "--timeout 2" in err, f"outcomes: a command past --timeout: exit {code}: {err[-400:]}")
        # Garbage on the wire (a startup, then a message of length 2; a startup packet of a gigabyte), then a real
        # session: each bad one is one error line, the proxy and the server carry on.
        garbage = ("exec 3<>/dev/tcp/127.0.0.1/$PGPORT; printf '\\000\\000\\000\\020\\000\\003\\000\\000user\\000x\\000\\000Q\\000\\000\\000\\002' >&3; exec 3>&-; "
                   "exec 4<>/dev/tcp/127.0.0.1/$PGPORT; printf '\\100\\000\\000\\000' >&4; exec 4>&-; "
                   "psql -X -q -c 'CREATE TABLE after_garbage (id int)'")
        code, out, err = self.capture(root, "--", "bash", "-c", garbage)
        self.check(code == 2 and "a message declares a length of" in err and "PostgreSQL takes at most 10000" in err,
                   f"outcomes: garbage on the wire: exit {code}: {err[-800:]}")
        self.check("after_garbage" in out, f"outcomes: the session after the garbage was not captured: {out[-500:]}")
        # Interrupted while the command runs: its process group is stopped, the server removed.
        started = os.path.join(root, "sleeper.pid")
        proc = subprocess.Popen([self.binary, "capture", "--", "sh", "-c", f"sleep 60 & echo $! > {started}; wait"],
                                cwd=root, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(600):
            if os.path.exists(started) and open(started).read().strip():
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        self.check(proc.returncode == 128 + signal.SIGTERM, f"outcomes: SIGTERM during the command: exit {proc.returncode}: {err[-400:]}")
        sleeper = int(open(started).read().strip())
        alive = os.path.exists(f"/proc/{sleeper}") and "zombie" not in open(f"/proc/{sleeper}/status").read()
        self.check(not alive, "outcomes: a process the command started outlived the capture")
        code, out, err = self.capture(root, "--", "/nonexistent/migrate")
        self.check(code == 2 and err.startswith("error: cannot run"), f"outcomes: a command that cannot run: exit {code}: {err[-400:]}")
        code, out, err = self.capture(root)
        self.check(code == 2 and "needs the migrate command" in err, f"outcomes: no command: exit {code}: {err}")
        code, out, err = self.capture(root, "--max-risk", "extreme", "--", "true")
        self.check(code == 2 and err.count("\n") == 1, f"outcomes: a bad --max-risk: exit {code}: {err}")
        self.check(not self.server_dirs(), f"outcomes: server folders left: {self.server_dirs()}")

    def server(self):
        """--server URL: a database and role of pgfence's own, dropped after; the command's
        statements are judged as on the throwaway server."""
        pg = Postgres(self.tmp)
        try:
            root = self.folder("server")
            command = projects.alembic_project(root) if tool_present("alembic") else None
            if command is None:
                raise Skip("python3-alembic is not installed")
            url = f"postgresql://postgres@127.0.0.1:{pg.port}/postgres"
            code, doc, err = self.capture_json(root, "--server", url, "--", *command)
            self.check(code == 0, f"server: exit {code}: {err[-1500:]}")
            files = self.files(doc)
            index = files.get("migrations/versions/b2_index_items.py")
            self.check(index is not None and ("create-index-without-concurrently", "HIGH") in self.rules(index),
                       f"server: the index migration: {list(files)}")
            left = pg.sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgfence_capture_%'").strip()
            roles = pg.sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'pgfence_capture_%'").strip()
            self.check(left == "0" and roles == "0", f"server: the capture's database ({left}) or role ({roles}) was left")
            # Stopped while the command runs: the command is stopped, the database and role dropped.
            proc = subprocess.Popen([self.binary, "capture", "--server", url, "--", "sh", "-c",
                                     "psql -X -q -c 'CREATE TABLE t (id int)'; touch started; sleep 60"],
                                    cwd=root, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(600):
                if os.path.exists(os.path.join(root, "started")):
                    break
                time.sleep(0.1)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            self.check(proc.returncode == 128 + signal.SIGTERM and "interrupted" in err,
                       f"server: SIGTERM during the command: exit {proc.returncode}: {err[-500:]}")
            left = pg.sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgfence_capture_%'").strip()
            roles = pg.sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'pgfence_capture_%'").strip()
            self.check(left == "0" and roles == "0", f"server: after SIGTERM the database ({left}) or role ({roles}) was left")
            code, out, err = self.capture(root, "--server", "postgresql://postgres@127.0.0.1:1/postgres", "--", "true")
            self.check(code == 2 and err.startswith("error: --server"), f"server: an unreachable server: exit {code}: {err}")
        finally:
            pg.stop()


    def unseen(self):
        """What the command sends where pgfence cannot judge it is unknown, never clean (issue #53's
        red team H1 against capture): a statement hidden in the same Query as a read of the tool's
        table, a trigger on the tool's table, standard_conforming_strings off in the startup
        message, a session that went to the server's own port, and a run whose bookkeeping was
        not recognised. Each with psql, the migrations recorded as Rails records them."""
        def project(name, script):
            root = self.folder("unseen-" + name)
            for version, what in (("20240101000000", "create_orders"), ("20240102000000", "change")):
                projects.write(root, f"db/migrate/{version}_{what}.rb", "class X; end\n")
            setup = """
                set -e
                psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE schema_migrations (version varchar PRIMARY KEY)'
                psql -X -q -v ON_ERROR_STOP=1 -c 'BEGIN' -c 'CREATE TABLE orders (id int, ref text)' \\
                     -c "INSERT INTO schema_migrations (version) VALUES ('20240101000000')" -c 'COMMIT'
            """
            projects.write(root, "run.sh", setup + script)
            return root

        def findings(doc, path):
            f = self.files(doc).get(path)
            return [(x["rule"], x["message"]) for x in f["findings"]] if f else []

        change = "db/migrate/20240102000000_change.rb"
        # 1. The DROP sits in one Query with a read of schema_migrations: it is the application's.
        root = project("multi", """
            psql -X -q -v ON_ERROR_STOP=1 -c 'DROP TABLE orders; SELECT count(*) FROM schema_migrations' \\
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        rules = [r for r, _ in findings(doc, change)]
        self.check(code == 1 and "drop-table" in rules, f"unseen: DROP TABLE beside a read of schema_migrations: exit {code}, {rules}: {err[-600:]}")
        # 2. A trigger on the tool's table runs when the tool records the next migration.
        root = project("trigger", """
            psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN NEW; END $$' \\
                 -c 'CREATE TRIGGER wipe AFTER INSERT ON schema_migrations FOR EACH ROW EXECUTE FUNCTION wipe()' \\
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        unknown = [m for r, m in findings(doc, change) if r == "unknown-statement" and "migration tool's own table" in m]
        self.check(code == 1 and unknown, f"unseen: a trigger on schema_migrations: exit {code}, {findings(doc, change)}: {err[-600:]}")
        # 3. standard_conforming_strings off from the connection string's options: the server reads
        # 'a\\''; DROP TABLE orders; --' as a DROP, pgfence's default reading as one literal.
        root = project("options", r"""
            psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL?options=-c%20standard_conforming_strings%3Doff" \
                 -c "SELECT 'a\\''; DROP TABLE orders; --'" \
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        rules = [r for r, _ in findings(doc, change)]
        self.check(code == 1 and ("unknown-statement" in rules or "drop-table" in rules),
                   f"unseen: standard_conforming_strings off in the startup options: exit {code}, {rules}: {err[-600:]}")
        # 4. A session straight to the server's port (which inet_server_port() names), not the proxy.
        root = project("bypass", """
            port=$(psql -X -A -t -c 'SELECT inet_server_port()')
            psql -X -q -v ON_ERROR_STOP=1 -p "$port" -c 'DROP TABLE orders'
            psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        unknown = [m for r, m in findings(doc, "<capture>") if r == "unknown-statement" and "without passing through" in m]
        self.check(code == 1 and unknown, f"unseen: a session that bypassed the proxy: exit {code}, {findings(doc, '<capture>')}: {err[-600:]}")
        # 4b. The same, with one proxied session the server ends during its start (an invalid
        # setting in its options): it must not count as a session the server saw (red team I1,
        # C_DIRECTSLACK).
        root = project("bypass-slack", """
            port=$(psql -X -A -t -c 'SELECT inet_server_port()')
            psql -X -q "$DATABASE_URL?options=-c%20work_mem%3Dbanana" -c 'SELECT 1' 2>/dev/null || true
            psql -X -q -v ON_ERROR_STOP=1 -p "$port" -c 'DROP TABLE orders'
            psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        unknown = [m for r, m in findings(doc, "<capture>") if r == "unknown-statement" and "without passing through" in m]
        self.check(code == 1 and unknown, f"unseen: a bypass beside a session refused at its start: exit {code}, {findings(doc, '<capture>')}: {err[-600:]}")
        # 4c. A LOCK that names the tool's table first and the application's after a comma is the
        # application's (red team I1, C_LOCKBK); so is a comma join after FROM.
        root = project("lock-list", """
            psql -X -q -v ON_ERROR_STOP=1 -c 'BEGIN' -c 'LOCK schema_migrations, orders IN ACCESS EXCLUSIVE MODE' \
                 -c 'SELECT count(*) FROM schema_migrations s, orders' \
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')" -c 'COMMIT'
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        f = self.files(doc).get(change)
        sqls = [s["sql"] for s in f["statements"]] if f else []
        self.check(code == 1 and any(s.startswith("LOCK") for s in sqls) and any("orders" in s and s.startswith("SELECT") for s in sqls),
                   f"unseen: LOCK of the tool's table and orders: exit {code}, {sqls}: {err[-600:]}")
        # 5. A tool pgfence does not know records its migrations in its own table: the run is one
        # blob in which orders would be new; said, never judged clean.
        root = self.folder("unseen-custom")
        projects.write(root, "run.sh", """
            set -e
            psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE app_migrations (name text)'
            psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE orders (id int, ref text)' -c "INSERT INTO app_migrations VALUES ('1')"
            psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE INDEX orders_ref ON orders (ref)' -c "INSERT INTO app_migrations VALUES ('2')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        unknown = [m for r, m in findings(doc, "<capture>") if r == "unknown-statement" and "was recognised" in m]
        self.check(code == 1 and unknown, f"unseen: no bookkeeping recognised: exit {code}, {findings(doc, '<capture>')}: {err[-600:]}")
        self.check("assumed: the command ran on an empty database" in err, f"unseen: the empty database is not said: {err[-400:]}")
        # The clean path stays clean: no bypass or unknown from a plain run.
        root = project("clean", """
            psql -X -q -v ON_ERROR_STOP=1 -c 'ALTER TABLE orders ADD COLUMN note text' \\
                 -c "INSERT INTO schema_migrations (version) VALUES ('20240102000000')"
        """)
        code, doc, err = self.capture_json(root, "--ci", "--", "bash", "run.sh")
        self.check(code == 0 and "<capture>" not in self.files(doc), f"unseen: a plain run is not clean: exit {code}, {list(self.files(doc))}: {err[-600:]}")


class Skip(Exception):
    pass


def tool_present(module):
    return subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A PostgreSQL 15 of the test's on 127.0.0.1, trusting local TCP, as `postgres` when run as root."""

    def __init__(self, root):
        self.dir = os.path.join(root, "own-pg")
        os.makedirs(self.dir)
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user, self.user)
        self.port = unused_port()
        self.data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.running = True

    def _run(self, program, *args):
        return subprocess.run([os.path.join(PG_BIN, program), *args], user=self.user, cwd=self.dir, check=True,
                              capture_output=True, text=True, timeout=300)

    def sql(self, database, statement):
        return self._run("psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-c", statement).stdout

    def stop(self):
        if self.running:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.running = False


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("suite", choices=["protocol", "alembic", "django", "rails", "outcomes", "server", "unseen", "pull_request"])
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        print("SKIP: PostgreSQL 15's server is not installed")
        return SKIP
    suite = Suite(args.binary)
    try:
        getattr(suite, args.suite)()
    except Skip as e:
        print(f"SKIP: {e}")
        return SKIP
    except Failed as e:
        suite.failures.append(str(e))
    finally:
        shutil.rmtree(suite.tmp, ignore_errors=True)
    for f in suite.failures:
        print(f"FAILED: {f}")
    print(f"{args.suite}: {suite.checks} checks, {len(suite.failures)} failed")
    return 1 if suite.failures else 0


if __name__ == "__main__":
    sys.exit(main())
