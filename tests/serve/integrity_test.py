"""The governance service's integrity fixes (issue #32), end to end on serve_test.py's world: the
real service, its database, the GitHub double, signed webhooks.

    integrity_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  slow_clients  80 connections trickling a request byte by byte: /healthz and an upload still answer;
                the same over TLS (tls_cert)
  redelivery    a delivery whose processing failed is taken again when GitHub redelivers it; one
                processed stays a duplicate
  ghes          github_url on a GitHub Enterprise Server: the check run links there, never to
                github.com; odd dates (/v1/audit?since, --until) are refused with one line; an
                exported audit line with a key given twice does not verify
  oauth         the page's sign-in: a state without the browser's cookie, a replayed state and a
                wrong PKCE verifier never sign in; callbacks from one address cannot block another's
  unsigned_flood  24 anonymous 25 MB webhooks at once (wrong signatures): the service's peak memory
                stays within a bound; signed deliveries (small during the flood, 24 MB after) are
                accepted; an upload without a live token is 401 before its body is kept
  refused_first an upload refused (413 too large, 422 invalid) before the webhook naming its head:
                the head's check fails saying why, in either order, and a waiting check queued by
                the webhook never replaces the failing one
"""
import argparse
import concurrent.futures
import json
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import http.client as httpclient

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import (AUTHOR, REPO, SECRET, Failed, check, comment, cookie_of, free_port, get, git, header, http, ok,  # noqa: E402
                        run_world, signoff_world, vm_hwm_mb, write)
from original_readme_test import Postgres  # noqa: E402  (serve_test put tests/cli on the path)
import webhooks  # noqa: E402


