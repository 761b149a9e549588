"""Issue #53 items 5 and 7 "What pgfence cannot see is never clean": what is reviewed is what the
migration tool runs and the base commit decides, not what a loose reading of the pull request's
files suggests. Real git repositories, the real binary (`pr` with local flags, `analyze`).

    test_what_runs.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"


def repository(s, base_files, head_files=(), moves=()):
    """Base: `base_files` on main; the branch `feature` moves `moves` (git mv old new) and writes `head_files`."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    for old, new in moves:
        git(s.repo, "mv", old, new)
    for path, text in dict(head_files).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def pr(s, *extra):
    """`pgfence pr` on the local repository (base main, head feature); its JSON report by path."""
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--format", f"json={out}", *extra],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}")
    with open(out) as f:
        report = json.load(f)
    return proc, {f["path"]: f for f in report["files"]}


def findings(files, path):
    return sorted((x["rule"], x["start"]["line"]) for x in files[path]["findings"])


# -- item 7: markers read as the tool reads them ---------------------------------------------------


GOOSE_ENV = "GOOSE_DRIVER=postgres\nGOOSE_MIGRATION_DIR=migrations\n"


def goose_leading_space(s):
    """goose requires its annotations in column 1 (internal/sqlparser/parser.go extractAnnotation: an
    annotation with leading white space is refused; before v3.19 it was a comment): ` -- +goose Down`
    opens no down part, and the DROP TABLE below it is reviewed as the up migration it is in."""
    text = ("-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\n"
            " -- +goose Down\nDROP TABLE users;\n")
    # The project names goose (.env): only then do a file's goose markers decide what runs (R68 B26).
    repository(s, {".env": GOOSE_ENV, "migrations/00001_users.sql": "-- +goose Up\n" + USERS},
               {"migrations/00002_note.sql": text})
    proc, files = pr(s)
    found = findings(files, "migrations/00002_note.sql")
    check(("drop-table", 5) in found, f"the DROP TABLE goose runs on up is reviewed: {found}")
    check(("unknown-statement", 4) in found, f"the annotation goose refuses is an unknown at its line: {found}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")


def dbmate_case(s):
    """dbmate's directives are case-sensitive regular expressions anchored at a line's start
    (pkg/dbmate/migration.go upRegExp, downRegExp): `-- migrate:DOWN` and ` -- migrate:down` are
    comments, so the DROP TABLE after them runs in the up section."""
    text = ("-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\n"
            "-- migrate:DOWN\nDROP TABLE users;\n -- migrate:down\nDROP TABLE accounts;\n"
            "-- migrate:down\nALTER TABLE users DROP COLUMN note;\n")
    repository(s, {"Makefile": "migrate:\n\tdbmate up\n", "db/migrations/20240101000000_users.sql": "-- migrate:up\n" + USERS + "-- migrate:down\n"},
               {"db/migrations/20240202000000_note.sql": text})
    proc, files = pr(s, "db/migrations/*.sql")
    found = findings(files, "db/migrations/20240202000000_note.sql")
    check(("drop-table", 5) in found and ("drop-table", 7) in found, f"both DROP TABLEs dbmate runs on up are reviewed: {found}")
    check(not any(line >= 8 for _, line in found), f"the real down section is not reviewed as up: {found}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")


# -- item 7: the schema comes from the base commit -------------------------------------------------

STRUCTURE = ("SET statement_timeout = 0;\n"
             "CREATE TABLE public.users (id {} NOT NULL, email text);\n"
             "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n")


