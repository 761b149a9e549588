"""The action as GitHub runs it, in real containers: action.yml's composite step (bot/action.sh)
chooses and runs the image with podman (a `docker` on PATH that is podman), against the GitHub
test double, on a real repository whose workspace belongs to another user (uid 1001, the
runner's), as the runner's container root sees it.

    action_test.py --source DIR --double tests/github_double/server.py --schemas DIR --sarif-schema F
                   [--scenario NAME]...

Scenarios: readme (the README's complete workflow, pull_request), fork (read-only token),
trace (trace: true picks the -trace image), push (analyze mode), images (what each image holds).
Each prints `ok: ...` lines; the first failed check ends the run with exit 1.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import BASE_001, HEAD_001, HEAD_002, SEED_000, TOKEN, Failed, check, git, write  # noqa: E402

RUNNER_UID = 1001
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
        with open(os.path.join(self.shim, "docker"), "w") as f:
            f.write('#!/bin/sh\nexec podman "$@"\n')
        os.chmod(os.path.join(self.shim, "docker"), 0o755)

    def evaluate(self, text, context):
        def one(match):
            expr = match.group(1)
            if expr not in context:
                raise Failed(f"an expression this runner does not know: {expr}")
            return context[expr]
        return EXPRESSION.sub(one, text) if isinstance(text, str) else str(text)

    def run(self, with_inputs, workspace, event_name, event, api_url, token=TOKEN):
        unknown = set(with_inputs) - set(self.action["inputs"])
        check(not unknown, f"inputs the action does not declare: {unknown}")
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


def readme_workflow(source):
    """The README's complete workflow, as a user copies it."""
    with open(os.path.join(source, "README.md")) as f:
        text = f.read()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        doc = yaml.safe_load(block)
        if isinstance(doc, dict) and doc.get("name") and "jobs" in doc:
            for job in doc["jobs"].values():
                if any(str(s.get("uses", "")).startswith("pgfence/action@") for s in job.get("steps", [])):
                    return doc, job
    raise Failed("the README has no complete workflow using pgfence/action")


def scenario_readme(args, tmp, runner):
    doc, job = readme_workflow(args.source)
    triggers = doc.get(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    check("pull_request" in triggers, f"the README workflow runs on pull requests: {triggers}")
    steps = job["steps"]
    (ours,) = [s for s in steps if str(s.get("uses", "")).startswith("pgfence/action@")]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    check(upload, "the README workflow uploads the SARIF")
    checkout = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    check(checkout and str(checkout[0].get("with", {}).get("fetch-depth")) == "0", "the checkout has the history")

    repo, base, head, event = make_workspace(tmp)
    double = Double(args, tmp, repo, base)
    try:
        proc, outputs, summary = runner.run(ours.get("with", {}), repo, "pull_request", event, double.url)
        check(proc.returncode == 1, f"a new HIGH finding fails the step: exit {proc.returncode}\n{proc.stderr[-2000:]}")
        ok("pull_request with the README's inputs: exit 1 for the new HIGH findings")
        double.all_valid()
        creates = double.requests("checks/create")
        check(len(creates) == 1 and creates[0]["body"]["head_sha"] == head, f"one check run on the head: {creates}")
        check(creates[0]["body"]["conclusion"] == "failure", "its conclusion is failure")
        check(len(double.requests("issues/create-comment")) == 1, "one sticky comment")
        ok("the check run and the comment are posted, every request valid against GitHub's schemas")
        check(outputs["max-risk"] == "HIGH" and outputs["check-run-posted"] == "true"
              and outputs["comment-posted"] == "true" and outputs["files"] == "3", f"outputs: {outputs}")
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


SCENARIOS = {"readme": scenario_readme, "fork": scenario_fork, "trace": scenario_trace, "push": scenario_push,
             "images": scenario_images}


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
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
