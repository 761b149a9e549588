"""The governance page in a real browser: `pgfence serve` with the GitHub double as the App's API
and as github.com's OAuth pages, two uploads of one pull request (one failed by a guardrail, one
waiting for sign-off, from a migration whose file name is HTML), then headless Chromium (Debian's
`chromium`) signs in through the OAuth flow and the test reads the DOM it built; a screenshot is
written to --artifacts. Also: the sign-in's refusals over plain HTTP, a non-member, signing out,
and the week's figures in /metrics.

    page_test.py --binary pgfence --schemas DIR --artifacts DIR
Skipped (exit 77) without ../shared/schemas or without chromium.
"""
import argparse
import datetime
import http.client as httpclient
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import REPO, check, comment, cookie_of, free_port, get, git, header, http, ok, review, run_world, write  # noqa: E402

CLIENT_ID = "Iv1.pgfence0page"
CLIENT_SECRET = "oauth-secret-0123456789abcdef"
HOSTILE = "003_<b>bold</b>.sql"


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def chromium(binary, tmp, url, *action):
    """Headless Chromium with a new profile, as the machine's notes say it must run here."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1400", *action, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, f"chromium exited {proc.returncode}: {proc.stderr[-1500:]}")
    return proc.stdout


def sign_in_by_hand(url):
    """The OAuth flow without a browser: the session cookie it ends with."""
    status, headers, _ = get(url + "/login")
    check(status == 302, f"/login redirects: {status}")
    state_cookie = cookie_of(headers, "pgfence_oauth_state")
    status, headers2, _ = get(header(headers, "Location")[0])
    check(status == 302, f"the double's consent page sends the browser back: {status}")
    status, headers3, body = get(header(headers2, "Location")[0], cookie=state_cookie)
    check(status == 302, f"the callback signs in: {status} {body[:300]}")
    session = cookie_of(headers3, "pgfence_session")
    check(session and "HttpOnly" in " ".join(header(headers3, "Set-Cookie")), f"an HttpOnly session cookie: {headers3}")
    return session


def scenario(w, args):
    browser = chromium_binary()
    w.start_double()
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    w.seed_double({"oauth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "login": "alice",
                             "redirect_uri": public + "/oauth/callback"},
                   "org_members": {"octo": ["alice"]},
                   "teams": [{"team": "octo/dba", "members": ["carol"]}],
                   "collaborators": [{"repo": REPO, "login": "alice", "permission": "write"}]})
    oauth = (f'oauth_client_id = "{CLIENT_ID}"\noauth_client_secret = "{CLIENT_SECRET}"\norganization = "octo"\n'
             f'github_url = "{w.github}"\n')
    # First under a policy whose lock_timeout guardrail fails the pull request, then under the
    # default one, where the same pull request (one more migration) waits for sign-off.
    strict = w.config(name="strict.toml", public_url=public,
                      extra=oauth + f'[repositories."{REPO}"]\nrequire_lock_timeout = true\n')
    token = w.token(strict)
    proc, url = w.start_service(strict, port)
    w.make_repo()
    status, _ = w.webhook(url, "pull_request", "opened")
    check(status == 202, "the pull request is opened")
    _, out, head1 = w.upload(url, token)
    check(out.get("governance-conclusion") == "failure", f"the guardrail fails it: {out}")
    w.wait_for_check(head1, "failure")
    proc.terminate()
    proc.wait(timeout=30)
    w.services.remove(proc)

    write(os.path.join(w.repo, "migrations", HOSTILE), "CREATE INDEX users_created ON users (id, email);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "a second index, in a file named like HTML")
    config = w.config(name="governance.toml", public_url=public, extra=oauth,
                      policy='approvers = ["@octo/dba", "alice"]\n')
    _, url = w.start_service(config, port)
    status, _ = w.webhook(url, "pull_request", "synchronize")
    check(status == 202, "the push is announced")
    _, out, head2 = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"sign-off needed: {out}")
    w.wait_for_check(head2, "action_required")
    ok("one pull request: failed by the lock_timeout guardrail, then (new policy, one more migration) waiting for sign-off")

    # The sign-in's refusals, over plain HTTP.
    status, headers, _ = get(url + "/")
    check(status == 302 and header(headers, "Location") == ["/login"], f"no session: to /login: {status} {headers}")
    status, headers, _ = get(url + "/login")
    location = header(headers, "Location")[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    check(location.startswith(w.github + "/login/oauth/authorize?") and query["client_id"] == [CLIENT_ID]
          and query["redirect_uri"] == [public + "/oauth/callback"]
          and re.fullmatch(r"[0-9a-f]{32}\.[0-9]+\.[0-9a-f]{64}", query["state"][0])
          and query["code_challenge_method"] == ["S256"] and re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"][0]),
          f"/login sends the browser to GitHub with the client, the callback, a state and a PKCE challenge: {location}")
    state_cookie = cookie_of(headers, "pgfence_oauth_state")
    check(re.fullmatch(r"pgfence_oauth_state=[0-9a-f]{64}", state_cookie or ""),
          f"the browser keeps its own secret (the PKCE verifier the state is bound to) in a cookie: {state_cookie}")
    status, _, _ = get(url + "/oauth/callback?code=abc&state=" + "0" * 32, cookie=state_cookie)
    check(status == 400, f"a callback whose state is not this browser's is refused: {status}")
    # A state of the right shape that this service did not make, with this browser's cookie:
    # refused before GitHub is asked anything.
    exchanges = len([r for r in w.github_state()["requests"] if r.get("operation") == "oauth/access-token"])
    nonce, expiry, mac = query["state"][0].split(".")
    for forged in (f"{nonce}.{expiry}.{'0' * 64}", f"{nonce}.{int(expiry) + 3600}.{mac}", f"{nonce}.{int(time.time()) - 1}.{mac}"):
        status, _, _ = get(url + "/oauth/callback?code=abc&state=" + forged, cookie=state_cookie)
        check(status == 400, f"a state this service did not make ({forged[33:50]}...) is refused: {status}")
    check(len([r for r in w.github_state()["requests"] if r.get("operation") == "oauth/access-token"]) == exchanges,
          "no forged callback reached GitHub's token endpoint")
    status, _, _ = get(url + "/oauth/callback?code=abc&state=" + query["state"][0], cookie=state_cookie)
    check(status == 502, f"a code GitHub does not know signs nobody in: {status}")
    ok("without a session / is a redirect to /login; a forged state or an unknown code signs nobody in")

    # Another organisation's repository, known to the same service, is not shown to octo's members.
    status, _ = w.webhook(url, "pull_request", "opened", repository_name="elsewhere/app", number=3)
    check(status == 202, "another organisation's pull request")
    deadline = time.time() + 30
    while time.time() < deadline and json.loads(http("GET", url + "/healthz")[1]).get("jobs_queued") != 0:
        time.sleep(0.3)

    # The browser: /, GitHub's consent, the callback, the page.
    dom = chromium(browser, w.tmp, url + "/", "--dump-dom")
    check("Signed in as alice" in dom, f"the page, signed in: {dom[:1500]}")
    section = re.search(r'<section class="repository" data-repository="octo/app">(.*?)</section>', dom, re.S)
    check(section, f"a section for {REPO}: {dom[:3000]}")
    body = section.group(1)
    pending = re.search(r'<table class="pending">(.*?)</table>', body, re.S)
    check(pending and f'href="{w.github}/octo/app/pull/7"' in pending.group(1), f"#7 waits for sign-off: {body[:3000]}")
    check("&lt;b&gt;bold&lt;/b&gt;" in pending.group(1) and "<b>bold</b>" not in dom,
          f"the HTML file name is text, not markup: {pending.group(1)}")
    check("create-index-without-concurrently" in pending.group(1), "what waits: the finding")
    check(f'href="{w.github}/orgs/octo/teams/dba">@octo/dba</a>' in pending.group(1)
          and f'href="{w.github}/alice">alice</a>' in pending.group(1), f"who can sign off, from the policy: {pending.group(1)}")
    decisions = re.search(r'<table class="decisions">(.*?)</table>', body, re.S).group(1)
    check(head1[:7] in decisions and head2[:7] in decisions and "failure" in decisions and "sign-off needed" in decisions,
          f"both decisions: {decisions}")
    check(re.search(r'Audit chain: <span class="ok">verified</span>, \d+ events', body), f"the chain verifies: {body[:800]}")
    check('<dd id="migrations-reviewed">2</dd>' in dom, "two migration contents reviewed this week")
    check(re.search(r'<dd id="failed-by-rule"><code>lock-timeout-missing</code> 1</dd>', dom), "the failed check, by rule")
    check("<script" not in dom, "no script on the page")
    check("elsewhere/app" not in dom, "another organisation's repository is not on octo's page")
    shot = os.path.join(args.artifacts, "governance-page.png")
    os.makedirs(args.artifacts, exist_ok=True)
    chromium(browser, w.tmp, url + "/", f"--screenshot={shot}")
    check(os.path.getsize(shot) > 10000, "a screenshot was written")
    ok(f"Chromium signed in through the OAuth flow and read the page: pending, decisions, chain, figures ({shot})")

    # An exemption granted and a sign-off given through the service: the page follows.
    day = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=5)
    until = day.isoformat()
    expires = (day + datetime.timedelta(days=1)).isoformat() + "T00:00:00Z"  # --until's day counts whole
    comment(w, url, "alice", "/pgfence exempt create-index-without-concurrently at migrations/002_email.sql:1 "
                             f'--reason "<i>40 rows</i>, checked" --until {until}')
    w.wait_for_event(url, token, "exemption")
    review(w, url, "alice")
    w.wait_for_text(head2, "success", "Signed off by alice")
    dom = chromium(browser, w.tmp, url + "/", "--dump-dom")
    body = re.search(r'<section class="repository" data-repository="octo/app">(.*?)</section>', dom, re.S).group(1)
    check("Nothing waits for sign-off." in body, f"signed off: nothing pending: {body[:2000]}")
    expiring = re.search(r'<table class="expiring">(.*?)</table>', body, re.S)
    check(expiring and "<code>create-index-without-concurrently</code>" in expiring.group(1)
          and "migrations/002_email.sql:1" in expiring.group(1) and "&lt;i&gt;40 rows&lt;/i&gt;, checked" in expiring.group(1)
          and f'datetime="{expires}"' in expiring.group(1), f"the exemption expiring within 14 days: {body[-2500:]}")
    check("<i>40 rows" not in dom, "the reason is text")
    check(re.search(r'<dd id="median-signoff">[0-9]+ (s|min) \(1 sign-off\)</dd>', dom), f"the median time to sign-off: {dom[:1500]}")
    check('<dd id="exemptions-granted">1</dd>' in dom, "one exemption granted this week")
    chromium(browser, w.tmp, url + "/", f"--screenshot={os.path.join(args.artifacts, 'governance-page-signed-off.png')}")
    ok("an exemption granted and a sign-off given through the service: the page lists the exemption and the sign-off time")

    # Someone who is not a member of the organisation.
    http("POST", w.github + "/_double/seed", {"oauth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                                         "login": "mallory", "redirect_uri": public + "/oauth/callback"}})
    dom = chromium(browser, w.tmp, url + "/", "--dump-dom")
    check("mallory is not a member of octo" in dom and "data-repository" not in dom, f"a non-member sees nothing: {dom[:1500]}")
    ok("a non-member is told so and sees no repository")

    # Signing out ends the session on the server, not only in the browser.
    http("POST", w.github + "/_double/seed", {"oauth": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                                         "login": "alice", "redirect_uri": public + "/oauth/callback"}})
    session = sign_in_by_hand(url)
    status, _, page = get(url + "/", cookie=session)
    check(status == 200 and "Signed in as alice" in page, f"the session shows the page: {status}")
    parts = urllib.parse.urlsplit(url)

    def logout(headers):
        conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("POST", "/logout", headers=headers)
        status = conn.getresponse().status
        conn.close()
        return status

    check(logout({"Cookie": session, "Origin": "https://elsewhere.example"}) == 403, "another site's form does not sign out")
    check(get(url + "/", cookie=session)[0] == 200, "the session survives another site's form")
    check(logout({"Cookie": session, "Origin": public}) == 200, "signed out")
    status, _, _ = get(url + "/", cookie=session)
    check(status == 302, f"the old cookie no longer shows the page: {status}")
    ok("signing out ends the session: the same cookie is sent back to /login")

    status, metrics, _ = http("GET", url + "/metrics")
    text = metrics.decode()
    check("pgfence_week_migrations_reviewed 2" in text and 'pgfence_week_checks_failed{rule="lock-timeout-missing"} 1' in text
          and "pgfence_week_signoffs 1" in text and "pgfence_week_exemptions_granted 1" in text,
          f"the week's figures in /metrics: {text[-1200:]}")
    ok("/metrics carries the week's figures")
    w.all_github_requests_valid()
    oauth_requests = [r for r in w.github_state()["requests"] if (r.get("operation") or "").startswith("oauth/")]
    check(oauth_requests and all(r["valid"] for r in oauth_requests), f"every OAuth request as GitHub wants it: {oauth_requests}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--artifacts", required=True)
    args = ap.parse_args()
    if chromium_binary() is None:
        print("SKIP: chromium is not installed (scripts/setup.sh installs it)")
        return 77
    return run_world(args, "page", lambda w: scenario(w, args))


if __name__ == "__main__":
    sys.exit(main())