def schema_regenerated(s):
    """The pull request changes users.id to bigint and regenerates db/structure.sql, which then holds
    the result: `pr --schema` (the action's schema-file) reads the base commit's structure.sql, where
    id is an integer, and the type change is the table rewrite it is."""
    migration = "SET lock_timeout = '2s';\nALTER TABLE public.users ALTER COLUMN id TYPE bigint;\n"
    repository(s, {"db/structure.sql": STRUCTURE.format("integer"), "db/migrate/README": "rails\n"},
               {"db/structure.sql": STRUCTURE.format("bigint"),
                "db/migrate/20240202000000_bigint_ids.sql": migration})
    proc, files = pr(s, "--no-history", "--schema", "db/structure.sql")
    found = findings(files, "db/migrate/20240202000000_bigint_ids.sql")
    check(("alter-column-type-rewrite", 2) in found, f"the rewrite is reviewed against the base's schema: {found}\n{proc.stderr}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")
    # A schema file only the pull request has is not read, and says so.
    os.remove(os.path.join(s.tmp, "report.json"))
    git(s.repo, "mv", "db/structure.sql", "db/structure_new.sql")
    git(s.repo, "commit", "-qm", "moved")
    proc, files = pr(s, "--no-history", "--schema", "db/structure_new.sql")
    check("warning: --schema db/structure_new.sql is not in the base commit" in proc.stderr, f"said: {proc.stderr}")


def history_from_base(s):
    """`pr --history` likewise: the pull request rewrites the history file to hold its own result,
    and a glob names it; both are read from the base commit, where users.id is an integer."""
    migration = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n"
    old = "CREATE TABLE users (id integer PRIMARY KEY, email text);\n"
    new = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
    repository(s, {"legacy_schema/0001_users.sql": old, "migrations/README": "sql\n"},
               {"legacy_schema/0001_users.sql": new, "migrations/0002_bigint_ids.sql": migration})
    for named in ("legacy_schema", "legacy_schema/0001_users.sql", "legacy_schema/*.sql"):
        if os.path.exists(os.path.join(s.tmp, "report.json")):
            os.remove(os.path.join(s.tmp, "report.json"))
        proc, files = pr(s, "--history", named, "migrations/*.sql")
        found = findings(files, "migrations/0002_bigint_ids.sql")
        check(("alter-column-type-rewrite", 2) in found, f"--history {named}: the rewrite is reviewed against the base's history: "
                                                          f"{found}\n{proc.stderr}")


# -- item 5: what is new is what runs as new ---------------------------------------------------------


def changed_since_down_up(s):
    """`analyze --changed-since`: a down half moved with `git mv` to a new up migration, its content
    unchanged, runs as a new migration (as `pr` reads it): it is changed, and its DROP TABLE reported."""
    repository(s, {"migrations/0001_users.up.sql": USERS,
                   "migrations/0001_users.down.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n",
                   "migrations/0002_orders.up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
                   "migrations/0002_orders.down.sql": "DROP TABLE orders;\n"},
               moves=[("migrations/0001_users.down.sql", "migrations/0003_drop_users.up.sql"),
                      ("migrations/0002_orders.up.sql", "migrations/0002_orders_renamed.up.sql")])
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--changed-since", "main", "--format", "json", "-o", out,
                           "migrations"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}")
    check("1 of 4 files changed" in proc.stderr, f"only the former down half is new: {proc.stderr}")
    with open(out) as f:
        files = {x["path"]: x for x in json.load(f)["files"]}
    path = next((p for p in files if p.endswith("0003_drop_users.up.sql")), None)
    check(path is not None, f"the moved file is analysed: {sorted(files)}")
    check(("drop-table", 2) in findings(files, path), f"its DROP TABLE is reported: {findings(files, path)}")


def flags(files, path):
    return {(x["rule"], x["start"]["line"]): x["pre_existing"] for x in files[path]["findings"]}


def rollback_to_commit(s):
    """A merged migration's block ended in ROLLBACK (its DROP TABLE never ran); the pull request makes
    it COMMIT: the unchanged DROP TABLE now runs, and its finding is new, not pre-existing."""
    block = "SET lock_timeout = '2s';\nBEGIN;\nDROP TABLE legacy_sessions;\n{};\n"
    repository(s, {"migrations/000_users.sql": USERS, "migrations/001_x.sql": block.format("ROLLBACK")},
               {"migrations/001_x.sql": block.format("COMMIT")})
    proc, files = pr(s)
    found = flags(files, "migrations/001_x.sql")
    check(found.get(("drop-table", 3)) is False, f"the DROP TABLE that now commits is new: {found}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")


