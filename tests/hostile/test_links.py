"""Issue #32: links a pull request commits. A migration that is a symbolic link or a submodule is
a blocking finding (migration-not-a-file) in every output of `pr` and `analyze`; no file pgfence
writes (plans, SARIF, reports, the pre-commit hook) goes through a link; `analyze -` works in
GitHub Actions. Real git repositories, the real binary, the GitHub double.

    test_links.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, validate_sarif, write  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RULE = "migration-not-a-file"
CLEANUP = "DROP TABLE users;\n"
RISKY = "CREATE INDEX orders_customer ON orders (customer_id);\n"
# A link's text is the pull request's: control bytes, Markdown and a workflow command in it.
HOSTILE_TARGET = "../docs/x`y`<b>z</b>\n::error::forged\x1b[31m.sql"


def run(s, *cmd, stdin=None, env_extra=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(env_extra or {})
    proc = subprocess.run([s.args.binary, *cmd], capture_output=True, text=True, timeout=120, input=stdin,
                          env=env, cwd=cwd or s.repo)
    check(proc.returncode in (0, 1, 2), f"crash: exit {proc.returncode}\n{proc.stderr}")
    return proc


def base_repo(s):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/0001_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")


def commit_head(s):
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def check_pr_blocks(s, path, shown_target, files="1"):
    """`pr` reports `path` as migration-not-a-file in the comment, the check run, its annotations,
    SARIF, the summary and the outputs, and fails."""
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"a link among the migrations fails the run: exit {proc.returncode}\n{proc.stderr}")
    check(RULE in proc.stdout and path in proc.stdout, f"terminal report names it:\n{proc.stdout}")
    s.all_requests_valid()
    creates = s.requests("checks/create")
    check(len(creates) == 1, f"one check run: {len(creates)}")
    body = creates[0]["body"]
    check(body["conclusion"] == "failure", f"check run conclusion failure, not {body.get('conclusion')}")
    notes = [a for a in body["output"]["annotations"] if a["path"] == path]
    check(notes and notes[0]["annotation_level"] == "failure" and RULE in json.dumps(notes),
          f"a failure annotation on {path}: {body['output']['annotations']}")
    check(shown_target in body["output"]["text"] or shown_target in json.dumps(notes),
          f"the check run shows the target {shown_target!r}")
    comments = s.comments()
    check(len(comments) == 1 and RULE in comments[0]["body"] and path in comments[0]["body"],
          f"the comment reports it: {comments}")
    check(shown_target in comments[0]["body"], f"the comment shows the target {shown_target!r}")
    outputs = s.outputs_dict()
    check(outputs.get("files") == files and outputs.get("max-risk") == "CRITICAL", f"outputs: {outputs}")
    sarif_path = os.path.join(s.repo, outputs["sarif-file"])
    import jsonschema
    with open(s.args.sarif_schema) as f:
        schema = json.load(f)
    with open(sarif_path) as f:
        doc = json.load(f)
    check(not list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc)), "SARIF validates")
    results = [r for r in doc["runs"][0]["results"] if r["ruleId"] == RULE]
    check(results and results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path
          and results[0]["level"] == "error", f"SARIF has the finding: {doc['runs'][0]['results']}")
    with open(s.summary) as f:
        check(RULE in f.read(), "the job summary reports it")


def pr_symlink_migration(s):
    """The pull request adds migrations/0002_cleanup.sql -> ../docs/cleanup.sql (DROP TABLE users)."""
    base_repo(s)
    write(os.path.join(s.repo, "docs/cleanup.sql"), CLEANUP)
    os.symlink("../docs/cleanup.sql", os.path.join(s.repo, "migrations/0002_cleanup.sql"))
    commit_head(s)
    # The link's target is read too, as the tool reads it (diff/link_targets.hpp): 2 files.
    check_pr_blocks(s, "migrations/0002_cleanup.sql", "../docs/cleanup.sql", files="2")


def pr_file_turned_link(s):
    """An existing migration turned into a link (a type change): reported at the head, with a target
    that carries Markdown, a workflow command and an escape byte, none of which takes effect."""
    base_repo(s)
    os.remove(os.path.join(s.repo, "migrations/0001_init.sql"))
    os.symlink(HOSTILE_TARGET, os.path.join(s.repo, "migrations/0001_init.sql"))
    commit_head(s)
    check_pr_blocks(s, "migrations/0001_init.sql", "../docs/x")
    proc = s.run_pr()
    for line in (proc.stdout + proc.stderr).splitlines():
        check(not line.lstrip().startswith("::error::forged"), f"a forged workflow command: {line!r}")
    check("\x1b[31m" not in proc.stdout, "the escape byte reaches the terminal")
    text = s.comments()[0]["body"]
    check("<b>z</b>" not in text, f"HTML from the link's text is live in the comment:\n{text}")


def pr_submodule_migration(s):
    """The pull request adds a submodule (a gitlink) at migrations/0003_vendor.sql."""
    base_repo(s)
    sha = s.base
    git(s.repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},migrations/0003_vendor.sql")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    check_pr_blocks(s, "migrations/0003_vendor.sql", sha)


def pr_prisma_dir_link(s):
    """Prisma runs prisma/migrations/<id>/migration.sql: the pull request commits the folder
    prisma/migrations/20240102_seed as a link to ../../tools/seed, whose migration.sql truncates."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "prisma/migrations/20240101_init/migration.sql"),
          "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "tools/seed/migration.sql"), "TRUNCATE users CASCADE;\n")
    os.symlink("../../tools/seed", os.path.join(s.repo, "prisma/migrations/20240102_seed"))
    # A link to a folder no glob reaches is not a migration folder.
    os.symlink("seed", os.path.join(s.repo, "tools/current"))
    commit_head(s)
    # And the folder's migration.sql, read through the link as Prisma reads it: 2 files.
    check_pr_blocks(s, "prisma/migrations/20240102_seed", "../../tools/seed", files="2")
    check("tools/current" not in s.comments()[0]["body"], "a link outside the migrations is reported")


