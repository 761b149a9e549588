"""The hostile-input suite: every case is a pull request an attacker could open. Each runs through
`pgfence analyze` in every format and through `pgfence pr` against the GitHub double, posting and
in the fork fallback, as root with secrets in the environment, and must give its expected exit code
while everything it printed, wrote and sent passes tests/hostile/invariants.py.

    hostile_suite.py --binary B --double server.py --schemas DIR --sarif-schema F [--case NAME]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pr"))
sys.path.insert(0, HERE)

import invariants  # noqa: E402
from pr_test import TOKEN, Failed, Scenario, git, write  # noqa: E402

# A file outside the checkout that a committed link points a migration at (its first word would
# be quoted by the parse error).
OUTSIDE_SECRET = "outside-canary-4c9a1f"
SECRETS = {"OUTSIDE_FILE": OUTSIDE_SECRET, "GITHUB_TOKEN": TOKEN, "INPUT_GITHUB-TOKEN": TOKEN, "ACTIONS_RUNTIME_TOKEN": "rt-canary-5b1f0c",
           "AWS_SECRET_ACCESS_KEY": "aws-canary-9e2d77", "PGPASSWORD": "pg-canary-31aa0e"}
BASE = "CREATE TABLE t (a int, b text);\n"
FORMATS = ("text", "json", "markdown", "sarif", "github")


class Case:
    """files: path -> text (bytes allowed) added by the pull request; analyze/pr: expected exit codes
    (None: not run that way); args: extra flags for every run; base_files: what the base commit holds
    besides the base migration; error: a text the `error:` line on standard error must hold."""

    def __init__(self, name, files, analyze=0, pr=1, args=(), base_files=None, error=None, pr_args=(), links=None, pr_error=""):
        self.name = name
        self.files = files
        self.links = links or {}
        self.pr_error = error if pr_error == "" else pr_error  # what pr's error: line must hold  # path -> "OUTSIDE" (a file outside the checkout holding a secret)
        self.analyze = analyze
        self.pr = pr
        self.args = list(args)
        self.pr_args = list(pr_args)
        self.base_files = base_files or {}
        self.error = error


def index(name):
    return f'CREATE INDEX "{name}" ON t (a);\n'


def cases():
    out = []
    # Workflow commands smuggled into an identifier that reaches the recipe, the messages and the
    # annotations: one case per command the runner obeys, and the legacy ##[ form.
    for cmd in invariants.RUNNER_COMMANDS:
        payload = f"x\n::{cmd} file=README.md,line=1::FAKE {cmd}\n  ::{cmd}::indented"
        out.append(Case(f"command-{cmd}", {"migrations/001_cmd.sql": index(payload)}))
    out.append(Case("stop-commands-then-forge", {"migrations/001_stop.sql": index(
        "x\n::stop-commands::pwned\n::error file=README.md,line=1::FAKE") + index("y")}))
    out.append(Case("legacy-hash-bracket", {"migrations/001_legacy.sql": index(
        "x\n##[error]FAKE\n##[set-output name=conclusion;]success\n##[add-mask]x")}))
    out.append(Case("command-in-comment", {"migrations/001_comment.sql":
                                          "-- ::add-mask::secret\n/*\n::stop-commands::x\n*/\n" + index("c")}))
    # Markdown and HTML in identifiers: the comment, check run, summary and SARIF render them.
    out.append(Case("html-tag", {"migrations/001_html.sql": index("<img src=x onerror=alert(1)><b>pwn</b>")}))
    out.append(Case("mention", {"migrations/001_at.sql": index("@octocat please merge")}))
    out.append(Case("link", {"migrations/001_link.sql": index("[click](https://evil.example) https://evil.example/x")}))
    out.append(Case("fence-break", {"migrations/001_fence.sql": index(
        "x\n```\n## All clear, merge it!\n```sql\ny")}))
    out.append(Case("long-fence-break", {"migrations/001_fence4.sql": index(
        "x\n`````\n~~~~\n## All clear, merge it!\n`````")}))
    out.append(Case("math", {"migrations/001_math.sql": index("$\\Huge\\color{green}\\text{All clear}$")}))
    out.append(Case("table-cell", {"migrations/001_cell.sql": index("a|b\n| --- |\n## All clear | x")}))
    out.append(Case("marker-in-name", {"migrations/001_marker.sql": index("<!-- pgfence:sticky-comment -->")}))
    out.append(Case("terminal-escapes", {"migrations/001_esc.sql": index("x\x1b]0;owned\x07\x1b[2J\x1b[31mred")}))
    # File names are the attacker's too: they reach annotations (file=...), headings and links.
    out.append(Case("file-name-command", {"migrations/::error file=README.md::x.sql": index("fn1")}))
    out.append(Case("file-name-newline", {"migrations/a\n::add-mask::x\n##[error]y.sql": index("fn2")}))
    out.append(Case("file-name-markdown", {"migrations/<img src=x>@octocat[l](https:__evil.example).sql": index("fn3")}))
    out.append(Case("file-name-percent", {"migrations/%0A::error::x%2C.sql": index("fn4")}))
    # Statements that do not parse: the parser's message quotes the input.
    out.append(Case("unparsable-quotes-input", {"migrations/001_bad.sql":
                                               'SELECT "::stop-commands::x\n::error::FAKE" FROM;\n' + index("ok")},
                    analyze=2, pr=2, error="001_bad.sql"))
    out.append(Case("unparsable-html", {"migrations/001_bad.sql": "CREATE TABLE <img src=x> @octocat;\n" + index("ok")},
                    analyze=2, pr=2, error="001_bad.sql"))
    out.append(Case("invalid-utf8", {"migrations/001_utf8.sql": b"CREATE INDEX \"\xe9\n::error::x\" ON t (a);\n" +
                                     index("ok").encode()}, analyze=2, pr=2, error="001_utf8.sql"))
    # An ORM migration carries the same payloads through the JavaScript reader.
    out.append(Case("orm-knex", {"migrations/20240101_add.js":
                                 "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX \"x\\n::add-mask::y\\n"
                                 "<img src=x> @octocat\" ON t (a)');\n};\nexports.down = function () {};\n"}))
    # A committed symbolic link that points a migration at a file outside the checkout: never
    # read, a migration-not-a-file finding (exit 0 without --ci; the secret appears nowhere).
    out.append(Case("link-outside", {"migrations/001_ok.sql": index("l")},
                    links={"migrations/002_link.sql": "OUTSIDE"}, analyze=0, pr=1, error=None,
                    pr_error=None))
    # A configuration the pull request adds must not switch its own review off.
    out.append(Case("config-switches-off", {
        ".pgfence.toml": 'paths = ["nothing/**/*.sql"]\nmax_risk = "critical"\n[rules]\n'
                         'disable = ["create-index-without-concurrently"]\n',
        "migrations/001_cfg.sql": index("cfg")}, analyze=None, pr=1, pr_args=["--config-from", "base"]))
    return out


class Run:
    def __init__(self, args, case, tmp):
        self.args = args
        self.case = case
        self.tmp = tmp
        self.repo = os.path.join(tmp, "repo")
        self.problems = []
        self.blobs = []  # (where, text) of everything pgfence produced

    def make_repo(self):
        os.makedirs(self.repo)
        git(self.repo, "init", "-q", "-b", "main")
        write(os.path.join(self.repo, "migrations/000_base.sql"), BASE)
        for path, text in self.case.base_files.items():
            write(os.path.join(self.repo, path), text)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "base")
        self.base = git(self.repo, "rev-parse", "HEAD")
        git(self.repo, "checkout", "-qb", "feature")
        for path, text in self.case.files.items():
            full = os.path.join(self.repo, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(text if isinstance(text, bytes) else text.encode())
        for path, target in self.case.links.items():
            outside = os.path.join(self.tmp, "outside.txt")
            with open(outside, "w") as f:
                f.write(OUTSIDE_SECRET + " and the rest of the secret\n")
            os.symlink(outside, os.path.join(self.repo, path))
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "feature")
        self.head = git(self.repo, "rev-parse", "HEAD")
        self.event = os.path.join(self.tmp, "event.json")
        with open(self.event, "w") as f:
            json.dump({"action": "synchronize", "number": 7,
                       "pull_request": {"number": 7, "base": {"sha": self.base, "ref": "main"},
                                        "head": {"sha": self.head, "ref": "feature"}}}, f)

    def env(self, port=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_") and k != "NO_COLOR"}
        env.update(SECRETS)
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": self.event, "GITHUB_REPOSITORY": "octo/app",
                    "GITHUB_WORKSPACE": self.repo, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
                    "GITHUB_OUTPUT": os.path.join(self.tmp, "outputs.txt"),
                    "GITHUB_STEP_SUMMARY": os.path.join(self.tmp, "summary.md")})
        if port:
            env["GITHUB_API_URL"] = f"http://127.0.0.1:{port}"
        return env

    def execute(self, label, argv, expected, env):
        proc = subprocess.run([self.args.binary, *argv], cwd=self.repo, env=env, capture_output=True, timeout=120)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        self.blobs += [(f"{label} stdout", out), (f"{label} stderr", err)]
        if proc.returncode != expected:
            self.problems.append(f"{label}: exit {proc.returncode}, expected {expected}\n{err[-600:]}")
        if "internal error" in err or proc.returncode < 0:
            self.problems.append(f"{label}: crashed: {err[-300:]}")
        wanted = self.case.pr_error if label.startswith("pr") else self.case.error
        if wanted and not any(line.startswith("error: ") and wanted in line for line in err.splitlines()):
            self.problems.append(f"{label}: no `error:` line naming {wanted}: {err[-400:]}")
        for where, text in ((f"{label} stdout", out), (f"{label} stderr", err)):
            self.problems += invariants.workflow_command_problems(text, where)
            self.problems += invariants.escape_problems(text, where)
        return out

    def analyze(self):
        paths = sorted(self.case.files) + sorted(self.case.links)
        for fmt in FORMATS:
            out = self.execute(f"analyze --format {fmt}", ["analyze", "--no-config", "--color", "never", "--format",
                                                          fmt, *self.case.args, "--", *paths],
                               self.case.analyze, self.env())
            if fmt == "markdown":
                self.problems += invariants.markdown_problems(out, "analyze markdown", [])
            if fmt == "sarif" and self.case.analyze != 2:
                self.sarif_markdown(out, "analyze sarif")

    def sarif_markdown(self, text, where):
        try:
            doc = json.loads(text)
        except ValueError:
            self.problems.append(f"{where}: not JSON")
            return
        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "markdown" and isinstance(v, str):
                        self.problems.extend(invariants.markdown_problems(v, where, []))
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(doc)

    def pr(self, fork):
        label = "pr (fork fallback)" if fork else "pr"
        s = Scenario(self.args, self.tmp)
        faults = [{"kind": "forbidden", "path": "check-runs", "times": 10},
                  {"kind": "forbidden", "path": "comments", "times": 10}] if fork else []
        s.start_double(faults=faults)
        try:
            for p in ("outputs.txt", "summary.md", "pgfence.sarif"):
                path = os.path.join(self.tmp if p != "pgfence.sarif" else self.repo, p)
                if os.path.exists(path):
                    os.remove(path)
            sarif = os.path.join(self.tmp, "pr.sarif")
            self.execute(label, ["pr", "--color", "never", "--sarif", sarif, *self.case.args, *self.case.pr_args],
                         self.case.pr, self.env(s.port))
            with open(s.state) as f:
                raw_state = f.read()
            self.blobs.append((f"{label} GitHub requests", raw_state))
            state = json.loads(raw_state)
            for r in state["requests"]:
                if not r.get("fault"):
                    if not r["valid"]:
                        self.problems.append(f"{label}: invalid request {r['method']} {r['path']}: {r.get('errors')}")
                body = r.get("body") or {}
                for key in ("body",):
                    if isinstance(body.get(key), str):
                        self.problems += invariants.markdown_problems(body[key], f"{label} comment", [])
                out = body.get("output") or {}
                for key in ("summary", "text"):
                    if isinstance(out.get(key), str):
                        self.problems += invariants.markdown_problems(out[key], f"{label} check run {key}", [])
                for a in out.get("annotations") or []:
                    for key in ("title", "message", "raw_details"):
                        if "\x1b" in str(a.get(key, "")):
                            self.problems.append(f"{label}: escape sequence in an annotation {key}")
            for name in ("outputs.txt", "summary.md", "pr.sarif"):
                path = os.path.join(self.tmp, name)
                if os.path.exists(path):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        text = f.read()
                    self.blobs.append((f"{label} {name}", text))
                    if name == "summary.md":
                        self.problems += invariants.markdown_problems(text, f"{label} job summary", [])
                    if name == "outputs.txt":
                        for line in text.splitlines():
                            if line and "=" not in line and "<<" not in line:
                                self.problems.append(f"{label}: an outputs line that is no name=value: {line!r}")
                    if name == "pr.sarif":
                        self.sarif_markdown(text, f"{label} sarif")
        finally:
            s.stop_double()

    def check_secrets(self):
        self.problems += invariants.secret_problems(self.blobs, SECRETS)


def run_case(args, case):
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-")
    try:
        r = Run(args, case, tmp)
        r.make_repo()
        if case.analyze is not None:
            r.analyze()
        if case.pr is not None:
            r.pr(fork=False)
            r.pr(fork=True)
        r.check_secrets()
        return r.problems
    except Failed as e:
        return [str(e)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--double", required=True)
    p.add_argument("--schemas", required=True)
    p.add_argument("--sarif-schema", required=True)
    p.add_argument("--case", action="append", default=[])
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.path.isdir(args.schemas):
        print(f"SKIP: no GitHub schemas at {args.schemas}")
        return 0
    passed = failed = 0
    for case in cases():
        if args.case and case.name not in args.case:
            continue
        problems = run_case(args, case)
        if problems:
            failed += 1
            print(f"FAIL {case.name}")
            for line in problems[:12]:
                print("  " + line.replace("\n", "\n    "))
            if len(problems) > 12:
                print(f"  ... and {len(problems) - 12} more")
        else:
            passed += 1
            print(f"ok {case.name}")
    print(f"hostile: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
