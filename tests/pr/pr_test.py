"""End-to-end tests of `pgfence pr`: real git repositories, the real binary, and the GitHub
test double (tests/github_double) validating every request against GitHub's schemas.

    pr_test.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import argparse
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "ghs_pgfenceTestToken0123456789"
MARKER = "<!-- pgfence:sticky-comment -->"

BASE_001 = """CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE INDEX accounts_email ON accounts (email);
"""
# The pull request inserts one risky statement in the middle of 001 and adds 002.
HEAD_001 = """CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE INDEX accounts_created ON accounts (created_at);
CREATE INDEX accounts_email ON accounts (email);
"""
HEAD_002 = """-- add the lookup index
CREATE INDEX orders_customer ON orders (customer_id);
"""
# Renamed by the pull request, unchanged: its finding is pre-existing.
SEED_000 = """CREATE TABLE plans (id int PRIMARY KEY, name text);
CREATE INDEX accounts_plan ON accounts (plan_id);
"""
SAFE_002 = """-- add the lookup index
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer ON orders (customer_id);
"""


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=repo, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    out = subprocess.run(["git", "-C", repo, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise Failed(f"git {' '.join(args)}: {out.stderr}")
    return out.stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Scenario:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.repo = os.path.join(tmp, "repo")
        self.state = os.path.join(tmp, "state.json")
        self.server = None
        self.port = None
        self.receivers = []  # governance receivers (governance_receiver.py), stopped at the end

    # -- the repository ----------------------------------------------------------------

    def make_repo(self, head_002=HEAD_002, head_001=HEAD_001, rename_seed=True, base_files=None):
        os.makedirs(self.repo)
        git(self.repo, "init", "-q", "-b", "main")
        for path, text in (base_files or {}).items():
            write(os.path.join(self.repo, path), text)
        write(os.path.join(self.repo, "migrations/001_init.sql"), BASE_001)
        write(os.path.join(self.repo, "migrations/000_seed.sql"), SEED_000)
        write(os.path.join(self.repo, "README.md"), "app\n")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "base")
        self.base = git(self.repo, "rev-parse", "HEAD")
        git(self.repo, "checkout", "-qb", "feature")
        if rename_seed:  # the rename of a migration that has run is a HIGH finding of its own (issue #53)
            git(self.repo, "mv", "migrations/000_seed.sql", "migrations/000_seed_data.sql")
        write(os.path.join(self.repo, "migrations/001_init.sql"), head_001)
        write(os.path.join(self.repo, "migrations/002_orders.sql"), head_002)
        write(os.path.join(self.repo, "src/app.sql"), "CREATE INDEX not_a_migration ON t (x);\n")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "feature")
        self.head = git(self.repo, "rev-parse", "HEAD")
        self.write_event()

    def write_event(self):
        self.event = os.path.join(self.tmp, "event.json")
        with open(self.event, "w") as f:
            json.dump({"action": "synchronize", "number": 7,
                       "pull_request": {"number": 7, "base": {"sha": self.base, "ref": "main"},
                                        "head": {"sha": self.head, "ref": "feature"}}}, f)

    def commit_on_feature(self, path, text):
        write(os.path.join(self.repo, path), text)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "more")
        self.head = git(self.repo, "rev-parse", "HEAD")
        self.write_event()

    # -- the GitHub double ---------------------------------------------------------------

    def start_double(self, faults=(), seeds=()):
        """Started on a repository, the double knows the pull request's diff (base...the review's
        commit) and refuses a review comment outside it, as GitHub does."""
        cmd = ["/usr/bin/python3", self.args.double, "--port", "0", "--schemas", self.args.schemas,
               "--sarif-schema", self.args.sarif_schema, "--state", self.state, "--token", TOKEN]
        for f in faults:
            cmd += ["--fault", json.dumps(f)]
        if getattr(self, "base", None):
            seeds = [{"pulls": [{"repo": "octo/app", "number": 7, "git": {"dir": self.repo, "base": self.base}}]},
                     *seeds]
        for s in seeds:
            cmd += ["--seed", json.dumps(s)]
        self.server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.server.stdout.readline().strip()
        check(line.isdigit(), f"the double did not start: {line!r} {self.server.stderr.read() if not line else ''}")
        self.port = int(line)

    def stop_double(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=10)
            self.server = None

    def github_state(self):
        with open(self.state) as f:
            return json.load(f)

    def requests(self, operation=None):
        reqs = self.github_state()["requests"]
        return [r for r in reqs if operation is None or r["operation"] == operation]

    def all_requests_valid_except(self, *injected):
        for r in self.requests():
            if r.get("fault"):
                continue
            check(r["valid"], f"invalid request {r['method']} {r['path']}: {r.get('errors')}")

    def all_requests_valid(self):
        for r in self.requests():
            check(r["valid"], f"invalid request {r['method']} {r['path']}: {r.get('errors')}")
            check(r.get("response_valid", True), f"the double answered outside the schema: {r}")
            check(r["auth"] == "ok", f"request without the right token: {r['path']}")
            # A review GitHub refuses (a comment off the diff) loses every suggestion in it.
            check(r["operation"] != "pulls/create-review" or r["status"] == 200 or r.get("fault"),
                  f"review refused: {r['status']} {r.get('errors')}")

    # -- running pgfence pr -------------------------------------------------------------------

    def run_pr(self, *extra, env_extra=None, cwd=None, no_config=True):
        self.outputs = os.path.join(self.tmp, "outputs.txt")
        self.summary = os.path.join(self.tmp, "summary.md")
        for p in (self.outputs, self.summary):
            if os.path.exists(p):
                os.remove(p)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": self.event, "GITHUB_REPOSITORY": "octo/app",
                    "GITHUB_WORKSPACE": self.repo, "GITHUB_TOKEN": TOKEN, "GITHUB_OUTPUT": self.outputs,
                    "GITHUB_STEP_SUMMARY": self.summary, "GITHUB_SERVER_URL": "https://github.com",
                    "GITHUB_RUN_ID": "42", "GITHUB_REF": "refs/pull/7/merge"})
        if self.port:
            env["GITHUB_API_URL"] = f"http://127.0.0.1:{self.port}"
        env.update(env_extra or {})
        config = ["--no-config"] if no_config else []
        proc = subprocess.run([self.args.binary, "pr", *config, *extra], cwd=cwd or self.repo, env=env,
                              capture_output=True, text=True, timeout=300)
        check(TOKEN not in proc.stdout and TOKEN not in proc.stderr, "the token was printed")
        check(proc.returncode in (0, 1, 2), f"crash: exit {proc.returncode}\n{proc.stderr}")
        return proc

    def outputs_dict(self):
        out = {}
        with open(self.outputs) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                out[k] = v
        return out

    def comments(self):
        return self.github_state()["comments"].get("octo/app#7", [])

    def review_comments(self):
        return self.github_state()["review_comments"].get("octo/app#7", [])


def write_spaces(path, size):
    """A file of `size` spaces, written in pieces: this process stays small."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for _ in range(size >> 20):
            f.write(" " * (1 << 20))


# -- scenarios ---------------------------------------------------------------------------------


