"""Lines as each migration tool splits them (issue #53, red team E case GOOSECR): a marker the tool
does not see, or text after a marker on the marker's line, must not hide a statement the tool
sends. PostgreSQL ends a `--` comment at LF or CR (scan.l `newline [\\n\\r]`); goose reads lines
with bufio.ScanLines (LF only), dbmate with RE2's `(?m)^` (LF only) and sends a section from its
directive's first byte, node-pg-migrate with a JavaScript `/^.../im` (LF, CR, U+2028, U+2029) and
sends a part from its marker's first byte, Drizzle splits on the marker's text alone, sqlx sends
its `-- no-transaction` file whole. Each pull request below hides DROP TABLE orders from a reading
that splits lines otherwise; each must fail `pgfence pr` (the GitHub double's check run a failure,
never "No risky statements") and `analyze --ci --max-risk low`, with a drop-table finding at the
DROP's line. The control keeps everyday CRLF files of each tool exact (their down parts are not up).

    test_tool_lines.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, total bigint);\n"


def repository(s, base_files, head_files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write_bytes(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write_bytes(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "change")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def write_bytes(path, text):
    """Written as bytes: a lone CR must reach the file as it is (no newline translation)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode())


def run(s, *cmd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([s.args.binary, *cmd], cwd=s.repo, env=env, capture_output=True, text=True, timeout=120)


def check_run(s):
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    check(len(runs) == 1, f"one check run posted: {[r['path'] for r in s.requests()]}")
    return runs[0]["body"]


def drops(s, path):
    """The drop-table findings `analyze --format json` reports in `path`, by line."""
    proc = run(s, "analyze", "--no-config", "--format", "json", path)
    check(proc.returncode == 0, f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return sorted((f["start"]["line"], f["risk"]) for file in report["files"] for f in file["findings"]
                  if f["rule"] == "drop-table")


def hidden_drop(s, base_files, head_files, path, line, *pr_args, also=()):
    """The pull request adds `path` (and the files of `also`, {path: line}), whose DROP TABLE orders
    at `line` the tool runs on up."""
    repository(s, base_files, head_files)
    for where, at in ((path, line), *dict(also).items()):
        found = drops(s, where)
        check([ln for ln, _ in found] == [at], f"{where}: the DROP TABLE the tool sends is found at line {at}: {found}")
        check(all(risk in ("HIGH", "CRITICAL") for _, risk in found), f"a dropped table is HIGH or CRITICAL: {found}")

    s.start_double()
    proc = s.run_pr(*pr_args)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    body = check_run(s)
    check(body.get("conclusion") == "failure", f"check run conclusion: {body.get('conclusion')}")
    title = body["output"]["title"]
    check("No risky" not in title and "drop-table" in body["output"]["summary"],
          f"the check run names the finding: {title}\n{body['output']['summary']}")
    s.all_requests_valid()

    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", path)
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}")


def goose_lone_cr(s):
    """Red team E, GOOSECR: goose's bufio.ScanLines reads `SELECT 1;\\r-- +goose Down\\rDROP TABLE
    orders;` as one SQL line (no annotation, it ends with `1;` before the `--` word) and sends it
    on up; PostgreSQL ends the comment at the second CR and drops orders."""
    text = "-- +goose Up\nSET lock_timeout = '2s';\nSELECT 1;\r-- +goose Down\rDROP TABLE orders;\n"
    hidden_drop(s, {"migrations/001_init.sql": "-- +goose Up\n" + ORDERS},
                {"migrations/002_change.sql": text}, "migrations/002_change.sql", 3)


def goose_old_spellings(s):
    """Red team F: goose before v3.19 (sqlparser/parser.go at v3.18.0: `case "+goose Down":` after
    `strings.TrimSpace(strings.TrimPrefix(line, "--"))`, other comments skipped) reads `-- +goose
    down`, `-- +goose  Down` and a form feed before `--` as comments, so the DROP after them runs
    on up there; pgfence takes no spelling two goose versions read apart as a marker."""
    base = {"migrations/001_init.sql": "-- +goose Up\n" + ORDERS}
    lower = "-- +goose Up\nSET lock_timeout = '2s';\nSELECT 1;\n-- +goose down\nDROP TABLE orders;\n"
    spaced = "-- +goose Up\nSET lock_timeout = '2s';\nSELECT 1;\n-- +goose  Down\nDROP TABLE orders;\n"
    feed = "-- +goose Up\nSET lock_timeout = '2s';\nSELECT 1;\n\f-- +goose Down\nDROP TABLE orders;\n"
    hidden_drop(s, base, {"migrations/002_lower.sql": lower, "migrations/003_spaced.sql": spaced,
                          "migrations/004_feed.sql": feed}, "migrations/002_lower.sql", 5,
                also={"migrations/003_spaced.sql": 5, "migrations/004_feed.sql": 5})


def dbmate_lone_cr(s):
    """dbmate's `(?m)^` matches after an LF only: `SELECT 1;\\r-- migrate:down` is no directive
    (dbmate refuses the file, which has no down section); and a directive's line is sent with its
    section, so `-- migrate:up\\rDROP TABLE orders;` drops orders on up."""
    text = ("-- migrate:up\rDROP TABLE orders;\nSET lock_timeout = '2s';\nSELECT 1;\n"
            "-- migrate:down\nSELECT 2;\n")
    no_down = "-- migrate:up\nSET lock_timeout = '2s';\nSELECT 1;\r-- migrate:down\rDROP TABLE orders;\n"
    hidden_drop(s, {"db/migrations/20240101000000_init.sql": "-- migrate:up\n" + ORDERS + "-- migrate:down\n"},
                {"db/migrations/20240202000000_change.sql": text, "db/migrations/20240303000000_no_down.sql": no_down},
                "db/migrations/20240202000000_change.sql", 1, "db/migrations/*.sql",
                also={"db/migrations/20240303000000_no_down.sql": 3})


def node_pg_migrate_lone_cr(s):
    """node-pg-migrate's `/^\\s*--[\\s-]*up\\s+migration/im` matches after a CR too (a JavaScript
    line terminator): its first up marker is the one after `SELECT 1;\\r` on line 2, and the up
    part it sends, from that marker to the end (the down marker comes first), holds the DROP."""
    text = ("-- Down Migration\nSELECT 1;\r-- Up Migration\rDROP TABLE orders;\n"
            "-- Up Migration\nSET lock_timeout = '2s';\nSELECT 2;\n")
    hidden_drop(s, {"migrations/1700000000000_init.sql": "-- Up Migration\n" + ORDERS + "-- Down Migration\n"},
                {"migrations/1700000000001_change.sql": text}, "migrations/1700000000001_change.sql", 2)


def drizzle_same_line(s):
    """Drizzle splits a file on the text `--> statement-breakpoint` (drizzle-orm src/migrator.ts), not
    on lines: what follows the marker on its line starts the next statement it sends."""
    text = "SET lock_timeout = '2s';\n--> statement-breakpoint DROP TABLE orders;\nSELECT 1;\n"
    hidden_drop(s, {"drizzle/0000_init.sql": ORDERS}, {"drizzle/0001_change.sql": text}, "drizzle/0001_change.sql", 2)


def sqlx_first_line(s):
    """sqlx reads `-- no-transaction` at the file's first bytes and sends the whole file: the
    comment ends at the CR for PostgreSQL, and the DROP after it on the line runs."""
    text = "-- no-transaction\rDROP TABLE orders;\nSELECT 1;\n"
    hidden_drop(s, {"migrations/20240101000000_init.sql": ORDERS, "Cargo.toml": '[dependencies]\nsqlx = "0.8"\n'},
                {"migrations/20240202000000_change.sql": text}, "migrations/20240202000000_change.sql", 1)


def control(s):
    """Everyday files with CRLF line ends: each tool's down part stays down (no drop-table on up),
    and a comment line goose drops before a statement (`-- note\\rDROP ...`, never sent) is not
    read as SQL. pr passes."""
    goose = "-- +goose Up\r\n-- note\rDROP TABLE orders;\r\nSET lock_timeout = '2s';\r\nSELECT 1;\r\n" \
            "-- +goose Down\r\nDROP TABLE orders;\r\n"
    dbmate = "-- migrate:up\r\nSET lock_timeout = '2s';\r\nSELECT 1;\r\n-- migrate:down\r\nDROP TABLE orders;\r\n"
    npm = "-- Up Migration\r\nSET lock_timeout = '2s';\r\nSELECT 1;\r\n-- Down Migration\r\nDROP TABLE orders;\r\n"
    # The project names each tool for its folder: only then do their markers decide (R68 B26).
    makefile = "migrate:\n\tgoose -dir migrations postgres up\n\tdbmate -d db up\n\tnode-pg-migrate -m pgm up\n"
    repository(s, {"Makefile": makefile, "migrations/001_init.sql": "-- +goose Up\n" + ORDERS},
               {"migrations/002_goose.sql": goose, "db/20240202000000_dbmate.sql": dbmate,
                "pgm/1700000000001_npm.sql": npm})
    for path in ("migrations/002_goose.sql", "db/20240202000000_dbmate.sql", "pgm/1700000000001_npm.sql"):
        check(drops(s, path) == [], f"{path}: the down part is not read as up: {drops(s, path)}")
        proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", path)
        check(proc.returncode == 0, f"{path}: analyze --ci passes: exit {proc.returncode}\n{proc.stdout}")
    s.start_double()
    proc = s.run_pr("migrations/*.sql", "db/*.sql", "pgm/*.sql")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "success", f"check run: {check_run(s).get('conclusion')}")
    s.all_requests_valid()


SCENARIOS = {f.__name__: f for f in (goose_lone_cr, goose_old_spellings, dbmate_lone_cr, node_pg_migrate_lone_cr, drizzle_same_line,
                                     sqlx_first_line, control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
