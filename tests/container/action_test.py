"""The action as GitHub runs it, in real containers: action.yml's composite step (bot/action.sh)
chooses and runs the image with podman (a `docker` on PATH that is podman), against the GitHub
test double, on a real repository whose workspace belongs to another user (uid 1001, the
runner's), as the runner's container root sees it.

    action_test.py --source DIR --double tests/github_double/server.py --schemas DIR --sarif-schema F
                   [--scenario NAME]...

Scenarios: docs (docs/action.md's complete workflow, pull_request), fork (read-only token),
trace (trace: true picks the -trace image), push (analyze mode), context (schema-file, history,
exclude), folder (working-directory), version (the image a version names), switches and
governance (the other inputs), images (what each image holds). Each prints `ok: ...` lines; the
first failed check of a scenario ends it. When every scenario runs, an input of action.yml that no
scenario sets is a failure too.
"""
import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import BASE_001, HEAD_001, HEAD_002, SEED_000, TOKEN, Failed, check, git, write  # noqa: E402

RUNNER_UID = 1001
# The inputs some scenario set in a `with:` (defaults do not count): every input of action.yml
# must be among them when all scenarios run.
EXERCISED = set()
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def ok(message):
    print(f"ok: {message}", flush=True)


class Runner:
    """What GitHub's runner does with `uses: <this action>` and a `with:` block: the inputs with
    their defaults, the composite step's environment and shell, its output file, and the action's
    outputs mapped from the step's."""

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        with open(os.path.join(args.source, "action.yml")) as f:
            self.action = yaml.safe_load(f)
        check(self.action["runs"]["using"] == "composite", "action.yml is a composite action")
        self.shim = os.path.join(tmp, "bin")
        os.makedirs(self.shim, exist_ok=True)
        # docker is podman, and records its calls; there is no registry here, so a pull fails.
        self.docker_log = os.path.join(tmp, "docker.log")
        with open(os.path.join(self.shim, "docker"), "w") as f:
            f.write(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{self.docker_log}"\n'
                    'if [ "$1" = pull ]; then echo "Error: no registry in this test" >&2; exit 125; fi\n'
                    'exec podman "$@"\n')
        os.chmod(os.path.join(self.shim, "docker"), 0o755)

    def evaluate(self, text, context):
        def one(match):
            expr = match.group(1)
            if expr not in context:
                raise Failed(f"an expression this runner does not know: {expr}")
            return context[expr]
        return EXPRESSION.sub(one, text) if isinstance(text, str) else str(text)

    def run(self, with_inputs, workspace, event_name, event, api_url, token=TOKEN, extra_env=None):
        unknown = set(with_inputs) - set(self.action["inputs"])
        check(not unknown, f"inputs the action does not declare: {unknown}")
        EXERCISED.update(with_inputs)
        open(self.docker_log, "w").close()
        context = {"github.token": token}
        inputs = {}
        for name, spec in self.action["inputs"].items():
            value = with_inputs.get(name, spec.get("default", ""))
            inputs[name] = self.evaluate(str(value), context)
        context.update({f"inputs.{name}": value for name, value in inputs.items()})

        files = os.path.join(self.tmp, "files")
        shutil.rmtree(files, ignore_errors=True)
        os.makedirs(files)
        event_path = os.path.join(files, "event.json")
        with open(event_path, "w") as f:
            json.dump(event, f)
        paths = {"GITHUB_OUTPUT": "set_output", "GITHUB_STEP_SUMMARY": "step_summary", "GITHUB_ENV": "set_env",
                 "GITHUB_PATH": "add_path", "GITHUB_STATE": "save_state"}
        env = {"PATH": self.shim + ":" + os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
               "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", ""), "CI": "true", "GITHUB_ACTIONS": "true",
               "GITHUB_WORKSPACE": workspace, "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": event_path,
               "GITHUB_REPOSITORY": "octo/app", "GITHUB_API_URL": api_url, "GITHUB_SERVER_URL": "https://github.com",
               "GITHUB_RUN_ID": "42", "GITHUB_SHA": event.get("after", "0" * 40), "GITHUB_REF": "refs/pull/7/merge",
               "GITHUB_ACTION_PATH": self.args.source, "RUNNER_TEMP": self.tmp, "RUNNER_OS": "Linux"}
        if os.environ.get("CONTAINERS_STORAGE_CONF"):  # podman's storage, when not the default one
            env["CONTAINERS_STORAGE_CONF"] = os.environ["CONTAINERS_STORAGE_CONF"]
        env.update(extra_env or {})
        for var, name in paths.items():
            env[var] = os.path.join(files, name)
            open(env[var], "w").close()

        (step,) = self.action["runs"]["steps"]
        step_env = dict(env)
        step_env.update({k: self.evaluate(v, context) for k, v in step.get("env", {}).items()})
        script = os.path.join(files, "step.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        check(step["shell"] == "bash", "the step runs in bash")
        # The runner's `shell: bash`: bash --noprofile --norc -eo pipefail {0}, in the workspace.
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=workspace,
                              env=step_env, capture_output=True, text=True, timeout=1800)
        step_outputs = parse_output_file(env["GITHUB_OUTPUT"])
        context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in step_outputs.items()})
        outputs = {}
        for name, spec in self.action["outputs"].items():
            outputs[name] = self.evaluate(spec["value"], {**context, **{
                k: "" for k in (m.group(1) for m in EXPRESSION.finditer(spec["value"])) if k not in context}})
        with open(env["GITHUB_STEP_SUMMARY"]) as f:
            summary = f.read()
        check(token not in proc.stdout and token not in proc.stderr, "the token was printed")
        with open(self.docker_log) as f:
            self.docker_calls = f.read().splitlines()
        return proc, outputs, summary