def trickle(port, connections, seconds, interval, report):
    """`connections` sockets to 127.0.0.1:port, each sending a request's start and then one header
    byte every `interval` seconds, never finishing; stops after `seconds`. report["closed"]: how
    many the server closed before that, report["left_open"]: how many were still open."""
    socks = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        s.send(b"POST /v1/analyses HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    report["opened"] = len(socks)
    open_socks = set(socks)
    closed = 0
    end = time.time() + seconds
    next_byte = time.time() + interval
    while open_socks and time.time() < end:
        readable, _, _ = select.select(list(open_socks), [], [], 0.2)
        for s in readable:  # the server answered or closed: either way it let go of the thread
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                open_socks.discard(s)
                s.close()
                closed += 1
        if time.time() >= next_byte:
            next_byte += interval
            for s in list(open_socks):
                try:
                    s.send(b"a")
                except OSError:
                    open_socks.discard(s)
                    s.close()
                    closed += 1
    report["closed"] = closed
    report["left_open"] = len(open_socks)
    for s in open_socks:
        s.close()


def scenario_slow_clients(w):
    """Slow connections cannot starve the service's 64 threads: each request has a deadline."""
    w.start_double()
    config = w.config()
    token = w.token(config)
    port = free_port()
    first, url = w.start_service(config, port)
    report = {}
    started = time.time()
    slow = threading.Thread(target=trickle, args=(port, 80, 75, 2.0, report))
    slow.start()
    deadline = time.time() + 30
    while "opened" not in report and time.time() < deadline:
        time.sleep(0.1)
    check(report.get("opened") == 80, f"80 connections opened: {report}")
    time.sleep(1)  # every trickling connection is accepted and holding a thread (64) or queued (16)

    def timed(method, path, body=None, headers=None):
        start = time.time()
        try:
            status, data, _ = http(method, url + path, body=body, headers=headers, timeout=45)
        except (OSError, httpclient.HTTPException) as e:
            return None, repr(e), time.time() - start
        return status, data, time.time() - start

    envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": "a" * 40, "base_sha": "b" * 40,
                "content_hash": "sha256:" + "0" * 64, "sql_included": True, "report": {"files": []}}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        health = pool.submit(timed, "GET", "/healthz")
        upload = pool.submit(timed, "POST", "/v1/analyses", envelope,
                             {"Authorization": "Bearer " + token, "Idempotency-Key": "slow-clients-1"})
        health, upload = health.result(), upload.result()
    check(health[0] == 200 and health[2] < 35, f"/healthz answers within 35 s while 80 connections trickle: {health}")
    check(upload[0] == 422 and upload[2] < 35, f"an upload is answered (422: not a report) within 35 s: {upload}")
    ok(f"with 80 trickling connections open, /healthz answered in {health[2]:.1f} s and an upload in {upload[2]:.1f} s")
    slow.join()
    check(report.get("opened") == 80 and report.get("closed") == 80 and report.get("left_open") == 0,
          f"the service closed every trickling connection before the client gave up ({time.time() - started:.0f} s): {report}")
    status, _, _ = http("GET", url + "/healthz", timeout=5)
    check(status == 200, "the service is well afterwards")
    ok("each trickling connection was closed by the service at its request's deadline")

    # The same loop serves TLS (tls_cert): answers on a kept-alive connection, and a client that
    # never says hello is let go within the deadline. (One service on the data folder at a time.)
    first.terminate()
    first.wait(timeout=30)
    w.services.remove(first)
    cert, key = os.path.join(w.tmp, "cert.pem"), os.path.join(w.tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    tls_port = free_port()
    tls_config = w.config(name="tls.toml", extra=f'tls_cert = "{cert}"\ntls_key = "{key}"')
    proc = subprocess.Popen([w.args.binary, "serve", "--config", tls_config, "--listen", f"127.0.0.1:{tls_port}"],
                            stdout=open(os.path.join(w.tmp, f"serve-{tls_port}.log"), "w"), stderr=subprocess.STDOUT)
    w.services.append(proc)
    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False
    answers = []
    deadline = time.time() + 60
    while time.time() < deadline and not answers:
        try:
            conn = httpclient.HTTPSConnection("127.0.0.1", tls_port, context=context, timeout=10)
            for _ in range(3):
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                answers.append((r.status, r.read()))
            conn.close()
        except (OSError, httpclient.HTTPException):
            answers = []
            time.sleep(0.3)
    check([a[0] for a in answers] == [200, 200, 200], f"three answers over one TLS connection: {answers}")
    silent = socket.create_connection(("127.0.0.1", tls_port), timeout=40)
    start = time.time()
    got = silent.recv(10)
    check(got == b"" and time.time() - start < 25, f"a client that never starts TLS is closed within 25 s: {got} {time.time() - start:.1f}")
    ok(f"with tls_cert: answers over a kept-alive TLS connection; a silent client closed after {time.time() - start:.0f} s")


def scenario_redelivery(w):
    """GitHub's Redeliver of a failed delivery is processed; of a processed one, it is a duplicate."""
    w.pg = Postgres(w.tmp)
    w.start_double()
    db = w.pg.url("postgres", "postgres")
    config = w.config(database_url=db)
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    base, head = w.heads()
    # The database refuses the pull request's row for now: the delivery's job fails.
    w.pg.sql("postgres", "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
                         "CREATE TRIGGER refuse BEFORE INSERT ON pgfence_pull_requests FOR EACH ROW EXECUTE FUNCTION refuse()")
    delivery = "7e0d0000-0000-4000-8000-0000000fa11d"
    payload = webhooks.build("pull_request", "opened", repository_name=REPO, number=7, head_sha=head, base_sha=base,
                             installation=77)
    headers, body = webhooks.delivery("pull_request", payload, SECRET, delivery_id=delivery)
    status, answer = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 202, f"the delivery is queued: {status} {answer}")

    def job_state():
        """[failed, not done, with an error] of the delivery's jobs."""
        out = w.pg.sql("postgres", "SELECT format('state %s %s %s', count(*) FILTER (WHERE failed), "
                                   "count(*) FILTER (WHERE done_at IS NULL), count(*) FILTER (WHERE last_error IS NOT NULL)) "
                                   f"FROM pgfence_jobs WHERE payload->>'delivery' = '{delivery}'")
        return [int(x) for x in re.search(r"state (\d+) (\d+) (\d+)", out).groups()]

    deadline = time.time() + 30
    while time.time() < deadline and job_state()[2] == 0:
        time.sleep(0.3)
    check(job_state() == [0, 1, 1], f"the job failed once and waits for its next attempt: {job_state()}")
    status, answer = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 200 and b"duplicate" in answer, f"redelivered while its job is still being retried: a duplicate: {status} {answer}")
    # The last of its eight attempts, now rather than in minutes: the job fails for good.
    w.pg.sql("postgres", f"UPDATE pgfence_jobs SET attempts = 7, run_after = now() WHERE payload->>'delivery' = '{delivery}'")
    deadline = time.time() + 30
    while time.time() < deadline and job_state()[0] != 1:
        time.sleep(0.3)
    check(job_state()[:2] == [1, 0], f"the delivery's job failed for good: {job_state()}")
    check(not any(e["type"] == "pull_request" for e in w.audit(url, token)), "nothing was recorded for it")
    ok("a delivery whose processing failed for good (the database refused it eight times)")

    w.pg.sql("postgres", "DROP TRIGGER refuse ON pgfence_pull_requests")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: webhooks.post(url + "/v1/github/webhook", headers, body), range(4)))
    codes = sorted(a[0] for a in answers)
    check(codes == [200, 200, 200, 202], f"redelivered four times at once: queued once: {answers}")
    events = w.wait_for_event(url, token, "pull_request")
    check(len(events) == 1 and events[0]["data"]["delivery"] == delivery, f"processed this time: {events}")
    ok("GitHub's Redeliver of the failed delivery is queued again (once, of four at once) and processed")

    deadline = time.time() + 30
    while time.time() < deadline and job_state()[1] != 0:
        time.sleep(0.3)
    status, answer = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 200 and b"duplicate" in answer, f"a processed delivery redelivered is a duplicate: {status} {answer}")
    other = dict(headers, **{"X-GitHub-Delivery": "7e0d0000-0000-4000-8000-0000000fa11e"})
    status, answer = webhooks.post(url + "/v1/github/webhook", other, body)
    check(status == 200, f"the same body under another id is still the same delivery: {status} {answer}")
    time.sleep(1)
    check(len([e for e in w.audit(url, token) if e["type"] == "pull_request"]) == 1, "processed once")
    ok("once processed, a redelivery is a duplicate again (200), and the same body under a new id too")


