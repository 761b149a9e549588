"""The governance service end to end: `pgfence serve` (its embedded PostgreSQL, or a PostgreSQL
the test starts), the GitHub test double as the App's API, real git repositories, `pgfence pr
--upload` as the action runs it, and webhooks signed as GitHub signs them.

    serve_test.py SCENARIO --binary pgfence --source DIR --schemas DIR
Scenarios: loop, org_policy, faults, restart, replicas, tamper, signoff, exemptions, integrity,
exemption_rewrite, exemption_binding, commit_cap, oversize. Each prints ok: lines; the first failure ends it (exit 1).
"""
import argparse
import concurrent.futures
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import http.client as httpclient

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "github_double"))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import webhooks  # noqa: E402
from original_readme_test import Postgres  # noqa: E402

PAT = "ghp_pgfenceServeTest0123456789"  # the action's own token, for pr's check run and comment
SECRET = "It's a Secret to Everybody"
REPO = "octo/app"


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def ok(message):
    print(f"ok: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=repo, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    out = subprocess.run(["git", "-C", repo, *args], env=env, capture_output=True, text=True)
    check(out.returncode == 0, f"git {args}: {out.stderr}")
    return out.stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def http(method, url, body=None, headers=None, timeout=30):
    """(status, body bytes, headers) without raising on 4xx/5xx."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def get(url, cookie=None, source="127.0.0.1"):
    """One GET from `source` (a loopback address) without following redirects: (status, headers, body)."""
    parts = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
    conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers={"Cookie": cookie} if cookie else {})
    r = conn.getresponse()
    out = (r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
    conn.close()
    return out


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def cookie_of(headers, name):
    for value in header(headers, "Set-Cookie"):
        if value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


class World:
    """The double, the service, a repository with a pull request, and the helpers to drive them."""

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.services = []
        self.double = None
        self.pg = None
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                        os.path.join(tmp, "app.pem")], check=True, capture_output=True)
        subprocess.run(["openssl", "rsa", "-in", os.path.join(tmp, "app.pem"), "-pubout", "-out",
                        os.path.join(tmp, "app.pub")], check=True, capture_output=True)

    # -- the GitHub double -------------------------------------------------------------------
    def start_double(self, faults=(), contents=(), **seed_extra):
        self.state = os.path.join(self.tmp, "github.json")
        seed = {"installations": [{"id": 77, "account": "octo", "repositories": [REPO, "octo/.github"]}],
                "contents": list(contents), **seed_extra}
        cmd = ["/usr/bin/python3", os.path.join(HERE, "..", "github_double", "server.py"), "--port", "0",
               "--schemas", self.args.schemas, "--state", self.state, "--token", PAT,
               "--app-id", "4242", "--app-public-key", os.path.join(self.tmp, "app.pub"), "--seed", json.dumps(seed)]
        for f in faults:
            cmd += ["--fault", json.dumps(f)]
        self.double = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.double.stdout.readline().strip()
        check(line.isdigit(), f"the double did not start: {line!r}")
        self.github = f"http://127.0.0.1:{line}"

    def github_state(self):
        with open(self.state) as f:
            return json.load(f)

    def governance_checks(self, head=None):
        runs = [r for r in self.github_state().get("check_runs", {}).values() if r.get("name") == "pgfence governance"]
        return [r for r in runs if head is None or r.get("head_sha") == head]

    def all_github_requests_valid(self, *injected):
        for r in self.github_state()["requests"]:
            if r.get("fault") in injected:
                continue
            check(r.get("valid", True), f"the service sent GitHub an invalid request: {r}")
            check(r.get("auth") in (None, "ok"), f"a request the double refused: {r}")

    # -- the service -------------------------------------------------------------------------
    def config(self, database_url=None, name="governance.toml", extra="", policy="", public_url="https://pgfence.example.com"):
        path = os.path.join(self.tmp, name)
        lines = [f'webhook_secret = "{SECRET}"', 'app_id = 4242', f'private_key_path = "{self.tmp}/app.pem"',
                 f'github_api_url = "{self.github}"', f'data_dir = "{self.tmp}/data"', f'public_url = "{public_url}"',
                 'max_upload_bytes = 2000000']
        if database_url:
            lines.append(f'database_url = "{database_url}"')
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n" + extra + "\n[policy]\nsignoff_at = \"high\"\n" + policy + "\n")
        return path

    def start_service(self, config, port=None):
        port = port or free_port()
        log = open(os.path.join(self.tmp, f"serve-{port}.log"), "w")
        proc = subprocess.Popen([self.args.binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            check(proc.poll() is None, f"pgfence serve exited: {open(log.name).read()}")
            try:
                status, _, _ = http("GET", url + "/healthz", timeout=2)
                if status == 200:
                    self.services.append(proc)
                    return proc, url
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.2)
        raise Failed(f"pgfence serve did not answer: {open(log.name).read()}")

    def token(self, config, repository=REPO):
        proc = subprocess.run([self.args.binary, "serve", "token", "create", "--repository", repository, "--config", config],
                              capture_output=True, text=True, timeout=120)
        check(proc.returncode == 0 and proc.stdout.startswith("pgf_"), f"token create: {proc.stderr}")
        return proc.stdout.strip()

    def stop(self):
        for proc in self.services:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.services = []
        if self.double and self.double.poll() is None:
            self.double.terminate()
            self.double.wait(timeout=10)
        if self.pg:
            self.pg.stop()

    # -- the repository and the action -------------------------------------------------------
    def make_repo(self):
        self.repo = os.path.join(self.tmp, "repo")
        os.makedirs(self.repo)
        git(self.repo, "init", "-q", "-b", "main")
        write(os.path.join(self.repo, "migrations/001_users.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
        write(os.path.join(self.repo, "README.md"), "app\n")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "base")
        git(self.repo, "checkout", "-qb", "feature")
        write(os.path.join(self.repo, "migrations/002_email.sql"), "CREATE INDEX users_email ON users (email);\n")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", "index")

    def heads(self):
        return git(self.repo, "rev-parse", "main"), git(self.repo, "rev-parse", "HEAD")

    def upload(self, service_url, token, *extra):
        base, head = self.heads()
        event = os.path.join(self.tmp, "event.json")
        with open(event, "w") as f:
            json.dump({"action": "synchronize", "number": 7, "pull_request": {
                "number": 7, "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "feature"}}}, f)
        outputs = os.path.join(self.tmp, "outputs.txt")
        open(outputs, "w").close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": event, "GITHUB_REPOSITORY": REPO,
                    "GITHUB_WORKSPACE": self.repo, "GITHUB_TOKEN": PAT, "GITHUB_OUTPUT": outputs,
                    "GITHUB_API_URL": self.github, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
                    "PGFENCE_GOVERNANCE_TOKEN": token})
        proc = subprocess.run([self.args.binary, "pr", "--no-config", "--no-comment", "--upload", service_url, *extra],
                              cwd=self.repo, env=env, capture_output=True, text=True, timeout=300)
        check(token not in proc.stdout + proc.stderr, "the governance token was printed")
        out = {}
        with open(outputs) as f:
            for line in f:
                if "=" in line and "<<" not in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k] = v
        return proc, out, head

    def wait_for_check(self, head, conclusion, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            runs = self.governance_checks(head)
            if runs and runs[-1].get("conclusion") == conclusion:
                return runs[-1]
            time.sleep(0.3)
        raise Failed(f"no 'pgfence governance' check with conclusion {conclusion} on {head[:7]}: "
                     f"{[(r.get('head_sha', '')[:7], r.get('conclusion')) for r in self.governance_checks()]}")

    def webhook(self, service_url, event, action, delivery=None, secret=SECRET, **params):
        base, head = self.heads()
        params.setdefault("repository_name", REPO)
        params.setdefault("number", 7)
        params.setdefault("head_sha", head)
        params.setdefault("base_sha", base)
        params.setdefault("installation", 77)
        payload = webhooks.build(event, action, **params)
        webhooks.validate(event, action, payload, schemas=os.path.join(self.args.schemas, "webhooks"))
        headers, body = webhooks.delivery(event, payload, secret, delivery_id=delivery)
        return webhooks.post(service_url + "/v1/github/webhook", headers, body)

    def seed_double(self, spec):
        status, body, _ = http("POST", self.github + "/_double/seed", body=spec)
        check(status == 200, f"seeding the double: {status} {body}")

    def comments(self):
        return self.github_state()["comments"].get(f"{REPO}#7", [])

    def wait_for_event(self, service_url, token, kind, count=1, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            events = [e for e in self.audit(service_url, token) if e["type"] == kind]
            if len(events) >= count:
                return events
            time.sleep(0.3)
        raise Failed(f"no {count} '{kind}' audit events: {[e['type'] for e in self.audit(service_url, token)]}")

    def wait_for_text(self, head, conclusion, needle, timeout=60):
        """The newest check on `head` with `conclusion` whose text has `needle`."""
        deadline = time.time() + timeout
        run = None
        while time.time() < deadline:
            runs = self.governance_checks(head)
            run = runs[-1] if runs else None
            if run and run.get("conclusion") == conclusion and needle in run["output"].get("text", ""):
                return run
            time.sleep(0.3)
        raise Failed(f"no {conclusion} check on {head[:7]} saying {needle!r}: "
                     f"{run and (run.get('conclusion'), run['output'].get('text', '')[-1500:])}")

    def audit(self, service_url, token):
        status, body, _ = http("GET", service_url + "/v1/audit?repository=" + REPO, headers={"Authorization": "Bearer " + token})
        check(status == 200, f"audit export: {status} {body[:300]}")
        return [json.loads(line) for line in body.decode().splitlines() if line]

    def verify_file(self, events):
        path = os.path.join(self.tmp, "audit.jsonl")
        with open(path, "w") as f:
            for e in events:  # as the service exports them: canonical JSON (audit verify reads no other form)
                f.write(json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
        return subprocess.run([self.args.binary, "audit", "verify", path], capture_output=True, text=True, timeout=60)


def scenario_loop(w):
    """The contract: upload → decision → check run; a rebase keeps it; a changed migration resets it."""
    w.start_double()
    config = w.config()
    token = w.token(config)
    ok("serve token create prints a token once (the embedded PostgreSQL made in the data folder)")
    _, url = w.start_service(config)
    w.make_repo()
    status, body = w.webhook(url, "pull_request", "opened")
    check(status == 202, f"a signed webhook is queued: {status} {body}")
    proc, out, head = w.upload(url, token)
    check("governance: uploaded" in proc.stdout, f"pr --upload says it uploaded: {proc.stdout[-500:]} {proc.stderr[-800:]}")
    check(out.get("governance-conclusion") == "action_required", f"the step output: {out}")
    ok("pgfence pr --upload: HIGH finding → governance-conclusion=action_required")
    run = w.wait_for_check(head, "action_required")
    check(run["output"]["title"].startswith("Sign-off needed"), f"the check's title: {run['output']}")
    check(f"blob/{head}/migrations/002_email.sql#L1" in run["output"]["text"], f"items link to the lines: {run['output']['text']}")
    check(run.get("details_url") == "https://pgfence.example.com", "details_url is the service")
    ok("the App posted 'pgfence governance' = action_required on the head commit, items linked to their lines")

    # A rebase onto a new base commit that touches no migration: same content, same decision.
    git(w.repo, "checkout", "-q", "main")
    write(os.path.join(w.repo, "README.md"), "app, documented\n")
    git(w.repo, "commit", "-qam", "docs")
    git(w.repo, "checkout", "-q", "feature")
    git(w.repo, "rebase", "-q", "main")
    proc, out, head2 = w.upload(url, token)
    check(head2 != head and out.get("governance-conclusion") == "action_required", f"after the rebase: {out} {proc.stderr[-500:]}")
    w.wait_for_check(head2, "action_required")
    events = w.audit(url, token)
    evaluations = [e for e in events if e["type"] == "evaluation"]
    check(len(evaluations) == 2 and evaluations[1]["data"]["same_content_as"] == head
          and evaluations[0]["content_hash"] == evaluations[1]["content_hash"],
          f"the second evaluation is bound to the same content as the first: {evaluations}")
    ok("a rebase that changes no migration: same content hash, the decision kept (same_content_as the first head)")

    # A changed migration: a new content hash, a new decision.
    write(os.path.join(w.repo, "migrations/002_email.sql"), "CREATE INDEX CONCURRENTLY users_email ON users (email);\n")
    git(w.repo, "commit", "-qam", "concurrently")
    proc, out, head3 = w.upload(url, token)
    check(out.get("governance-conclusion") == "success", f"the fixed migration: {out} {proc.stdout[-300:]}")
    w.wait_for_check(head3, "success")
    events = w.audit(url, token)
    last_eval = [e for e in events if e["type"] == "evaluation"][-1]
    check(last_eval["content_hash"] != evaluations[0]["content_hash"] and last_eval["data"]["same_content_as"] is None,
          "a changed migration is new content: evaluated afresh")
    ok("a changed migration resets the review: new content hash, success")

    status, body = w.webhook(url, "pull_request", "closed", merged=True)
    check(status == 202, f"closed webhook: {status}")
    deadline = time.time() + 30
    while time.time() < deadline and not any(e["type"] == "merge" for e in w.audit(url, token)):
        time.sleep(0.3)
    events = w.audit(url, token)
    types = [e["type"] for e in events]
    for t in ("token", "pull_request", "upload", "evaluation", "check", "merge"):
        check(t in types, f"the audit chain has a {t} event: {types}")
    merge = [e for e in events if e["type"] == "merge"][0]
    check(merge["content_hash"] == last_eval["content_hash"], "the merge is bound to the content last reviewed")
    verified = w.verify_file(events)
    check(verified.returncode == 0 and verified.stdout.startswith("verified: 1 chain"), f"audit verify: {verified.stdout}")
    ok(f"every step is in the audit chain ({len(events)} events: {', '.join(sorted(set(types)))}) and it verifies")
    w.all_github_requests_valid()
    for proc in w.services:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    w.services = []
    verified = subprocess.run([w.args.binary, "audit", "verify", "--config", config], capture_output=True, text=True, timeout=120)
    check(verified.returncode == 0 and "verified:" in verified.stdout, f"audit verify on the data folder: {verified.stdout} {verified.stderr}")
    ok("pgfence audit verify --config (the embedded database, the service stopped) verifies the chains")


def scenario_faults(w):
    """Each fault gets its documented answer, and nothing is lost."""
    w.start_double(faults=[{"kind": "server-error", "method": "POST", "path": "check-runs$", "times": 2}])
    config = w.config()
    token = w.token(config)
    other = w.token(config, "octo/other")
    _, url = w.start_service(config)
    w.make_repo()

    base, head = w.heads()
    payload = webhooks.build("pull_request", "opened", repository_name=REPO, number=7, head_sha=head, base_sha=base,
                             installation=77)
    headers, body = webhooks.delivery("pull_request", payload, "not the secret")
    status, _ = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 401, f"a bad signature is 401: {status}")
    headers, body = webhooks.delivery("pull_request", payload, SECRET)
    headers.pop("X-Hub-Signature-256")
    status, _ = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 401, f"no signature is 401: {status}")
    ok("webhooks with a wrong or missing X-Hub-Signature-256 are refused (401)")
    delivery = "3c4a0b0e-0000-4000-8000-000000000001"
    first = w.webhook(url, "pull_request", "opened", delivery=delivery)
    again = w.webhook(url, "pull_request", "opened", delivery=delivery)
    check(first[0] == 202 and again[0] == 200 and b"duplicate" in again[1], f"a replayed delivery: {first} {again}")
    ok("a replayed X-GitHub-Delivery is answered 200 and not processed again")

    # Uploads: a real envelope from pr --upload, captured from a run against the service.
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    w.wait_for_check(head, "action_required", timeout=90)
    ok("the check run is posted although GitHub answered 5xx twice (the job retried from the queue)")

    def post(body, token=token, key="k-" + "0" * 62, extra=None):
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": key}
        headers.update(extra or {})
        return http("POST", url + "/v1/analyses", body=body, headers=headers)

    minimal = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head, "base_sha": head,
               "content_hash": "sha256:" + "0" * 64, "sql_included": True, "report": {"files": []}}
    status, body, _ = post(minimal, token="pgf_" + "1" * 48)
    check(status == 401, f"an unknown token is 401: {status}")
    status, body, _ = post(minimal, token=other)
    check(status == 401 and b"octo/other" in body, f"another repository's token is 401: {status} {body}")
    ok("an unknown token and another repository's token are refused (401)")
    status, body, _ = post(b"{not json")
    check(status == 422, f"not JSON is 422: {status}")
    status, body, _ = post(minimal)
    check(status == 422 and b"schema" in body, f"a report outside the schema is 422: {status} {body[:300]}")
    status, body, _ = post(b"x" * 2_100_000)
    check(status == 413, f"an oversized body is 413: {status}")
    ok("invalid JSON and an invalid report are 422, a body above max_upload_bytes is 413")

    # A valid report with a content hash that does not match its files.
    report = json.loads(subprocess.run([w.args.binary, "analyze", "--no-config", "--format", "json", "migrations/002_email.sql"],
                                       cwd=w.repo, capture_output=True, text=True).stdout)
    for f in report["files"]:
        f["sha256"] = hashlib.sha256(open(os.path.join(w.repo, f["path"]), "rb").read()).hexdigest()
    env_ok = dict(minimal, report=report)
    lines = "".join(f"{f['sha256']} {f['path']}\n" for f in sorted(report["files"], key=lambda f: f["path"]))
    env_ok["content_hash"] = "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    bad = dict(env_ok, content_hash="sha256:" + "1" * 64)
    status, body, _ = post(bad)
    check(status == 422 and b"content_hash" in body, f"a wrong content hash is 422: {status} {body}")
    ok("a content hash that does not match the report's files is 422")
    status, first, _ = post(env_ok, key="fresh-key-1")
    status2, second, _ = post(env_ok, key="fresh-key-1")
    check(status == 201 and status2 == 200 and json.loads(first) == json.loads(second), f"replay: {status} {status2}")
    status3, third, _ = post(dict(env_ok, pull_request=8), key="fresh-key-1")
    check(status3 == 409, f"the same key with another body is 409: {status3} {third}")
    ok("Idempotency-Key: the same body gets the first answer (200), another body 409")

    status, body, _ = http("GET", url + "/metrics")
    text = body.decode()
    check("pgfence_webhook_signature_failures_total 2" in text, "the metrics count the signature failures")
    check('pgfence_uploads_total{result="unauthorized"} 2' in text and 'pgfence_decisions_total{conclusion="action_required"}' in text,
          f"uploads and decisions are counted: {text[:1500]}")
    check('pgfence_http_request_duration_seconds_bucket{route="/v1/analyses",le="+Inf"}' in text, "the latency histogram")
    ok("/metrics: requests, latency histogram, uploads, decisions, signature failures")
    w.all_github_requests_valid("server-error")


def scenario_restart(w):
    """The database restarting mid-run, and the service killed with work queued: nothing is lost."""
    w.pg = Postgres(w.tmp)
    # Twice: the check waiting for the upload (posted on the webhook) may take the first.
    w.start_double(faults=[{"kind": "server-error", "method": "POST", "path": "check-runs$", "times": 2}])
    config = w.config(database_url=w.pg.url("postgres", "postgres"))
    token = w.token(config)
    proc, url = w.start_service(config)
    w.make_repo()
    w.pg.stop()
    status, body = w.webhook(url, "pull_request", "opened")
    check(status == 503, f"with the database down a webhook is 503 (GitHub redelivers): {status} {body}")
    status, _, _ = http("GET", url + "/healthz")
    check(status == 503, "healthz says the database is down")
    w.pg._run("pg_ctl", "-D", w.pg.data, "-l", os.path.join(w.pg.dir, "log"), "-w", "-t", "60", "-o",
              f"-p {w.pg.port} -k {w.pg.dir} -c listen_addresses=127.0.0.1", "start")
    w.pg.running = True
    status, body = w.webhook(url, "pull_request", "opened")
    check(status == 202, f"after the restart the same service accepts it: {status} {body}")
    ok("the database restarted mid-run: 503 while it is down, served again after, without restarting pgfence serve")

    # The check job fails once (GitHub 5xx) and is retried later; kill the service before that.
    proc_up, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out}")
    deadline = time.time() + 30
    while time.time() < deadline and not any(r.get("fault") for r in w.github_state()["requests"]):
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    w.services.remove(proc)
    check(not any(r.get("conclusion") for r in w.governance_checks(head)),
          f"no decision was posted before the kill (at most the check waiting for the upload): {w.governance_checks(head)}")
    w.start_service(config)
    w.wait_for_check(head, "action_required", timeout=90)
    ok("pgfence serve killed with a check run queued: the next process posted it (the queue is in the database)")


def scenario_replicas(w):
    """Two processes on one database, the same and different requests at once; then a bounded load."""
    w.pg = Postgres(w.tmp)
    w.start_double()
    config = w.config(database_url=w.pg.url("postgres", "postgres"))
    token = w.token(config)
    _, a = w.start_service(config)
    _, b = w.start_service(config)
    w.make_repo()
    delivery = "9d1f0000-0000-4000-8000-00000000abcd"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda u: w.webhook(u, "pull_request", "opened", delivery=delivery), [a, b, a, b]))
    codes = sorted(r[0] for r in results)
    check(codes == [200, 200, 200, 202], f"one delivery, four times, two replicas: exactly one queued: {codes}")
    ok("the same delivery sent to both replicas at once is processed once")

    _, _, head = w.upload(a, token)
    report = json.loads(subprocess.run([w.args.binary, "analyze", "--no-config", "--format", "json", "migrations/002_email.sql"],
                                       cwd=w.repo, capture_output=True, text=True).stdout)
    for f in report["files"]:
        f["sha256"] = hashlib.sha256(open(os.path.join(w.repo, f["path"]), "rb").read()).hexdigest()
    lines = "".join(f"{f['sha256']} {f['path']}\n" for f in sorted(report["files"], key=lambda f: f["path"]))
    envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head, "base_sha": head,
                "content_hash": "sha256:" + hashlib.sha256(lines.encode()).hexdigest(), "sql_included": True, "report": report}

    def post(target, key, body=envelope):
        start = time.perf_counter()
        status, data, _ = http("POST", target + "/v1/analyses", body=body,
                               headers={"Authorization": "Bearer " + token, "Idempotency-Key": key})
        return status, json.loads(data) if data else None, time.perf_counter() - start

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        same = list(pool.map(lambda u: post(u, "same-key"), [a, b] * 4))
    statuses = sorted(s for s, _, _ in same)
    ids = {body["id"] for s, body, _ in same if s in (200, 201)}
    check(statuses.count(201) == 1 and statuses.count(200) == 7 and len(ids) == 1, f"one key, eight posts: {statuses} {ids}")
    ok("the same upload sent to both replicas at once is recorded once; every answer names the same analysis")

    n = int(os.environ.get("PGFENCE_LOAD_UPLOADS", "200"))
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        load = list(pool.map(lambda i: post(a if i % 2 else b, f"load-{i}", dict(envelope, pull_request=100 + i)), range(n)))
    elapsed = time.perf_counter() - started
    check(all(s == 201 for s, _, _ in load), f"every upload of the load is accepted: {sorted({s for s, _, _ in load})}")
    latencies = sorted(t for _, _, t in load)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"load: {n} uploads, 8 clients, 2 replicas: {n / elapsed:.0f} uploads/s, p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms", flush=True)
    verified = subprocess.run([w.args.binary, "audit", "verify", "--database-url", w.pg.url("postgres", "postgres")],
                              capture_output=True, text=True, timeout=120)
    expected_events = 1 + 1 + 2 * (1 + 1 + n)  # token, pull_request, (upload, evaluation) per analysis
    check(verified.returncode == 0, f"the chain verifies after the load: {verified.stdout} {verified.stderr}")
    count = int(verified.stdout.split(",")[1].split()[0])
    check(count >= expected_events, f"every event is there: {verified.stdout} (at least {expected_events})")
    ok(f"the chain verifies after concurrent appends from two replicas ({verified.stdout.strip()})")


def scenario_tamper(w):
    """A changed, removed or reordered row in PostgreSQL is named by pgfence audit verify."""
    w.pg = Postgres(w.tmp)
    w.start_double()
    url_db = w.pg.url("postgres", "postgres")
    config = w.config(database_url=url_db)
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    w.webhook(url, "pull_request", "opened")
    w.upload(url, token)
    time.sleep(1)

    def verify():
        return subprocess.run([w.args.binary, "audit", "verify", "--database-url", url_db], capture_output=True, text=True, timeout=60)

    v = verify()
    check(v.returncode == 0, f"untouched, it verifies: {v.stdout} {v.stderr}")
    w.pg.sql("postgres", "UPDATE pgfence_audit_events SET event = replace(event, 'action_required', 'success') "
                         "WHERE repository = 'octo/app' AND event LIKE '%\"type\":\"evaluation\"%'")
    seq = w.pg.sql("postgres", "SELECT seq FROM pgfence_audit_events WHERE event LIKE '%\"type\":\"evaluation\"%'").split()[2]
    v = verify()
    check(v.returncode == 1 and f"octo/app seq {seq}: its hash does not match its content" in v.stdout, f"a changed row: {v.stdout}")
    ok(f"a changed row (the evaluation's conclusion rewritten) fails verification at seq {seq}")
    w.pg.sql("postgres", "UPDATE pgfence_audit_events SET event = replace(event, 'success', 'action_required') "
                         f"WHERE seq = {seq} AND repository = 'octo/app'")
    check(verify().returncode == 0, "restored, it verifies again")
    w.pg.sql("postgres", "DELETE FROM pgfence_audit_events WHERE repository = 'octo/app' AND seq = 2")
    v = verify()
    check(v.returncode == 1 and "octo/app seq 2: missing" in v.stdout, f"a removed row: {v.stdout}")
    ok("a removed row fails verification where it was (seq 2: missing)")
    w.pg.sql("postgres", "UPDATE pgfence_audit_events SET seq = -seq WHERE repository = 'octo/app' AND seq IN (3, 4);"
                         "UPDATE pgfence_audit_events SET seq = 2 WHERE repository = 'octo/app' AND seq = -4;"
                         "UPDATE pgfence_audit_events SET seq = 4 WHERE repository = 'octo/app' AND seq = -3")
    v = verify()
    check(v.returncode == 1 and "octo/app seq 2:" in v.stdout, f"reordered rows: {v.stdout}")
    ok("reordered rows fail verification")


def scenario_org_policy(w):
    """The organisation's policy file in its .github repository, read through the App, wins over
    governance.toml's; a broken one is refused with its line, and uploads wait (503)."""
    path = ".github/pgfence-policy.toml"
    w.start_double(contents=[{"repo": "octo/.github", "path": path, "text": '[policy]\nsignoff_at = "critical"\n'},
                             {"repo": "octo/broken", "path": path, "text": '[policy]\nsignoff_at = "sometimes"\n'}])
    config = w.config(extra='policy_repository = "octo/.github"')
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "success", f"signoff_at critical from octo/.github: {out} {proc.stderr[-400:]}")
    evaluation = [e for e in w.audit(url, token) if e["type"] == "evaluation"][-1]
    check(evaluation["data"]["policy"]["source"] == "octo/.github:" + path and len(evaluation["data"]["policy"]["sha"]) == 40,
          f"the evaluation names the policy it applied: {evaluation['data']['policy']}")
    ok("the policy read from octo/.github (signoff_at = critical) decided, and the audit names it with its blob sha")
    w.stop()
    w.double = None
    w.start_double(contents=[{"repo": "octo/.github", "path": path, "text": '[policy]\nsignoff_at = "sometimes"\n'}])
    config = w.config(extra='policy_repository = "octo/.github"', name="broken.toml")
    _, url = w.start_service(config)
    proc, out, head = w.upload(url, token)
    check("503" in proc.stderr or "warning: governance" in proc.stderr, f"a broken policy: the upload waits: {proc.stderr[-600:]}")
    check("octo/.github:.github/pgfence-policy.toml:2" in proc.stderr, f"the error names the file and line: {proc.stderr[-600:]}")
    ok("a broken organisation policy: uploads are refused with 503 naming octo/.github:.github/pgfence-policy.toml:2")


