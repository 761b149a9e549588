"""Issue #13 item 1: a pull request's migrations, traced, try to read the job's tokens.

The attack: COPY ... FROM PROGRAM 'env' and a walk up /proc/<ppid>/environ (the script written
with lo_from_bytea + lo_export), then RAISE EXCEPTION with what was read, so that the server's
error text carries it into the PR comment, the check run and the job summary. `pgfence pr
--trace` (and `pgfence trace`) run it with GITHUB_TOKEN and INPUT_GITHUB-TOKEN set to unique
secrets: no secret may appear in any output, request body the GitHub double recorded, or file.
By default the statements get 'needs a superuser: not traced'; with --trace-as-superuser they run
(a canary proves it) and still find no secret, the server's environment being minimal.

    test_trace_leak.py {pr,trace} --binary B --double D --schemas DIR --sarif-schema F
"""
import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
import pr_test  # noqa: E402  (the pr suite's repository, GitHub double and runner)

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH
GH_SECRET = "ghs_leak" + secrets.token_hex(12)
INPUT_SECRET = "ghp_input" + secrets.token_hex(12)
SECRETS = (GH_SECRET, INPUT_SECRET)
CANARY = "CANARY" + secrets.token_hex(6)


def leak_env(tmp):
    # A migration would find these in the action's environment; TOKEN in the name for `grep TOKEN`.
    return {"GITHUB_TOKEN": GH_SECRET, "INPUT_GITHUB-TOKEN": INPUT_SECRET, "INPUT_GITHUB_TOKEN": INPUT_SECRET,
            "TMPDIR": tmp}


def attack_files(tmp):
    script = os.path.join(tmp, "export", "leak.sh")
    # Walks from the COPY program up through every ancestor, printing their token variables.
    walk = ("p=$(cut -d' ' -f4 /proc/self/stat); while [ \"${p:-0}\" -gt 1 ]; do "
            "tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -i token; "
            "p=$(cut -d' ' -f4 /proc/$p/stat 2>/dev/null); done; true")
    env_copy = f"""CREATE TABLE leak(line text);
COPY leak FROM PROGRAM 'echo {CANARY}; env | grep -i TOKEN; true';
DO $$ DECLARE v text; BEGIN SELECT string_agg(line, ' ') INTO v FROM leak; RAISE EXCEPTION 'LEAK: %', v; END $$;
"""
    parent_walk = f"""CREATE TABLE leak2(line text);
SELECT lo_from_bytea(424242, convert_to($s${walk}$s$, 'UTF8'));
SELECT lo_export(424242, '{script}');
COPY leak2 FROM PROGRAM 'echo {CANARY}; sh {script}';
DO $$ DECLARE v text; BEGIN SELECT string_agg(line, ' ') INTO v FROM leak2; RAISE EXCEPTION 'LEAK2: %', v; END $$;
"""
    return {"migrations/002_env.sql": env_copy, "migrations/003_parent.sql": parent_walk}


def secrets_in_files(root):
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            found += [f"{path}: {s[:12]}..." for s in SECRETS if s.encode() in data]
    return found


def check_clean(what, *texts):
    for text in texts:
        for s in SECRETS:
            pr_test.check(s not in text, f"{what}: a secret leaked: ...{text[max(0, text.find(s) - 300):][:400]}")


def export_dir(tmp):
    # The superuser run's lo_export writes here as the server's account.
    d = os.path.join(tmp, "export")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o777)
    os.chmod(tmp, 0o755)