def scenario_ghes(w):
    """github_url of a GHES host: every link of the check run goes there; odd dates are refused."""
    ghes = "https://ghe.example.com"
    w.start_double()
    config = w.config(extra=f'github_url = "{ghes}/"')
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    status, _ = w.webhook(url, "pull_request", "opened", author="dave")
    check(status == 202, "the pull request's webhook")
    _, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out}")
    run = w.wait_for_check(head, "action_required")
    text = run["output"]["text"]
    check(f"]({ghes}/octo/app/blob/{head}/migrations/002_email.sql#L1)" in text, f"the item links to the GHES host: {text}")
    check("https://github.com" not in json.dumps(run), f"nothing of the check run points to github.com: {text}")
    ok(f"the check run links every item to {ghes}, the configured github_url, and nowhere to github.com")

    for since in ("2026-02-31T00:00:00Z", "2026-11-23T24:00:00Z", "0000-01-01T00:00:00Z", "2026-11-23"):
        status, body, _ = http("GET", url + "/v1/audit?since=" + since, headers={"Authorization": "Bearer " + token})
        check(status == 400 and body.count(b"\n") == 1 and b"since must be" in body, f"since={since}: {status} {body}")
    status, body, _ = http("GET", url + "/v1/audit?since=2026-02-28T00:00:00Z", headers={"Authorization": "Bearer " + token})
    check(status == 200, f"a real instant is read: {status}")
    ok("GET /v1/audit?since=2026-02-31T00:00:00Z (and 24:00:00, year 0000, a bare date) is 400 with one line, not 500")

    comment(w, url, "alice", "/pgfence exempt drop-column --reason x --until ----------")
    refused = w.wait_for_event(url, token, "command_refused")
    check(refused[-1]["data"]["why"].startswith("--until must be a date") and refused[-1]["data"]["login"] == "alice",
          f"the refusal is audited: {refused}")
    deadline = time.time() + 30
    while time.time() < deadline and not any("not understood" in c["body"] for c in w.comments()):
        time.sleep(0.3)
    check(any("--until must be a date" in c["body"] for c in w.comments()), f"a reply says why: {w.comments()}")
    status, metrics, _ = http("GET", url + "/metrics")
    check("pgfence_jobs_failed 0" in metrics.decode(), "no job failed")
    ok("/pgfence exempt ... --until ---------- is refused with a reply and a command_refused event; no job failed")

    status, exported, _ = http("GET", url + "/v1/audit?repository=" + REPO, headers={"Authorization": "Bearer " + token})
    lines = exported.decode().splitlines()
    path = os.path.join(w.tmp, "export.jsonl")

    def verify(text):
        with open(path, "w") as f:
            f.write(text)
        return subprocess.run([w.args.binary, "audit", "verify", path], capture_output=True, text=True, timeout=60)

    v = verify("\n".join(lines) + "\n")
    check(v.returncode == 0 and v.stdout.startswith("verified: 1 chain"), f"the export verifies as it is: {v.stdout} {v.stderr}")
    target = next(i for i, line in enumerate(lines) if '"type":"evaluation"' in line)
    event = json.loads(lines[target])
    forged = dict(event["data"], conclusion="success")
    doubled = lines[target].replace('"data":', '"data":' + json.dumps(forged, separators=(",", ":")) + ',"data":', 1)
    v = verify("\n".join(lines[:target] + [doubled] + lines[target + 1:]) + "\n")
    check(v.returncode == 1 and f"export.jsonl:{target + 1}: the key \"data\" appears twice" in v.stdout,
          f"a line with the key data twice does not verify: {v.stdout} {v.stderr}")
    spaced = json.dumps(event, sort_keys=True)
    v = verify("\n".join(lines[:target] + [spaced] + lines[target + 1:]) + "\n")
    check(v.returncode == 1 and "not in the exported form" in v.stdout, f"a re-spaced line: {v.stdout}")
    ok("pgfence audit verify reads an exported line only as the service wrote it: a key twice, or another spelling, fails")
    w.all_github_requests_valid()


