"""Hostile pull requests against the bot's configuration, entry points and GitHub client (issue #13
items 4, 5, 10-15): real git repositories, the real binary, the GitHub double.

    test_bot_config.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import MARKER, check, git, main, write  # noqa: E402

RISKY = "CREATE INDEX deep_orders ON orders (customer_id);\n"  # HIGH: blocks writes


def limited_memory():
    # Without the size limits a read of /dev/zero grows without end: fail fast instead.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def run(args, *cmd, timeout=60, env=None, cwd=None):
    return subprocess.run([args.binary, *cmd], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                          preexec_fn=limited_memory)


def config_repo(s, base_config, head_config=None, head_files=None):
    """Base: .pgfence.toml (base_config) and db/001.sql; the pull request changes the config to
    head_config (None: unchanged) and adds head_files (default: one HIGH migration two folders deep)."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "db/001_init.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n")
    if base_config is not None:
        write(os.path.join(s.repo, ".pgfence.toml"), base_config)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    if head_config is not None:
        write(os.path.join(s.repo, ".pgfence.toml"), head_config)
    for path, text in (head_files or {"db/deep/2024/002_orders.sql": RISKY}).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


# -- item 4: paths in .pgfence.toml, and a configuration the pull request changes ---------------


def config_paths(s):
    """`paths` in .pgfence.toml (as README says) selects the repository's migrations for pr."""
    config_repo(s, 'paths = ["db/**/*.sql"]\n')
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 1, f"the HIGH finding fails the run: exit {proc.returncode}\n{proc.stderr}")
    check(s.outputs_dict().get("files") == "1", f"one file reviewed: {s.outputs_dict()}")
    check(f"config: .pgfence.toml from the base commit {s.base[:7]}" in proc.stderr, f"says which config: {proc.stderr}")
    # A config in a sub-folder: its globs are relative to its folder.
    proc = s.run_pr("--config", os.path.join(s.repo, "db", "sub.toml"), no_config=False)
    check(proc.returncode == 2, "a --config the repository does not have is an error")
    git(s.repo, "checkout", "-q", "main")
    write(os.path.join(s.repo, "db/.pgfence.toml"), 'paths = ["deep/**/*.sql"]\n')
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "sub config")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-q", "feature")
    s.write_event()
    proc = s.run_pr("--config", "db/.pgfence.toml", no_config=False)
    check(proc.returncode == 1 and s.outputs_dict().get("files") == "1",
          f"globs relative to the config's folder: exit {proc.returncode} {s.outputs_dict()}\n{proc.stderr}")


def config_from_base(s):
    """A pull request that rewrites .pgfence.toml to switch its own review off is still reviewed
    by the base commit's configuration; --config-from head is the explicit opt-in."""
    weakened = 'paths = ["nothing/*.sql"]\nmax_risk = "critical"\n[rules]\ndisable = ["create-index-without-concurrently"]\n'
    config_repo(s, 'paths = ["db/**/*.sql"]\n', head_config=weakened)
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 1, f"the base config reviews the pull request: exit {proc.returncode}\n{proc.stderr}")
    # The migration the base's paths select, and the weakened .pgfence.toml itself (red team r70 F15:
    # each weakened key a migration-tool-settings-changed finding).
    check(s.outputs_dict().get("files") == "2", f"the migration is selected by the base's paths: {s.outputs_dict()}")
    check(f"from the base commit {s.base[:7]}" in proc.stderr, proc.stderr)
    # The action's config input names the file: still the base commit's version.
    proc = s.run_pr("--config", ".pgfence.toml", no_config=False)
    check(proc.returncode == 1, f"--config FILE inside the repository: base version: exit {proc.returncode}\n{proc.stderr}")
    proc = s.run_pr("--config-from", "head", no_config=False)
    check(proc.returncode == 0 and "from the checkout" in proc.stderr,
          f"--config-from head uses the pull request's: exit {proc.returncode}\n{proc.stderr}")
    proc = s.run_pr("--config-from", "nope", no_config=False)
    check(proc.returncode == 2 and "error: --config-from" in proc.stderr, proc.stderr)


def config_added_by_pr(s):
    """No configuration in the base commit: one the pull request adds does not apply."""
    config_repo(s, None, head_config='max_risk = "critical"\n', head_files={"migrations/002.sql": RISKY})
    s.start_double()
    proc = s.run_pr(no_config=False)
    check(proc.returncode == 1, f"defaults review it: exit {proc.returncode}\n{proc.stderr}")
    check("config: none in the base commit" in proc.stderr, proc.stderr)


# -- item 5: a planted sticky comment ------------------------------------------------------------


def planted_comment(s):
    """The pull request's author writes the marker into their own comment: the bot never edits
    it, and keeps its own comment."""
    s.make_repo()
    s.start_double(seeds=[{"comments": [{"repo": "octo/app", "number": 7, "count": 1, "marker": MARKER,
                                         "marker_at": [0], "login": "mallory"}]}])
    planted = s.comments()[0]
    proc = s.run_pr()
    check(proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr}")
    comments = s.comments()
    check(comments[0] == planted, f"mallory's comment is untouched: {comments[0]}")
    check(len(comments) == 2 and comments[1]["login"] == "github-actions[bot]", f"the bot wrote its own: {comments}")
    check(not s.requests("issues/update-comment"), "nothing edited")
    s.run_pr()
    check(len(s.comments()) == 2 and s.comments()[0] == planted, "a second run still leaves mallory's alone")
    # A custom GitHub App: --comment-author names its login; the Actions bot's comment is not it.
    s.run_pr("--comment-author", "my-app[bot]")
    check(len(s.comments()) == 3, f"--comment-author: a comment of its own: {len(s.comments())}")
    check(not any(r["operation"] == "users/get-authenticated" for r in s.requests()[-4:]),
          "--comment-author needs no GET /user")
    s.all_requests_valid()