def posts_everything(s):
    """A pull request with new and pre-existing findings: check run, comment, SARIF, summary, outputs."""
    # psql -f runs the folder (`tool = "psql"`): the comment's recipe needs the runner known.
    s.make_repo(base_files={".pgfence.toml": 'tool = "psql"\n'})
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 1, f"a new HIGH finding must fail the run: exit {proc.returncode}\n{proc.stderr}")
    s.all_requests_valid()

    creates = s.requests("checks/create")
    check(len(creates) == 1, f"one check run, not {len(creates)}")
    body = creates[0]["body"]
    check(body["name"] == "pgfence" and body["head_sha"] == s.head, "check run on the head SHA, named pgfence")
    check(body["conclusion"] == "failure", f"conclusion failure, not {body.get('conclusion')}")
    notes = body["output"]["annotations"]
    by_path = {}
    for a in notes:
        by_path.setdefault(a["path"], []).append(a)
    check("src/app.sql" not in by_path, "a file outside the migration globs was analysed")
    renamed = by_path.get("migrations/000_seed_data.sql", [])
    check(renamed and all(a["annotation_level"] == "notice" for a in renamed),
          f"the renamed file is reported at its new path, its findings pre-existing: {renamed}")
    # The rename of a migration that has run is itself a finding at its base path (issue #53).
    old_path = by_path.get("migrations/000_seed.sql", [])
    check([a["annotation_level"] for a in old_path] == ["failure"] and "renames migration" in old_path[0]["message"],
          f"the rename of a migration that has run is reported at its old path: {old_path}")
    new_index = [a for a in by_path.get("migrations/002_orders.sql", []) if a["start_line"] == 2]
    check(new_index and new_index[0]["annotation_level"] == "failure",
          f"002's CREATE INDEX (line 2) is a failure annotation: {by_path.get('migrations/002_orders.sql')}")
    in_001 = {}
    for a in by_path.get("migrations/001_init.sql", []):
        in_001.setdefault(a["start_line"], set()).add(a["annotation_level"])
    check("failure" in in_001.get(2, set()), f"the inserted statement (001 line 2) is new: {in_001}")
    # The statement below the inserted one is new too: what runs before a statement decides
    # whether and how it runs (docs/pr.md "pre-existing").
    check("failure" in in_001.get(3, set()), f"the statement after the inserted one (001 line 3) is new: {in_001}")

    comments = s.comments()
    check(len(comments) == 1, f"one comment, not {len(comments)}")
    text = comments[0]["body"]
    check(text.count(MARKER) == 1 and "<!-- <!--" not in text, "the comment carries the marker once")
    check("orders_customer" in text and "```sql" in text and "CONCURRENTLY" in text,
          "the comment names the statement and carries the recipe as an sql block")

    outputs = s.outputs_dict()
    check(outputs.get("max-risk") == "HIGH", f"outputs: max-risk {outputs}")
    check(int(outputs.get("findings", "0")) >= 2 and int(outputs.get("pre-existing-findings", "0")) >= 1,
          f"outputs: counts {outputs}")
    # Three migrations and the rename's base path (000_seed.sql).
    check(outputs.get("files") == "4" and outputs.get("check-run-posted") == "true" and
          outputs.get("comment-posted") == "true", f"outputs: {outputs}")
    # Relative to the workspace: the host's steps (upload-sarif) see it there, not at the
    # container's /github/workspace.
    check(outputs.get("sarif-file") == "pgfence.sarif", f"sarif-file relative to the workspace: {outputs}")
    sarif_path = os.path.join(s.repo, outputs["sarif-file"])
    check(os.path.exists(sarif_path), "the SARIF file is written")
    validate_sarif(s, sarif_path)
    with open(s.summary) as f:
        check("orders_customer" in f.read(), "the job summary has the report")
    check("::error" not in proc.stdout, "no workflow-command fallback when the check run was posted")


def clause_annotations(s):
    """A multi-clause ALTER TABLE whose CHECK the pull request edits: each finding is annotated at its
    own clause, only the edited clause's is new; a file's timeout findings are one annotation."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/000_init.sql"),
          "CREATE TABLE users (id bigint PRIMARY KEY);\n"
          "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);\n")
    constraints = ("SET lock_timeout = '2s';\n"
                   "ALTER TABLE orders\n"
                   "    ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id),\n"
                   "    ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n")
    write(os.path.join(s.repo, "migrations/001_constraints.sql"), constraints)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "migrations/001_constraints.sql"),
          constraints.replace("CHECK (total >= 0)", "CHECK (total >= 0 AND total < 1000000)"))
    write(os.path.join(s.repo, "migrations/002_index.sql"), "CREATE INDEX orders_total ON orders (total);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    s.run_pr("--no-comment")
    s.all_requests_valid()
    notes = s.requests("checks/create")[0]["body"]["output"]["annotations"]
    by_path = {}
    for a in notes:
        by_path.setdefault(a["path"], []).append(a)
    old = [(a["start_line"], a["end_line"], a["title"].split(" ")[0], a["annotation_level"])
           for a in by_path.get("migrations/001_constraints.sql", [])]
    check((4, 4, "add-check-without-not-valid", "failure") in old,
          f"the edited CHECK is annotated at its own line, new: {old}")
    fk = [a for a in old if a[0] == 3]
    check(len(fk) >= 2 and all(a[1] == 3 and a[3] == "notice" for a in fk) and
          "add-foreign-key-without-not-valid" in [a[2] for a in fk],
          f"the untouched foreign key clause is annotated at line 3, pre-existing: {old}")
    check(all(a[0] >= b[0] for a, b in zip(old[1:], old)), f"001's annotations in source order: {old}")
    new = by_path.get("migrations/002_index.sql", [])
    settings = [a for a in new if a["title"].startswith("session settings: ")]
    check(len(settings) == 1 and settings[0]["start_line"] == settings[0]["end_line"] == 1 and
          "lock-timeout-missing" in settings[0]["title"] and "statement-timeout-missing" in settings[0]["title"] and
          settings[0]["annotation_level"] == "warning",
          f"002's timeout findings are one annotation on line 1: {new}")
    check(len(new) == 2, f"002: the folded settings and the CREATE INDEX: {[a['title'] for a in new]}")


def validate_sarif(s, path):
    import jsonschema
    with open(s.args.sarif_schema) as f:
        schema = json.load(f)
    with open(path) as f:
        doc = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    errors = list(cls(schema).iter_errors(doc))
    check(not errors, f"SARIF invalid: {errors[:1]}")
    results = doc["runs"][0]["results"]
    check(any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "migrations/002_orders.sql"
              for r in results), "SARIF results use repository paths")


def sticky_comment(s):
    """Runs twice, then with the findings fixed: one comment, edited in place each time."""
    s.make_repo()
    s.start_double()
    s.run_pr()
    first = s.comments()
    check(len(first) == 1, "first run creates the comment")
    s.run_pr()
    check(not s.requests("issues/update-comment"), "the same report again changes nothing")
    s.commit_on_feature("migrations/002_orders.sql", HEAD_002 + "CREATE INDEX orders_placed ON orders (placed_at);\n")
    s.run_pr()
    check(len(s.comments()) == 1, f"a later run must edit, not add: {len(s.comments())} comments")
    check("orders_placed" in s.comments()[0]["body"], "the edited comment has the new finding")
    updates = s.requests("issues/update-comment")
    check(len(updates) == 1, f"the second run updated the comment: {[r['operation'] for r in s.requests()]}")
    s.commit_on_feature("migrations/002_orders.sql", SAFE_002)
    s.commit_on_feature("migrations/001_init.sql", BASE_001)
    # The rename of a migration that has run is a finding too (issue #53): undone.
    git(s.repo, "mv", "migrations/000_seed_data.sql", "migrations/000_seed.sql")
    s.commit_on_feature("migrations/000_seed.sql", SEED_000)
    proc = s.run_pr()
    check(proc.returncode == 0, f"no findings left: exit 0, not {proc.returncode}\n{proc.stderr}")
    comments = s.comments()
    check(len(comments) == 1, "still one comment")
    # Only the renamed file's pre-existing finding is left: the headline says nothing new is risky.
    check("nothing risky" in comments[0]["body"].lower() or "## pgfence: ✅ none" in comments[0]["body"],
          f"the comment says the findings are gone: {comments[0]['body'][:300]}")
    creates = s.requests("checks/create")
    check(creates[-1]["body"]["conclusion"] in ("success", "neutral"), "the last check run passes")
    s.all_requests_valid()


def fork_fallback(s):
    """A read-only token (a fork): checks and comments are refused; annotations fall back to
    workflow commands, and the SARIF file, summary and exit code are still produced."""
    s.make_repo()
    s.start_double(faults=[{"kind": "forbidden", "path": "check-runs", "times": 10},
                           {"kind": "forbidden", "path": "comments", "times": 10}])
    proc = s.run_pr()
    check(proc.returncode == 1, f"exit code unchanged by the failed posts: {proc.returncode}")
    check("::error file=migrations/002_orders.sql,line=2" in proc.stdout,
          f"workflow-command fallback: {proc.stdout[-800:]}")
    check("falling back" in proc.stderr and "read-only" in proc.stderr, f"says why: {proc.stderr}")
    outputs = s.outputs_dict()
    check(outputs.get("check-run-posted") == "false" and outputs.get("comment-posted") == "false", f"{outputs}")
    check(os.path.exists(os.path.join(s.repo, outputs.get("sarif-file", "-"))), "SARIF still written")
    check(os.path.getsize(s.summary) > 0, "summary still written")


def server_errors(s):
    """GitHub keeps failing: the client retries, gives up, and the run still reports."""
    s.make_repo()
    s.start_double(faults=[{"kind": "bad-gateway", "path": "comments", "times": 50}])
    proc = s.run_pr()
    check(proc.returncode == 1, f"exit {proc.returncode}")
    check("comment not posted" in proc.stderr, f"the log says what could not be posted: {proc.stderr}")
    check(len(s.requests("issues/list-comments")) > 1, "the client retried")
    check(len(s.requests("checks/create")) == 1, "the check run went through")
    check(s.outputs_dict().get("comment-posted") == "false", "outputs say the comment is missing")


def many_findings(s):
    """120 findings: the check run is created with 50 annotations and updated twice."""
    s.make_repo(head_002="".join(f"CREATE INDEX i{i} ON orders (c{i});\n" for i in range(120)))
    s.start_double()
    s.run_pr("--no-comment")
    s.all_requests_valid()
    creates, updates = s.requests("checks/create"), s.requests("checks/update")
    total = len(creates[0]["body"]["output"]["annotations"]) + sum(len(u["body"]["output"]["annotations"]) for u in updates)
    check(len(creates[0]["body"]["output"]["annotations"]) == 50, "50 annotations in the create")
    check(len(updates) >= 2, f"further annotations in updates: {len(updates)}")
    check(total >= 121, f"every finding annotated: {total}")
    check(not s.requests("issues/create-comment"), "--no-comment posts no comment")


def renamed_only(s):
    """A pure rename adds no lines: its findings are pre-existing. The rename itself of a migration
    that has run is one new finding at the old path (issue #53: a tool that records migrations by
    name runs it again)."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/001_init.sql"), BASE_001)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "mv", "migrations/001_init.sql", "migrations/001_initial.sql")
    git(s.repo, "commit", "-qm", "rename")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    proc = s.run_pr("--no-check-run", "--no-comment", env_extra={"GITHUB_ACTIONS": "false"})
    check(proc.returncode == 1, f"the rename fails the run: {proc.returncode}\n{proc.stderr}")
    outputs = s.outputs_dict()
    check(outputs.get("findings") == "1" and int(outputs.get("pre-existing-findings", "0")) >= 1, f"{outputs}")
    check("renames migration migrations/001_init.sql" in proc.stdout, f"the one new finding is the rename: {proc.stdout[-1500:]}")
    proc = s.run_pr("--no-check-run", "--no-comment", "--fail-on-pre-existing", env_extra={"GITHUB_ACTIONS": "false"})
    check(proc.returncode == 1, f"--fail-on-pre-existing counts them: {proc.returncode}")


