"""A refused upload is its job's decision, and a re-run after the base moved is judged anew (issue #53,
red team H2 items 7 and 9: /tmp/rtH/h2/REPORT.md), end to end on serve_test.py's world: the real
service and its database, the GitHub double in App mode, real git and `pgfence pr --upload` as the
action runs it, with `--name` for the documented multi-job monorepo setup (docs/pr.md).

    job_refusal_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  refused_job   one pull request, two jobs. api/migrations/002_x<LF>.sql drops users: job api's
                upload is refused (422, a control character in a path); job web uploads nothing risky.
                api first, web after: the check stays failure, naming both jobs. On the next head,
                web first: the check waits for api (a refusal is a decision of the job: r71 F9), never
                success; api's refusal after: failure. Neither web's success nor a waiting check ever
                replaces api's refusal
  too_large_job one pull request, two jobs: web uploads success, then api's report (a DROP TABLE
                after 2.4 MB of COMMENTs) is above max_upload_bytes (413, the body unread: its job is
                the Pgfence-Job header's): the check turns failure; web uploading again changes nothing;
                api re-run with --upload-without-sql is accepted and decides (action_required)
  base_advance  PR #7 (CREATE TABLE IF NOT EXISTS reports; CREATE INDEX on it) is clean against
                main@M0, where reports is new: success. main advances (a merged pull request creates
                reports). The job re-run for main@M1 is a new upload (not 409 for the old key), judged
                anew: the index on an existing table needs sign-off (action_required)
  retarget_jobs two jobs on PR #7 into x (the author's branch, which holds api's DROP TABLE):
                both success. The base is edited to main: each job's decision is void. Only web
                re-runs for main (nothing new there): the check keeps waiting for api, whose
                decision for x does not stand; api's upload for main decides (action_required)
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import AUTHOR, PAT, REPO, check, git, ok, world_main  # noqa: E402
from decision_test import USERS, commit, edited_base, start  # noqa: E402

PAGES = "CREATE TABLE pages (id bigint PRIMARY KEY);\n"


def run_pr(w, url, token, number, base_ref, *extra):
    """`pgfence pr --upload` as the action runs it for pull request `number` into `base_ref`; the
    upload may be refused (the step's log says so, the job goes on)."""
    base, head = git(w.repo, "rev-parse", base_ref), git(w.repo, "rev-parse", "HEAD")
    event = os.path.join(w.tmp, f"event-{number}.json")
    with open(event, "w") as f:
        json.dump({"action": "synchronize", "number": number, "pull_request": {
            "number": number, "base": {"sha": base, "ref": base_ref}, "head": {"sha": head, "ref": "feature"}}}, f)
    outputs = os.path.join(w.tmp, f"outputs-{number}.txt")
    open(outputs, "w").close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": event, "GITHUB_REPOSITORY": REPO,
                "GITHUB_WORKSPACE": w.repo, "GITHUB_TOKEN": PAT, "GITHUB_OUTPUT": outputs,
                "GITHUB_API_URL": w.github, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "44",
                "PGFENCE_GOVERNANCE_TOKEN": token})
    proc = subprocess.run([w.args.binary, "pr", "--no-config", "--no-comment", "--upload", url, *extra],
                          cwd=w.repo, env=env, capture_output=True, text=True, timeout=300)
    check(token not in proc.stdout + proc.stderr, "the governance token was printed")
    return proc, head


def uploaded(proc, what):
    check("governance: uploaded" in proc.stdout, f"{what} is accepted: {proc.stdout[-600:]} {proc.stderr[-600:]}")


def refused(proc, status, what):
    check("governance: uploaded" not in proc.stdout and f"upload failed: " in proc.stderr and f": {status}: " in proc.stderr,
          f"{what} is refused with {status}: {proc.stdout[-400:]} {proc.stderr[-800:]}")


def checks_settled(w, url, token, head, timeout=30):
    """The head's runs once the service's queue is idle for it (no new check event for 2 s)."""
    deadline = time.time() + timeout
    seen, quiet_since = -1, time.time()
    while time.time() < deadline:
        n = len([e for e in w.audit(url, token) if e["type"] == "check" and e["data"].get("head_sha") == head])
        if n != seen:
            seen, quiet_since = n, time.time()
        elif time.time() - quiet_since > 2:
            break
        time.sleep(0.3)
    return w.governance_checks(head)


def check_failing_naming(w, url, token, head, what):
    runs = checks_settled(w, url, token, head)
    run = runs[-1]
    check(run.get("conclusion") == "failure" and "refused" in run["output"]["title"],
          f"{what}: the check is api's refusal: {run.get('conclusion')} {run['output']['title']}")
    summary = run["output"]["summary"]
    check("job `api`" in summary and "job `web`" in summary and "control character" in summary,
          f"{what}: the check lists both jobs and why api's upload was refused: {summary[:900]}")
    return runs