def pr_submodule_folder(s):
    """A gitlink at migrations/vendor (a folder of migrations from another repository)."""
    base_repo(s)
    sha = s.base
    git(s.repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},migrations/vendor")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    check_pr_blocks(s, "migrations/vendor", sha)


KNEXFILE = ('module.exports = { client: "pg", connection: process.env.DATABASE_URL, '
            'migrations: { directory: "./vendor/schema" } };\n')
KNEX_PACKAGE = '{"name": "app", "private": true, "scripts": {"migrate": "knex migrate:latest"}, "dependencies": {"knex": "3.1.0"}}\n'


def settings_repo(s):
    """A knex project whose knexfile puts the migrations in vendor/schema, where no glob looks."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "knexfile.js"), KNEXFILE)
    write(os.path.join(s.repo, "package.json"), KNEX_PACKAGE)
    write(os.path.join(s.repo, "shared/v1/20240101000000_users.js"),
          'exports.up = (knex) => knex.schema.createTable("users", (t) => { t.bigIncrements("id"); });\nexports.down = () => {};\n')


def pr_settings_submodule_bump(s):
    """Red team R87 F1: the knexfile's folder is a submodule (a shared schema repository), and the
    pull request only moves it to a commit that adds a dropTable: the gitlink is the whole diff."""
    settings_repo(s)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "shared")
    first = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "update-index", "--add", "--cacheinfo", f"160000,{first},vendor/schema")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    git(s.repo, "update-index", "--cacheinfo", f"160000,{s.base},vendor/schema")
    git(s.repo, "commit", "-qm", "bump the schema")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    check_pr_blocks(s, "vendor/schema", s.base)


def pr_settings_link_flip(s):
    """The knexfile's folder is a link, which the pull request points at another folder: knex runs
    what is there (a dropTable), though no file under vendor/schema changed."""
    settings_repo(s)
    write(os.path.join(s.repo, "shared/v2/20240101000000_users.js"),
          open(os.path.join(s.repo, "shared/v1/20240101000000_users.js")).read())
    write(os.path.join(s.repo, "shared/v2/20240102000000_retire.js"),
          'exports.up = (knex) => knex.schema.dropTable("users");\nexports.down = () => {};\n')
    os.makedirs(os.path.join(s.repo, "vendor"))
    os.symlink("../shared/v1", os.path.join(s.repo, "vendor/schema"))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    os.remove(os.path.join(s.repo, "vendor/schema"))
    os.symlink("../shared/v2", os.path.join(s.repo, "vendor/schema"))
    commit_head(s)
    check_pr_blocks(s, "vendor/schema", "../shared/v2")


DROP_USERS = 'exports.up = (knex) => knex.schema.dropTable("users");\nexports.down = () => {};\n'
USERS = 'exports.up = (knex) => knex.schema.createTable("users", (t) => { t.bigIncrements("id"); });\nexports.down = () => {};\n'


def behind_link(s, folder, links, real):
    """Red team R88 F6: the knexfile names `folder`; `links` ((path, text), unchanged) lead there;
    the pull request adds a dropTable under `real`, where knex reads it through the links."""
    os.makedirs(s.repo, exist_ok=True)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "knexfile.js"), KNEXFILE.replace("./vendor/schema", "./" + folder))
    write(os.path.join(s.repo, "package.json"), KNEX_PACKAGE)
    write(os.path.join(s.repo, real, "20240101000000_users.js"), USERS)
    for path, text in links:
        os.makedirs(os.path.dirname(os.path.join(s.repo, path)), exist_ok=True)
        os.symlink(text, os.path.join(s.repo, path))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, real, "20240102000000_cleanup.js"), DROP_USERS)
    commit_head(s)
    s.start_double()
    return s.run_pr("--max-risk", "low")


def check_reviewed(proc, what):
    check(proc.returncode == 1 and "20240102000000_cleanup" in proc.stdout and "drop-table" in proc.stdout,
          f"{what}: the dropTable is reviewed and fails the run: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")


def pr_settings_link_unchanged(s):
    """`db -> vendor/schema`, unchanged; the knexfile names db/changes; the new file is under vendor/schema/changes."""
    check_reviewed(behind_link(s, "db/changes", [("db", "vendor/schema")], "vendor/schema/changes"), "a link above the folder")


def pr_settings_link_two_up(s):
    """The link is two levels above the folder, and leads through another link (`app -> srv`, `srv/db -> ../pkg/db`)."""
    check_reviewed(behind_link(s, "app/db/pg/changes", [("app", "srv"), ("srv/db", "../pkg/db")], "pkg/db/pg/changes"),
                   "links two levels up, one through another")


def pr_settings_link_plain_control(s):
    """No link: the same file added in the knexfile's folder is reviewed (on every build)."""
    check_reviewed(behind_link(s, "db/changes", [], "db/changes"), "no link")