def repository_errors(s):
    """Not a repository, and a shallow clone without the base commit: one error line, exit 2."""
    s.make_repo()
    plain = os.path.join(s.tmp, "plain")
    os.makedirs(plain)
    proc = s.run_pr("--repo", plain, "--no-check-run", "--no-comment")
    check(proc.returncode == 2 and "not a git repository" in proc.stderr, f"not a repo: {proc.stderr}")
    check(sum(1 for l in proc.stderr.splitlines() if l.startswith("error:")) == 1, "one error line")
    shallow = os.path.join(s.tmp, "shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", "file://" + s.repo, shallow],
                   check=True, capture_output=True)
    proc = s.run_pr("--repo", shallow, "--no-check-run", "--no-comment")
    check(proc.returncode == 2 and "fetch-depth: 0" in proc.stderr, f"shallow: {proc.stderr}")
    proc = s.run_pr("--no-check-run", env_extra={"GITHUB_EVENT_PATH": ""})
    check(proc.returncode == 2 and "--base" in proc.stderr, f"no event, no --base: {proc.stderr}")


def local_flags(s):
    """Outside Actions: --base/--head and positional globs, nothing posted, no token needed."""
    s.make_repo()

    def run_local(*args):
        return subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature", *args],
                              env={k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")},
                              capture_output=True, text=True, timeout=120)

    proc = run_local("--sarif", os.path.join(s.tmp, "out.sarif"), "migrations/002_*.sql")
    check(proc.returncode == 1, f"exit {proc.returncode}: {proc.stderr}")
    check("002_orders.sql" in proc.stdout and "001_init.sql" not in proc.stdout, "the glob chose the files")
    check(os.path.exists(os.path.join(s.tmp, "out.sarif")), "--sarif writes the file")
    check("::error" not in proc.stdout, "no workflow commands outside Actions")
    # --exclude leaves a changed file out of the review.
    proc = run_local("--no-sarif", "--exclude", "migrations/002_*.sql")
    check("001_init.sql" in proc.stdout and "002_orders.sql" not in proc.stdout,
          f"--exclude left 002 out: {proc.returncode} {proc.stdout[-600:]} {proc.stderr}")


def base_history(s):
    """The base commit's migrations the pull request leaves alone are replayed before its files."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db/migrate/20240101000000_create_users.sql"),
          "CREATE TABLE users (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  email text NOT NULL\n);\n"
          "CREATE INDEX users_email_idx ON users (email);\n")
    write(os.path.join(s.repo, "db/migrate/20240115000000_create_orders.sql"),
          "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
          "CREATE TABEL typo (id int);\n")
    # Over --max-file-size (16 MiB; 20 MB of spaces, small in git): never loaded, one note names it.
    write_spaces(os.path.join(s.repo, "db/migrate/20231231000000_big.sql"), 20 << 20)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "db/migrate/20240202000000_drop_index.sql"), "DROP INDEX users_email_idx;\n")
    # Two migrations of the pull request: the second indexes the table the first creates.
    write(os.path.join(s.repo, "db/migrate/20240301000000_create_payments.sql"),
          "CREATE TABLE payments (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
          "  user_id bigint NOT NULL,\n  amount_cents bigint NOT NULL\n);\n")
    write(os.path.join(s.repo, "db/migrate/20240302000000_index_payments.sql"),
          "CREATE INDEX index_payments_on_user_id ON payments (user_id);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "drop the index, add payments")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}

    def run(*extra):
        return subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                               *extra], env=env, capture_output=True, text=True, timeout=120)

    proc = run()
    check(proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}")
    row = [l for l in proc.stdout.splitlines() if "DROP INDEX users_email_idx" in l and "ACCESS EXCLUSIVE" in l]
    check(row and "ACCESS EXCLUSIVE users " in row[0] and "(new)" not in row[0],
          f"DROP INDEX locks users, known from the base commit: {row}")
    check("history: 2 files, 3 statements replayed; skipped 1 statement (" in proc.stdout,
          f"the output says what was replayed (the unparsable statement counted): {proc.stdout[-400:]}")
    row = [l for l in proc.stdout.splitlines() if "CREATE INDEX index_payments_on_user_id" in l]
    check(row and " nothing " in row[0],
          f"a table an earlier file of the pull request creates is new to the files after it (its lock blocks nothing): {row}")
    check("create-index-without-concurrently" not in proc.stdout,
          f"indexing the pull request's own new table is no finding: {proc.stdout[-600:]}")
    notes = [l for l in proc.stderr.splitlines() if l.startswith("note: db/migrate/20231231000000_big.sql (at the base commit): is ")
             and "over --max-file-size" in l]
    check(len(notes) == 1, f"the base commit's file over --max-file-size: one note: {proc.stderr[-600:]}")
    proc = run("--no-history")
    row = [l for l in proc.stdout.splitlines() if "DROP INDEX users_email_idx" in l and "ACCESS EXCLUSIVE" in l]
    check(row and "ACCESS EXCLUSIVE users_email_idx" in row[0] and "history:" not in proc.stdout,
          f"--no-history: the file alone: {row}")
    # A changed file of 96 MB (small in git) is refused by its size, never loaded: one error
    # line naming it, and the process stays far below the file's size.
    write_spaces(os.path.join(s.repo, "db/migrate/20240303000000_huge.sql"), 96 << 20)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "huge")
    with tempfile.TemporaryFile() as errfile:
        child = subprocess.Popen([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=errfile)
        # This process's own peak, not git's. (A forked child's peak starts at this test's own
        # size, which write_spaces keeps small.)
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        errfile.seek(0)
        err = errfile.read().decode("utf-8", "replace")
    check("20240303000000_huge.sql" in err and "over --max-file-size" in err, f"the huge file is named: {err[-600:]}")
    check(usage.ru_maxrss < 64 * 1024, f"the huge blob was loaded: peak {usage.ru_maxrss // 1024} MB")


def schema_file(s):
    """--schema reads a Rails structure.sql from the checkout as the existing schema, also with --no-history."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db/structure.sql"),
          "SET statement_timeout = 0;\n"
          "CREATE TABLE public.users (id bigint NOT NULL, email character varying(255) NOT NULL);\n"
          "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
          "CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);\n")
    write(os.path.join(s.repo, "db/migrate/20240101000000_create_users.rb"), "# Rails migration, not SQL\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "db/migrate/20240202000000_drop_email_index.sql"), "DROP INDEX index_users_on_email;\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "drop the index")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--no-history", "--schema", "db/structure.sql"],
                          cwd=s.repo, env=env, capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}")
    row = [l for l in proc.stdout.splitlines() if "DROP INDEX index_users_on_email" in l and "ACCESS EXCLUSIVE" in l]
    check(row and "ACCESS EXCLUSIVE public.users" in row[0], f"DROP INDEX locks users, known from the dump: {row}")
    check("schema: 1 file, 4 statements replayed" in proc.stdout and "history:" not in proc.stdout,
          f"the output names the dump as its own source: {proc.stdout[-400:]}")