CLIENT_ID = "Iv1.pgfence0integrity"
CLIENT_SECRET = "oauth-secret-integrity-0123456789"


def start_sign_in(url, source="127.0.0.1"):
    """/login: (the cookie, the authorize URL's query as a dict, the authorize URL)."""
    status, headers, _ = get(url + "/login", source=source)
    check(status == 302, f"/login redirects: {status}")
    location = header(headers, "Location")[0]
    query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).items()}
    return cookie_of(headers, "pgfence_oauth_state"), query, location


def scenario_oauth(w):
    """The page's sign-in, attacked: nothing reaches GitHub's token endpoint that should not."""
    w.start_double()
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    w.seed_double({"oauth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "login": "alice",
                             "redirect_uri": public + "/oauth/callback"},
                   "org_members": {"octo": ["alice"]}})
    config = w.config(public_url=public, extra=f'oauth_client_id = "{CLIENT_ID}"\noauth_client_secret = "{CLIENT_SECRET}"\n'
                                               f'organization = "octo"\ngithub_url = "{w.github}"\n')
    _, url = w.start_service(config, port)

    def exchanges():
        return len([r for r in w.github_state()["requests"] if r.get("operation") == "oauth/access-token"])

    cookie, query, _ = start_sign_in(url)
    check(re.fullmatch(r"pgfence_oauth_state=[0-9a-f]{64}", cookie or "") and query["state"] not in cookie,
          f"the browser's cookie holds its own secret, not the state: {cookie}")
    check(re.fullmatch(r"[A-Za-z0-9_-]{43}", query.get("code_challenge", "")) and query.get("code_challenge_method") == "S256",
          f"the authorize URL carries a PKCE S256 challenge: {query}")
    before = exchanges()
    callback = url + "/oauth/callback?code=abc&state=" + query["state"]
    for borrowed in (None, "pgfence_oauth_state=" + query["state"], "pgfence_oauth_state=" + "0" * 64):
        status, _, _ = get(callback, cookie=borrowed)
        check(status == 400, f"a minted state with the cookie {borrowed!r} is refused: {status}")
    other_cookie, _, _ = start_sign_in(url)
    status, _, _ = get(callback, cookie=other_cookie)
    check(status == 400, f"a state minted for another browser is refused: {status}")
    check(exchanges() == before, "none of those callbacks reached GitHub's token endpoint")
    ok("a valid state without the browser's own cookie (none, the state copied in, another browser's) never reaches GitHub")

    status, _, _ = get(callback, cookie=cookie)
    check(status == 502 and exchanges() == before + 1, f"with its cookie, an unknown code is asked of GitHub once: {status}")
    status, _, _ = get(callback, cookie=cookie)
    check(status == 400 and exchanges() == before + 1, f"the same state again is refused before GitHub: {status}")
    ok("a state is used once: its replay is refused without asking GitHub")

    # PKCE at the double, as GitHub checks it: the code needs the verifier of its challenge.
    for verifier in (None, "0" * 64):
        cookie, _, location = start_sign_in(url)
        status, headers, _ = get(location)
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(header(headers, "Location")[0]).query)["code"][0]
        form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code, "redirect_uri": public + "/oauth/callback"}
        if verifier:
            form["code_verifier"] = verifier
        status, body, _ = http("POST", w.github + "/login/oauth/access_token", body=urllib.parse.urlencode(form).encode(),
                               headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"})
        check(status == 200 and json.loads(body).get("error") == "bad_verification_code",
              f"a token exchange with the verifier {verifier!r} fails at the double: {body}")
    ok("the double refuses a token exchange without the verifier of the code's challenge (no verifier, a wrong one)")

    # One address may have GitHub asked ten times in ten minutes.
    answers = []
    for _ in range(11):
        cookie, query, _ = start_sign_in(url, source="127.0.0.3")
        answers.append(get(url + "/oauth/callback?code=abc&state=" + query["state"], cookie=cookie, source="127.0.0.3")[0])
    check(answers == [502] * 10 + [429], f"ten sign-ins from one address, then 429: {answers}")
    ok("one address may start ten token exchanges in ten minutes; the eleventh is 429")

    # Callbacks from one address while GitHub is slow: they hold one sign-in slot, not all four.
    status, _, _ = http("POST", w.github + "/_double/faults",
                        body={"kind": "slow", "delay": 4, "times": 8, "path": "^/login/oauth/access_token$"})
    check(status == 200, "the double's token endpoint is slow for a while")

    def anonymous(_):
        cookie, query, _ = start_sign_in(url, source="127.0.0.2")
        return get(url + "/oauth/callback?code=abc&state=" + query["state"], cookie=cookie, source="127.0.0.2")[0]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        flood = [pool.submit(anonymous, i) for i in range(8)]
        time.sleep(1)
        started = time.time()
        cookie, _, location = start_sign_in(url)
        status, headers, _ = get(location)
        status, headers3, body = get(header(headers, "Location")[0], cookie=cookie)
        took = time.time() - started
        flooded = sorted(f.result() for f in flood)
    check(status == 302 and cookie_of(headers3, "pgfence_session"), f"alice signs in during the flood: {status} {body[:300]}")
    check(flooded.count(503) >= 6, f"the flood's callbacks from one address wait one at a time (503 busy): {flooded}")
    ok(f"eight callbacks at once from one address (GitHub slow) took one slot; alice signed in meanwhile ({took:.1f} s)")
    oauth_requests = [r for r in w.github_state()["requests"] if (r.get("operation") or "").startswith("oauth/")]
    check(all(r["valid"] for r in oauth_requests), f"every OAuth request as GitHub wants it (PKCE): {oauth_requests}")


def unsigned_webhook(port, length, chunked):
    """An anonymous webhook of `length` bytes with a made-up signature, sent whole as fast as the
    service reads it: the answer's status, or the error's name when the service closed first."""
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    try:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
        s.sendall((f"POST /v1/github/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: sha256={'0' * 64}\r\n"
                   f"{framing}\r\n\r\n").encode())
        piece = b"x" * (1 << 20)
        sent = 0
        while sent < length:
            data = piece[:min(len(piece), length - sent)]
            sent += len(data)
            s.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data)
        if chunked:
            s.sendall(b"0\r\n\r\n")
        answer = b""
        while b"\r\n" not in answer:
            more = s.recv(4096)
            if not more:
                break
            answer += more
        line = answer.split(b"\r\n", 1)[0].split()
        return int(line[1]) if len(line) > 1 else "closed"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()