def pr_settings_link_elsewhere_control(s):
    """A link to an unrelated folder (`docs/latest -> docs/v2`) with a change under it is no migration: clean."""
    os.makedirs(os.path.join(s.repo, "docs/v2"))
    write(os.path.join(s.repo, "docs/v2/notes.js"), "module.exports = 1;\n")
    proc = behind_link(s, "db/changes", [("docs/latest", "v2")], "db/changes")
    check_reviewed(proc, "the migration itself")
    write(os.path.join(s.repo, "docs/v2/guide.js"), 'module.exports = "DROP TABLE posts";\n')
    commit_head(s)
    proc = s.run_pr("--max-risk", "low")
    check("docs/v2/guide.js" not in proc.stdout and "docs/latest" not in proc.stdout,
          f"a file under a link to an unrelated folder is not a migration:\n{proc.stdout}")


def pr_settings_submodule_elsewhere_control(s):
    """A submodule the tools' folders do not hold (docs/theme) is no migration: the run is clean."""
    settings_repo(s)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    git(s.repo, "update-index", "--add", "--cacheinfo", f"160000,{s.base},docs/theme")
    git(s.repo, "commit", "-qm", "theme")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 0 and RULE not in proc.stdout, f"a submodule outside the migrations: exit {proc.returncode}\n{proc.stdout}")