def two_job_repo(w, drop_name, drop_text):
    commit(w, {"api/migrations/001_users.sql": USERS, "web/migrations/001_pages.sql": PAGES, "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {drop_name: drop_text, "web/README.md": "web\n"}, "drop users")
    return git(w.repo, "rev-parse", "HEAD")


def scenario_refused_job(w):
    token, url = start(w)
    head = two_job_repo(w, "api/migrations/002_x\n.sql", "SET lock_timeout = '2s';\nDROP TABLE users;\n")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, head_sha=head, base_sha=git(w.repo, "rev-parse", "main"))
    w.wait_for_event(url, token, "pull_request")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    refused(proc, 422, "job api's upload (a line feed in a path)")
    w.wait_for_check(head, "failure")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    uploaded(proc, "job web's upload")
    check("conclusion success" in proc.stdout, f"job web alone has nothing new: {proc.stdout[-400:]}")
    w.wait_for_event(url, token, "evaluation")
    time.sleep(1)
    runs = check_failing_naming(w, url, token, head, "api refused, then web success")
    check(all(r.get("conclusion") != "success" for r in runs), f"no run of the head says success: {[r.get('conclusion') for r in runs]}")
    events = w.wait_for_event(url, token, "upload_refused")
    check(events[-1]["data"].get("job") == "api" and events[-1]["data"]["status"] == 422,
          f"the refusal is audited as job api's: {events[-1]['data']}")
    ok("api's upload refused (422), then web's accepted with nothing new: the check stays failure, naming both jobs")

    # The next head: web first (success; the check waits for api, refused before), then api's refusal.
    commit(w, {"web/README.md": "web, again\n"}, "docs")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, head_sha=head2, base_sha=git(w.repo, "rev-parse", "main"))
    w.wait_for_event(url, token, "pull_request", count=2)
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    uploaded(proc, "job web's upload of the next head")
    # api's refusal of head 1 was its decision: head 2 waits for api's upload (red team r71 F9).
    runs = checks_settled(w, url, token, head2)
    check(runs and all(r.get("conclusion") != "success" for r in runs), f"head 2 is never success: {[r.get('conclusion') for r in runs]}")
    check(runs[-1].get("status") == "in_progress" and "Waiting for job api" in runs[-1]["output"]["title"],
          f"head 2 waits for api, refused on head 1: {runs[-1].get('status')} {runs[-1]['output']['title']}")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    refused(proc, 422, "job api's upload of the next head")
    w.wait_for_check(head2, "failure")
    check_failing_naming(w, url, token, head2, "web success, then api refused")
    # The synchronize's waiting check, web's decision posted again (a re-requested run): still api's refusal.
    status, _ = w.webhook(url, "check_run", "rerequested", head_sha=head2)
    check(status == 202, "rerequested webhook")
    w.wait_for_event(url, token, "check_rerequested")
    check_failing_naming(w, url, token, head2, "after a re-requested run")
    ok("web's success first, api's refusal after: the check turns failure; a re-requested run keeps it")


def scenario_too_large_job(w):
    token, url = start(w)
    big = ("SET lock_timeout = '2s';\n" +
           "".join(f"COMMENT ON TABLE users IS '{i:05d} " + "y" * 60000 + "';\n" for i in range(40)) + "DROP TABLE users;\n")
    head = two_job_repo(w, "api/migrations/002_drop.sql", big)
    w.webhook(url, "pull_request", "opened", author=AUTHOR, head_sha=head, base_sha=git(w.repo, "rev-parse", "main"))
    w.wait_for_event(url, token, "pull_request")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    uploaded(proc, "job web's upload")
    w.wait_for_check(head, "success")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    refused(proc, 413, "job api's upload above max_upload_bytes")
    run = w.wait_for_check(head, "failure", timeout=30)
    check("max_upload_bytes (2000000)" in run["output"]["summary"] and "job `api`" in run["output"]["summary"],
          f"the check says api's upload was too large: {run['output']['summary'][:900]}")
    events = w.wait_for_event(url, token, "upload_refused")
    check(events[-1]["data"].get("job") == "api" and events[-1]["data"]["status"] == 413,
          f"the 413 is audited as job api's (from the Pgfence-Job header): {events[-1]['data']}")
    ok("web's success, then api's upload refused for its size (413): the check turns failure, naming api")

    proc, _ = run_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    check("governance: uploaded" in proc.stdout or "had it already" in proc.stdout, f"web again: {proc.stdout[-400:]}")
    time.sleep(2)
    runs = checks_settled(w, url, token, head)
    check(runs[-1].get("conclusion") == "failure", f"web's upload again does not end api's refusal: {runs[-1].get('conclusion')}")
    ok("web uploading again leaves api's refusal standing")

    proc, _ = run_pr(w, url, token, 7, "main", "--name", "api", "--upload-without-sql", "api/migrations")
    uploaded(proc, "job api's upload without the SQL")
    run = w.wait_for_check(head, "action_required")
    check("drop-table" in run["output"].get("text", ""), f"api's own decision is the check: {run['output'].get('text', '')[-600:]}")
    runs = checks_settled(w, url, token, head)
    check(runs[-1].get("conclusion") == "action_required", f"api's accepted upload decides: {runs[-1].get('conclusion')}")
    ok("api's own accepted upload ends its refusal: the check is its decision (action_required for the DROP TABLE)")