def scenario_unsigned_flood(w):
    """Anonymous senders cannot make the service hold their webhook bodies: before the signature
    is checked, a request holds 256 KiB of its own and draws the rest on one 32 MiB budget
    (serve/body_budget.hpp). Before, 24 bodies of 25 MB were held at once (about 800 MB)."""
    w.start_double()
    config = w.config()
    token = w.token(config)
    port = free_port()
    proc, url = w.start_service(config, port)
    w.make_repo()
    start = vm_hwm_mb(proc.pid)  # `pgfence serve` execs pgfence-serve: the same process
    cap = 25 * 1024 * 1024  # GitHub's cap: each body is one GitHub could send
    flood = concurrent.futures.ThreadPoolExecutor(24)
    attacks = [flood.submit(unsigned_webhook, port, cap, i % 3 == 2) for i in range(24)]
    time.sleep(0.5)
    # Signed deliveries of the usual size are taken during the flood (each within its own 256 KiB).
    for i in range(3):
        status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR, title=f"Add a migration ({i})")
        check(status == 202, f"a signed delivery during the flood: {status}")
    statuses = [a.result() for a in attacks]
    flood.shutdown()
    check(all(s in (401, 503, "ConnectionResetError", "BrokenPipeError") for s in statuses),
          f"each unsigned body is refused (401) or left unread (503): {statuses}")
    peak = vm_hwm_mb(proc.pid)
    counts = {str(s): statuses.count(s) for s in set(statuses)}
    check(peak - start < 100, f"24 unsigned 25 MB webhooks raised the service's peak memory from {start} to {peak} MB ({counts})")
    ok(f"24 unsigned 25 MB webhooks at once ({counts}): peak memory {start} -> {peak} MB; signed deliveries meanwhile: 202")

    # A genuine delivery near GitHub's cap is still taken whole (24 MB, signed).
    payload = webhooks.build("ping", repository_name=REPO)
    payload["zen"] = "z" * (24 * 1024 * 1024)
    headers, body = webhooks.delivery("ping", payload, SECRET)
    check(len(body) <= cap, f"the delivery is within GitHub's cap: {len(body)}")
    status, answer = webhooks.post(url + "/v1/github/webhook", headers, body, timeout=120)
    check(status == 202, f"a signed 24 MB delivery: {status} {answer[:200]}")
    ok(f"a signed delivery of {len(body)} bytes is accepted (202)")

    # An upload without a live token: 401 from its headers, its body read and dropped, never kept.
    for auth in ({}, {"Authorization": "Bearer pgf_" + "1" * 48}):
        status, body, _ = http("POST", url + "/v1/analyses", body=b"{" + b" " * 1_900_000 + b"}",
                               headers=dict(auth, **{"Content-Type": "application/json", "Idempotency-Key": "k-anon"}))
        check(status == 401, f"an upload without a live token: {status} {body[:200]}")
    status, _, _ = http("GET", url + "/healthz")
    check(status == 200, "the service answers after the flood")
    ok("uploads without a live token: 401 before any of the body is kept")