def accounts_on_main(s):
    """The accounts table BASE_001 indexes, created by a migration on main and merged into the
    feature branch: the migrations then run on a bare server, as --trace runs them."""
    git(s.repo, "checkout", "-q", "main")
    write(os.path.join(s.repo, "migrations/000_accounts.sql"),
          "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, created_at timestamptz, plan_id int);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "accounts")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-q", "feature")
    git(s.repo, "merge", "-q", "--no-edit", "main")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def trace_verdicts(s):
    """--trace runs the changed migrations on a real PostgreSQL after the repository's other
    migrations; confirmed verdicts land in the summary and the check run's text."""
    s.make_repo(head_001=BASE_001, head_002="ALTER TABLE users ADD COLUMN plan text;\n", rename_seed=False)
    accounts_on_main(s)
    s.start_double()
    proc = s.run_pr("--trace", "--no-comment")
    check(proc.returncode == 0, f"confirmed trace, no findings above medium: exit {proc.returncode}\n{proc.stderr}")
    check("confirmed" in proc.stdout.lower(), f"the log carries the verdicts: {proc.stdout[-1500:]}")
    with open(s.summary) as f:
        check("Trace on a real PostgreSQL: confirmed" in f.read(), "the job summary carries the trace")
    text = s.requests("checks/create")[0]["body"]["output"].get("text", "")
    check("Trace on a real PostgreSQL" in text, "the check run carries the trace")
    s.all_requests_valid()


def plan_rehearsal(s):
    """A plan in the comment says whether it was rehearsed: without --trace it is marked
    composed, not rehearsed; with --trace the oracle's verdict stands beside it (docs/plans.md)."""
    # psql -f runs the folder (`tool = "psql"`): a plain folder's CONCURRENTLY plan needs its runner known.
    s.make_repo(head_001=BASE_001, head_002="CREATE INDEX users_email_idx ON users (email);\n",
                base_files={".pgfence.toml": 'tool = "psql"\n'})
    accounts_on_main(s)
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}")
    body = s.comments()[-1]["body"] if s.comments() else ""
    check("Migration plan" in body and "composed, not rehearsed" in body and "pr --trace" in body,
          f"without --trace the plan is marked unrehearsed: {body[-1500:]}")
    # What a rehearsal would cover, said where no verdict is (issue #54, section 4).
    check("never the application's semantics" in body, f"without --trace the plan says what a rehearsal covers: {body[-1500:]}")
    proc = s.run_pr("--trace", no_config=False)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}")
    body = s.comments()[-1]["body"] if s.comments() else ""
    check(re.search(r"rehearsed on PostgreSQL 1\d[.\d]* with the old and the new release's writes: proven", body) is not None
          and "composed, not rehearsed" not in body and "CONCURRENTLY" in body,
          f"with --trace the plan carries the proven verdict: {body}")
    # What was proven, and what was not, beside the verdict (docs/plans.md, "What proven covers").
    check(re.search(r"proven for: PostgreSQL 1\d", body) is not None and "not proven: application semantics" in body
          and "the new release deployed after" in body,
          f"with --trace the verdict says what it covers: {body[-2500:]}")
    s.all_requests_valid()


def faults(s):
    """GitHub misbehaves the ways the issue names: 500s on the check run (retried), a 403
    secondary rate limit with Retry-After on the comments (waited out), a 422 on a too-long
    comment (sent again, shorter, with a note of what was left out). Nothing is lost."""
    # psql -f runs the folder (`tool = "psql"`): each index's recipe, which makes the comment long, needs the runner known.
    s.make_repo(head_002="".join(f"CREATE INDEX i{i} ON orders (c{i});\n" for i in range(80)),
                base_files={".pgfence.toml": 'tool = "psql"\n'})
    s.start_double(faults=[{"kind": "server-error", "method": "POST", "path": "check-runs$", "times": 2},
                           {"kind": "secondary-rate-limit", "status": 403, "retry_after": 1, "method": "GET",
                            "path": "comments", "times": 1},
                           {"kind": "validation", "method": "POST", "path": "comments", "times": 1}])
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr}")
    creates = s.requests("checks/create")
    check(len(creates) == 3 and creates[-1]["status"] == 201, f"two 500s, then the check run: {[r['status'] for r in creates]}")
    lists = s.requests("issues/list-comments")
    check(len(lists) >= 2 and lists[0]["status"] == 403, f"the rate-limited listing was retried: {[r['status'] for r in lists]}")
    posts = s.requests("issues/create-comment")
    check(len(posts) == 2 and posts[0]["status"] == 422 and posts[1]["status"] == 201,
          f"the refused comment was sent again: {[r['status'] for r in posts]}")
    first, second = (p["body"]["body"] if isinstance(p.get("body"), dict) else "" for p in posts)
    check(len(first) > 65536 // 4 >= len(second),
          f"the second comment is shorter: {len(first)} then {len(second)}")
    comments = s.comments()
    check(len(comments) == 1 and "Shortened to fit" in comments[0]["body"] and MARKER in comments[0]["body"],
          "one comment, saying what it left out")
    check("refused the comment" in proc.stderr, f"the log says why: {proc.stderr}")
    outputs = s.outputs_dict()
    check(outputs.get("check-run-posted") == "true" and outputs.get("comment-posted") == "true", f"{outputs}")
    check(os.path.getsize(os.path.join(s.repo, outputs["sarif-file"])) > 0 and os.path.getsize(s.summary) > 0, "nothing lost")
    s.all_requests_valid_except(422, 403, 500)


