"""`pr --trace` runs the changed migrations on the schema the repository's other migrations build,
as the head commit has them (newcomer nw71 N1): a golang-migrate repository's `.down.sql` files are
not part of that setup (`000001_x.down.sql` sorts before its up half and dropped the table it
makes: "error: --setup ...down.sql: table "users" does not exist"), and the checkout's own files
(another branch, an edit not committed) are not what the pull request runs.

The head commit's copy is a private folder under $TMPDIR, never in the checkout (red team R72 N2,
issue #53): a read-only checkout still traces, a pr killed mid-trace (SIGTERM from a CI's timeout,
Ctrl-C, SIGKILL) leaves no copy in the work tree for a later step to commit or read, nor in the
temporary folder, and the trace reads the copy as it read the checkout in CI: a psql include and
the Flyway settings above the migrations' folder, nothing outside the copy.

    test_pr_trace_setup.py SCENARIO --binary B
"""
import argparse
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def write(repo, name, text):
    path = os.path.join(repo, "migrations", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_repo(tmp, env):
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)

    def git(*a):
        subprocess.run(["git", "-C", repo, *a], env=env, check=True, capture_output=True)

    write(repo, "000001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n")
    write(repo, "000001_create_users.down.sql", "DROP TABLE users;\n")
    write(repo, "000002_create_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n")
    write(repo, "000002_create_orders.down.sql", "DROP TABLE orders;\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "feature")
    write(repo, "000003_users_status.up.sql", "ALTER TABLE users ADD COLUMN status text;\n")
    write(repo, "000003_users_status.down.sql", "ALTER TABLE users DROP COLUMN status;\n")
    git("add", "-A")
    git("commit", "-qm", "feature")
    return repo, git


def run_pr(binary, tmp, repo, env):
    summary = os.path.join(tmp, "summary.md")
    proc = subprocess.run([binary, "pr", "--base", "main", "--head", "feature", "--repo", repo, "--no-config", "--no-check-run",
                           "--no-comment", "--no-sarif", "--summary", summary, "--outputs", os.path.join(tmp, "outputs.txt"),
                           "--max-risk", "critical", "--trace"],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=240)
    with open(summary) as f:
        text = f.read()
    return proc, text


def down_files(binary, tmp, env):
    """The base's down files are in the repository, the head checked out."""
    repo, _ = make_repo(tmp, env)
    proc, summary = run_pr(binary, tmp, repo, env)
    check(".down.sql" not in proc.stderr, f"no down file in the setup:\n{proc.stderr[-2000:]}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check(not [n for n in os.listdir(repo) if n.startswith(".pgfence-trace")], "the head's copy is removed")


def head_commit(binary, tmp, env):
    """Another branch checked out, with an edit not committed: the trace runs the head commit's files."""
    repo, git = make_repo(tmp, env)
    git("checkout", "-q", "main")
    git("checkout", "-qb", "other")
    # Neither is the pull request's: a setup file broken in the checkout, and a changed file
    # the checkout does not have at all.
    write(repo, "000002_create_orders.up.sql", "CREATE TABLE orders (;\n")
    proc, summary = run_pr(binary, tmp, repo, env)
    check("error: --setup" not in proc.stderr and "cannot read" not in proc.stderr, f"the setup runs:\n{proc.stderr[-2000:]}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check("ADD COLUMN status" in summary, f"the head's file is traced:\n{summary[-3000:]}")


def pr_command(binary, tmp, repo):
    return [binary, "pr", "--base", "main", "--head", "feature", "--repo", repo, "--no-config", "--no-check-run", "--no-comment",
            "--no-sarif", "--summary", os.path.join(tmp, "summary.md"), "--outputs", os.path.join(tmp, "outputs.txt"),
            "--max-risk", "critical", "--trace"]


def copies(repo, tmpdir):
    """The head commit's copies: in the checkout (where e6f121fc made them) and in $TMPDIR."""
    return ([n for n in os.listdir(repo) if n.startswith(".pgfence-trace")],
            [n for n in os.listdir(tmpdir) if n.startswith("pgfence-trace")])


def server_busy(tmpdir):
    """A backend of the trace's server (its postmaster's data folder is under $TMPDIR) running the
    migration role's statement: mid-trace. (PostgreSQL writes its titles over its environment.)"""
    procs = {}
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                line = f.read().replace(b"\0", b" ")
            with open(f"/proc/{pid}/stat") as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        procs[pid] = (line, ppid)
    servers = {pid for pid, (line, _) in procs.items() if b"postgres -D " + tmpdir.encode() + b"/" in line}
    return any(ppid in servers and b"pgfence_migration" in line and b"SELECT" in line for line, ppid in procs.values())


def run_watched(cmd, cwd, env, repo, tmpdir, kill=None, when=None):
    """Runs pr, looking at the checkout and $TMPDIR every 20 ms; with `kill`, sends that signal once
    `when` holds. Returns the process's result and what was seen."""
    seen_repo, seen_tmp = set(), {}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, sent = time.time() + 240, False
    try:
        while proc.poll() is None and time.time() < deadline:
            in_repo, in_tmp = copies(repo, tmpdir)
            seen_repo.update(in_repo)
            for n in in_tmp:
                try:
                    seen_tmp.setdefault(n, stat.S_IMODE(os.lstat(os.path.join(tmpdir, n)).st_mode))
                except OSError:
                    pass
            if kill is not None and not sent and when():
                proc.send_signal(kill)
                sent = True
            time.sleep(0.02)
        out, err = proc.communicate(timeout=max(1, deadline - time.time()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(kill is None or sent, f"the moment to send {kill!r} never came:\n{err[-2000:]}")
    return proc.returncode, out, err, seen_repo, seen_tmp


def wait_until(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def private_tmpdir(tmp, env):
    tmpdir = os.path.join(tmp, "tmpdir")
    os.makedirs(tmpdir)
    return tmpdir, dict(env, TMPDIR=tmpdir)


def outside_checkout(binary, tmp, env):
    """The copy is a folder of its own under $TMPDIR (mode 0700), removed after: nothing is written
    in the checkout, even for the run's length."""
    repo, _ = make_repo(tmp, env)
    tmpdir, env = private_tmpdir(tmp, env)
    code, _, err, seen_repo, seen_tmp = run_watched(pr_command(binary, tmp, repo), tmp, env, repo, tmpdir)
    check(code == 0, f"pr passes: exit {code}\n{err[-2000:]}")
    with open(os.path.join(tmp, "summary.md")) as f:
        summary = f.read()
    check("Trace on a real PostgreSQL: confirmed" in summary and "ADD COLUMN status" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check(not seen_repo, f"no copy in the checkout, at any time: {sorted(seen_repo)}")
    check(seen_tmp and all(mode == 0o700 for mode in seen_tmp.values()), f"the copy is a private folder under $TMPDIR: {seen_tmp}")
    check(copies(repo, tmpdir) == ([], []), f"no copy left: {copies(repo, tmpdir)}")
    status = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--ignored"], env=env, capture_output=True, text=True)
    check(status.stdout == "", f"the work tree is as it was:\n{status.stdout}")


def read_only_checkout(binary, tmp, env):
    """A CI that mounts the workspace read-only: the trace runs all the same."""
    repo, _ = make_repo(tmp, env)
    tmpdir, env = private_tmpdir(tmp, env)
    # Root writes through any mode: a read-only bind mount in a mount namespace of its own.
    ro = ["unshare", "-m", "sh", "-c", 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"', "ro", repo]
    probe = subprocess.run(ro + ["sh", "-c", f"! touch {repo}/probe 2>/dev/null"], capture_output=True)
    if probe.returncode != 0:
        raise Skipped("no read-only bind mount here (unshare -m needs CAP_SYS_ADMIN)")
    code, _, err, seen_repo, _ = run_watched(ro + pr_command(binary, tmp, repo), tmp, env, repo, tmpdir)
    check("cannot make a temporary folder" not in err, f"the copy is made:\n{err[-2000:]}")
    check(code == 0, f"pr passes: exit {code}\n{err[-2000:]}")
    with open(os.path.join(tmp, "summary.md")) as f:
        summary = f.read()
    check("Trace on a real PostgreSQL: confirmed" in summary and "ADD COLUMN status" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check(not seen_repo and copies(repo, tmpdir) == ([], []), f"no copy: {sorted(seen_repo)} {copies(repo, tmpdir)}")


def killed(binary, tmp, env):
    """pr killed while the trace runs the changed migration, and while it rehearses the migration's
    plan (SIGTERM from a CI's timeout, Ctrl-C, SIGKILL): no copy is left, in the checkout or in
    $TMPDIR, nor the plan's files or the trace's server folder."""
    repo, git = make_repo(tmp, env)
    # lock-timeout-missing: a plan (SET lock_timeout first) that runs the sleep too.
    write(repo, "000003_users_status.up.sql", "ALTER TABLE users ADD COLUMN status text;\nSELECT pg_sleep(10);\n")
    git("commit", "-qam", "slow")
    tmpdir, env = private_tmpdir(tmp, env)
    moments = {"the file": lambda: server_busy(tmpdir),
               "its plan": lambda: any(n.startswith("pgfence-plan-") for n in os.listdir(tmpdir)) and server_busy(tmpdir)}
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        for moment, when in moments.items():
            label = f"{sig.name} during {moment}"
            code, _, err, _, seen_tmp = run_watched(pr_command(binary, tmp, repo), tmp, env, repo, tmpdir, kill=sig, when=when)
            check(code == -sig, f"{label}: pr is stopped by it: exit {code}\n{err[-2000:]}")
            # The watchdogs remove the folders once pgfence is gone (after the server's stop).
            gone = wait_until(lambda: copies(repo, tmpdir) == ([], []) and not os.listdir(tmpdir), 60)
            check(gone, f"{label}: left behind: checkout {copies(repo, tmpdir)[0]}, $TMPDIR {os.listdir(tmpdir)}")
            check(seen_tmp, f"{label}: the copy was under $TMPDIR while the trace ran")


def trace_text(tmp):
    with open(os.path.join(tmp, "summary.md")) as f:
        summary = f.read()
    at = summary.find("Trace on a real PostgreSQL")
    return summary[at:] if at >= 0 else summary


def in_actions(env, repo):
    """GitHub Actions: reads confined to the checkout, which is the working directory."""
    return dict(env, GITHUB_ACTIONS="true", GITHUB_WORKSPACE=repo)


def includes(binary, tmp, env):
    """In GitHub Actions, the trace follows a migration's `\\ir` (beside it) and `\\i` (against the
    folder psql runs in, the repository's top) inside the copy, as it followed them in the checkout."""
    repo, git = make_repo(tmp, env)
    write(repo, "users_name_index.sql", "CREATE INDEX users_name_idx ON users (full_name);\n")
    write(repo, "orders_user_index.sql", "CREATE INDEX orders_user_idx ON orders (user_id);\n")
    write(repo, "000003_users_status.up.sql",
          "ALTER TABLE users ADD COLUMN status text;\n\\ir users_name_index.sql\n\\i migrations/orders_user_index.sql\n")
    git("add", "-A")
    git("commit", "-qm", "includes")
    tmpdir, env = private_tmpdir(tmp, in_actions(env, repo))
    code, _, err, seen_repo, _ = run_watched(pr_command(binary, tmp, repo), repo, env, repo, tmpdir)
    text = trace_text(tmp)
    check(code == 0, f"pr passes: exit {code}\n{err[-2000:]}\n{text[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in text and "ERROR" not in text and "\\i" not in text,
          f"both includes followed, none sent to the server:\n{text[-3000:]}")
    check("ADD COLUMN status" in text, f"the head's file is traced:\n{text[-3000:]}")
    check(not seen_repo and copies(repo, tmpdir) == ([], []), f"no copy: {sorted(seen_repo)} {copies(repo, tmpdir)}")


def include_outside_copy(binary, tmp, env):
    """An include that leaves the copy (`\\ir ../../planted.sql`: beside the copy in $TMPDIR, or in
    the checkout beside the folder e6f121fc copied into) is not followed, outside GitHub Actions too:
    the trace sends it to the server, which rejects it, and the run fails."""
    repo, git = make_repo(tmp, env)
    write(repo, "000003_users_status.up.sql", "ALTER TABLE users ADD COLUMN status text;\n\\ir ../../planted.sql\n")
    git("add", "-A")
    git("commit", "-qm", "include outside")
    tmpdir, env = private_tmpdir(tmp, env)
    for folder in (tmpdir, repo):
        with open(os.path.join(folder, "planted.sql"), "w") as f:
            f.write("CREATE INDEX planted_idx ON users (id);\n")
    code, _, err, seen_repo, _ = run_watched(pr_command(binary, tmp, repo), tmp, env, repo, tmpdir)
    text = trace_text(tmp)
    check(code != 0 and "Trace on a real PostgreSQL: mismatch or error" in text, f"the run fails: exit {code}\n{text[-2000:]}")
    check("ERROR       \\ir ../../planted.sql" in text, f"the include is not followed:\n{text[-3000:]}")
    check(not seen_repo, f"no copy in the checkout: {sorted(seen_repo)}")


def flyway_settings(binary, tmp, env):
    """In GitHub Actions, with another branch checked out: the Flyway settings above the migrations'
    folder (flyway.conf at the top, a placeholder) are the head commit's, in the copy."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "db", "migration"))

    def git(*a):
        subprocess.run(["git", "-C", repo, *a], env=env, check=True, capture_output=True)

    def put(name, text):
        with open(os.path.join(repo, name), "w") as f:
            f.write(text)

    put("db/migration/V1__users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "feature")
    put("flyway.conf", "flyway.placeholders.tbl=users\n")
    put("db/migration/V2__status.sql", "ALTER TABLE ${tbl} ADD COLUMN status text;\n")
    git("add", "-A")
    git("commit", "-qm", "feature")
    git("checkout", "-q", "main")  # the checkout has no flyway.conf
    tmpdir, env = private_tmpdir(tmp, in_actions(env, repo))
    code, _, err, seen_repo, _ = run_watched(pr_command(binary, tmp, repo), repo, env, repo, tmpdir)
    text = trace_text(tmp)
    check(code == 0, f"pr passes: exit {code}\n{err[-2000:]}\n{text[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in text and "ALTER TABLE users ADD COLUMN status" in text,
          f"the placeholder is the head commit's flyway.conf's:\n{text[-3000:]}")
    check(not seen_repo and copies(repo, tmpdir) == ([], []), f"no copy: {sorted(seen_repo)} {copies(repo, tmpdir)}")


SCENARIOS = {"down_files": down_files, "head_commit": head_commit, "outside_checkout": outside_checkout,
             "read_only_checkout": read_only_checkout, "killed": killed, "includes": includes,
             "include_outside_copy": include_outside_copy, "flyway_settings": flyway_settings}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir(PG_BIN):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-trace-setup-")
    os.chmod(tmp, 0o755)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=tmp, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e", PATH=PG_BIN + ":" + os.environ.get("PATH", ""))
    env = {k: v for k, v in env.items() if not k.startswith("GITHUB_")}
    try:
        SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp, env)
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f"FAIL {args.scenario}: {e}")
        return 1
    except Skipped as e:
        print(f"SKIP {args.scenario}: {e}")
        return SKIP
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