def search_path_changed(s):
    """`SET search_path TO archive` made `public`: the unchanged DROP TABLE now drops another table,
    and its finding is new."""
    text = "SET lock_timeout = '2s';\nSET search_path TO {};\nDROP TABLE sessions;\n"
    repository(s, {"migrations/000_users.sql": USERS, "migrations/001_x.sql": text.format("archive")},
               {"migrations/001_x.sql": text.format("public")})
    proc, files = pr(s)
    found = flags(files, "migrations/001_x.sql")
    check(found.get(("drop-table", 3)) is False, f"the DROP TABLE under another search_path is new: {found}")
    # The same search_path with the lines moved keeps it pre-existing.
    git(s.repo, "checkout", "-q", "main")
    git(s.repo, "checkout", "-qb", "tidy")
    write(os.path.join(s.repo, "migrations/001_x.sql"), "-- tidy\n\n" + text.format("archive"))
    git(s.repo, "commit", "-qam", "tidy")
    os.remove(os.path.join(s.tmp, "report.json"))
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "tidy",
                           "--format", f"json={out}"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    with open(out) as f:
        tidy = {x["path"]: x for x in json.load(f)["files"]}
    found = flags(tidy, "migrations/001_x.sql")
    check(found.get(("drop-table", 5)) is True, f"an unchanged statement under the same search_path stays pre-existing: {found}")


def body_behind_merged_call(s):
    """A merged migration's function body edited behind an unchanged, merged `SELECT cleanup()` in
    another file: the call now drops users, so its file is reviewed with the pull request and the
    finding at the call is new (on main only the changed file was analysed: exit 0)."""
    fn = "CREATE OR REPLACE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ {} $$;\n"
    repository(s, {"migrations/000_users.sql": USERS, "migrations/001_fn.sql": fn.format("SELECT 1"),
                   "migrations/002_call.sql": "SET lock_timeout = '2s';\nSELECT cleanup();\n"},
               {"migrations/001_fn.sql": fn.format("DROP TABLE users")})
    proc, files = pr(s)
    check("migrations/002_call.sql" in files, f"the merged call's file is reviewed: {sorted(files)}\n{proc.stderr}")
    found = flags(files, "migrations/002_call.sql")
    check(found.get(("drop-table", 2)) is False, f"the call that now drops users is a new finding: {found}")
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}")


def tool_setting_changed(s):
    """`-- +goose NO TRANSACTION` added above an unchanged DROP TABLE: goose now runs it in
    autocommit, not in the file's transaction, and its finding is new."""
    text = "-- +goose Up\n{}SET lock_timeout = '2s';\nDROP TABLE sessions;\n"
    repository(s, {".env": GOOSE_ENV, "migrations/00001_users.sql": "-- +goose Up\n" + USERS, "migrations/00002_x.sql": text.format("")},
               {"migrations/00002_x.sql": text.format("-- +goose NO TRANSACTION\n")})
    proc, files = pr(s)
    found = flags(files, "migrations/00002_x.sql")
    check(found.get(("drop-table", 4)) is False, f"the DROP TABLE the tool now runs outside a transaction is new: {found}")


CALL_FILE = ("SET lock_timeout = '2s';\n"
             "CREATE OR REPLACE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ DROP TABLE {} $$;\n"
             "SELECT cleanup();\n")


def analyze(s, path, *extra):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--no-history", *extra, path],
                          cwd=s.tmp, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}")
    return proc


def at_call(s, path, fmt, line):
    """The fingerprint `fmt` (sarif or gitlab) gives the drop-table finding at `line` of `path`."""
    out = analyze(s, path, "--format", fmt).stdout
    doc = json.loads(out)
    if fmt == "sarif":
        prints = [r["partialFingerprints"]["pgfence/v1"] for r in doc["runs"][0]["results"]
                  if r["ruleId"] == "drop-table" and r["locations"][0]["physicalLocation"]["region"]["startLine"] == line]
    else:
        prints = [x["fingerprint"] for x in doc if x["check_name"] == "drop-table" and x["location"]["lines"]["begin"] == line]
    check(len(prints) == 1, f"one drop-table finding at line {line} in {fmt}: {out[:2000]}")
    return prints[0]