def two_jobs(s):
    """Two pgfence jobs on one pull request (--name api, --name web): two check runs, two sticky
    comments, two SARIF categories; a rerun of one edits its own comment and leaves the other's."""
    s.make_repo()
    s.start_double()
    sarif_api, sarif_web = os.path.join(s.tmp, "api.sarif"), os.path.join(s.tmp, "web.sarif")
    s.run_pr("--name", "api", "--sarif", sarif_api, "migrations/002_*.sql")
    s.run_pr("--name", "web", "--sarif", sarif_web, "migrations/001_*.sql")
    s.all_requests_valid()
    names = [r["body"]["name"] for r in s.requests("checks/create")]
    check(names == ["pgfence (api)", "pgfence (web)"], f"one check run per job, named after it: {names}")
    comments = s.comments()
    check(len(comments) == 2, f"one comment per job, not {len(comments)}")
    by_marker = {}
    for c in comments:
        for job in ("api", "web"):
            if f"<!-- pgfence:sticky-comment:{job} -->" in c["body"]:
                by_marker[job] = c
    check(set(by_marker) == {"api", "web"}, f"each comment carries its job's marker: {[c['body'][:80] for c in comments]}")
    check(MARKER not in by_marker["api"]["body"], "a named job does not carry the unnamed marker")
    check("## pgfence (api):" in by_marker["api"]["body"] and "orders_customer" in by_marker["api"]["body"],
          "the api comment has its heading and its own findings")
    check("## pgfence (web):" in by_marker["web"]["body"] and "orders_customer" not in by_marker["web"]["body"],
          "the web comment reports only its own files")
    for path, job in ((sarif_api, "api"), (sarif_web, "web")):
        with open(path) as f:
            run = json.load(f)["runs"][0]
        check(run["automationDetails"]["id"] == f"pgfence/{job}/", f"SARIF category of {job}: {run['automationDetails']}")
    web_before = by_marker["web"]["body"]
    s.commit_on_feature("migrations/002_orders.sql", HEAD_002 + "CREATE INDEX orders_placed ON orders (placed_at);\n")
    s.run_pr("--name", "api", "--sarif", sarif_api, "migrations/002_*.sql")
    comments = s.comments()
    check(len(comments) == 2, f"the rerun edits, it does not add: {len(comments)} comments")
    updated = s.requests("issues/update-comment")
    check(len(updated) == 1 and "orders_placed" in updated[0]["body"]["body"], "the api comment was edited in place")
    web_now = [c for c in comments if "pgfence:sticky-comment:web" in c["body"]]
    check(web_now and web_now[0]["body"] == web_before, "the web comment is untouched")
    proc = s.run_pr("--name", "no spaces")
    check(proc.returncode == 2 and "error:" in proc.stderr and "--name" in proc.stderr,
          f"a name that would break the marker is a usage error: {proc.returncode} {proc.stderr}")


def review(s):
    """The realistic pull request (review_fixture.py): three generated Prisma migrations, one
    dangerous hand-written one, a typo fix in an applied migration. The comment's first 1,500
    characters name every HIGH finding's file, line and fix; after the fix commit the same
    comment lists what was resolved."""
    import re
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import review_fixture as fx
    s.base, s.head = fx.make_review_repo(s.repo)
    s.write_event()
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"the hand-written migration's HIGH findings fail the run: {proc.returncode}\n{proc.stderr}")
    s.all_requests_valid()
    create = s.requests("checks/create")[-1]["body"]
    failing = [a for a in create["output"]["annotations"] if a["annotation_level"] == "failure"]
    # One finding per statement and cause: the work done under the ALTER's held locks is said in
    # the statements' own HIGH findings, not in a HIGH of its own (issue #34).
    check(len(failing) >= 4 and any("work-under-held-lock" in a["message"] for a in failing),
          f"the HIGH findings are failure annotations: {failing}")
    check({a["path"] for a in failing} == {fx.HAND}, f"only the hand-written file fails: {failing}")
    body = s.comments()[0]["body"]
    first = body[:1500]
    for a in failing:
        rule = a["title"].split(" ")[0]
        check(f"**[{rule}]**" in first, f"{rule} is in the digest's first 1,500 characters:\n{first}")
        fix = a["message"].split("Fix: ", 1)[1].split("\n")[0] if "Fix: " in a["message"] else ""
        check(fix[:40] in first, f"the fix of {rule} is in the digest: {fix!r}")
        url = f"https://github.com/octo/app/blob/{s.head}/{fx.HAND}#L{a['start_line']}"
        check(url in body, f"{rule}'s line links into the head commit: {url}")
    check(f"`{fx.HAND}`" in first, "the digest names the file")
    # The generated files and the typo-fixed one come after, the pre-existing-only file last and folded.
    at = {path: body.find(f"<code>{path}</code>") for path in (fx.HAND, fx.PROFILES, fx.INIT)}
    check(0 < at[fx.HAND] < at[fx.PROFILES] < at[fx.INIT], f"files by risk: {at}")
    check(f"<details><summary>✅ <code>{fx.INIT}</code>" in body, "the pre-existing-only file is folded")
    check("CREATE TYPE" not in body and "User_email_key" not in body, "statements without findings are left out")
    check("\n|" not in body and "\ufffd" not in body, "no wide tables, no replacement characters")
    check(create["output"]["summary"].startswith("## pgfence: 🔴 HIGH"), "the check run's summary starts with the digest")
    with open(s.summary) as f:
        check("### Details" in f.read(), "the job summary has the whole report")

    s.head = fx.commit_fix(s.repo)
    s.write_event()
    proc = s.run_pr()
    comments = s.comments()
    check(len(comments) == 1, f"the comment is edited in place: {len(comments)}")
    after = comments[0]["body"]
    check(f"Analysed [`{s.head[:7]}`]" in after, "the comment names the commit it analysed")
    check(re.search(r"Since \[`[0-9a-f]{7}`\]\([^)]*\): ✅ \d+ resolved", after), f"what changed since: {after[:600]}")
    resolved = after[after.find("**Resolved since"):]
    for a in failing:
        rule = a["title"].split(" ")[0]
        check(f"~~HIGH **[{rule}]**~~" in resolved, f"{rule} is listed as resolved:\n{resolved[:1500]}")
    check("Fix before merging" not in after, "nothing HIGH is left")
    s.all_requests_valid()


SUGGEST_BASE = """CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX users_email_idx ON users (email);
"""
# Plain SQL, each statement its own transaction: CONCURRENTLY and NOT VALID are one-click fixes.
SUGGEST_002 = """-- lookups by customer
CREATE INDEX orders_user_id_idx ON orders (user_id);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
"""
# Prisma sends its file as one query, one implicit transaction: CONCURRENTLY would fail there.
SUGGEST_PRISMA = """SET lock_timeout = '2s';
-- CreateIndex
CREATE INDEX "accounts_email_idx" ON "users"("email");
"""
SUGGESTION_MARKER = "<!-- pgfence:suggestion "