def analyze_links(s):
    """`analyze` and `pre-commit` on the file system: a link given, or met in a directory walk, is
    reported in every format, and fails the run and the governance policy."""
    base_repo(s)
    write(os.path.join(s.repo, "docs/cleanup.sql"), CLEANUP)
    link = os.path.join(s.repo, "migrations/0002_cleanup.sql")
    os.symlink("../docs/cleanup.sql", link)
    for args in (["migrations"], ["migrations/0002_cleanup.sql"], ["migrations/*.sql"], ["migrations/**/*.sql"]):
        proc = run(s, "analyze", "--ci", *args)
        check(proc.returncode == 1, f"analyze {args}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
        check(RULE in proc.stdout and "../docs/cleanup.sql" in proc.stdout and "DROP TABLE" not in proc.stdout,
              f"analyze {args}: reported, not read:\n{proc.stdout}")
    proc = run(s, "analyze", "--format", "json", "migrations")
    doc = json.loads(proc.stdout)
    import jsonschema
    with open(os.path.join(ROOT, "docs", "pgfence-report.schema.json")) as f:
        schema = json.load(f)
    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))
    check(not errors, f"the JSON report validates: {errors[:1]}")
    files = {f["path"]: f for f in doc["files"]}
    found = [x for x in files["migrations/0002_cleanup.sql"]["findings"] if x["rule"] == RULE]
    check(found and found[0]["risk"] == "CRITICAL", f"JSON finding: {files}")
    report = os.path.join(s.tmp, "report.json")
    with open(report, "w") as f:
        f.write(proc.stdout)
    policy = os.path.join(s.tmp, "policy.toml")
    with open(policy, "w") as f:
        f.write("[policy]\ncritical_needs_exemption = true\n")
    decided = run(s, "policy", "check", "--policy", policy, "--format", "json", report)
    check(json.loads(decided.stdout)["conclusion"] == "failure", f"governance: {decided.stdout}")
    proc = run(s, "analyze", "--format", "sarif", "migrations")
    check(RULE in proc.stdout, "SARIF")
    for fmt in ("markdown", "github", "gitlab", "rdjson"):
        proc = run(s, "analyze", "--format", fmt, "migrations")
        check(RULE in proc.stdout, f"--format {fmt}:\n{proc.stdout}")
    # A hostile link text: shown escaped on the terminal and in workflow commands.
    os.symlink(HOSTILE_TARGET, os.path.join(s.repo, "migrations/0004_odd.sql"))
    for fmt in ("text", "github"):
        proc = run(s, "analyze", "--format", fmt, "migrations/0004_odd.sql")
        check(proc.returncode == 0 and RULE in proc.stdout, f"{fmt}: {proc.stdout}")
        check("\x1b[31m" not in proc.stdout, f"{fmt}: the escape byte reaches the output")
        check(not any(line.lstrip().startswith("::error::forged") for line in proc.stdout.splitlines()),
              f"{fmt}: a forged workflow command:\n{proc.stdout}")
    # pre-commit: the staged link.
    proc = run(s, "pre-commit", "--ci", stdin="migrations/0002_cleanup.sql\0")
    check(proc.returncode == 1 and RULE in proc.stdout, f"pre-commit: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    # In GitHub Actions the link is the same finding, not an error about where it points.
    proc = run(s, "analyze", "--ci", "migrations", env_extra={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": s.repo})
    check(proc.returncode == 1 and RULE in proc.stdout, f"in Actions: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")


def analyze_folder_links(s):
    """`analyze` walking a folder and `pre-commit`: a link to a folder of migrations, or to one
    not in this checkout (prisma/migrations/<id> -> ../../tools/seed), is reported, never entered."""
    base_repo(s)
    write(os.path.join(s.repo, "tools/seed/migration.sql"), "TRUNCATE users CASCADE;\n")
    os.makedirs(os.path.join(s.repo, "prisma/migrations/20240101_init"))
    write(os.path.join(s.repo, "prisma/migrations/20240101_init/migration.sql"), "SELECT 1;\n")
    os.symlink("../../tools/seed", os.path.join(s.repo, "prisma/migrations/20240102_seed"))
    os.symlink("../../tools/gone", os.path.join(s.repo, "prisma/migrations/20240103_gone"))
    proc = run(s, "analyze", "--ci", "--format", "json", "prisma")
    check(proc.returncode == 1, f"analyze prisma: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    files = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    for path in ("prisma/migrations/20240102_seed", "prisma/migrations/20240103_gone"):
        check(path in files and [x["rule"] for x in files[path]["findings"]] == [RULE], f"{path}: {files}")
    check(not any("tools/seed" in p and "migration.sql" in p for p in files), f"the link was followed: {files}")
    # Walking the whole checkout: the link into tools/seed (SQL inside) and one into node_modules
    # (a folder the walk skips) are still reported; a link to a folder of Markdown is no migration
    # folder (daily-api's .agents/skills -> ../.claude/skills gave a CRITICAL).
    write(os.path.join(s.repo, ".claude/skills/review/SKILL.md"), "# Review\n")
    os.makedirs(os.path.join(s.repo, ".agents"))
    os.symlink("../.claude/skills", os.path.join(s.repo, ".agents/skills"))
    write(os.path.join(s.repo, "node_modules/pkg/migrations/001.sql"), "DROP TABLE users;\n")
    os.symlink("../node_modules/pkg/migrations", os.path.join(s.repo, "prisma/vendor"))
    proc = run(s, "analyze", "--ci", "--format", "json", ".")
    check(proc.returncode == 1, f"analyze .: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    files = {f["path"].removeprefix("./"): f for f in json.loads(proc.stdout)["files"]}
    for path in ("prisma/migrations/20240102_seed", "prisma/migrations/20240103_gone", "prisma/vendor"):
        check(path in files and [x["rule"] for x in files[path]["findings"]] == [RULE], f"{path}: {sorted(files)}")
    check(".agents/skills" not in files, f"a link to a folder of Markdown is reported: {sorted(files)}")
    proc = run(s, "pre-commit", "--ci", stdin="prisma/migrations/20240102_seed\0tools/seed/migration.sql\0")
    check(proc.returncode == 1 and RULE in proc.stdout and "20240102_seed" in proc.stdout,
          f"pre-commit: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")


def victim(s):
    path = os.path.join(s.tmp, "victim", "authorized_keys")
    write(path, "ssh-ed25519 AAAA owner\n")
    return path


def check_untouched(path):
    with open(path) as f:
        check(f.read() == "ssh-ed25519 AAAA owner\n", f"{path} was written through a link")


def one_error(proc, what):
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    check(len(errors) == 1 and "symbolic link" in errors[0] and what in errors[0],
          f"one error: line naming {what}: {proc.stderr}")


def plans_through_links(s):
    """analyze --format plan -o plans: a committed link at a plan's path, or at a folder under
    plans/, is refused; the rest of the plans are still written."""
    base_repo(s)
    # psql -f runs the folder: a plain folder's CONCURRENTLY plan needs its runner known.
    write(os.path.join(s.repo, ".pgfence.toml"), 'tool = "psql"\n')
    write(os.path.join(s.repo, "migrations/0002_orders.sql"), RISKY)
    target = victim(s)
    os.makedirs(os.path.join(s.repo, "plans/migrations"))
    os.symlink(target, os.path.join(s.repo, "plans/migrations/0002_orders.sql"))
    proc = run(s, "analyze", "--format", "plan", "-o", "plans", "migrations/0002_orders.sql")
    check(proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    one_error(proc, "plans/migrations/0002_orders.sql")
    check_untouched(target)
    # A link as a folder below plans/.
    shutil.rmtree(os.path.join(s.repo, "plans"))
    os.makedirs(os.path.join(s.repo, "plans"))
    os.symlink(os.path.dirname(target), os.path.join(s.repo, "plans/migrations"))
    proc = run(s, "analyze", "--format", "plan", "-o", "plans", "migrations/0002_orders.sql")
    check(proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    one_error(proc, "plans/migrations")
    check(os.listdir(os.path.dirname(target)) == ["authorized_keys"], "a plan was written into the link's folder")
    check_untouched(target)
    # Without links, the plan is written.
    shutil.rmtree(os.path.join(s.repo, "plans"))
    os.remove(os.path.join(s.repo, "plans")) if os.path.islink(os.path.join(s.repo, "plans")) else None
    proc = run(s, "analyze", "--format", "plan", "-o", "plans", "migrations/0002_orders.sql")
    check(proc.returncode == 0 and os.path.isfile(os.path.join(s.repo, "plans/migrations/0002_orders.sql")),
          f"the plan is written: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")


BACKFILL = """ALTER TABLE users ADD COLUMN score integer;
ALTER TABLE users ALTER COLUMN score SET DEFAULT 0;
UPDATE users SET score = 0 WHERE score IS NULL;
ALTER TABLE users ALTER COLUMN score SET NOT NULL;
"""


def plan_out_of_band_link(s):
    """analyze --format plan -o plans with plans/out-of-band a committed link: the plan whose
    backfill goes out of band is refused whole (its migrations are not written without that step)
    and counted failed, not analysed clean; another file's plan is still written."""
    base_repo(s)
    # psql -f runs the folder: a plain folder's CONCURRENTLY plan needs its runner known.
    write(os.path.join(s.repo, ".pgfence.toml"), 'tool = "psql"\n')
    write(os.path.join(s.repo, "migrations/0002_score.sql"), BACKFILL)
    write(os.path.join(s.repo, "migrations/0003_users_index.sql"), "CREATE INDEX users_id_desc ON users (id DESC);\n")
    target = victim(s)
    os.makedirs(os.path.join(s.repo, "plans"))
    os.symlink(os.path.dirname(target), os.path.join(s.repo, "plans/out-of-band"))
    proc = run(s, "analyze", "--format", "plan", "-o", "plans", "migrations/0002_score.sql", "migrations/0003_users_index.sql")
    check(proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    one_error(proc, "plans/out-of-band")
    check(os.listdir(os.path.dirname(target)) == ["authorized_keys"], "a plan was written into the link's folder")
    check_untouched(target)
    written = sorted(os.path.relpath(os.path.join(d, f), os.path.join(s.repo, "plans"))
                     for d, _, fs in os.walk(os.path.join(s.repo, "plans")) for f in fs)
    check(not any("0002_score" in w for w in written), f"half of the refused plan was written: {written}")
    check("migrations/0003_users_index.sql" in written, f"the other file's plan is written: {written}\n{proc.stdout}")
    summary = [line for line in proc.stdout.splitlines() if " written to " in line]
    check(len(summary) == 1 and summary[0].startswith("1 plan written") and "1 analysed clean" in summary[0]
          and "1 failed" in summary[0], f"the summary counts the refused plan failed: {proc.stdout}")
    print("ok: a plan with plans/out-of-band a link: none of its files written, counted failed; the other plan written")
    # Without the link, the whole plan is written, its out-of-band step included.
    os.remove(os.path.join(s.repo, "plans/out-of-band"))
    proc = run(s, "analyze", "--format", "plan", "-o", "plans", "migrations/0002_score.sql")
    check(proc.returncode == 0 and os.path.isfile(os.path.join(s.repo, "plans/migrations/0002_score.sql"))
          and os.listdir(os.path.join(s.repo, "plans/out-of-band")), f"the plan is written: {proc.stdout}{proc.stderr}")


def report_through_link(s):
    """analyze -o FILE and extract-stats -o FILE never write through a link at FILE."""
    base_repo(s)
    target = victim(s)
    out = os.path.join(s.repo, "report.json")
    os.symlink(target, out)
    proc = run(s, "analyze", "--format", "json", "-o", "report.json", "migrations")
    check(proc.returncode == 2, f"exit {proc.returncode}\n{proc.stderr}")
    one_error(proc, "report.json")
    check_untouched(target)
    os.remove(out)
    proc = run(s, "analyze", "--format", "json", "-o", "report.json", "migrations")
    check(proc.returncode == 0 and json.load(open(out))["files"], f"written without the link: {proc.stderr}")


def sarif_through_link(s):
    """`pr` never truncates what a committed pgfence.sarif links to."""
    base_repo(s)
    write(os.path.join(s.repo, "migrations/0002_orders.sql"), RISKY)
    target = victim(s)
    os.symlink(target, os.path.join(s.repo, "pgfence.sarif"))
    commit_head(s)
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"the finding still fails the run: exit {proc.returncode}\n{proc.stderr}")
    one_error(proc, "pgfence.sarif")
    check_untouched(target)
    check(s.requests("checks/create"), "the check run is still posted")


def init_through_link(s):
    """`init` never writes the hook through a committed .husky link."""
    base_repo(s)
    elsewhere = os.path.join(s.tmp, "elsewhere")
    os.makedirs(elsewhere)
    os.symlink(elsewhere, os.path.join(s.repo, ".husky"))
    proc = run(s, "init")
    check(proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    one_error(proc, ".husky")
    check(os.listdir(elsewhere) == [], f"a hook was written through the link: {os.listdir(elsewhere)}")
    proc = run(s, "init", "--force")
    check(proc.returncode == 2 and os.listdir(elsewhere) == [], f"--force too: {proc.stderr}")
    # A link at the hook's own name: refused without --force, replaced (not followed) with it.
    os.remove(os.path.join(s.repo, ".husky"))
    os.makedirs(os.path.join(s.repo, ".husky"))
    target = victim(s)
    os.symlink(target, os.path.join(s.repo, ".husky/pre-commit"))
    proc = run(s, "init", "--force")
    check(proc.returncode == 0, f"--force over a link: exit {proc.returncode}\n{proc.stderr}")
    check_untouched(target)
    check(not os.path.islink(os.path.join(s.repo, ".husky/pre-commit")), "the link was replaced")


def stdin_in_actions(s):
    """`analyze -` in GitHub Actions: its own copy of standard input is not a link out of the workspace."""
    base_repo(s)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": s.repo}
    proc = run(s, "analyze", "--ci", "-", stdin=RISKY, env_extra=env)
    check(proc.returncode == 1 and "orders_customer" in proc.stdout and "outside" not in proc.stderr,
          f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    proc = run(s, "analyze", "--ci", "--stdin-filename", "db/migrate/001_x.sql", "-", stdin="SELECT 1;\n", env_extra=env)
    check(proc.returncode == 0 and "error" not in proc.stderr, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (pr_symlink_migration, pr_file_turned_link, pr_submodule_migration,
                                     pr_prisma_dir_link, pr_submodule_folder, pr_settings_submodule_bump, pr_settings_link_flip,
                                     pr_settings_link_unchanged, pr_settings_link_two_up, pr_settings_link_plain_control,
                                     pr_settings_link_elsewhere_control,
                                     pr_settings_submodule_elsewhere_control, analyze_links, analyze_folder_links,
                                     plans_through_links, plan_out_of_band_link, report_through_link, sarif_through_link, init_through_link,
                                     stdin_in_actions)}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