def parse_output_file(path):
    """GITHUB_OUTPUT's two forms: name=value, and name<<DELIMITER ... DELIMITER."""
    out = {}
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Double:
    """The GitHub test double, listening where a container reaches the host
    (host.containers.internal is the bridge's gateway)."""

    def __init__(self, args, tmp, repo, base, faults=()):
        self.state = os.path.join(tmp, "state.json")
        cmd = ["/usr/bin/python3", args.double, "--host", "0.0.0.0", "--port", "0", "--schemas", args.schemas,
               "--sarif-schema", args.sarif_schema, "--state", self.state, "--token", TOKEN,
               "--seed", json.dumps({"pulls": [{"repo": "octo/app", "number": 7, "git": {"dir": repo, "base": base}}]})]
        for fault in faults:
            cmd += ["--fault", json.dumps(fault)]
        # The double reads the diff of a checkout that belongs to the runner's user.
        env = dict(os.environ, GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="safe.directory", GIT_CONFIG_VALUE_0="*")
        self.server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.server.stdout.readline().strip()
        check(line.isdigit(), f"the double did not start: {line!r}")
        self.port = int(line)
        self.url = f"http://host.containers.internal:{line}"

    def stop(self):
        self.server.terminate()
        self.server.wait(timeout=10)

    def requests(self, operation=None):
        with open(self.state) as f:
            state = json.load(f)
        return [r for r in state["requests"] if operation is None or r.get("operation") == operation]

    def all_valid(self, *injected):
        for r in self.requests():
            if r.get("fault") in injected:
                continue
            check(r.get("valid", True), f"an invalid request: {r}")
            check(r.get("response_valid", True), f"the double answered outside its schema: {r}")