def make_suggest_repo(s, files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db/migrations/001_init.sql"), SUGGEST_BASE)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def suggestion_of(body):
    """(the lines in the body's suggestion block, the key of its last line)."""
    lines = body.rstrip("\n").split("\n")
    check(lines[-1].startswith(SUGGESTION_MARKER) and lines[-1].endswith(" -->"), f"the marker is the last line: {body}")
    key = lines[-1][len(SUGGESTION_MARKER):-len(" -->")]
    opening = [i for i, line in enumerate(lines) if line.lstrip("`") == "suggestion" and line.startswith("```")]
    check(len(opening) == 1, f"one suggestion block: {body}")
    fence = lines[opening[0]][:-len("suggestion")]
    closing = [i for i in range(opening[0] + 1, len(lines)) if lines[i] == fence]
    check(closing and closing[0] == len(lines) - 2, f"the block closes with its own fence just above the marker: {body}")
    return "\n".join(lines[opening[0] + 1:closing[0]]), key


def reviews_posted(s):
    return [r for r in s.requests("pulls/create-review")]


def suggestions(s):
    """One-click suggestions: a review of ```suggestion comments on the pull request's own lines,
    each proved by analysing the edited file again (CONCURRENTLY in Prisma's implicit transaction
    is not offered), never twice for a finding (keys survive lines moving), --max-suggestions."""
    make_suggest_repo(s, {"db/migrations/002_orders.sql": SUGGEST_002,
                          "prisma/migrations/20240201000000_index/migration.sql": SUGGEST_PRISMA})
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr}")
    s.all_requests_valid()
    posts = reviews_posted(s)
    check(len(posts) == 1 and posts[0]["status"] == 200, f"one review: {[(r['status'], r.get('errors')) for r in posts]}\n{proc.stderr}")
    review = posts[0]["body"]
    check(review["commit_id"] == s.head and review["event"] == "COMMENT" and review["body"], f"a COMMENT review on the head: {review}")
    got = {(c["path"], c["line"]): suggestion_of(c["body"])[0] for c in review["comments"]}
    check(got == {("db/migrations/002_orders.sql", 2): "CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);",
                  ("db/migrations/002_orders.sql", 3): "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY "
                                                       "(user_id) REFERENCES users (id) NOT VALID;"},
          f"the edited lines, and none for the index in Prisma's transaction: {got}")
    for c in review["comments"]:
        check(c["side"] == "RIGHT" and "start_line" not in c, f"one line on the head side: {c}")
        check(c["body"].startswith("`create-index-without-concurrently` · **HIGH** · add CONCURRENTLY: use CREATE INDEX")
              or c["body"].startswith("`add-foreign-key-without-not-valid` · **HIGH** · add NOT VALID: add the constraint NOT VALID"),
              f"rule, risk, label and fix first: {c['body']}")
    check("create-index-without-concurrently" in proc.stdout and "prisma/migrations" in proc.stdout,
          "the Prisma index is still reported")
    check(s.outputs_dict().get("suggestions-posted") == "2", f"outputs: {s.outputs_dict()}")
    keys = {suggestion_of(c["body"])[1] for c in s.review_comments()}
    check(len(keys) == 2 and all(len(k) == 32 for k in keys), f"two keys: {keys}")

    # Again on the same commit: nothing new is posted.
    s.run_pr()
    check(len(reviews_posted(s)) == 1, "the second run posts no review")
    check(s.outputs_dict().get("suggestions-posted") == "0", f"outputs: {s.outputs_dict()}")

    # A push moves the lines (a comment above) and adds a DROP INDEX: only the new finding is suggested.
    s.commit_on_feature("db/migrations/002_orders.sql", "-- reviewed\n" + SUGGEST_002)
    s.commit_on_feature("db/migrations/003_drop.sql", "DROP INDEX users_email_idx;\n")
    s.run_pr()
    s.all_requests_valid()
    posts = reviews_posted(s)
    check(len(posts) == 2 and posts[1]["status"] == 200, f"a second review: {[(r['status'], r.get('errors')) for r in posts]}")
    comments = posts[1]["body"]["comments"]
    check([(c["path"], c["line"], suggestion_of(c["body"])[0]) for c in comments] ==
          [("db/migrations/003_drop.sql", 1, "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;")],
          f"only the new finding, not the moved ones again: {comments}")

    # --max-suggestions 1 on a fresh pull request: the first by risk, path and line.
    s.stop_double()
    s.start_double()
    s.run_pr("--max-suggestions", "1")
    posts = reviews_posted(s)
    check(len(posts) == 1 and len(posts[0]["body"]["comments"]) == 1, f"one suggestion: {posts}")
    check(posts[0]["body"]["comments"][0]["line"] == 3 and "CONCURRENTLY" in posts[0]["body"]["comments"][0]["body"],
          f"the HIGH one first: {posts[0]['body']['comments']}")
    check(s.outputs_dict().get("suggestions-posted") == "1", f"outputs: {s.outputs_dict()}")
    s.stop_double()
    s.start_double()
    s.run_pr("--max-suggestions", "0")
    check(not s.requests("pulls/create-review") and not s.requests("pulls/list-review-comments"),
          "--max-suggestions 0: no review, nothing listed")
    check(s.outputs_dict().get("suggestions-posted") == "0", f"outputs: {s.outputs_dict()}")
    s.all_requests_valid()
    proc = s.run_pr("--max-suggestions", "101")
    check(proc.returncode == 2 and "--max-suggestions" in proc.stderr, f"out of range: {proc.stderr}")

    # The double holds GitHub's rule: a comment off the diff fails the whole review (422).
    request = urllib.request.Request(
        f"http://127.0.0.1:{s.port}/repos/octo/app/pulls/7/reviews", method="POST",
        data=json.dumps({"commit_id": s.head, "event": "COMMENT", "body": "x",
                         "comments": [{"path": "db/migrations/002_orders.sql", "line": 3, "side": "RIGHT",
                                       "body": "in the diff"},
                                      {"path": "db/migrations/002_orders.sql", "line": 40, "side": "RIGHT",
                                       "body": "off the diff"}]}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.github+json",
                 "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "pr-test", "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request)
        check(False, "a comment outside the diff was accepted")
    except urllib.error.HTTPError as e:
        answer = json.loads(e.read())
        check(e.code == 422 and answer["errors"] == ["pull_request_review_thread.line must be part of the diff"],
              f"GitHub's 422: {e.code} {answer}")
    check(not s.review_comments(), "nothing of the refused review is kept")


def suggestion_hostile(s):
    """Backticks and HTML comments in a file name and in the SQL cannot leave the suggestion's
    fence nor plant a key: a marker written into the SQL does not stop the finding it names."""
    make_suggest_repo(s, {"db/migrations/006_x.sql": "CREATE INDEX orders_x ON orders (user_id);\n"})
    s.start_double()
    s.run_pr()
    first = s.review_comments()
    check(len(first) == 1, f"the plain file's suggestion: {first}")
    planted = suggestion_of(first[0]["body"])[1]
    s.stop_double()
    hostile_path = "db/migrations/005_`tick`<!-- x -->.sql"
    line = f'CREATE INDEX "y```idx" ON orders (user_id); -- ``` {SUGGESTION_MARKER}{planted} -->'
    s.commit_on_feature(hostile_path, line + "\n")
    s.start_double()
    s.run_pr("--max-suggestions", "1")
    s.all_requests_valid()
    comments = s.review_comments()
    check(len(comments) == 1 and comments[0]["path"] == hostile_path, f"the hostile file first: {comments}")
    body = comments[0]["body"]
    block, key = suggestion_of(body)
    check(block == line.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY", 1),
          f"the exact line, CONCURRENTLY added: {block!r}")
    check(key != planted and body.count("````suggestion") == 1, f"its own key, a fence of four: {body}")
    if shutil.which("cmark-gfm"):
        html = subprocess.run(["cmark-gfm", "--unsafe"], input=body, capture_output=True, text=True).stdout
        check(html.count("<!--") == 1 and f"{SUGGESTION_MARKER}{key} -->" in html and "&lt;!--" in html,
              f"as GitHub renders it, the only HTML comment is the marker: {html}")
    # The key written into the SQL does not count as posted: the plain file's suggestion comes now.
    s.run_pr()
    comments = s.review_comments()
    check(sorted(c["path"] for c in comments) == ["db/migrations/005_`tick`<!-- x -->.sql", "db/migrations/006_x.sql"],
          f"the planted key did not stop the plain file's suggestion: {[c['path'] for c in comments]}")
    check(suggestion_of(comments[1]["body"])[1] == planted, "with the key the first pull request gave it")
    s.all_requests_valid()


# -- uploads to the governance service (pgfence pr --upload) ----------------------------------

GOV_TOKEN = "pgfgov_uploadTestToken9876543210"
REPORT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                             "pgfence-report.schema.json")
SQL_MARKER = "zqx_marker_4f1d"  # only in comments and string literals: no finding message names it
MARKED_002 = f"""-- {SQL_MARKER}: the lookup index
CREATE INDEX orders_customer ON orders (customer_id) WHERE note <> '{SQL_MARKER}';
ALTER TABLE orders ADD COLUMN status text DEFAULT '{SQL_MARKER}' NOT NULL;
"""


def sha256_hex(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()


def git_bytes(repo, commit, path):
    out = subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True)
    return out.stdout if out.returncode == 0 else b""