def new_drop_finding(s, path, baseline, before, change, drop):
    """After `change` to the file: the drop-table at line 3 has fingerprints other than `before`'s
    (SARIF and GitLab), the baseline does not hide it, and --ci fails."""
    after = {fmt: at_call(s, path, fmt, 3) for fmt in ("sarif", "gitlab")}
    check(after["sarif"] != before["sarif"], f"SARIF: {change} is a new result: {after}")
    check(after["gitlab"] != before["gitlab"], f"GitLab: {change} is a new issue: {after}")
    proc = analyze(s, path, "--baseline", baseline, "--ci", "--format", "json")
    found = [(x["rule"], x["start"]["line"]) for x in json.loads(proc.stdout)["files"][0]["findings"]]
    check(("drop-table", 3) in found, f"the baseline does not hide the drop {drop}: {found}")
    check(proc.returncode == 1, f"--ci fails: exit {proc.returncode}")


def fingerprint_body(s):
    """A finding at a function call is about the statement the call runs: the function's body
    rewritten behind the same call (DROP TABLE sessions made DROP TABLE users) is a new finding to
    --baseline, SARIF's partialFingerprints and GitLab's fingerprint; moved lines keep them."""
    os.makedirs(os.path.join(s.tmp, "migrations"))
    path = os.path.join("migrations", "001_cleanup.sql")
    full = os.path.join(s.tmp, path)
    write(full, CALL_FILE.format("sessions"))
    baseline = os.path.join(s.tmp, "pgfence-baseline.txt")
    analyze(s, path, "--baseline", baseline)
    check(os.path.exists(baseline), "the baseline is written")
    before = {fmt: at_call(s, path, fmt, 3) for fmt in ("sarif", "gitlab")}
    write(full, "-- moved\n\n" + CALL_FILE.format("sessions"))
    moved = {fmt: at_call(s, path, fmt, 5) for fmt in ("sarif", "gitlab")}
    check(moved == before, f"moving the lines keeps the fingerprints: {before} {moved}")
    write(full, CALL_FILE.format("users"))
    new_drop_finding(s, path, baseline, before, "the rewritten body", "of another table")


RESET_FILE = """SET lock_timeout = '2s';
SET search_path = {};
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (id bigint PRIMARY KEY);
RESET search_path;
"""


def fingerprint_search_path(s):
    """Red team R83 F4: a baselined `DROP TABLE IF EXISTS orders` under `SET search_path = staging`;
    the change makes it `public`, so the unchanged text drops the production table. The baseline,
    SARIF's partialFingerprints and GitLab's fingerprint must all see a new finding; a file with no
    search_path keeps the identity it had (its baseline entries stay valid)."""
    os.makedirs(os.path.join(s.tmp, "db"))
    path = os.path.join("db", "R__staging_reset.sql")
    full = os.path.join(s.tmp, path)
    write(full, RESET_FILE.format("staging"))
    baseline = os.path.join(s.tmp, "pgfence-baseline.txt")
    analyze(s, path, "--baseline", baseline)
    proc = analyze(s, path, "--baseline", baseline, "--ci", "--format", "json")
    check(proc.returncode == 0, f"the baselined file passes as it was: exit {proc.returncode}: {proc.stdout[:1000]}")
    before = {fmt: at_call(s, path, fmt, 3) for fmt in ("sarif", "gitlab")}
    write(full, RESET_FILE.format("public"))
    new_drop_finding(s, path, baseline, before, "another search_path", "under another search_path")
    # No search_path: the identity of the statement's finding is its text alone, as before.
    plain = os.path.join("db", "V2__plain.sql")
    write(os.path.join(s.tmp, plain), "SET lock_timeout = '2s';\nDROP TABLE IF EXISTS orders;\n")
    first = at_call(s, plain, "sarif", 2)
    write(os.path.join(s.tmp, plain), "SET lock_timeout = '2s';\nSET TimeZone = 'UTC';\nRESET TimeZone;\nDROP TABLE IF EXISTS orders;\n")
    check(at_call(s, plain, "sarif", 4) == first, "settings reset before the statement leave its identity as it was")