AUTHOR = "dave"  # opened the pull request


def comment(w, url, actor, text, **params):
    status, body = w.webhook(url, "issue_comment", "created", actor=actor, body=text, author=AUTHOR, **params)
    check(status == 202, f"issue_comment webhook: {status} {body}")


def review(w, url, actor, action="submitted", **params):
    status, body = w.webhook(url, "pull_request_review", action, actor=actor, author=AUTHOR, **params)
    check(status == 202, f"pull_request_review webhook: {status} {body}")


def signoff_world(w, policy, extra_seed=None):
    seed = {"teams": [{"team": "octo/dba", "members": ["carol"]}],
            "collaborators": [{"repo": REPO, "login": login, "permission": permission}
                              for login, permission in (("alice", "write"), ("dave", "write"), ("mallory", "read"),
                                                        ("carol", "read"))]}
    seed.update(extra_seed or {})
    w.start_double(**seed)
    config = w.config(extra="membership_cache_seconds = 0", policy=policy)
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    status, _ = w.webhook(url, "pull_request", "opened", author=AUTHOR)
    check(status == 202, "the pull request's webhook")
    w.wait_for_event(url, token, "pull_request")
    return config, token, url


def scenario_signoff(w):
    """Sign-off through the service: who may approve is asked of GitHub; approvals bind to the
    migrations' content hash; the review request is made once."""
    config, token, url = signoff_world(w, 'approvers = ["@octo/dba", "alice", "dave"]\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    run = w.wait_for_text(head, "action_required", "A review was requested from")
    requests = w.github_state()["review_requests"].get(f"{REPO}#7")
    check(requests == [{"reviewers": ["alice"], "team_reviewers": ["dba"]}],
          f"the approvers (not the author) and the team were asked for a review: {requests}")
    ok("sign-off needed: a review was requested from @octo/dba and alice (not the author), and the check says so")

    comment(w, url, "mallory", "/pgfence approve looks fine to me")
    w.wait_for_event(url, token, "approval_refused")
    deadline = time.time() + 30
    while time.time() < deadline and not any("may not sign off" in c["body"] for c in w.comments()):
        time.sleep(0.3)
    reply = [c for c in w.comments() if "may not sign off" in c["body"]]
    check(reply and "mallory" in reply[0]["body"] and "Who can: @\u200bocto/dba, alice, dave" in reply[0]["body"]
          and reply[0]["login"] == "pgfence-governance[bot]", f"the reply says who can (mentions broken): {w.comments()}")
    check(w.governance_checks(head)[-1]["conclusion"] == "action_required", "a refused approval changes nothing")
    ok("a non-approver's /pgfence approve: a reply naming who can, recorded as approval_refused, still action_required")

    comment(w, url, AUTHOR, "/pgfence approve my own")
    refused = w.wait_for_event(url, token, "approval_refused", 2)
    check("author" in refused[-1]["data"]["why"], f"the author is refused: {refused[-1]}")
    review(w, url, AUTHOR)
    refused = w.wait_for_event(url, token, "approval_refused", 3)
    check(refused[-1]["data"]["source"] == "review" and "author" in refused[-1]["data"]["why"], f"{refused[-1]}")
    check(w.governance_checks(head)[-1]["conclusion"] == "action_required", "the author cannot self-approve")
    ok("the pull request's author cannot approve their own migration (comment or review), though named an approver")

    comment(w, url, "pgfence-governance[bot]", "/pgfence approve")
    review(w, url, "alice", body="Checked on staging:\n<b>fine</b> @octo/everyone")
    run = w.wait_for_text(head, "success", "Signed off by alice")
    check(run["output"]["title"] == "Signed off by alice", f"the title: {run['output']['title']}")
    check("<b>" not in run["output"]["text"] and "@\u200bocto/everyone" in run["output"]["text"],
          f"the review's body is escaped in the check: {run['output']['text'][-800:]}")
    check(not any(e["data"].get("login") == "pgfence-governance[bot]" for e in w.audit(url, token) if e["type"].startswith("approval")),
          "the App's own comment is ignored")
    ok("an approver's approving review turns action_required into success, naming who signed off")

    comment(w, url, "alice", "/pgfence revoke")
    w.wait_for_text(head, "action_required", "Approvers:")
    w.wait_for_event(url, token, "approval_revoked")
    check(any(r["content"] == "+1" for r in w.github_state()["reactions"]), "the accepted command got a reaction")
    ok("/pgfence revoke flips it back to action_required (approval_revoked recorded)")

    comment(w, url, "alice", "/pgfence approve on an issue", on_pull_request=False)
    review(w, url, "alice", review_id=31337, body="approved again")
    w.wait_for_text(head, "success", "Signed off by alice")
    approvals = [e for e in w.audit(url, token) if e["type"] == "approval"]
    check(len(approvals) == 2 and approvals[-1]["data"]["review_id"] == 31337,
          f"a comment on an issue is no command; the second review is an approval: {approvals}")
    review(w, url, "alice", action="dismissed", review_id=31337, body="approved again")
    w.wait_for_event(url, token, "approval_revoked", 2)
    w.wait_for_text(head, "action_required", "Approvers:")
    ok("a comment on an issue is ignored; a dismissed review withdraws its approval (back to action_required)")

    comment(w, url, "carol", "/pgfence approve as the DBA on call")
    w.wait_for_text(head, "success", "Signed off by carol")
    ok("a member of the approving team (asked of GitHub) signs off with a comment")

    # A push that touches no migration: same content hash, the approval holds on the new head.
    write(os.path.join(w.repo, "README.md"), "app, documented\n")
    git(w.repo, "commit", "-qam", "docs")
    proc, out, head2 = w.upload(url, token)
    w.wait_for_text(head2, "success", "Signed off by carol")
    ok("a push that changes only another file keeps the approval")

    w.seed_double({"teams": [{"team": "octo/dba", "members": []}]})
    status, _ = w.webhook(url, "check_run", "rerequested", head_sha=head2)
    check(status == 202, "check_run rerequested")
    w.wait_for_text(head2, "action_required", "approval by carol (comment) does not count: not an approver")
    ok("carol removed from the team: her approval stops counting at the next evaluation")

    review(w, url, "alice", head_sha=head2, body="second look")
    w.wait_for_text(head2, "success", "Signed off by alice")
    write(os.path.join(w.repo, "migrations/002_email.sql"), "CREATE INDEX users_email2 ON users (email);\n")
    git(w.repo, "commit", "-qam", "another index")
    proc, out, head3 = w.upload(url, token)
    run = w.wait_for_text(head3, "action_required", "approval by alice (review) voided: the migrations changed after it")
    voided = w.wait_for_event(url, token, "approval_voided")
    check(voided[-1]["data"]["login"] == "alice", f"approval_voided: {voided}")
    ok("a push that changes a migration voids the approval: action_required, the check says why, approval_voided audited")

    check(len(w.github_state()["review_requests"].get(f"{REPO}#7", [])) == 1, "the review request was made exactly once")
    ok("the review request was made exactly once over all the evaluations")
    events = w.audit(url, token)
    verified = w.verify_file(events)
    check(verified.returncode == 0, f"audit verify: {verified.stdout}")
    types = {e["type"] for e in events}
    for t in ("approval", "approval_refused", "approval_revoked", "approval_voided", "review_requested"):
        check(t in types, f"the chain has {t}: {types}")
    ok(f"the audit chain has every sign-off event and verifies ({len(events)} events)")
    w.all_github_requests_valid()
    ok("every request to GitHub validated against its schema (team membership, permission, reactions, review request)")


def scenario_exemptions(w):
    """`/pgfence exempt` from a granter lifts a guardrail until its expiry; the check flips back by
    itself; refusals are answered; hostile text is escaped everywhere it is written."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\nrequire_lock_timeout = true\nmax_exemption_days = 10\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "failure", f"lock_timeout guardrail: {out} {proc.stderr[-400:]}")
    review(w, url, "alice")
    w.wait_for_event(url, token, "approval")
    w.wait_for_text(head, "failure", "Signed off by alice")
    ok("an approval never lifts a broken guardrail (failure stays, though alice signed off)")

    hostile_path = "<img src=x onerror=alert(1)>/[x](javascript:alert(1))`.sql"
    hostile_reason = "@octo/everyone **now** <script>alert(1)</script> | cell"
    comment(w, url, "mallory", f'/pgfence exempt lock-timeout-missing at "{hostile_path}:1" --reason "{hostile_reason}" --until 2099-01-01')
    w.wait_for_event(url, token, "exemption_refused")
    deadline = time.time() + 30
    while time.time() < deadline and not any("may not grant" in c["body"] for c in w.comments()):
        time.sleep(0.3)
    reply = [c["body"] for c in w.comments() if "may not grant" in c["body"]]
    check(reply, f"a reply to the refused exemption: {w.comments()}")
    check("<script>" not in reply[0] and "&lt;script&gt;" in reply[0] and "@\u200bocto/everyone" in reply[0]
          and "Who can: alice" in reply[0], f"the reply is escaped: {reply[0]}")
    ok("a non-granter's /pgfence exempt: refused with an escaped reply naming who can (exemption_refused audited)")

    comment(w, url, "alice", '/pgfence exempt lock-timeout-missing at migrations/002_email.sql:1 --reason "ok" --until 2099-01-01')
    refused = w.wait_for_event(url, token, "exemption_refused", 2)
    check("at most 10 days" in refused[-1]["data"]["why"], f"beyond max_exemption_days: {refused[-1]}")
    ok("an exemption longer than max_exemption_days is refused")

    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 25))
    comment(w, url, "alice", f'/pgfence exempt lock-timeout-missing at migrations/002_email.sql:1 --reason "{hostile_reason}" --until {until}')
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt drop-column at "{hostile_path}" --reason "second\u00a0one" --until {soon} ')
    w.wait_for_event(url, token, "exemption", 2)
    run = w.wait_for_text(head, "success", "`drop-column`")
    text = run["output"]["text"]
    check("<script>" not in text and "&lt;script&gt;" in text and "@\u200bocto/everyone" in text and "\\*\\*now\\*\\*" in text,
          f"the reason is escaped in the check: {text[-1500:]}")
    outside_code = re.sub(r"(`+)(.+?)\1", "", text)
    check(hostile_path in text and "<img" not in outside_code and "](javascript" not in outside_code,
          f"the hostile path stands in a code span only: {text[-1500:]}")
    check(f"until {until} \u2014 active" in text, f"the exemption is shown active with its expiry: {text[-1200:]}")
    ok("a granter's exemption lifts the guardrail until its expiry: success, shown with owner, reason and expiry, escaped")

    run = w.wait_for_text(head, "failure", "expired, no longer counts", timeout=90)
    expired = w.wait_for_event(url, token, "exemption_expired")
    check(expired[-1]["data"]["rule"] == "lock-timeout-missing", f"exemption_expired: {expired}")
    ok("at its expiry the check flips back to failure by itself, says the exemption expired (exemption_expired audited)")
    verified = w.verify_file(w.audit(url, token))
    check(verified.returncode == 0, f"audit verify: {verified.stdout}")
    w.all_github_requests_valid()
    ok("the chain verifies; every request to GitHub validated")


def upload_envelope(w, url, token, head, report, content_hash="sha256:" + "0" * 64):
    """An upload as a broken or hostile client sends it: (status, body)."""
    base, _ = w.heads()
    envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head, "base_sha": base,
                "content_hash": content_hash, "sql_included": True, "report": report}
    status, body, _ = http("POST", url + "/v1/analyses", body=envelope,
                           headers={"Authorization": "Bearer " + token, "Idempotency-Key": "k-" + head,
                                    "Content-Type": "application/json"})
    return status, json.loads(body)


def scenario_integrity(w):
    """Issue #32: nothing a pull request writes can lift the review. A refused upload leaves its
    head a failing check; a review binds to its own commit's upload only; a new head waits for its
    own upload; whoever pushed commits of the pull request counts as its author; reports that
    failed the schema (DROP SCHEMA ... CASCADE) and NUL bytes upload."""
    config, token, url = signoff_world(w, 'approvers = ["alice", "bob", "carol"]\n',
                                       extra_seed={"collaborators": [{"repo": REPO, "login": login, "permission": "write"}
                                                                   for login in ("alice", "bob", "carol", AUTHOR)]})
    proc, out, head0 = w.upload(url, token)
    w.wait_for_check(head0, "action_required")

    # Commit A: its upload is refused (here a report the schema refuses, as any 422 would be).
    write(os.path.join(w.repo, "migrations/003_a.sql"), "ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX users_a ON users (a);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "A")
    head_a = w.heads()[1]
    status, body = upload_envelope(w, url, token, head_a, {"files": []})
    check(status == 422 and "does not match" in body["message"], f"the broken upload is refused: {status} {body}")
    run = w.wait_for_check(head_a, "failure")
    check("refused" in run["output"]["title"] and "does not match docs/pgfence-report.schema.json"
          in run["output"]["summary"], f"the failing check says why: {run['output']}")
    w.wait_for_event(url, token, "upload_refused")
    ok("a refused upload (422) leaves its head a failing 'pgfence governance' check that says why (upload_refused audited)")

    # Commit B: other migrations, uploaded and decided.
    write(os.path.join(w.repo, "migrations/004_b.sql"), "CREATE INDEX users_b ON users (email, id);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "B")
    proc, out, head_b = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"B uploads: {proc.stdout[-600:]} {proc.stderr[-600:]}")
    w.wait_for_check(head_b, "action_required")

    # alice reviews commit A (whose upload failed) after B's upload: it must not approve B.
    review(w, url, "alice", head_sha=head_a, body="A looks fine")
    approval = w.wait_for_event(url, token, "approval")[-1]
    check(approval["data"].get("pending") is True and approval["data"]["commit_id"] == head_a, f"a pending approval: {approval}")
    run = w.wait_for_text(head_b, "action_required", "approval by alice (review) pending")
    time.sleep(1)
    check(w.governance_checks(head_b)[-1]["conclusion"] == "action_required", "the review of A did not approve B")
    check([r.get("conclusion") for r in w.governance_checks(head_a)][-1:] == ["failure"], "A keeps its failing check")
    ok("a review of commit A whose upload failed does not approve B, uploaded later: pending, named in the check")

    # A new head announced by GitHub waits for its own upload (never shows an earlier decision).
    write(os.path.join(w.repo, "README.md"), "app, again\n")
    git(w.repo, "commit", "-qam", "C")
    head_c = w.heads()[1]
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "synchronize webhook")
    deadline = time.time() + 30
    while time.time() < deadline and not w.governance_checks(head_c):
        time.sleep(0.3)
    runs = w.governance_checks(head_c)
    check(runs and runs[-1].get("conclusion") is None and runs[-1]["output"].get("title") == "Waiting for the upload of this commit",
          f"the new head's check waits for its upload: {runs}")
    proc, out, _ = w.upload(url, token)
    w.wait_for_check(head_c, "action_required")
    ok("a new head (synchronize) gets an in-progress check until its own upload arrives, then that upload's decision")

    # bob pushed a commit of the pull request (dave opened it): his approval is refused.
    w.seed_double({"pulls": [{"repo": REPO, "number": 7, "head_sha": head_c,
                              "commits": [{"sha": head_a, "author": AUTHOR, "committer": AUTHOR},
                                          {"sha": head_b, "author": "someone-else", "committer": "bob"}]}]})
    review(w, url, "bob", head_sha=head_c, body="I pushed B, but looks good")
    refused = w.wait_for_event(url, token, "approval_refused")
    check(refused[-1]["data"].get("login") == "bob" and "pushed commits of this pull request" in refused[-1]["data"].get("why", ""),
          f"the pusher's approval is refused: {refused[-1]}")
    comment(w, url, "bob", "/pgfence approve")
    refused = w.wait_for_event(url, token, "approval_refused", 2)
    check(refused[-1]["data"].get("source") == "comment", f"{refused[-1]}")
    check(w.governance_checks(head_c)[-1]["conclusion"] == "action_required", "bob cannot sign off")
    # carol pushed to it (GitHub names her the sender of a synchronize) while every commit names
    # others: she counts as an author all the same.
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR, sender="carol")
    check(status == 202, "carol's synchronize webhook")
    comment(w, url, "carol", "/pgfence approve")
    refused = w.wait_for_event(url, token, "approval_refused", 3)
    check(refused[-1]["data"].get("login") == "carol" and "pushed commits of this pull request" in refused[-1]["data"].get("why", ""),
          f"the pusher (the sender of synchronize) is refused: {refused[-1]}")
    check(w.governance_checks(head_c)[-1]["conclusion"] == "action_required", "carol cannot sign off")
    review(w, url, "alice", head_sha=head_c, body="checked C")
    w.wait_for_text(head_c, "success", "Signed off by alice")
    ok("whoever committed (pushed) commits of the pull request counts as its author: refused; alice on C signs off")

    # Reports that used to fail the upload: DROP SCHEMA ... CASCADE (lock kind schema, outside the
    # report schema) and a NUL byte in the SQL (which PostgreSQL's jsonb cannot hold).
    # (The schema holds a table an earlier file made: DROP SCHEMA ... CASCADE of it is CRITICAL.)
    with open(os.path.join(w.repo, "migrations/005_c_legacy.sql"), "w") as f:
        f.write("CREATE SCHEMA legacy;\nCREATE TABLE legacy.old_events (id bigint PRIMARY KEY);\n")
    with open(os.path.join(w.repo, "migrations/005_d.sql"), "wb") as f:
        f.write(b"DROP SCHEMA legacy CASCADE;\nCOMMENT ON TABLE users IS 'nul \x00 here';\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "D")
    proc, out, head_d = w.upload(url, token)
    check("governance: uploaded" in proc.stdout and out.get("governance-conclusion") == "failure",
          f"D uploads (DROP SCHEMA CASCADE is a CRITICAL guardrail): {proc.stdout[-400:]} {proc.stderr[-400:]}")
    w.wait_for_check(head_d, "failure")
    status, body = upload_envelope(w, url, token, head_d, {"files": [], "x": "nul \u0000"})
    check(status == 422 and "NUL" in body["message"], f"a NUL from another client is refused by name: {status} {body}")
    ok("a report with DROP SCHEMA ... CASCADE and a NUL byte in the SQL uploads (the NUL written U+FFFD); "
       "a NUL sent by another client is a clear 422, not a 500")
    verified = w.verify_file(w.audit(url, token))
    check(verified.returncode == 0, f"audit verify: {verified.stdout}")
    w.all_github_requests_valid()
    ok("the chain verifies; every request to GitHub validated (pulls/list-commits among them)")


def scenario_exemption_rewrite(w):
    """Issue #32: an exemption is bound to the statement it covers; a rewrite voids it."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\nrequire_lock_timeout = true\nmax_exemption_days = 10\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "failure", f"lock_timeout guardrail: {out} {proc.stderr[-400:]}")
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt lock-timeout-missing at migrations/002_email.sql:1 --reason "reviewed" --until {soon}')
    granted = w.wait_for_event(url, token, "exemption")
    check(granted[-1]["data"].get("statements_sha256"), f"the exemption records what it covers: {granted[-1]}")
    w.wait_for_text(head, "action_required", "`lock-timeout-missing`")
    ok("the exemption at FILE:LINE lifts the guardrail and records the hash of the statement it covers")

    # Another statement at the same line: the exemption no longer applies.
    write(os.path.join(w.repo, "migrations/002_email.sql"), "CREATE INDEX users_email ON users (lower(email));\n")
    git(w.repo, "commit", "-qam", "rewrite")
    proc, out, head2 = w.upload(url, token)
    run = w.wait_for_text(head2, "failure", "voided: what it covers changed after it was granted")
    voided = w.wait_for_event(url, token, "exemption_voided")
    check(voided[-1]["data"]["rule"] == "lock-timeout-missing" and voided[-1]["data"]["line"] == 1, f"{voided[-1]}")
    check(out.get("governance-conclusion") == "failure", f"the upload's own answer does not apply it either: {out}")
    ok("a rewrite of the exempted statement voids the exemption: failure, the check says so, exemption_voided audited")
    verified = w.verify_file(w.audit(url, token))
    check(verified.returncode == 0, f"audit verify: {verified.stdout}")
    w.all_github_requests_valid()
    ok("the chain verifies; every request to GitHub validated")


def scenario_exemption_binding(w):
    """Red team: an exemption is bound to the upload of the head whose check was shown when it was
    granted, and at FILE:LINE also to the findings it covers, which name the statements of a
    called function's body: rewriting the body elsewhere voids it, an unrelated change does not."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\ncritical_needs_exemption = true\n'
                                          'exemptable = ["truncate-cascade"]\nmax_exemption_days = 10\n')
    write(os.path.join(w.repo, "migrations/003_fn.sql"),
          "CREATE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ TRUNCATE staging_sessions CASCADE $$;\n")
    write(os.path.join(w.repo, "migrations/004_call.sql"), "SET lock_timeout = '2s';\nSELECT cleanup();\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "fn")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "synchronize webhook")
    w.wait_for_event(url, token, "pull_request", 2)
    # Granted once the head's check was posted: bound at once to what it covers in that upload
    # (never to a head whose upload is pending: comment_binding_test.py exempt_race). One of them
    # names a file the head does not have: it covers nothing there, and is voided when it appears.
    proc, out, head1 = w.upload(url, token)
    w.wait_for_check(head1, "failure")
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt truncate-cascade at migrations/004_call.sql:2 --reason "staging only" --until {soon}')
    comment(w, url, "alice", f'/pgfence exempt truncate-cascade at migrations/005_x.sql:2 --reason "later" --until {soon}')
    granted = w.wait_for_event(url, token, "exemption", 2)
    check(all(g["data"].get("pending") is False and g["data"]["head_sha"] == head1 and g["data"].get("statements_sha256")
              for g in granted), f"granted on the head whose check was posted: bound to it at once: {granted}")
    run = w.wait_for_text(head1, "action_required", "staging only")
    ok("an exemption granted on a posted check is bound to what it covers there, and applies")

    # An unrelated change: the exemptions stay.
    write(os.path.join(w.repo, "README.md"), "app, unrelated\n")
    git(w.repo, "commit", "-qam", "unrelated")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    proc, out, head2 = w.upload(url, token)
    w.wait_for_check(head2, "action_required")
    check(not [e for e in w.audit(url, token) if e["type"] == "exemption_voided"], "an unrelated change voids nothing")
    ok("an unrelated change voids no exemption")

    # The file the second one named appears with TRUNCATE ... CASCADE: it does not lift it.
    write(os.path.join(w.repo, "migrations/005_x.sql"), "SET lock_timeout = '2s';\nTRUNCATE users CASCADE;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "x")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    proc, out, head3 = w.upload(url, token)
    w.wait_for_check(head3, "failure")
    voided = w.wait_for_event(url, token, "exemption_voided")
    check([v["data"]["path"] for v in voided] == ["migrations/005_x.sql"], f"the exemption of the absent file is voided: {voided}")
    ok("an exemption granted before its file existed covers nothing: the file's TRUNCATE ... CASCADE fails the check")
    write(os.path.join(w.repo, "migrations/005_x.sql"), "SELECT 1;\n")
    git(w.repo, "commit", "-qam", "x gone")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    proc, out, head4 = w.upload(url, token)
    w.wait_for_check(head4, "action_required")

    # The called body is rewritten in 003_fn.sql; the exempted call at 004_call.sql:2 is unchanged.
    write(os.path.join(w.repo, "migrations/003_fn.sql"),
          "CREATE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ TRUNCATE users CASCADE $$;\n")
    git(w.repo, "commit", "-qam", "swap body")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    proc, out, head5 = w.upload(url, token)
    check(out.get("governance-conclusion") == "failure", f"the upload's own answer does not apply it: {out}")
    w.wait_for_text(head5, "failure", "voided: what it covers changed after it was granted")
    voided = w.wait_for_event(url, token, "exemption_voided", 2)
    check(voided[-1]["data"]["path"] == "migrations/004_call.sql" and voided[-1]["data"]["line"] == 2, f"{voided[-1]}")
    ok("a rewrite of the called function's body voids the exemption at the call: failure, exemption_voided audited")
    verified = w.verify_file(w.audit(url, token))
    check(verified.returncode == 0, f"audit verify: {verified.stdout}")
    w.all_github_requests_valid()
    ok("the chain verifies; every request to GitHub validated")


def scenario_commit_cap(w):
    """Red team: GitHub lists at most 250 commits of a pull request. Below that every page is read
    (a committer on the third page counts as an author); at the cap the authors are unknown and
    no approval or exemption is granted."""
    config, token, url = signoff_world(w, 'approvers = ["alice", "bob"]\nrequire_lock_timeout = true\nmax_exemption_days = 10\n',
                                       extra_seed={"collaborators": [{"repo": REPO, "login": login, "permission": "write"}
                                                                   for login in ("alice", "bob")]})
    proc, out, head = w.upload(url, token)
    w.wait_for_check(head, "failure")

    def seed(count, bob_at):
        commits = [{"sha": f"{i + 1:040x}", "author": AUTHOR, "committer": AUTHOR} for i in range(count)]
        commits.insert(bob_at, {"sha": "b" * 40, "author": "bob", "committer": "bob"})
        w.seed_double({"pulls": [{"repo": REPO, "number": 7, "head_sha": head, "commits": commits}]})

    seed(200, 200)  # bob's commit is the 201st: on the third page
    review(w, url, "bob", head_sha=head, body="fine")
    refused = w.wait_for_event(url, token, "approval_refused")
    check("pushed commits of this pull request" in refused[-1]["data"].get("why", ""), f"bob is an author: {refused[-1]}")
    ok("a committer on the third page of the pull request's commits counts as its author")

    seed(300, 300)  # bob's commit is the 301st: GitHub never lists it
    review(w, url, "bob", head_sha=head, body="fine, again")
    refused = w.wait_for_event(url, token, "approval_refused", 2)
    check("more commits than GitHub lists (250)" in refused[-1]["data"].get("why", ""), f"bob is refused: {refused[-1]}")
    comment(w, url, "alice", "/pgfence approve")
    refused = w.wait_for_event(url, token, "approval_refused", 3)
    check(refused[-1]["data"]["login"] == "alice" and "more commits than GitHub lists (250)" in refused[-1]["data"]["why"],
          f"alice is refused too: {refused[-1]}")
    comment(w, url, "alice", '/pgfence exempt lock-timeout-missing at migrations/002_email.sql:1 --reason "x" --until 2099-01-01')
    refused = w.wait_for_event(url, token, "exemption_refused")
    check("more commits than GitHub lists (250)" in refused[-1]["data"]["why"], f"the exemption is refused: {refused[-1]}")
    deadline = time.time() + 30
    while time.time() < deadline and not any("more commits than GitHub lists" in c["body"] for c in w.comments()):
        time.sleep(0.3)
    check(any("more commits than GitHub lists" in c["body"] for c in w.comments()), f"a reply says why: {w.comments()}")
    time.sleep(1)
    check(w.governance_checks(head)[-1]["conclusion"] == "failure", "nothing was signed off")
    ok("250 or more commits: the authors are unknown, approvals and exemptions are refused and say why")
    w.all_github_requests_valid()
    ok("every request to GitHub validated")


def post_chunked(url, headers, size):
    """A chunked POST of `size` bytes of JSON-ish text (no Content-Length): (status or the error's name)."""
    parts = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=60)
    piece = b"x" * 65536
    try:
        conn.request("POST", parts.path, body=iter([piece] * (size // len(piece) + 1)), headers=headers, encode_chunked=True)
        return conn.getresponse().status
    except (ConnectionError, OSError) as e:
        return type(e).__name__
    finally:
        conn.close()


def scenario_oversize(w):
    """Issue #32, the upload made to fail by its size: a pull request whose report is larger than
    max_upload_bytes gets a failing check on its head that says so (the head named by pgfence pr's
    Pgfence-* headers, trusted only as far as the token goes); pr prints one error line (exit 2
    with --upload-required); a review of that commit binds to no earlier upload."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    other = w.token(config, "octo/other")
    proc, out, head0 = w.upload(url, token)
    w.wait_for_check(head0, "action_required")

    # Commit D: a migration whose report is above the service's 2000000 bytes (the SQL is sent).
    big = "".join(f"COMMENT ON TABLE users IS '{i:05d} " + "y" * 60000 + "';\n" for i in range(40))
    write(os.path.join(w.repo, "migrations/003_big.sql"), big)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "D")
    head_d = w.heads()[1]
    # GitHub announces D (synchronize): the service knows D is pull request 7's head.
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "synchronize webhook")
    deadline = time.time() + 30
    while time.time() < deadline and not w.governance_checks(head_d):
        time.sleep(0.3)
    check(w.governance_checks(head_d), "D's in-progress check after its synchronize")
    proc, out, _ = w.upload(url, token, "--upload-required")
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    check(proc.returncode == 2 and len(errors) == 1 and "413" in errors[0] and "max_upload_bytes" in errors[0],
          f"pr --upload-required: exit 2 and one error line naming the limit: {proc.returncode} {errors} {proc.stderr[-600:]}")
    ok(f"pr on a report above max_upload_bytes: exit 2 and one line: {errors[0][:160]}...")
    run = w.wait_for_check(head_d, "failure")
    summary = run["output"]["summary"]
    check("refused" in run["output"]["title"] and "max_upload_bytes (2000000)" in summary and " bytes) is larger" in summary
          and "split the pull request" in summary, f"the failing check says the size and the limit: {run['output']}")
    refused = w.wait_for_event(url, token, "upload_refused")
    check(refused[-1]["data"]["status"] == 413 and refused[-1]["data"]["head_sha"] == head_d, f"upload_refused: {refused[-1]}")
    ok("a report above max_upload_bytes leaves its head a failing check naming the size and the limit (upload_refused 413)")

    # The same head refused again and again (a retrying CI, or a token holder flooding): 413 each
    # time, but one upload_refused event and one failing check run, not one per request.
    big_body = b"{" + b" " * 2_100_000 + b"}"
    for i in range(20):
        status, _, _ = http("POST", url + "/v1/analyses", body=big_body,
                            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                                     "Idempotency-Key": f"k-again-{i}", "Pgfence-Repository": REPO,
                                     "Pgfence-Pull-Request": "7", "Pgfence-Head-Sha": head_d})
        check(status == 413, f"a repeated oversize upload: {status}")
    time.sleep(3)
    events = w.audit(url, token)
    refusals = [e for e in events if e["type"] == "upload_refused" and e["data"].get("head_sha") == head_d]
    failing = [e for e in events if e["type"] == "check" and e["data"].get("head_sha") == head_d
               and e["data"].get("conclusion") == "failure"]
    check(len(refusals) == 1 and len(failing) == 1,
          f"20 repeated oversize uploads of D: {len(refusals)} upload_refused events, {len(failing)} failing check runs")
    ok("oversize uploads repeated for one head: 413 each, one upload_refused event and one failing check run")

    # A commit that is not the pull request's head as GitHub announced it (main's commit here):
    # 413 and no check, whatever the token.
    base_sha = w.heads()[0]
    status, _, _ = http("POST", url + "/v1/analyses", body=big_body,
                        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                                 "Idempotency-Key": "k-base", "Pgfence-Repository": REPO,
                                 "Pgfence-Pull-Request": "7", "Pgfence-Head-Sha": base_sha})
    check(status == 413, f"an oversize upload naming main's commit: {status}")
    time.sleep(2)
    check(not w.governance_checks(base_sha), f"main's commit got a check: {w.governance_checks(base_sha)}")
    ok("an oversize upload naming a commit that is not the pull request's head: 413 and no check")

    # alice approves commit D: no upload of D was accepted, so the approval binds to none (not to head0's).
    review(w, url, "alice", head_sha=head_d, body="D looks fine")
    approval = w.wait_for_event(url, token, "approval")[-1]
    check(approval["data"].get("pending") is True and approval["data"]["commit_id"] == head_d, f"a pending approval: {approval}")
    time.sleep(2)
    bound = [e for e in w.audit(url, token) if e["type"] == "approval_bound"]
    check(not bound, f"the approval of D was bound to an upload: {bound}")
    check([r.get("conclusion") for r in w.governance_checks(head_d)][-1:] == ["failure"], "D keeps its failing check")
    check(w.governance_checks(head0)[-1]["conclusion"] == "action_required", "the review of D approved head0's upload")
    ok("a review approving commit D (upload too large) is pending: it approves no earlier upload, D's check still fails")

    # The headers are trusted only as far as the token: another repository's token, a repository
    # the token is not for, no headers (an older pgfence), malformed ones: 413 and nothing else.
    def oversize(headers, token=token):
        h = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": "k-big"}
        h.update(headers)
        return http("POST", url + "/v1/analyses", body=b"{" + b" " * 2_100_000 + b"}", headers=h)
    ghost = "e" * 40
    named = {"Pgfence-Repository": REPO, "Pgfence-Pull-Request": "7", "Pgfence-Head-Sha": ghost}
    for headers, tok, what in ((named, other, "another repository's token"),
                               (dict(named, **{"Pgfence-Repository": "octo/other"}), token, "another repository named"),
                               ({}, token, "no headers"),
                               (dict(named, **{"Pgfence-Head-Sha": ghost.upper()}), token, "a head in upper case"),
                               (dict(named, **{"Pgfence-Pull-Request": "+7"}), token, "a signed number"),
                               ({"Pgfence-Repository": REPO, "Pgfence-Head-Sha": ghost}, token, "no pull request header")):
        status, body, _ = oversize(headers, tok)
        check(status == 413 and b"max_upload_bytes" in body and b"(2100002 bytes) is larger than the service's max_upload_bytes (2000000)" in body,
              f"{what}: 413 naming the size and the limit: {status} {body[:300]}")
    status, body, _ = oversize(named, "pgf_" + "1" * 48)
    check(status == 401, f"an unknown token: 401 from the headers, the body not kept: {status}")
    time.sleep(2)
    check(not w.governance_checks(ghost) and len(w.wait_for_event(url, token, "upload_refused")) == 1,
          f"a head named beyond the token's reach got a check: {w.governance_checks(ghost)}")
    ok("oversize uploads naming a head the token does not cover, or none, or malformed: 413 and no check")

    # A chunked body (no Content-Length) that grows past the limit: reading stops there.
    ghost2 = "f" * 40
    result = post_chunked(url + "/v1/analyses", {"Authorization": "Bearer " + token, "Idempotency-Key": "k-chunked",
                                                 "Content-Type": "application/json", "Pgfence-Repository": REPO,
                                                 "Pgfence-Pull-Request": "7", "Pgfence-Head-Sha": ghost2}, 3_000_000)
    check(result in (413, "ConnectionResetError", "BrokenPipeError"), f"a chunked body past the limit: {result}")
    time.sleep(2)
    check(not w.governance_checks(ghost2), f"a chunked oversize upload of an unknown head got a check: {w.governance_checks(ghost2)}")
    status, _, _ = http("GET", url + "/healthz")
    check(status == 200, "the service answers after the chunked upload")
    ok("a chunked upload growing past max_upload_bytes: reading stops at the limit; a head GitHub never announced gets no check")

    # Headers that name another head than a readable envelope: refused (422).
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": "k-mismatch",
         "Pgfence-Repository": REPO, "Pgfence-Pull-Request": "8", "Pgfence-Head-Sha": head0}
    base, _ = w.heads()
    envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head0, "base_sha": base,
                "content_hash": "sha256:" + "0" * 64, "sql_included": True, "report": {"files": []}}
    status, body, _ = http("POST", url + "/v1/analyses", body=envelope, headers=h)
    check(status == 422 and b"another head than the envelope" in body, f"mismatched headers: {status} {body}")
    ok("headers naming another head than the envelope are refused (422)")
    w.all_github_requests_valid()
    ok("every request to GitHub validated")



def vm_hwm_mb(pid):
    """The process's peak resident memory (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise Failed(f"no VmHWM for {pid}")


def raw_request(url, head, body=b"", timeout=60):
    """Sends raw bytes (headers then body, the body possibly in pieces); the status line's code, or
    the error's name when the service closed the connection first."""
    parts = urllib.parse.urlsplit(url)
    s = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    try:
        s.sendall(head)
        for piece in ([body] if isinstance(body, bytes) else body):
            s.sendall(piece)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        line = data.split(b"\r\n", 1)[0].decode(errors="replace").split()
        return int(line[1]) if len(line) > 1 else "closed"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()


def scenario_body_limits(w):
    """Red team (issue #32): request bodies are read with a limit on every route, before any
    signature or route check. cpp-httplib 0.11 inflates a gzip body into memory and bounds no
    chunked body by itself: a compressed body is refused from its headers (415), the webhook's
    body is read up to GitHub's 25 MB cap (413 past it), a form or unknown route's up to 64 KiB;
    the service's peak memory stays bounded."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    pid = w.services[-1].pid  # `pgfence serve` execs pgfence-serve: the same process
    host = urllib.parse.urlsplit(url).netloc
    start = vm_hwm_mb(pid)

    # A gzip bomb (200 MB of zeros in about 200 KB) on the unsigned webhook route, on the sign-in
    # page's route and on the upload route: 415 from the headers, nothing inflated.
    bomb = gzip.compress(b"\0" * (200 << 20), 9)
    for path, extra in (("/v1/github/webhook", "X-GitHub-Event: ping\r\n"), ("/login", ""), ("/logout", ""),
                        ("/v1/analyses", f"Authorization: Bearer {token}\r\nIdempotency-Key: k-gz\r\n")):
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{extra}"
                f"Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n").encode()
        status = raw_request(url, head, bomb)
        check(status in (415, "ConnectionResetError", "BrokenPipeError"), f"a gzip bomb on POST {path}: {status}")
    after_bomb = vm_hwm_mb(pid)
    check(after_bomb < start + 60, f"the gzip bombs raised the service's peak memory from {start} to {after_bomb} MB")
    ok(f"gzip bombs on the webhook, page and upload routes: 415 before any inflating (peak memory {start} -> {after_bomb} MB)")

    # A chunked webhook of 100 MB (no Content-Length, a made-up signature): reading stops at 25 MB.
    piece = b"x" * (1 << 20)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = (f"POST /v1/github/webhook HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nX-GitHub-Event: ping\r\nX-Hub-Signature-256: sha256={'0' * 64}\r\n\r\n").encode()
    status = raw_request(url, head, iter([chunk] * 100 + [b"0\r\n\r\n"]))
    check(status in (413, "ConnectionResetError", "BrokenPipeError"), f"a 100 MB chunked webhook: {status}")
    after_chunked = vm_hwm_mb(pid)
    check(after_chunked < start + 90, f"a 100 MB chunked webhook raised the service's peak memory from {start} to {after_chunked} MB")
    ok(f"a 100 MB chunked webhook: {status}, reading stopped at GitHub's cap (peak memory {start} -> {after_chunked} MB)")

    # Routes that read no body of their own: a chunked body (411) or one above 64 KiB (413), unread.
    head = (f"POST /logout HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    status = raw_request(url, head, iter([chunk] * 50 + [b"0\r\n\r\n"]))
    check(status in (411, "ConnectionResetError", "BrokenPipeError"), f"a chunked sign-out form: {status}")
    status, _, _ = http("POST", url + "/no/such/route", body=b"x" * 200_000)
    check(status == 413, f"200 KB posted to an unknown route: {status}")
    check(vm_hwm_mb(pid) < start + 90, f"peak memory {vm_hwm_mb(pid)} MB")
    ok("a chunked form and an oversize body on an unknown route: 411 and 413, unread")

    # Signed webhooks still arrive (uncompressed, with their Content-Length), and the service answers.
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, f"a signed webhook after the attacks: {status}")
    status, _, _ = http("GET", url + "/healthz")
    check(status == 200, f"healthz after the attacks: {status}")
    ok("signed webhooks are still accepted and the service answers")


def scenario_signoff_tool_settings(w):
    """Issue #53 item 4: an approval binds to the settings the migrations were read with. Alice signs
    off a Flyway migration that reads a placeholder; a push that changes only flyway.conf (the
    placeholder's value) voids it."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    git(w.repo, "checkout", "-q", "main")
    write(os.path.join(w.repo, "flyway.conf"), "flyway.locations=filesystem:db/migration\nflyway.placeholders.users_note=Accounts\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "flyway settings")
    git(w.repo, "checkout", "-q", "feature")
    git(w.repo, "merge", "-q", "--no-edit", "main")
    write(os.path.join(w.repo, "db/migration/V3__note.sql"), "COMMENT ON TABLE users IS '${users_note}';\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "note")
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    review(w, url, "alice", head_sha=head)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("alice signs off the head whose Flyway migration reads ${users_note}")

    write(os.path.join(w.repo, "flyway.conf"), "flyway.locations=filesystem:db/migration\nflyway.placeholders.users_note=x'; DROP TABLE users; --\n")
    git(w.repo, "commit", "-qam", "only the settings")
    proc, out, head2 = w.upload(url, token)
    w.wait_for_text(head2, "action_required", "approval by alice (review) voided: the migrations changed after it")
    voided = w.wait_for_event(url, token, "approval_voided")
    check(voided[-1]["data"]["login"] == "alice", f"approval_voided: {voided}")
    ok("a push that changes only flyway.conf voids the approval: action_required, the check says why")


SCENARIOS = {"signoff_tool_settings": scenario_signoff_tool_settings, "loop": scenario_loop, "org_policy": scenario_org_policy, "faults": scenario_faults, "restart": scenario_restart, "replicas": scenario_replicas,
             "tamper": scenario_tamper, "signoff": scenario_signoff, "exemptions": scenario_exemptions,
             "integrity": scenario_integrity, "exemption_rewrite": scenario_exemption_rewrite,
             "exemption_binding": scenario_exemption_binding, "commit_cap": scenario_commit_cap,
             "oversize": scenario_oversize, "body_limits": scenario_body_limits}


def run_world(args, name, scenario):
    """Runs `scenario(world)` in a fresh temporary folder (the postgres user must enter it):
    0, 1 with the service's logs after FAILED, or 77 when the shared schemas or PostgreSQL 15's
    server are absent."""
    if not os.path.isdir(args.schemas):
        print(f"SKIP: no schemas at {args.schemas}")
        return 77
    if not os.path.exists("/usr/lib/postgresql/15/bin/initdb"):
        print("SKIP: PostgreSQL 15's server is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix=f"pgfence-serve-{name}-")
    os.chmod(tmp, 0o755)
    w = World(args, tmp)
    try:
        scenario(w)
    except Failed as e:
        print(f"FAILED: {e}")
        for log in sorted(os.listdir(tmp)):
            if log.startswith("serve-") and log.endswith(".log"):
                print(f"--- {log}:\n" + open(os.path.join(tmp, log)).read()[-3000:])
        return 1
    finally:
        w.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def world_main(doc, scenarios):
    """The command line every governance test file shares: one scenario by name, against the
    binary given, with the GitHub schemas the double checks against."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("scenario", choices=sorted(scenarios))
    ap.add_argument("--binary", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    return run_world(args, args.scenario, scenarios[args.scenario])


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