def upload(s, receiver, *extra, token=GOV_TOKEN):
    env = {"PGFENCE_GOVERNANCE_TOKEN": token if token is not None else ""}
    proc = s.run_pr("--upload", receiver.url if receiver else "http://127.0.0.1:9", *extra, env_extra=env)
    check(GOV_TOKEN not in proc.stdout and GOV_TOKEN not in proc.stderr, "the governance token was printed")
    if os.path.exists(s.outputs):
        with open(s.outputs) as f:
            check(GOV_TOKEN not in f.read(), "the governance token is in the step outputs")
    return proc


def start_receiver(s, *answers, **kw):
    from governance_receiver import Receiver
    r = Receiver(answers, **kw)
    s.receivers.append(r)
    return r


def check_envelope(s, envelope, request, sql_included=True):
    """The envelope as notes section 1 has it, its report valid, its hashes recomputed here."""
    import jsonschema
    with open(REPORT_SCHEMA) as f:
        schema = json.load(f)
    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(envelope["report"]))
    check(not errors, f"the uploaded report does not validate: {[e.message for e in errors[:3]]}")
    check(set(envelope) == {"schema_version", "repository", "pull_request", "head_sha", "base_sha", "head_tree",
                            "content_hash", "sql_included", "report"}, f"envelope keys: {sorted(envelope)}")
    tree = subprocess.run(["git", "-C", s.repo, "rev-parse", s.head + "^{tree}"], capture_output=True, text=True, check=True)
    check(envelope["head_tree"] == tree.stdout.strip(), f"envelope: head_tree {envelope['head_tree']} is not the head's tree")
    check(envelope["schema_version"] == 1 and envelope["repository"] == "octo/app" and envelope["pull_request"] == 7,
          f"envelope head: {[envelope[k] for k in ('schema_version', 'repository', 'pull_request')]}")
    check(envelope["head_sha"] == s.head and envelope["base_sha"] == s.base, "envelope: head and base commits")
    check(envelope["sql_included"] is sql_included, f"sql_included {envelope['sql_included']}")
    lines = []
    for f in envelope["report"]["files"]:
        expected = sha256_hex(git_bytes(s.repo, s.head, f["path"]))
        check(f.get("sha256") == expected, f"{f['path']}: sha256 {f.get('sha256')} is not its bytes' at the head")
        lines.append(f"{expected} {f['path']}\n")
    lines.sort(key=lambda line: line.split(" ", 1)[1].encode())
    content_hash = "sha256:" + sha256_hex("".join(lines).encode())
    check(envelope["content_hash"] == content_hash, f"content hash {envelope['content_hash']} != {content_hash}")
    # The base commit too (issue #53): a re-run after the base moved is judged anew, not a 409.
    key = sha256_hex(("\n".join([envelope["repository"], str(envelope["pull_request"]), envelope["head_sha"],
                                  envelope["content_hash"], envelope["report"]["tool"]["version"],
                                  "sql" if sql_included else "no-sql"]) + "\nbase " + envelope["base_sha"]).encode())
    h = request["headers"]
    check(h.get("idempotency-key") == key, f"Idempotency-Key {h.get('idempotency-key')} != {key}")
    check(h.get("authorization") == f"Bearer {GOV_TOKEN}", "the upload carries the token as a Bearer")
    check(h.get("content-type") == "application/json" and h.get("user-agent", "").startswith("pgfence/"),
          f"headers: {h}")
    check(request["path"] == "/v1/analyses", f"posted to {request['path']}")
    # The head again in headers: a service that refuses the body unread (413) still fails its check.
    check((h.get("pgfence-repository"), h.get("pgfence-pull-request"), h.get("pgfence-head-sha")) ==
          (envelope["repository"], str(envelope["pull_request"]), envelope["head_sha"]), f"Pgfence-* headers: {h}")


def governance_upload(s):
    """--upload: the envelope, hashes and key the service expects; the same findings as the check run,
    pre_existing kept; a re-run is the same upload, a rebase keeps the content hash, an edit moves it."""
    s.make_repo()
    s.start_double()
    r = start_receiver(s)
    proc = upload(s, r)
    check(proc.returncode == 1, f"the upload does not change pr's exit code: {proc.returncode}\n{proc.stderr}")
    check(len(r.requests) == 1, f"one upload, not {len(r.requests)}")
    check(len(s.requests("checks/create")) == 1 and s.comments(), "the GitHub posts still happen")
    first = r.envelopes()[0]
    check_envelope(s, first, r.requests[0])
    check("governance: uploaded (conclusion action_required" in proc.stdout, f"status line: {proc.stdout[-400:]}")
    check(s.outputs_dict().get("governance-conclusion") == "action_required", f"outputs: {s.outputs_dict()}")

    files = {f["path"]: f for f in first["report"]["files"]}
    # 000_seed.sql: the rename of a migration that has run, reported at its base path (issue #53).
    check(sorted(files) == ["migrations/000_seed.sql", "migrations/000_seed_data.sql", "migrations/001_init.sql",
                            "migrations/002_orders.sql"], f"the files pr analysed: {sorted(files)}")
    seed = files["migrations/000_seed_data.sql"]["findings"]
    check(seed and all(x["pre_existing"] for x in seed), "the renamed file's findings are pre-existing")
    in_001 = {(x["start"]["line"], x["pre_existing"]) for x in files["migrations/001_init.sql"]["findings"]
              if x["rule"] == "create-index-without-concurrently"}
    check(in_001 == {(2, False), (3, False)}, f"001: the inserted statement and the one after it are new: {in_001}")
    annotated = {(a["path"], a["start_line"]) for a in s.requests("checks/create")[0]["body"]["output"]["annotations"]
                 if a["title"].startswith("create-index-without-concurrently")}
    uploaded = {(p, x["start"]["line"]) for p, f in files.items() for x in f["findings"]
                if x["rule"] == "create-index-without-concurrently"}
    check(annotated == uploaded, f"the check run's findings and the upload's: {annotated} != {uploaded}")
    check(any("CREATE INDEX orders_customer" in st["sql"] for st in files["migrations/002_orders.sql"]["statements"]),
          "the statements' SQL is uploaded by default")

    # The same run again: the same key and body, which the service answers with 200.
    proc = upload(s, r)
    check(len(r.requests) == 2 and r.requests[1]["headers"]["idempotency-key"] == r.requests[0]["headers"]["idempotency-key"]
          and r.requests[1]["body"] == r.requests[0]["body"], "a re-run sends the same key and body")
    check("the service had it already" in proc.stdout, f"200 is reported as a repeat: {proc.stdout[-300:]}")

    # Rebased onto a newer main that changed no migration: a new head, the same content hash.
    git(s.repo, "checkout", "-q", "main")
    write(os.path.join(s.repo, "README.md"), "app, newer\n")
    git(s.repo, "commit", "-qam", "main moves on")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-q", "feature")
    git(s.repo, "rebase", "-q", "main")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    upload(s, r)
    rebased = r.envelopes()[2]
    check_envelope(s, rebased, r.requests[2])
    check(rebased["content_hash"] == first["content_hash"], "a rebase that changes no migration keeps the content hash")
    # The key names the head commit (notes section 1), so the rebased head is an upload of its own.
    check(r.requests[2]["headers"]["idempotency-key"] != r.requests[0]["headers"]["idempotency-key"],
          "the rebased head is a new upload")

    # One byte of a migration changed: another content hash and key.
    s.commit_on_feature("migrations/002_orders.sql", HEAD_002 + "\n")
    upload(s, r)
    edited = r.envelopes()[3]
    check_envelope(s, edited, r.requests[3])
    check(edited["content_hash"] != rebased["content_hash"], "an edited migration changes the content hash")
    check(r.requests[3]["headers"]["idempotency-key"] != r.requests[2]["headers"]["idempotency-key"],
          "an edited migration changes the key")