def pr_scenario(args, tmp, as_superuser):
    pr_test.TOKEN = INPUT_SECRET  # the double accepts the token pgfence posts with (the input's)
    s = pr_test.Scenario(args, tmp)
    export_dir(tmp)
    os.makedirs(s.repo)
    pr_test.git(s.repo, "init", "-q", "-b", "main")
    pr_test.write(os.path.join(s.repo, "migrations/001_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);\n")
    pr_test.git(s.repo, "add", "-A")
    pr_test.git(s.repo, "commit", "-qm", "base")
    s.base = pr_test.git(s.repo, "rev-parse", "HEAD")
    pr_test.git(s.repo, "checkout", "-qb", "feature")
    for path, text in attack_files(tmp).items():
        pr_test.write(os.path.join(s.repo, path), text)
    pr_test.git(s.repo, "add", "-A")
    pr_test.git(s.repo, "commit", "-qm", "attack")
    s.head = pr_test.git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    try:
        flags = ["--trace-as-superuser"] if as_superuser else ["--trace"]
        proc = s.run_pr(*flags, env_extra=leak_env(tmp))
        mode = "superuser" if as_superuser else "migration role"
        check_clean(f"pr ({mode}) stdout", proc.stdout)
        check_clean(f"pr ({mode}) stderr", proc.stderr)
        pr_test.check("Trace on a real PostgreSQL" in proc.stdout or "trace:" in proc.stdout,
                      f"pr ({mode}): the trace did not run: {proc.stdout[-800:]} {proc.stderr[-800:]}")
        with open(s.state) as f:
            check_clean(f"pr ({mode}) requests", f.read())
        pr_test.check(s.requests("checks/create"), f"pr ({mode}): no check run was posted")
        pr_test.check(s.comments(), f"pr ({mode}): no comment was posted")
        found = secrets_in_files(tmp)
        pr_test.check(not found, f"pr ({mode}): secrets in files: {found}")
        if as_superuser:
            # The attack ran (its canary reached the comment) and found nothing to steal.
            pr_test.check(f"LEAK: {CANARY}" in proc.stdout and f"LEAK2: {CANARY}" in proc.stdout,
                          f"pr (superuser): the COPY programs did not run: {proc.stdout[-1500:]}")
        else:
            pr_test.check(proc.stdout.count("needs a superuser: not traced") >= 3,
                          f"pr: COPY PROGRAM and lo_export not refused: {proc.stdout[-1500:]}")
            pr_test.check(f"LEAK: {CANARY}" not in proc.stdout, "pr: a COPY program ran as the migration role")
            body = json.dumps(s.comments())
            pr_test.check("needs a superuser: not traced" in body, "pr: the comment lacks the needs-superuser verdict")
    finally:
        s.stop_double()


def trace_scenario(args, tmp, as_superuser):
    export_dir(tmp)
    repo = os.path.join(tmp, "repo")
    for path, text in attack_files(tmp).items():
        pr_test.write(os.path.join(repo, path), text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(leak_env(tmp))
    flags = ["--trace-as-superuser"] if as_superuser else []
    proc = subprocess.run([args.binary, "trace", "--pg-bin", PG_BIN, "--format", "json", *flags, os.path.join(repo, "migrations")],
                          env=env, capture_output=True, text=True, timeout=300)
    mode = "superuser" if as_superuser else "migration role"
    check_clean(f"trace ({mode}) stdout", proc.stdout)
    check_clean(f"trace ({mode}) stderr", proc.stderr)
    found = secrets_in_files(tmp)
    pr_test.check(not found, f"trace ({mode}): secrets in files: {found}")
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise pr_test.Failed(f"trace ({mode}): not JSON (exit {proc.returncode}): {proc.stdout[:500]} {proc.stderr[:500]}")
    verdicts = {(f["path"].rsplit("/", 1)[-1], s["sql"].split()[0] + " " + s["sql"].split()[1]): s["verdict"]
                for f in doc["files"] for s in f["statements"]}
    refused = [k for k, v in verdicts.items() if v == "needs-superuser"]
    if as_superuser:
        pr_test.check(not refused, f"trace (superuser): refused {refused}")
        pr_test.check(f"LEAK: {CANARY}" in proc.stdout and f"LEAK2: {CANARY}" in proc.stdout,
                      f"trace (superuser): the COPY programs did not run: {proc.stdout[-1500:]}")
    else:
        expected = {("002_env.sql", "COPY leak"), ("003_parent.sql", "SELECT lo_export(424242,"),
                    ("003_parent.sql", "COPY leak2")}
        pr_test.check(expected <= set(refused), f"trace: not refused as needing a superuser: {verdicts}")
        pr_test.check(verdicts.get(("002_env.sql", "CREATE TABLE")) == "confirmed", f"trace: {verdicts}")
        pr_test.check(f"LEAK: {CANARY}" not in proc.stdout, "trace: a COPY program ran as the migration role")
        pr_test.check(proc.returncode == 1 or proc.returncode == 0, f"trace: exit {proc.returncode} {proc.stderr}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=["pr", "trace"])
    p.add_argument("--binary", required=True)
    p.add_argument("--double", required=True)
    p.add_argument("--schemas", required=True)
    p.add_argument("--sarif-schema", required=True)
    args = p.parse_args()
    if not os.path.isdir("/usr/lib/postgresql/15/bin") or (args.scenario == "pr" and not os.path.isdir(args.schemas)):
        print("SKIP: no PostgreSQL 15 or no GitHub schemas")
        return SKIP
    for as_superuser in (False, True):
        tmp = tempfile.mkdtemp(prefix="pgfence-hostile-trace-")
        try:
            (pr_scenario if args.scenario == "pr" else trace_scenario)(args, tmp, as_superuser)
        except pr_test.Failed as e:
            print(f"FAIL {args.scenario} ({'superuser' if as_superuser else 'migration role'}): {e}")
            return 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}: no secret in any output, request or file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