def scenario_base_advance(w):
    token, url = start(w)
    commit(w, {"migrations/001_users.sql": USERS, "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"migrations/003_reports_idx.sql": "SET lock_timeout = '2s';\nCREATE TABLE IF NOT EXISTS reports "
               "(id bigint PRIMARY KEY, body text);\nCREATE INDEX reports_body ON reports (body);\n"}, "reports index")
    head = git(w.repo, "rev-parse", "HEAD")
    m0 = git(w.repo, "rev-parse", "main")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, head_sha=head, base_sha=m0)
    w.wait_for_event(url, token, "pull_request")
    proc, _ = run_pr(w, url, token, 7, "main")
    uploaded(proc, "PR #7 against main@M0")
    w.wait_for_check(head, "success")
    ok("against main@M0 (reports is new there) the index is clean: success")

    git(w.repo, "checkout", "-q", "main")
    commit(w, {"migrations/002_reports.sql": "CREATE TABLE reports (id bigint PRIMARY KEY, body text);\n"}, "PR A merged: reports")
    m1 = git(w.repo, "rev-parse", "main")
    git(w.repo, "checkout", "-q", "feature")
    proc, _ = run_pr(w, url, token, 7, "main")
    check("create-index-without-concurrently" in proc.stdout + proc.stderr,
          f"against main@M1 the index is on an existing table: {proc.stdout[-800:]}")
    check("409" not in proc.stderr, f"the re-run's upload is not refused as a used key: {proc.stderr[-600:]}")
    uploaded(proc, "the re-run of PR #7's job against main@M1")
    check("conclusion action_required" in proc.stdout and "had it already" not in proc.stdout,
          f"the re-run is judged anew: {proc.stdout[-400:]}")
    run = w.wait_for_check(head, "action_required")
    check("create-index-without-concurrently" in run["output"].get("text", ""), f"the check names the index: {run['output']}")
    evaluations = [e for e in w.audit(url, token) if e["type"] == "upload"]
    check([e["data"]["base_sha"] for e in evaluations] == [m0, m1], f"two uploads, one per base: {[e['data'] for e in evaluations]}")
    time.sleep(2)
    check(w.governance_checks(head)[-1].get("conclusion") == "action_required", "the old base's success does not come back")
    ok("main advanced to M1: the re-run is a new upload, judged anew: action_required (the index needs sign-off)")


def scenario_retarget_jobs(w):
    token, url = start(w)
    commit(w, {"api/migrations/001_users.sql": USERS, "web/migrations/001_pages.sql": PAGES, "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n"}, "drop users")
    git(w.repo, "branch", "x")
    commit(w, {"web/README.md": "web\n"}, "docs")
    head, main, x = git(w.repo, "rev-parse", "HEAD"), git(w.repo, "rev-parse", "main"), git(w.repo, "rev-parse", "x")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=x, base_ref="x")
    w.wait_for_event(url, token, "pull_request")
    for job in ("api", "web"):
        proc, _ = run_pr(w, url, token, 7, "x", "--name", job, f"{job}/migrations")
        uploaded(proc, f"job {job} into x")
    w.wait_for_event(url, token, "evaluation", count=2)
    runs = checks_settled(w, url, token, head)
    check(runs[-1].get("conclusion") == "success", f"into x nothing is new: {runs[-1].get('conclusion')}")
    ok("PR #7 into x, two jobs: success")

    edited_base(w, url, 7, head, main, "main", "x", x)
    w.wait_for_event(url, token, "base_changed")
    proc, _ = run_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    uploaded(proc, "job web for main")
    check("conclusion success" in proc.stdout, f"web has nothing new for main: {proc.stdout[-400:]}")
    runs = checks_settled(w, url, token, head)
    run = runs[-1]
    check(run.get("conclusion") != "success" and run.get("status") == "in_progress",
          f"web's upload for main does not stand for api's: {run.get('status')} {run.get('conclusion')} {run['output']['title']}")
    check("job `api`" in run["output"]["summary"], f"the check names api as waiting: {run['output']['summary'][:600]}")
    ok("base edited to main, only web re-run: the check waits for api (its decision for x is void)")

    proc, _ = run_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    uploaded(proc, "job api for main")
    w.wait_for_check(head, "action_required")
    ok("api's upload for main decides: action_required (the DROP TABLE)")


SCENARIOS = {"retarget_jobs": scenario_retarget_jobs, "refused_job": scenario_refused_job, "too_large_job": scenario_too_large_job, "base_advance": scenario_base_advance}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