def governance_without_sql(s):
    """--upload-without-sql: nothing of the migrations' SQL leaves, the findings do; the report stays valid."""
    s.make_repo(head_002=MARKED_002)
    s.start_double()
    r = start_receiver(s)
    upload(s, r)
    check(SQL_MARKER.encode() in r.requests[0]["body"], "the marker is in a default upload (else the test proves nothing)")
    upload(s, r, "--upload-without-sql")
    check(len(r.requests) == 2, f"two uploads, not {len(r.requests)}")
    body = r.requests[1]["body"]
    check(SQL_MARKER.encode() not in body, "SQL text is left in the upload: " +
          body.decode()[max(0, body.decode().find(SQL_MARKER) - 200):][:400])
    # Statement, recipe and plan text beyond the marker (finding messages name the index, not its columns).
    for probe in (b"(customer_id) WHERE", b"INDEX CONCURRENTLY orders_customer"):
        check(probe in r.requests[0]["body"] and probe not in body, f"{probe!r} is left in the upload")
    envelope = r.envelopes()[1]
    check_envelope(s, envelope, r.requests[1], sql_included=False)
    check(envelope["content_hash"] == r.envelopes()[0]["content_hash"], "leaving SQL out does not change the content hash")
    check(r.requests[1]["headers"]["idempotency-key"] != r.requests[0]["headers"]["idempotency-key"],
          "with and without SQL are two uploads")
    files = {f["path"]: f for f in envelope["report"]["files"]}
    kept = [(x["rule"], x["message"]) for x in files["migrations/002_orders.sql"]["findings"]]
    check(("create-index-without-concurrently" in [k for k, _ in kept]) and all(m for _, m in kept),
          f"the findings stay: {kept}")
    with_sql = {f["path"]: f for f in r.envelopes()[0]["report"]["files"]}
    check([x["message"] for x in files["migrations/002_orders.sql"]["findings"]] ==
          [x["message"] for x in with_sql["migrations/002_orders.sql"]["findings"]], "the same findings as with SQL")


def governance_failures(s):
    """Retries on 503, the documented refusals in words, --upload-required, the token never printed."""
    s.make_repo()
    s.start_double()
    done = {"id": "0b7a4c39-1f45-4e2b-9a43-3c1a2b9d8e70", "conclusion": "success", "items": 0}
    r = start_receiver(s, (503, {"message": "database unavailable"}, {}), (503, None, {}), (201, done, {}))
    proc = upload(s, r)
    check(len(r.requests) == 3 and len({x["body"] for x in r.requests}) == 1 and
          len({x["headers"]["idempotency-key"] for x in r.requests}) == 1,
          f"503 is retried with the same body and key: {len(r.requests)} requests")
    check("governance: uploaded (conclusion success" in proc.stdout and proc.returncode == 1,
          f"uploaded on the third try: {proc.returncode} {proc.stderr[-300:]}")

    r = start_receiver(s, *[(503, {"message": "database unavailable"}, {})] * 4)
    proc = upload(s, r)
    check(len(r.requests) == 3, f"3 tries, not {len(r.requests)}")
    check(proc.returncode == 1 and "warning: governance: upload failed" in proc.stderr and "503" in proc.stderr,
          f"a failed upload is a warning and keeps the exit code: {proc.returncode} {proc.stderr[-300:]}")
    check(s.outputs_dict().get("governance-conclusion") == "", "no conclusion without an upload")
    r = start_receiver(s, *[(503, None, {})] * 4)
    proc = upload(s, r, "--upload-required")
    check(proc.returncode == 2 and "error: governance: upload failed" in proc.stderr,
          f"--upload-required: exit 2 and an error line: {proc.returncode} {proc.stderr[-300:]}")

    # Refusals are final: one request each, the service's words shown, the token redacted.
    for status, payload, words in (
            (401, {"message": f"token {GOV_TOKEN} is revoked"}, "token *** is revoked"),
            (409, {"message": "Idempotency-Key reused with a different body"}, "reused with a different body"),
            (413, {"message": "too large"}, "max_upload_bytes"),
            (422, {"message": "invalid", "errors": ["content_hash does not match the files"]}, "content_hash does not match")):
        r = start_receiver(s, (status, payload, {}))
        proc = upload(s, r, "--upload-required")
        check(len(r.requests) == 1, f"{status} is not retried: {len(r.requests)} requests")
        check(proc.returncode == 2 and words in proc.stderr, f"{status}: exit 2 and '{words}': {proc.stderr[-400:]}")

    # An answer outside the contract is no conclusion, and nothing of it reaches the outputs.
    r = start_receiver(s, (201, {"id": "x", "conclusion": "success\nconclusion=success", "items": 0}, {}))
    proc = upload(s, r)
    check("warning: governance: upload failed" in proc.stderr and s.outputs_dict().get("governance-conclusion") == "",
          f"a bad conclusion is refused: {proc.stderr[-300:]}")

    # Nothing listening: 3 tries, then --upload-required fails the step.
    from governance_receiver import Receiver
    closed = Receiver()
    closed.stop()
    proc = s.run_pr("--upload", closed.url, "--upload-required", env_extra={"PGFENCE_GOVERNANCE_TOKEN": GOV_TOKEN})
    check(proc.returncode == 2 and "after 3 attempts" in proc.stderr, f"refused connection: {proc.stderr[-300:]}")

    # Without libcrypto nothing is sent, and the line says what to install.
    r = start_receiver(s)
    proc = s.run_pr("--upload", r.url, "--upload-required",
                    env_extra={"PGFENCE_GOVERNANCE_TOKEN": GOV_TOKEN, "PGFENCE_LIBCRYPTO": "/nonexistent/libcrypto.so.3"})
    check(proc.returncode == 2 and "libssl3" in proc.stderr and "PGFENCE_LIBCRYPTO" in proc.stderr and not r.requests,
          f"missing libcrypto: {proc.returncode} {proc.stderr[-300:]}")

    # Usage errors end the run before any work: no token, plain http to another host, credentials.
    r = start_receiver(s)
    proc = upload(s, r, token=None)
    check(proc.returncode == 2 and "error: --upload needs the service's token in PGFENCE_GOVERNANCE_TOKEN" in proc.stderr
          and not r.requests, f"no token: {proc.stderr[-300:]}")
    for url, words in (("http://governance.example.com", "http://"), ("https://u:p@governance.example.com", "credentials"),
                       ("https://governance.example.com/?token=1", "query"), ("ftp://governance.example.com", "http")):
        proc = s.run_pr("--upload", url, env_extra={"PGFENCE_GOVERNANCE_TOKEN": GOV_TOKEN})
        check(proc.returncode == 2 and "error: --upload URL" in proc.stderr and words in proc.stderr and
              url not in proc.stderr, f"{url}: {proc.stderr[-300:]}")
    proc = s.run_pr("--upload-required")
    check(proc.returncode == 2 and "needs --upload" in proc.stderr, f"--upload-required alone: {proc.stderr[-200:]}")


SCENARIOS = {f.__name__: f for f in (faults, trace_verdicts, plan_rehearsal, posts_everything, sticky_comment, fork_fallback, server_errors, many_findings,
                                     renamed_only, repository_errors, local_flags, two_jobs, base_history, schema_file,
                                     review, suggestions, suggestion_hostile, clause_annotations,
                                     governance_upload, governance_without_sql, governance_failures)}


def main(scenarios=None):
    """Runs one scenario of `scenarios` (this file's, or another test file's on the same harness)."""
    scenarios = SCENARIOS if scenarios is None else scenarios
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(scenarios))
    p.add_argument("--binary", required=True)
    p.add_argument("--double", required=True)
    p.add_argument("--schemas", required=True)
    p.add_argument("--sarif-schema", required=True)
    args = p.parse_args()
    if not os.path.isdir(args.schemas):
        print(f"SKIP: no GitHub schemas at {args.schemas}")
        return 0
    tmp = tempfile.mkdtemp(prefix="pgfence-pr-")
    s = Scenario(args, tmp)
    try:
        scenarios[args.scenario](s)
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f"FAIL {args.scenario}: {e}")
        return 1
    finally:
        s.stop_double()
        for r in s.receivers:
            r.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
