"""`pgfence init` for real: git repositories in a temporary folder, the hook it installs run by
`git commit` itself. A risky staged migration is refused with pgfence's findings, a safe one and
a commit without migrations go through; a second init says it is installed; a hook pgfence did
not write is refused (exit 2) unless --force; the husky layout, core.hooksPath and a linked
worktree put the hook where git runs it (as `git rev-parse --git-path hooks` says).

    init_hook_test.py --binary build/bot/pgfence
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

RISKY = "CREATE INDEX users_email_idx ON users (email);\n"
SAFE = "SET lock_timeout = '2s';\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
HOOK_LINE = "git diff --cached --name-only --diff-filter=ACMR -z | pgfence pre-commit --ci"

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
    return condition


class Sandbox:
    def __init__(self, tmp, binary):
        self.tmp = tmp
        bin_dir = os.path.join(tmp, "bin")
        os.makedirs(bin_dir)
        os.symlink(os.path.abspath(binary), os.path.join(bin_dir, "pgfence"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PGFENCE_")) and k != "NO_COLOR"}
        self.env.update({"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
                         "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                         "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})

    def run(self, cwd, *argv):
        proc = subprocess.run(list(argv), cwd=cwd, env=self.env, capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    def git(self, cwd, *argv):
        code, out, err = self.run(cwd, "git", *argv)
        if code != 0:
            raise RuntimeError(f"git {argv}: {err}")
        return out.strip()

    def repo(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path)
        self.git(path, "init", "-q", "-b", "main")
        self.git(path, "commit", "-q", "--allow-empty", "-m", "start")
        return path

    def stage(self, repo, path, text):
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        self.git(repo, "add", path)

    def commit(self, repo, message):
        return self.run(repo, "git", "commit", "-q", "-m", message)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def error_lines(err):
    return [line for line in err.splitlines() if line.startswith("error:")]


def plain_hooks(s):
    repo = s.repo("plain")
    code, out, err = s.run(repo, "pgfence", "init")
    hook = os.path.join(repo, ".git", "hooks", "pre-commit")
    check(code == 0 and out.startswith("pgfence: wrote the pre-commit hook to .git/hooks/pre-commit"),
          f"init: says where it wrote: {code} {out!r} {err!r}")
    check(os.path.isfile(hook) and os.access(hook, os.X_OK) and HOOK_LINE in read(hook), "init: an executable hook")

    s.stage(repo, "db/migrations/001_users.sql", SAFE)
    code, out, err = s.commit(repo, "safe")
    check(code == 0, f"a safe migration commits: {code} {out!r} {err!r}")

    # git gives a hook standard error for its standard output too: the report is on stderr.
    s.stage(repo, "db/migrations/002_index.sql", RISKY)
    s.stage(repo, "src/query.sql", "DROP TABLE everything;\n")
    code, out, err = s.commit(repo, "risky")
    check(code != 0 and "create-index-without-concurrently" in err and "findings above --max-risk MEDIUM" in err,
          f"a risky migration is refused with pgfence's report: {code} {out[-500:]!r} {err!r}")
    check("src/query.sql" not in out + err, "files outside the migration folders are not analysed")
    check(s.git(repo, "rev-list", "--count", "HEAD") == "2", "the refused commit was not made")

    s.git(repo, "rm", "-q", "--cached", "db/migrations/002_index.sql")
    code, out, err = s.commit(repo, "no migration")
    check(code == 0 and out == "" and err == "", f"no staged migration: the commit goes through, silently: {code} {out!r} {err!r}")

    code, out, err = s.run(repo, "pgfence", "init")
    check(code == 0 and "already installed in .git/hooks/pre-commit" in out, f"a second init: already installed: {code} {out!r}")

    with open(hook, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\nnpm test\n")
    code, out, err = s.run(repo, "pgfence", "init")
    check(code == 2 and len(error_lines(err)) == 1 and HOOK_LINE in err and "--force" in err
          and read(hook) == "#!/bin/sh\nnpm test\n",
          f"a foreign hook is refused, kept, and the error says how to add pgfence: {code} {err!r}")
    code, out, err = s.run(repo, "pgfence", "init", "--force")
    check(code == 0 and HOOK_LINE in read(hook) and os.access(hook, os.X_OK), f"--force replaces it: {code} {err!r}")

    # From a subfolder: the hook still goes to the repository's hooks folder.
    code, out, err = s.run(os.path.join(repo, "db"), "pgfence", "init")
    check(code == 0 and "already installed" in out, f"init from a subfolder finds the repository: {code} {out!r}")


def husky(s):
    repo = s.repo("husky")
    os.makedirs(os.path.join(repo, ".husky"))
    code, out, err = s.run(repo, "pgfence", "init")
    hook = os.path.join(repo, ".husky", "pre-commit")
    check(code == 0 and "to .husky/pre-commit" in out and os.access(hook, os.X_OK), f"husky: .husky/pre-commit: {code} {out!r}")
    check("note: git runs hooks from .git/hooks, not .husky/" in err, f"husky not installed yet: a note: {err!r}")
    check(not os.path.exists(os.path.join(repo, ".git", "hooks", "pre-commit")), "husky: nothing in .git/hooks")
    # husky (v4 to v8) points git at .husky; v9 at .husky/_, whose hooks run .husky/pre-commit.
    s.git(repo, "config", "core.hooksPath", ".husky")
    s.stage(repo, "migrations/002_index.sql", RISKY)
    code, out, err = s.commit(repo, "risky")
    check(code != 0 and "create-index-without-concurrently" in err, f"husky: the risky commit is refused: {code} {err!r}")
    code, out, err = s.run(repo, "pgfence", "init")
    check(code == 0 and "already installed" in out and "note:" not in err, f"husky: second init: {code} {out!r} {err!r}")

    repo = s.repo("husky-foreign")
    os.makedirs(os.path.join(repo, ".husky"))
    with open(os.path.join(repo, ".husky", "pre-commit"), "w", encoding="utf-8") as f:
        f.write("npx lint-staged\n")
    code, out, err = s.run(repo, "pgfence", "init")
    check(code == 2 and len(error_lines(err)) == 1 and ".husky/pre-commit" in err and HOOK_LINE in err,
          f"husky: a hook of the team's is refused: {code} {err!r}")


def hooks_path_and_worktree(s):
    repo = s.repo("custom")
    s.git(repo, "config", "core.hooksPath", "tools/githooks")
    code, out, err = s.run(repo, "pgfence", "init")
    check(code == 0 and "to tools/githooks/pre-commit" in out, f"core.hooksPath: {code} {out!r} {err!r}")
    s.stage(repo, "migrations/002_index.sql", RISKY)
    code, out, err = s.commit(repo, "risky")
    check(code != 0 and "create-index-without-concurrently" in err, f"core.hooksPath: git runs it: {code} {err!r}")

    repo = s.repo("main")
    worktree = os.path.join(s.tmp, "linked")
    s.git(repo, "worktree", "add", "-q", "-b", "feature", worktree)
    code, out, err = s.run(worktree, "pgfence", "init")
    expected = os.path.realpath(os.path.join(worktree, s.git(worktree, "rev-parse", "--git-path", "hooks"), "pre-commit"))
    check(code == 0 and os.path.isfile(expected) and expected.startswith(os.path.realpath(repo)),
          f"a linked worktree: the common hooks folder, as git says ({expected}): {code} {out!r} {err!r}")
    s.stage(worktree, "migrations/002_index.sql", RISKY)
    code, out, err = s.commit(worktree, "risky")
    check(code != 0 and "create-index-without-concurrently" in err, f"worktree: git runs it: {code} {err!r}")


def config_paths(s):
    # The configuration's `paths` choose the migrations instead of pr's globs.
    repo = s.repo("configured")
    with open(os.path.join(repo, ".pgfence.toml"), "w", encoding="utf-8") as f:
        f.write('paths = ["schema_changes"]\n')
    s.run(repo, "pgfence", "init")
    s.stage(repo, "db/migrations/002_index.sql", RISKY)
    code, out, err = s.commit(repo, "outside the configured paths")
    check(code == 0 and "create-index" not in err, f"config paths: db/migrations is not theirs: {code} {err[-300:]!r}")
    s.stage(repo, "schema_changes/003_index.sql", RISKY)
    code, out, err = s.commit(repo, "risky")
    check(code != 0 and "schema_changes/003_index.sql" in err and "create-index-without-concurrently" in err,
          f"config paths: schema_changes/ is checked: {code} {err[-300:]!r}")
    # Paths one a line (git diff without -z) are read too.
    proc = subprocess.run(["pgfence", "pre-commit", "--ci"], cwd=repo, env=s.env, capture_output=True, text=True,
                          input="README.md\nschema_changes/003_index.sql\n")
    check(proc.returncode == 1 and "create-index-without-concurrently" in proc.stdout, f"pre-commit, one path a line: {proc.returncode}")


def outside(s):
    folder = os.path.join(s.tmp, "not-a-repo")
    os.makedirs(folder)
    env_ceiling = dict(s.env, GIT_CEILING_DIRECTORIES=s.tmp)
    proc = subprocess.run(["pgfence", "init"], cwd=folder, env=env_ceiling, capture_output=True, text=True)
    check(proc.returncode == 2 and error_lines(proc.stderr) == proc.stderr.splitlines() and len(error_lines(proc.stderr)) == 1
          and "not a git repository" in proc.stderr and proc.stdout == "",
          f"outside a repository: one error: line, exit 2: {proc.returncode} {proc.stderr!r}")
    code, out, err = s.run(folder, "pgfence", "help")
    check(code == 0 and "\n  init " in out, "pgfence help lists init")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pgfence-init-")
    try:
        s = Sandbox(tmp, args.binary)
        for scenario in (plain_hooks, husky, hooks_path_and_worktree, config_paths, outside):
            scenario(s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print("FAILED:", failure)
    print(f"init_hook: {checks - len(failures)}/{checks} checks passed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