def make_workspace(tmp, trace=False):
    """The pull request of tests/pr: a risky index inserted into 001, a new 002, a renamed seed;
    the checkout then handed to the runner's user, as actions/checkout leaves it."""
    repo = os.path.join(tmp, "workspace")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    if trace:
        write(os.path.join(repo, "migrations/000_accounts.sql"),
              "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, created_at timestamptz, plan_id int);\n")
    write(os.path.join(repo, "migrations/001_init.sql"), BASE_001)
    write(os.path.join(repo, "migrations/000_seed.sql"), SEED_000)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "feature")
    if trace:
        write(os.path.join(repo, "migrations/002_orders.sql"), "ALTER TABLE users ADD COLUMN plan text;\n")
    else:
        git(repo, "mv", "migrations/000_seed.sql", "migrations/000_seed_data.sql")
        write(os.path.join(repo, "migrations/001_init.sql"), HEAD_001)
        write(os.path.join(repo, "migrations/002_orders.sql"), HEAD_002)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "feature")
    head = git(repo, "rev-parse", "HEAD")
    subprocess.run(["chown", "-R", f"{RUNNER_UID}:{RUNNER_UID}", repo], check=True)
    event = {"action": "synchronize", "number": 7,
             "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "feature"}}}
    return repo, base, head, event


def make_repo(tmp, base_files, head_files, subdir=""):
    """A pull request of its own: the base commit's files, then the head's changes (None deletes),
    the repository at workspace/SUBDIR, the workspace handed to the runner's user."""
    workspace = os.path.join(tmp, "workspace")
    shutil.rmtree(workspace, ignore_errors=True)
    repo = os.path.join(workspace, subdir) if subdir else workspace
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(repo, path), text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        if text is None:
            os.remove(os.path.join(repo, path))
        else:
            write(os.path.join(repo, path), text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "feature")
    head = git(repo, "rev-parse", "HEAD")
    subprocess.run(["chown", "-R", f"{RUNNER_UID}:{RUNNER_UID}", workspace], check=True)
    event = {"action": "synchronize", "number": 7,
             "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "feature"}}}
    return workspace, repo, base, head, event


def docs_workflow(source):
    """docs/action.md's complete workflow, as a user copies it."""
    with open(os.path.join(source, "docs", "action.md")) as f:
        text = f.read()
    for block in re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M):
        doc = yaml.safe_load(block)
        if isinstance(doc, dict) and doc.get("name") and "jobs" in doc:
            for job in doc["jobs"].values():
                if any(str(s.get("uses", "")).startswith("pgfence/action@") for s in job.get("steps", [])):
                    return doc, job
    raise Failed("docs/action.md has no complete workflow using pgfence/action")


def sarif_results(path):
    with open(path) as f:
        return [r for run in json.load(f)["runs"] for r in run["results"]]


def results_text(results):
    return "\n".join(f"{r['ruleId']} {r['locations'][0]['physicalLocation']['artifactLocation']['uri']} "
                     f"{r['message']['text']}" for r in results)


def scenario_docs(args, tmp, runner):
    doc, job = docs_workflow(args.source)
    triggers = doc.get(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    check("pull_request" in triggers, f"the docs workflow runs on pull requests: {triggers}")
    check(not (triggers.get("pull_request") or {}).get("paths"), "the docs workflow runs on every pull request")
    steps = job["steps"]
    (ours,) = [s for s in steps if str(s.get("uses", "")).startswith("pgfence/action@")]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    check(upload, "the docs workflow uploads the SARIF")
    check("github.event.repository.private" in str(upload[0].get("if", "")), "the upload is gated on private repositories")
    checkout = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    check(checkout and str(checkout[0].get("with", {}).get("fetch-depth")) == "0", "the checkout has the history")

    repo, base, head, event = make_workspace(tmp)
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, summary = runner.run(ours.get("with", {}), repo, "pull_request", event, double.url)
        check(proc.returncode == 1, f"a new HIGH finding fails the step: exit {proc.returncode}\n{proc.stderr[-2000:]}")
        ok("pull_request with docs/action.md's inputs: exit 1 for the new HIGH findings")
        check(any(c.startswith("build --quiet --target action --tag pgfence-action-local:action ") for c in runner.docker_calls)
              and not any(c.startswith("pull") for c in runner.docker_calls), f"no version: built from the Dockerfile: {runner.docker_calls}")
        ok("without version, a branch builds the image from the Dockerfile and pulls nothing")
        double.all_valid()
        creates = double.requests("checks/create")
        check(len(creates) == 1 and creates[0]["body"]["head_sha"] == head, f"one check run on the head: {creates}")
        check(creates[0]["body"]["conclusion"] == "failure", "its conclusion is failure")
        check(len(double.requests("issues/create-comment")) == 1, "one sticky comment")
        check(double.requests("users/get-authenticated"), "without comment-author, the token's login is asked for")
        ok("the check run and the comment are posted, every request valid against GitHub's schemas")
        check(outputs["max-risk"] == "HIGH" and outputs["check-run-posted"] == "true"
              and outputs["comment-posted"] == "true" and outputs["files"] == "4", f"outputs: {outputs}")  # and 000_seed.sql's rename
        ok(f"outputs through action.yml: max-risk={outputs['max-risk']} findings={outputs['findings']}")
        # The upload step, on the host: its `if:` and its sarif_file as the runner evaluates them.
        sarif_expr = upload[0]["with"]["sarif_file"]
        sarif_file = EXPRESSION.sub(lambda m: outputs[m.group(1).rsplit(".", 1)[1]], sarif_expr)
        check(sarif_file and not os.path.isabs(sarif_file), f"sarif-file is relative to the workspace: {sarif_file!r}")
        host_path = os.path.join(repo, sarif_file)
        check(os.path.isfile(host_path), f"the upload step finds {sarif_file} in the host's workspace")
        with open(host_path) as f:
            sarif = json.load(f)
        check(sarif["version"] == "2.1.0" and sarif["runs"][0]["results"], "a SARIF 2.1.0 log with results")
        ok(f"the SARIF is at {sarif_file} for the host's upload step")
        check(os.stat(host_path).st_uid == 0, "written by the container's root")
        check("orders_customer" in summary, "the job summary carries the report")
        ok("the job summary is written through the mounted file")
    finally:
        double.stop()
    # A pull request that changes no migration: the workflow runs anyway (no paths filter), and
    # the check run a branch protection may require concludes success.
    workspace, repo, base, head, event = make_repo(tmp, {"migrations/001_init.sql": BASE_001}, {"README.md": "docs\n"})
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, _ = runner.run(ours.get("with", {}), workspace, "pull_request", event, double.url)
        check(proc.returncode == 0, f"no migration changed: exit {proc.returncode}\n{proc.stderr[-1500:]}")
        creates = double.requests("checks/create")
        check(len(creates) == 1 and creates[0]["body"]["conclusion"] == "success" and creates[0]["body"]["head_sha"] == head,
              f"one success check run: {creates}")
        check(outputs["files"] == "0" and outputs["conclusion"] == "success", f"outputs: {outputs}")
        ok("a pull request that changes no migration: exit 0, a success check run")
    finally:
        double.stop()


def scenario_fork(args, tmp, runner):
    repo, base, head, event = make_workspace(tmp)
    double = Double(args, tmp, repo, base, faults=[{"kind": "forbidden", "path": "check-runs", "times": 10},
                                                    {"kind": "forbidden", "path": "comments", "times": 10},
                                                    {"kind": "forbidden", "path": "reviews", "times": 10}])
    try:
        proc, outputs, _ = runner.run({}, repo, "pull_request", event, double.url)
        check(proc.returncode == 1, f"the exit code does not change with a read-only token: {proc.returncode}")
        check("::error file=migrations/002_orders.sql,line=2" in proc.stdout,
              f"annotations fall back to workflow commands: {proc.stdout[-1500:]}")
        check(outputs["check-run-posted"] == "false" and outputs["comment-posted"] == "false", f"{outputs}")
        check(os.path.isfile(os.path.join(repo, outputs["sarif-file"])), "the SARIF is still written")
        double.all_valid("forbidden")
        ok("fork (read-only token): workflow-command annotations, nothing posted, exit 1, SARIF written")
    finally:
        double.stop()


def scenario_trace(args, tmp, runner):
    repo, base, head, event = make_workspace(tmp, trace=True)
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, summary = runner.run({"trace": "true", "comment": "false"}, repo, "pull_request", event,
                                            double.url)
        check(proc.returncode == 0, f"trace confirmed, nothing above medium: exit {proc.returncode}\n"
                                    f"{proc.stdout[-1500:]}\n{proc.stderr[-2000:]}")
        check("Trace on a real PostgreSQL: confirmed" in summary, f"the summary carries the trace: {summary[-1500:]}")
        text = double.requests("checks/create")[0]["body"]["output"].get("text", "")
        check("Trace on a real PostgreSQL" in text, "the check run carries the trace")
        double.all_valid()
        ok("trace: true runs the -trace image: the migration ran on PostgreSQL and was confirmed")
        proc, _, _ = runner.run({"trace": "true", "trace-timeout": "0"}, repo, "pull_request", event, double.url)
        check(proc.returncode == 2 and "error: --trace-timeout" in proc.stderr,
              f"trace-timeout reaches pgfence pr (0 is refused): {proc.returncode}\n{proc.stderr[-800:]}")
        ok("trace-timeout: passed to pgfence pr")
        proc, _, _ = runner.run({"trace": "true", "trace-budget": "0"}, repo, "pull_request", event, double.url)
        check(proc.returncode == 2 and "error: --trace-budget" in proc.stderr,
              f"trace-budget reaches pgfence pr (0 is refused): {proc.returncode}\n{proc.stderr[-800:]}")
        ok("trace-budget: passed to pgfence pr")
    finally:
        double.stop()
    # A setting only a superuser may change: not traced as the plain owner, traced as the superuser.
    workspace, repo, base, head, event = make_repo(
        tmp, {"migrations/000_accounts.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY);\n"},
        {"migrations/001_replica.sql": "SET session_replication_role = replica;\nALTER TABLE accounts ADD COLUMN plan text;\n"})
    double = Double(args, tmp, repo, base)
    try:
        proc, _, summary = runner.run({"trace": "true"}, workspace, "pull_request", event, double.url)
        check("needs a superuser" in summary, f"as the plain owner the SET is not traced: {summary[-1500:]}\n{proc.stderr[-800:]}")
        proc, _, summary = runner.run({"trace": "true", "trace-as-superuser": "true"}, workspace, "pull_request", event,
                                      double.url)
        check("needs a superuser" not in summary and "Trace on a real PostgreSQL" in summary,
              f"trace-as-superuser: the SET runs: {summary[-1500:]}\n{proc.stderr[-800:]}")
        ok("trace-as-superuser: a superuser-only SET is traced instead of refused")
    finally:
        double.stop()


def scenario_push(args, tmp, runner):
    repo, base, head, _ = make_workspace(tmp)
    event = {"after": head, "before": base, "ref": "refs/heads/main"}
    proc, outputs, _ = runner.run({"paths": "migrations"}, repo, "push", event, "http://host.containers.internal:9")
    check(proc.returncode == 1, f"analyze mode: a finding above medium exits 1: {proc.returncode}\n{proc.stderr[-1500:]}")
    check(outputs["report"] == "pgfence-report.json", f"the report output: {outputs}")
    with open(os.path.join(repo, outputs["report"])) as f:
        report = json.load(f)
    check(len(report["files"]) == 3, f"the report covers the three migrations: {[x.get('path') for x in report['files']]}")
    check("orders_customer" in proc.stdout, "the text report is in the log")
    ok("push: analyze mode writes pgfence-report.json into the host's workspace and exits 1")
    proc, outputs, _ = runner.run({"paths": "migrations", "max-risk": "critical"}, repo, "push", event,
                                  "http://host.containers.internal:9")
    check(proc.returncode == 0, f"nothing above critical exits 0: {proc.returncode}")
    ok("push with max-risk critical exits 0")


# context: a type change that rewrites nothing when the column's current type is known. accounts
# comes from the base commit's migrations (replayed by pgfence pr unless history: none), legacy
# only from a history file or the schema file; 002 adds a HIGH finding of its own.
ALTER_BOTH = """ALTER TABLE accounts ALTER COLUMN name TYPE varchar(200);
ALTER TABLE legacy ALTER COLUMN name TYPE varchar(200);
"""
CONTEXT_BASE = {"migrations/000_accounts.sql": "CREATE TABLE accounts (id int, name varchar(100));\n",
                "legacy/0001_legacy.sql": "CREATE TABLE legacy (id int, name varchar(100));\n",
                "schema/structure.sql": "CREATE TABLE legacy (id int, name varchar(100));\n"}
CONTEXT_HEAD = {"migrations/001_alter.sql": ALTER_BOTH, "migrations/002_index.sql": "CREATE INDEX t_id ON t (id);\n"}


def scenario_context(args, tmp, runner):
    workspace, repo, base, head, event = make_repo(tmp, CONTEXT_BASE, CONTEXT_HEAD)
    double = Double(args, tmp, repo, base)
    sarif = os.path.join(repo, "pgfence.sarif")
    try:
        def rewrites(text, table):
            return f"may rewrite {table} " in text
        proc, outputs, _ = runner.run({"max-suggestions": "0"}, workspace, "pull_request", event, double.url)
        text = results_text(sarif_results(sarif))
        check(proc.returncode == 1 and "002_index.sql" in text, f"the new index fails the step: {proc.returncode}\n{text}")
        check(rewrites(text, "legacy") and not rewrites(text, "accounts"),
              f"legacy's type is unknown, accounts' known from the base commit:\n{text}")
        ok("context: without inputs, the rewrite is reported for legacy only (the base history knows accounts)")
        proc, outputs, _ = runner.run({"history": "legacy", "exclude": "migrations/002_*"}, workspace, "pull_request",
                                      event, double.url)
        text = results_text(sarif_results(sarif))
        check(not rewrites(text, "legacy") and not rewrites(text, "accounts"), f"history: legacy/ makes legacy known:\n{text}")
        check(proc.returncode == 0 and "002_index.sql" not in text and outputs["files"] == "1",
              f"exclude: 002 is not reviewed, nothing above medium: exit {proc.returncode}, {outputs}\n{text}")
        ok("history: the migrations it names are replayed first (no rewrite); exclude: the glob's migration is not reviewed")
        proc, outputs, _ = runner.run({"history": "none", "schema-file": "schema/structure.sql"}, workspace, "pull_request",
                                      event, double.url)
        text = results_text(sarif_results(sarif))
        check(rewrites(text, "accounts"), f"history none: the base commit's migrations are not replayed:\n{text}")
        check(not rewrites(text, "legacy"), f"schema-file: legacy's type comes from the schema:\n{text}")
        ok("history: none analyses without the base history; schema-file makes legacy known")
        proc, outputs, _ = runner.run({"capture-file": "no-such-capture.json"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 2 and "error: --capture" in proc.stderr and "no-such-capture.json" in proc.stderr,
              f"capture-file reaches pgfence pr as --capture: exit {proc.returncode}\n{proc.stderr[-1500:]}")
        ok("capture-file: pgfence pr reads the record it names (a missing one is its error: line, exit 2)")
        double.all_valid()
    finally:
        double.stop()
    # Analyze mode (a push) takes the same inputs.
    event = {"after": head, "before": base, "ref": "refs/heads/main"}
    proc, outputs, _ = runner.run({"paths": "migrations", "schema-file": "schema/structure.sql",
                                   "exclude": "migrations/002_*", "max-risk": "critical"},
                                  workspace, "push", event, "http://host.containers.internal:9")
    with open(os.path.join(workspace, outputs["report"])) as f:
        report = json.dumps(json.load(f))
    check(proc.returncode == 0 and "001_alter.sql" in report and "002_index.sql" not in report,
          f"analyze: exclude leaves 002 out: {proc.returncode}\n{proc.stderr[-1500:]}")
    check("may rewrite legacy" not in report and "may rewrite accounts" not in report,
          "analyze: the schema file and the committed migrations make both tables known")
    ok("push: schema-file and exclude reach pgfence analyze")
    proc, outputs, _ = runner.run({"paths": "migrations", "capture-file": "capture.json"}, workspace, "push", event,
                                  "http://host.containers.internal:9")
    check(proc.returncode == 2 and "error: capture-file" in proc.stderr,
          f"push: capture-file is a usage error, never left unread: exit {proc.returncode}\n{proc.stderr[-1500:]}")
    ok("push: capture-file is an error: line (a record is judged on pull requests)")


def scenario_folder(args, tmp, runner):
    """working-directory: the checkout in a subfolder of the workspace (actions/checkout's path:)."""
    workspace, repo, base, head, event = make_repo(
        tmp, {"migrations/001_init.sql": BASE_001}, {"migrations/002_orders.sql": HEAD_002}, subdir="app")
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, _ = runner.run({}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 2 and "not a git repository" in proc.stderr,
              f"without working-directory the workspace is no repository: {proc.returncode}\n{proc.stderr[-800:]}")
        proc, outputs, _ = runner.run({"working-directory": "app"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 1, f"the new index fails the step: {proc.returncode}\n{proc.stderr[-1500:]}")
        check(outputs["sarif-file"] == "app/pgfence.sarif" and os.path.isfile(os.path.join(workspace, outputs["sarif-file"])),
              f"the SARIF in the folder, named from the workspace: {outputs}")
        creates = double.requests("checks/create")
        check(len(creates) == 1 and creates[0]["body"]["head_sha"] == head, f"the check run on the head: {creates}")
        ok("working-directory: app runs pgfence pr in the subfolder's repository; sarif-file is app/pgfence.sarif")
        before = len(double.requests())
        os.symlink("/etc", os.path.join(workspace, "out"))
        for value in ("../", "app/../..", "/etc", "out"):
            proc, outputs, _ = runner.run({"working-directory": value}, workspace, "pull_request", event, double.url)
            errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
            check(proc.returncode == 2 and len(errors) == 1 and errors[0].startswith("error: working-directory"),
                  f"working-directory {value!r} is refused with one error line: {proc.returncode}\n{proc.stderr[-800:]}")
        check(len(double.requests()) == before, "nothing was posted for a refused working-directory")
        ok("working-directory: '..', an absolute path outside and a link out of the workspace are one error line, exit 2")
    finally:
        double.stop()
    event = {"after": head, "before": base, "ref": "refs/heads/main"}
    proc, outputs, _ = runner.run({"working-directory": "app", "paths": "migrations"}, workspace, "push", event,
                                  "http://host.containers.internal:9")
    check(proc.returncode == 1 and outputs["report"] == "app/pgfence-report.json"
          and os.path.isfile(os.path.join(workspace, "app", "pgfence-report.json")), f"analyze in the folder: {outputs}")
    ok("push with working-directory: the report is app/pgfence-report.json")


def scenario_version(args, tmp, runner):
    repo, base, head, event = make_workspace(tmp)
    for value in ("1.2", "latest", "v1.2.3; id"):
        proc, _, _ = runner.run({"version": value}, repo, "pull_request", event, "http://host.containers.internal:9")
        errors = [line for line in proc.stderr.splitlines() if line.strip()]
        check(proc.returncode == 2 and len(errors) == 1 and errors[0].startswith("error: the version input"),
              f"version {value!r}: one error line, exit 2: {proc.returncode}\n{proc.stderr}")
        check(runner.docker_calls == [], f"nothing built, pulled or run: {runner.docker_calls}")
    ok("version: a malformed value is one error line, exit 2, before docker is called")
    for inputs, image in (({"version": "1.2.3"}, "ghcr.io/pgfence/action:v1.2.3"),
                          ({"version": "v1.2.3", "trace": "true"}, "ghcr.io/pgfence/action:v1.2.3-trace")):
        proc, _, _ = runner.run(inputs, repo, "pull_request", event, "http://host.containers.internal:9")
        check(runner.docker_calls == [f"pull --quiet {image}"], f"{inputs}: pulls {image}: {runner.docker_calls}")
        errors = [line for line in proc.stderr.splitlines() if line.strip()]
        check(proc.returncode == 2 and len(errors) == 1 and errors[0].startswith(f"error: cannot pull {image}:"),
              f"a failed pull is one error line: {proc.stderr}")
    ok("version: 1.2.3 pulls ghcr.io/pgfence/action:v1.2.3, with trace the -trace image; no registry: one error line")


def scenario_switches(args, tmp, runner):
    """The inputs that switch outputs or choose the review's rules, each against its effect."""
    repo, base, head, event = make_workspace(tmp)
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, summary = runner.run({"check-run": "false", "comment": "false", "sarif": "false", "name": "api",
                                            "max-suggestions": "0"}, repo, "pull_request", event, double.url)
        check(proc.returncode == 1, f"exit 1: {proc.returncode}\n{proc.stderr[-800:]}")
        check(not double.requests("checks/create") and not double.requests("issues/create-comment"),
              "check-run and comment false: neither posted")
        check(outputs["sarif-file"] == "" and not os.path.exists(os.path.join(repo, "pgfence.sarif")), f"sarif false: {outputs}")
        check(outputs["suggestions-posted"] == "0" and not double.requests("pulls/create-review"), "max-suggestions 0: none")
        check("## pgfence (api):" in summary, f"name: the summary's heading: {summary[:300]}")
        ok("check-run, comment, sarif false, max-suggestions 0: nothing of each; name: the summary says pgfence (api)")
        proc, outputs, _ = runner.run({"upload-sarif": "true", "comment-author": "octo-reviewer[bot]"}, repo, "pull_request",
                                      event, double.url)
        check(len(double.requests("code-scanning/upload-sarif")) == 1, "upload-sarif: one upload to code scanning")
        check(not double.requests("users/get-authenticated"), "comment-author: the token's login is not asked for")
        ok("upload-sarif: the SARIF is uploaded by the action; comment-author: no GET /user")
        count = len(double.requests("checks/create"))
        proc, outputs, _ = runner.run({"github-token": "ghs_notTheDoublesToken000000000000000"}, repo, "pull_request", event,
                                      double.url, token="ghs_notTheDoublesToken000000000000000")
        tried = double.requests("checks/create")[count:]
        check(outputs["check-run-posted"] == "false" and tried and all(r["status"] == 401 for r in tried),
              f"github-token: the input's token is sent, and GitHub refuses it: {outputs} {[r['status'] for r in tried]}")
        ok("github-token: the token the input names is the one sent (the double knows another: 401)")
        count = len(double.requests("checks/create"))
        proc, outputs, _ = runner.run({"mode": "analyze", "paths": "migrations"}, repo, "pull_request", event, double.url)
        check(outputs["report"] == "pgfence-report.json" and len(double.requests("checks/create")) == count,
              f"mode analyze on a pull request: the report, nothing posted: {outputs}")
        ok("mode: analyze on a pull_request event runs pgfence analyze")
    finally:
        double.stop()
    # config and config-from: a configuration that turns the index rule off; stats-file: a
    # snapshot in which users is 4 GB; unparsable; fail-on-pre-existing.
    with open(os.path.join(args.source, "tests", "stats", "fixtures", "snapshot.json")) as f:
        snapshot = f.read()
    off = '[rules]\ndisable = ["create-index-without-concurrently"]\n'
    workspace, repo, base, head, event = make_repo(
        tmp, {"migrations/001_users.sql": "CREATE INDEX users_old ON users (id);\n", "ci/off.toml": off,
              "ci/stats.json": snapshot},
        {"migrations/001_users.sql": "CREATE INDEX users_old ON users (id);\n-- reviewed\n",
         "migrations/002_users.sql": "CREATE INDEX users_email ON users (email);\n",
         "ci/head-off.toml": off})
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, _ = runner.run({}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 1 and outputs["max-risk"] == "HIGH", f"the new index is HIGH: {proc.returncode} {outputs}")
        proc, outputs, _ = runner.run({"stats-file": "ci/stats.json"}, workspace, "pull_request", event, double.url)
        check(outputs["max-risk"] == "CRITICAL", f"stats-file: on a 4 GB table the index is CRITICAL: {outputs}\n{proc.stderr[-800:]}")
        ok("stats-file: the snapshot moves the new index from HIGH to CRITICAL")
        proc, outputs, _ = runner.run({"config": "ci/off.toml"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 0 and outputs["max-risk"] != "HIGH", f"config: the rule is off: {proc.returncode} {outputs}")
        proc, outputs, _ = runner.run({"config": "ci/head-off.toml"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 1 and "ci/head-off.toml is not in" in proc.stderr,
              f"config-from base: a configuration only the head has is not read: {proc.returncode}\n{proc.stderr[-800:]}")
        proc, outputs, _ = runner.run({"config": "ci/head-off.toml", "config-from": "head"}, workspace, "pull_request", event,
                                      double.url)
        check(proc.returncode == 0, f"config-from head: the head's configuration: {proc.returncode}\n{proc.stderr[-800:]}")
        ok("config: the file's rules apply; config-from: base ignores the head's file, head reads it")
        proc, outputs, _ = runner.run({"exclude": "migrations/002_*"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 0 and outputs["pre-existing-findings"] != "0", f"only pre-existing findings: {outputs}")
        proc, outputs, _ = runner.run({"exclude": "migrations/002_*", "fail-on-pre-existing": "true"}, workspace,
                                      "pull_request", event, double.url)
        check(proc.returncode == 1, f"fail-on-pre-existing: the pre-existing HIGH fails: {proc.returncode} {outputs}")
        ok("fail-on-pre-existing: a finding on an untouched statement fails the step")
    finally:
        double.stop()
    workspace, repo, base, head, event = make_repo(tmp, {"migrations/001.sql": "CREATE TABLE t (id int);\n"},
                                                   {"migrations/002.sql": "ALTER TABLE t ADD COLUMN;\n"})
    double = Double(args, tmp, repo, base)
    try:
        proc, _, _ = runner.run({}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 2 and "error: migrations/002.sql:1:" in proc.stderr,
              f"unparsable fail (the default): an error, exit 2: {proc.returncode}\n{proc.stderr[-800:]}")
        proc, _, _ = runner.run({"unparsable": "warn"}, workspace, "pull_request", event, double.url)
        check(proc.returncode != 2 and "warning: migrations/002.sql:1:" in proc.stderr
              and "error: migrations/002.sql" not in proc.stderr,
              f"unparsable warn: a warning, not exit 2: {proc.returncode}\n{proc.stderr[-800:]}")
        ok("unparsable: fail (the default) exits 2 on a statement that does not parse, warn warns")
    finally:
        double.stop()
    # unknown: a statement pgfence could not see fails the step by default; warn lets it pass and says so.
    dynamic = ("DO $$\nDECLARE tbl text;\nBEGIN\n  SELECT relname INTO tbl FROM pg_class LIMIT 1;\n"
               "  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n")
    workspace, repo, base, head, event = make_repo(tmp, {"migrations/001.sql": "CREATE TABLE t (id int);\n"},
                                                   {"migrations/002.sql": dynamic})
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, _ = runner.run({"max-risk": "critical"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 1 and outputs["conclusion"] == "failure",
              f"unknown block (the default): the unknown statement fails: {proc.returncode} {outputs}\n{proc.stderr[-800:]}")
        proc, outputs, _ = runner.run({"max-risk": "critical", "unknown": "warn"}, workspace, "pull_request", event, double.url)
        check(proc.returncode == 0 and "was not gated because of --unknown warn" in proc.stderr,
              f"unknown warn: it passes, and says so: {proc.returncode} {outputs}\n{proc.stderr[-800:]}")
        ok("unknown: block (the default) fails on a statement pgfence could not see, warn lets it pass and says so")
    finally:
        double.stop()


class Receiver(http.server.BaseHTTPRequestHandler):
    """The governance service's upload endpoint, on the host's loopback."""
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                  "sql_included": body.get("sql_included")})
        data = b'{"id": "1", "conclusion": "action_required", "items": 1}'
        self.send_response(201)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


def scenario_governance(args, tmp, runner):
    """governance-url, -token, -sql: the container on the host's network (PGFENCE_DOCKER_RUN_ARGS), so
    the service is on loopback, the only place pgfence sends a token over http://."""
    repo, base, head, event = make_workspace(tmp)
    double = Double(args, tmp, repo, base)
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    gov_token = "pgfgov_containerTestToken42"
    try:
        inputs = {"governance-url": f"http://127.0.0.1:{server.server_address[1]}", "governance-token": gov_token,
                  "governance-sql": "false"}
        proc, outputs, _ = runner.run(inputs, repo, "pull_request", event, f"http://127.0.0.1:{double.port}",
                                      extra_env={"PGFENCE_DOCKER_RUN_ARGS": "--network host"})
        check(len(Receiver.received) == 1 and Receiver.received[0]["auth"] == f"Bearer {gov_token}",
              f"one upload with the token: {Receiver.received}\n{proc.stderr[-1500:]}")
        check(Receiver.received[0]["sql_included"] is False, "governance-sql false: no SQL")
        check(outputs["governance-conclusion"] == "action_required", f"the conclusion output: {outputs}")
        check(gov_token not in proc.stdout + proc.stderr, "the governance token was printed")
        ok("governance-url, -token, -sql: one upload with the Bearer token, without SQL, conclusion action_required")
    finally:
        server.shutdown()
        double.stop()


def scenario_images(args, tmp, runner):
    def sh(image, command):
        return subprocess.run(["podman", "run", "--rm", "--entrypoint", "sh", image, "-c", command],
                              capture_output=True, text=True, timeout=300)
    default = sh("pgfence-action-local:action", "command -v postgres initdb; ls /usr/lib/postgresql 2>&1; pgfence --version")
    check("/usr/lib/postgresql" not in default.stdout.split("ls")[0] and "No such file" in default.stdout,
          f"the default image has no PostgreSQL: {default.stdout}")
    check(re.search(r"pgfence \d", default.stdout), f"the default image runs pgfence: {default.stdout}{default.stderr}")
    trace = sh("pgfence-action-local:trace",
               "ls /usr/lib/postgresql/15/bin/postgres && ls /var/lib/postgresql/15 2>&1; "
               "ls /usr/lib/postgresql/15/lib/bitcode 2>&1; dpkg -s libllvm14 2>&1 | head -1")
    check("/usr/lib/postgresql/15/bin/postgres" in trace.stdout, f"the -trace image has the server: {trace.stdout}")
    check(trace.stdout.count("No such file") >= 2 and "is not installed" in trace.stdout,
          f"without a default cluster, bitcode or LLVM: {trace.stdout}")
    ok("the default image has pgfence and no PostgreSQL; the -trace image the server without JIT or a cluster")

    # The documented command line: `docker run --rm -v "$PWD:/work" IMAGE analyze /work/migrations`.
    project = os.path.join(tmp, "project")
    os.makedirs(os.path.join(project, "migrations"))
    with open(os.path.join(project, "migrations", "001_init.sql"), "w") as f:
        f.write("CREATE TABLE users (id int, email text);\n")
    with open(os.path.join(project, "migrations", "002_idx.sql"), "w") as f:
        f.write("CREATE INDEX users_email_idx ON users (email);\n")
    def run(*extra):
        return subprocess.run(["podman", "run", "--rm", "-v", f"{project}:/work", "pgfence-action-local:action",
                               "analyze", *extra, "/work/migrations"], capture_output=True, text=True, timeout=300)
    plain, ci = run(), run("--ci")
    check(plain.returncode == 0 and "/work/migrations/002_idx.sql" in plain.stdout and
          "create-index-without-concurrently" in plain.stdout, f"docker run IMAGE analyze: {plain.returncode} {plain.stdout[-500:]} {plain.stderr}")
    check(ci.returncode == 1, f"docker run IMAGE analyze --ci: exit 1 for the HIGH finding: {ci.returncode} {ci.stderr}")
    ok("docker run -v \"$PWD:/work\" IMAGE analyze /work/migrations analyses the mounted project (--ci exits 1)")


SCENARIOS = {"docs": scenario_docs, "fork": scenario_fork, "trace": scenario_trace, "push": scenario_push,
             "context": scenario_context, "folder": scenario_folder, "version": scenario_version,
             "switches": scenario_switches, "governance": scenario_governance, "images": scenario_images}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--source", required=True)
    ap.add_argument("--double", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--sarif-schema", required=True)
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    args = ap.parse_args()
    args.source = os.path.abspath(args.source)
    failed = False
    for name in args.scenario or list(SCENARIOS):
        tmp = tempfile.mkdtemp(prefix=f"pgfence-action-{name}-")
        try:
            SCENARIOS[name](args, tmp, Runner(args, tmp))
        except Failed as e:
            print(f"FAILED: {name}: {e}", flush=True)
            failed = True
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if not args.scenario:
        with open(os.path.join(args.source, "action.yml")) as f:
            declared = set(yaml.safe_load(f)["inputs"])
        unset = sorted(declared - EXERCISED)
        if unset:
            print(f"FAILED: inputs of action.yml that no scenario sets: {', '.join(unset)}", flush=True)
            failed = True
        else:
            ok(f"every input of action.yml ({len(declared)}) is set by a scenario")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