def baselined_main(s):
    """The branch main: db/V1__index.sql (a finding) and the baseline `analyze --baseline` writes
    for it. Returns `run(*flags)`, `pgfence analyze` of db/ in the repository."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db", "V1__index.sql"), "CREATE INDEX orders_email ON orders (email);\n")

    def run(*extra):
        return subprocess.run([s.args.binary, "analyze", "--no-config", "--no-history", *extra, "db"],
                              cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    run("--baseline", ".pgfence-baseline")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    return run


def baseline_drop_on_feature(s, run, v1_prefix=None):
    """The branch feature: db/V2__drop.sql and, in the same commit, the baseline entry
    `--update-baseline` writes for it (V1__index.sql rewritten with `v1_prefix` first, if given)."""
    git(s.repo, "checkout", "-qb", "feature")
    if v1_prefix is not None:
        write(os.path.join(s.repo, "db", "V1__index.sql"), v1_prefix + "CREATE INDEX orders_email ON orders (email);\n")
    write(os.path.join(s.repo, "db", "V2__drop.sql"), "SET lock_timeout = '2s';\nDROP TABLE orders;\n")
    run("--baseline", ".pgfence-baseline", "--update-baseline")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")


def baseline_added_on_branch(s):
    """Red team R83 F5: the branch adds `DROP TABLE orders` and, in the same commit, the baseline
    line `--update-baseline` writes for it. With --changed-since the baseline is the merge base's:
    the added entry hides nothing (a warning says so), the base's entries still hide their findings."""
    run = baselined_main(s)
    baseline_drop_on_feature(s, run, "-- reviewed\n")
    proc = run("--ci", "--changed-since", "main", "--baseline", ".pgfence-baseline", "--format", "json")
    check(proc.returncode == 1, f"--ci fails on the drop the branch baselined itself: exit {proc.returncode}: {proc.stderr}")
    reported = {(f["path"].split("/")[-1], x["rule"]) for f in json.loads(proc.stdout)["files"] for x in f["findings"]}
    check(("V2__drop.sql", "drop-table") in reported, f"the branch's own entry hides nothing: {reported}")
    check(("V1__index.sql", "create-index-without-concurrently") not in reported,
          f"the base's entry still hides its finding in a changed file: {reported}")
    check("not in the baseline at the merge base" in proc.stderr, f"a warning names the added entries: {proc.stderr}")


def baseline_added_without_changed_since(s):
    """R83 F5 without --changed-since: `analyze --ci --baseline FILE` in a git checkout honours only
    the entries the merge base with the default branch holds: the branch's own entry for its DROP
    TABLE is a warning: at its line of the baseline, its finding is reported and --ci fails. The
    base's entry still hides its finding, and the default branch itself passes."""
    run = baselined_main(s)
    proc = run("--ci", "--baseline", ".pgfence-baseline")
    check(proc.returncode == 0 and "warning:" not in proc.stderr, f"the default branch passes: exit {proc.returncode}: {proc.stderr}")
    baseline_drop_on_feature(s, run)
    lines = open(os.path.join(s.repo, ".pgfence-baseline")).read().splitlines()
    added = next(i + 1 for i, line in enumerate(lines) if "V2__drop.sql" in line)
    proc = run("--ci", "--baseline", ".pgfence-baseline", "--format", "json")
    check(proc.returncode == 1, f"--ci fails on the drop the branch baselined itself: exit {proc.returncode}: {proc.stderr}")
    reported = {(f["path"].split("/")[-1], x["rule"]) for f in json.loads(proc.stdout)["files"] for x in f["findings"]}
    check(("V2__drop.sql", "drop-table") in reported, f"the branch's own entry hides nothing: {reported}")
    check(("V1__index.sql", "create-index-without-concurrently") not in reported, f"the base's entry still hides its finding: {reported}")
    check(f"warning: .pgfence-baseline:{added}:" in proc.stderr, f"a warning names the added entry's line {added}: {proc.stderr}")


SCENARIOS = {f.__name__: f for f in (baseline_added_without_changed_since, goose_leading_space, dbmate_case, schema_regenerated, history_from_base, changed_since_down_up,
                                     rollback_to_commit, search_path_changed, fingerprint_body, fingerprint_search_path, baseline_added_on_branch,
                                     body_behind_merged_call, tool_setting_changed)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