# -- item 10: stats_file at /dev/zero, a FIFO, a directory ----------------------------------------


def stats_not_regular(s):
    limited_memory()  # for every child, the double and pgfence pr included
    config_repo(s, 'stats_file = "/dev/zero"\n')
    s.start_double()
    proc = s.run_pr("--jobs", "1", no_config=False)
    check(proc.returncode == 2 and "error: /dev/zero: the stats snapshot is not a regular file" in proc.stderr,
          f"config stats_file = /dev/zero: exit {proc.returncode}\n{proc.stderr[-500:]}")
    fifo = os.path.join(s.tmp, "fifo.json")
    os.mkfifo(fifo)
    for target in ("/dev/zero", fifo, s.tmp):
        proc = run(s.args, "analyze", "--no-config", "--stats-file", target, os.path.join(s.repo, "db/001_init.sql"),
                   timeout=20)
        check(proc.returncode == 2 and proc.stderr.startswith(f"error: {target}: the stats snapshot is "),
              f"--stats-file {target}: exit {proc.returncode}\n{proc.stderr[-300:]}")
    proc = run(s.args, "analyze", "--config", "/dev/zero", os.path.join(s.repo, "db/001_init.sql"), timeout=20)
    check(proc.returncode == 2 and "not a regular file" in proc.stderr, f"--config /dev/zero: {proc.stderr[-300:]}")
    big = os.path.join(s.tmp, "big.toml")
    with open(big, "w") as f:
        f.write("# padding\n" * 200_000)
    proc = run(s.args, "analyze", "--config", big, os.path.join(s.repo, "db/001_init.sql"), timeout=20)
    check(proc.returncode == 2 and "larger than 1 MiB" in proc.stderr, f"a 2 MB config: {proc.stderr[-300:]}")


# -- item 11: -- ends the options of pgfence pr ----------------------------------------------------


def double_dash(s):
    s.make_repo()
    planted = os.path.join(s.tmp, "planted.sarif")
    proc = s.run_pr("--no-check-run", "--no-comment", "--", f"--sarif={planted}", "migrations/*.sql")
    check(not os.path.exists(planted), "a path after -- was read as --sarif")
    check(proc.returncode == 1, f"the globs after -- still select the migrations: exit {proc.returncode}\n{proc.stderr}")


# -- item 12: extract-stats never prints the password ---------------------------------------------


def password_shapes(s):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for password in ("zq7/xk9", "zq7?xk9", "zq7#xk9", "zq7@xk9/vv3"):
        url = f"postgresql://u:{password}@127.0.0.1:1/db"
        proc = run(s.args, "extract-stats", "--db-url", url, "-o", os.path.join(s.tmp, "x.json"), env=env)
        shown = proc.stdout + proc.stderr
        check(proc.returncode == 2 and shown.startswith("error: extract-stats:"), f"{url}: exit {proc.returncode} {shown}")
        for part in ("zq7", "xk9", "vv3"):
            check(part not in shown, f"{url}: '{part}' was printed: {shown}")


# -- item 13: GITHUB_API_URL with credentials or a query -------------------------------------------


def api_url_secrets(s):
    s.make_repo()
    s.start_double()
    for url in (f"http://user:hunter2@127.0.0.1:{s.port}", f"http://127.0.0.1:{s.port}/?access_token=hunter2",
                f"http://127.0.0.1:{s.port}/#hunter2", "ftp://hunter2.example/"):
        proc = s.run_pr(env_extra={"GITHUB_API_URL": url})
        check(proc.returncode == 2, f"{url}: exit {proc.returncode}\n{proc.stderr}")
        check("hunter2" not in proc.stdout + proc.stderr, f"{url}: the secret part was printed: {proc.stderr}")
        check("error: GITHUB_API_URL " in proc.stderr and "internal error" not in proc.stderr, proc.stderr)
        check("::error file=migrations/002_orders.sql" in proc.stdout, "fallback annotations are written")
        check(s.outputs_dict().get("check-run-posted") == "false", "the outputs file is written")
    check(not s.requests(), "nothing was sent")


# -- item 14: the event's pull request number ------------------------------------------------------


def event_number(s):
    s.make_repo()
    s.start_double()
    for number in (4294967303, -7, 0, 7.5, "7"):
        with open(s.event, "w") as f:
            json.dump({"number": number, "pull_request": {"number": number, "base": {"sha": s.base},
                                                          "head": {"sha": s.head}}}, f)
        proc = s.run_pr()
        check(proc.returncode == 2 and "error: the event payload's pull request number" in proc.stderr,
              f"number {number!r}: exit {proc.returncode}\n{proc.stderr}")
        check(s.outputs_dict().get("comment-posted") == "false", f"number {number!r}: outputs written")
    check(not [r for r in s.requests() if "/issues/" in r["path"]], f"no comment request at all: {s.requests()}")
    check(len(s.requests("checks/create")) == 5, "the check run is still posted on the head commit")


# -- item 15: a directory as GITHUB_EVENT_PATH -----------------------------------------------------


def event_directory(s):
    s.make_repo()
    for path in (s.tmp, "/dev/zero"):
        s.event = path
        proc = s.run_pr()
        check(proc.returncode == 2, f"{path}: exit {proc.returncode}\n{proc.stderr}")
        check(proc.stderr.startswith(f"error: {path}: the GitHub event payload is ") and "internal error" not in proc.stderr,
              f"{path}: {proc.stderr}")


SCENARIOS = {f.__name__: f for f in (config_paths, config_from_base, config_added_by_pr, planted_comment,
                                     stats_not_regular, double_dash, password_shapes, api_url_secrets, event_number,
                                     event_directory)}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