def scenario_refused_first(w):
    """Issue #32: a head whose upload is refused gets a failing check saying why, whether the
    refusal or the webhook naming the head comes first."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    _, _, head0 = w.upload(url, token)
    w.wait_for_check(head0, "action_required")

    def commit(name, text):
        write(os.path.join(w.repo, "migrations", name), text)
        git(w.repo, "add", "-A")
        git(w.repo, "commit", "-qm", name)
        return w.heads()[1]

    def check_events(head):
        return [e["data"]["conclusion"] for e in w.audit(url, token) if e["type"] == "check" and e["data"].get("head_sha") == head]

    big = "".join(f"COMMENT ON TABLE users IS '{i:05d} " + "y" * 60000 + "';\n" for i in range(40))
    # 1. The oversize upload of D first (pgfence pr names D in its headers), GitHub's synchronize after.
    head_d = commit("003_big.sql", big)
    proc, _, _ = w.upload(url, token, "--upload-required")
    check(proc.returncode == 2 and "413" in proc.stderr, f"pr on D: exit 2 naming 413: {proc.returncode} {proc.stderr[-400:]}")
    time.sleep(2)
    check(not w.governance_checks(head_d), f"a head no webhook named got a check from the headers alone: {w.governance_checks(head_d)}")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "D's synchronize webhook")
    run = w.wait_for_check(head_d, "failure")
    check("refused" in run["output"]["title"] and "max_upload_bytes (2000000)" in run["output"]["summary"],
          f"D's failing check says why: {run['output']}")
    refused = [e for e in w.wait_for_event(url, token, "upload_refused") if e["data"]["head_sha"] == head_d]
    check(len(refused) == 1 and refused[0]["data"]["status"] == 413 and refused[0]["data"].get("refused_before_webhook") is True,
          f"one upload_refused event for D, noted when the webhook came: {refused}")
    time.sleep(2)
    check(check_events(head_d) == ["failure"] and w.governance_checks(head_d)[-1]["conclusion"] == "failure",
          f"D's check never waited: {check_events(head_d)}")
    ok("an oversize upload before its synchronize webhook: the head's check fails saying why (upload_refused 413)")

    # 2. The webhook of E first (a waiting check), its oversize upload after.
    head_e = commit("004_big.sql", big.replace("'0", "'1"))
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "E's synchronize webhook")
    deadline = time.time() + 30
    while time.time() < deadline and not w.governance_checks(head_e):
        time.sleep(0.3)
    check(w.governance_checks(head_e) and w.governance_checks(head_e)[-1].get("status") == "in_progress",
          f"E waits for its upload: {w.governance_checks(head_e)}")
    proc, _, _ = w.upload(url, token, "--upload-required")
    check(proc.returncode == 2 and "413" in proc.stderr, f"pr on E: exit 2 naming 413: {proc.returncode}")
    run = w.wait_for_check(head_e, "failure")
    check("max_upload_bytes (2000000)" in run["output"]["summary"], f"E's failing check says why: {run['output']}")
    ok("the synchronize webhook before the oversize upload: the waiting check turns to a failing one saying why")

    # 3. A refused envelope (422: a NUL character) of F before F's webhook: the waiting check the
    #    webhook queues does not replace the failing one.
    head_f = commit("005_small.sql", "SELECT 1;\n")
    base = w.heads()[0]
    envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head_f, "base_sha": base,
                "content_hash": "sha256:" + "0" * 64, "sql_included": True, "report": {"files": [], "note": "a\u0000b"}}
    status, body, _ = http("POST", url + "/v1/analyses", body=envelope,
                           headers={"Authorization": "Bearer " + token, "Idempotency-Key": "k-nul-f"})
    check(status == 422 and b"NUL" in body, f"F's envelope with a NUL: {status} {body[:200]}")
    run = w.wait_for_check(head_f, "failure")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "F's synchronize webhook")
    deadline = time.time() + 30
    while time.time() < deadline and len(check_events(head_f)) < 2:
        time.sleep(0.3)
    check(check_events(head_f) == ["failure", "failure"], f"F's check after its webhook: {check_events(head_f)}")
    run = w.governance_checks(head_f)[-1]
    check(run["conclusion"] == "failure" and "NUL" in run["output"]["summary"], f"F still fails saying why: {run['output']}")
    ok("a refused envelope (422) before its webhook: the webhook's waiting check does not replace the failing one")
    w.all_github_requests_valid()
    ok("every request to GitHub validated")


SCENARIOS = {"slow_clients": scenario_slow_clients, "redelivery": scenario_redelivery, "ghes": scenario_ghes,
             "oauth": scenario_oauth, "unsigned_flood": scenario_unsigned_flood, "refused_first": scenario_refused_first}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--binary", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    try:
        return run_world(args, args.scenario, SCENARIOS[args.scenario])
    except Failed as e:  # outside the world (never expected)
        print(f"FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
