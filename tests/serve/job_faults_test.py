"""The service's job queue when GitHub fails one pull request's jobs (issue #53, item 9), end to end
on serve_test.py's world: the real service, its database, the GitHub double's fault injection
(every request still validated against ../shared/schemas/github), signed webhooks.

    job_faults_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  permanent  GitHub answers 404, then 403 without rate-limit headers, about a pull request's commits:
             each job ends at once (asked once, not retried) with a failing check that says why and a
             `job_failed` audit event, and the pull request's later push lands within seconds; a 403
             with Retry-After (a rate limit) is retried and the approval lands
  transient  GitHub answers 502 about one pull request's commits for good: its job backs off (the
             waits grow, none longer than the cap), is tried a bounded number of times, then ends
             with a failing check that says why; meanwhile another pull request's events land at once
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import (AUTHOR, REPO, Failed, check, comment, git, ok, review, run_world, signoff_world,  # noqa: E402
                        write)

# The service's bounds (serve/store.hpp): attempts per job, and the longest wait between two.
ATTEMPTS = 6
BACKOFF_CAP = 30


def commits_requests(w, number):
    return [r for r in w.github_state()["requests"]
            if r["method"] == "GET" and r["path"] == f"/repos/{REPO}/pulls/{number}/commits"]


def add_fault(w, spec):
    from serve_test import http
    status, body, _ = http("POST", w.github + "/_double/faults", body=spec)
    check(status == 200, f"adding a fault to the double: {status} {body}")


def wait_for_failure(w, head, needle, timeout):
    """The newest governance check on `head`, once it is a failure whose summary has `needle`."""
    deadline = time.time() + timeout
    run = None
    while time.time() < deadline:
        runs = w.governance_checks(head)
        run = runs[-1] if runs else None
        if run and run.get("conclusion") == "failure" and needle in run["output"].get("summary", ""):
            return run
        time.sleep(0.3)
    raise Failed(f"no failing check on {head[:7]} saying {needle!r} within {timeout} s: "
                 f"{run and (run.get('conclusion'), run['output'].get('summary', '')[:600])}")


def events_of(w, url, token, kind, number=None):
    return [e for e in w.audit(url, token) if e["type"] == kind and (number is None or e.get("pull_request") == number)]


def wait_for(predicate, what, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise Failed(f"{what}: not within {timeout} s")


def scenario_permanent(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-400:]}")
    w.wait_for_check(head, "action_required")

    # A deleted pull request, a renamed repository: GitHub answers 404 about its commits.
    add_fault(w, {"kind": "not-found", "method": "GET", "path": "/pulls/7/commits$", "times": 1})
    review(w, url, "alice", body="looks fine")
    run = wait_for_failure(w, head, "HTTP 404 about the pull request's commits", 20)
    check("the pull_request_review event" in run["output"]["summary"].replace("\\", ""), f"the check names the event: {run['output']}")
    failed = wait_for(lambda: events_of(w, url, token, "job_failed", 7), "a job_failed audit event", 10)
    check("HTTP 404" in failed[-1]["data"]["why"] and failed[-1]["data"]["check_posted"] is True, f"job_failed: {failed[-1]}")
    time.sleep(4)  # a retry would come within 2 s
    check(len(commits_requests(w, 7)) == 1, f"a 404 is asked once, never retried: {len(commits_requests(w, 7))} requests")
    check(not events_of(w, url, token, "approval", 7), "nothing was approved")
    ok("GitHub's 404 about the commits: the job ends at once with a failing check saying why (job_failed audited)")

    # The pull request's own later event: a push lands within seconds, not after the failed job's retries.
    write(os.path.join(w.repo, "migrations/002_email.sql"), "CREATE INDEX users_email2 ON users (email);\n")
    git(w.repo, "commit", "-qam", "another index")
    head2 = git(w.repo, "rev-parse", "HEAD")
    started = time.time()
    status, _ = w.webhook(url, "pull_request", "synchronize", head_sha=head2, author=AUTHOR)
    check(status == 202, "the synchronize webhook")
    wait_for(lambda: [e for e in events_of(w, url, token, "pull_request", 7) if e["data"]["head_sha"] == head2],
             "the push after the failed job", 15)
    proc, out, _ = w.upload(url, token)
    w.wait_for_check(head2, "action_required", timeout=20)
    ok(f"the pull request's later push landed {time.time() - started:.1f} s after it was sent, and was decided")

    # A missing permission: 403 without a rate limit's headers ends the job the same way (on the
    # pull request's head as the webhooks last named it: a comment names no commit).
    add_fault(w, {"kind": "forbidden", "method": "GET", "path": "/pulls/7/commits$", "times": 1})
    asked = len(commits_requests(w, 7))
    comment(w, url, "alice", "/pgfence approve")
    wait_for_failure(w, head2, "HTTP 403 about the pull request's commits", 20)
    time.sleep(4)
    check(len(commits_requests(w, 7)) == asked + 1, "a 403 without rate-limit headers is asked once")
    ok("GitHub's 403 without rate-limit headers: the job ends at once with a failing check saying why")

    # A rate limit (403 with Retry-After) passes: the job is tried again and the approval lands.
    add_fault(w, {"kind": "secondary-rate-limit", "status": 403, "retry_after": 1, "method": "GET",
                  "path": "/pulls/7/commits$", "times": 1})
    review(w, url, "alice", head_sha=head2, body="fine after all")
    wait_for(lambda: events_of(w, url, token, "approval", 7), "the approval after a rate limit", 30)
    w.wait_for_check(head2, "success", timeout=30)
    ok("a 403 with Retry-After is a rate limit: retried, the approval lands and signs off")
    w.all_github_requests_valid("status", "not-found", "forbidden", "secondary-rate-limit")
    ok("every request to GitHub validated")


def scenario_transient(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    proc, out, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    other_head = "8" * 40
    status, _ = w.webhook(url, "pull_request", "opened", number=8, head_sha=other_head, author=AUTHOR)
    check(status == 202, "pull request 8's webhook")
    wait_for(lambda: events_of(w, url, token, "pull_request", 8), "pull request 8 opened", 15)

    add_fault(w, {"kind": "bad-gateway", "method": "GET", "path": "/pulls/7/commits$", "times": 1000})
    review(w, url, "alice", body="fine")
    wait_for(lambda: len(commits_requests(w, 7)) >= 2, "the 502 retried", 15)
    # Another pull request's events, while 7's job backs off: they land at once.
    started = time.time()
    review(w, url, "alice", number=8, head_sha=other_head, body="8 is fine")
    comment(w, url, "alice", "/pgfence approve", number=8)
    wait_for(lambda: [e for e in w.audit(url, token) if e["type"].startswith("approval") and e.get("pull_request") == 8][1:],
             "pull request 8's review and comment", 15)
    check(not any(e["type"] == "job_failed" for e in w.audit(url, token)), "7's job has not failed yet")
    ok(f"pull request 8's review and comment landed {time.time() - started:.1f} s after they were sent, "
       "while 7's job was backing off")

    # Pull request 7's own later push waits for its failing job, and no longer than its attempts.
    write(os.path.join(w.repo, "migrations/002_email.sql"), "CREATE INDEX users_email2 ON users (email);\n")
    git(w.repo, "commit", "-qam", "another index")
    head2 = git(w.repo, "rev-parse", "HEAD")
    pushed = time.time()
    status, _ = w.webhook(url, "pull_request", "synchronize", head_sha=head2, author=AUTHOR)
    check(status == 202, "the synchronize webhook")

    run = wait_for_failure(w, head, "HTTP 502 about the pull request's commits", 4 * BACKOFF_CAP)
    check("the pull_request_review event" in run["output"]["summary"].replace("\\", ""), f"the check names the event: {run['output']}")
    time.sleep(BACKOFF_CAP / 2)
    times = [r["at"] for r in commits_requests(w, 7)]
    check(len(times) == ATTEMPTS, f"tried {ATTEMPTS} times, then given up: {len(times)} requests")
    gaps = [b - a for a, b in zip(times, times[1:])]
    check(all(later > earlier * 1.5 for earlier, later in zip(gaps, gaps[1:]) if later < BACKOFF_CAP - 1),
          f"the waits between attempts grow: {[round(g, 1) for g in gaps]}")
    check(max(gaps) <= BACKOFF_CAP + 5, f"no wait longer than the cap: {[round(g, 1) for g in gaps]}")
    failed = events_of(w, url, token, "job_failed", 7)
    check(len(failed) == 1 and "HTTP 502" in failed[0]["data"]["why"], f"job_failed: {failed}")
    ok(f"GitHub's 502 for good: {ATTEMPTS} attempts {[round(g, 1) for g in gaps]} s apart, "
       "then a failing check saying why (job_failed audited)")
    landed = wait_for(lambda: [e for e in events_of(w, url, token, "pull_request", 7) if e["data"]["head_sha"] == head2],
                      "pull request 7's push after its failed job", 15)
    check(len(landed) == 1, f"the push recorded once: {landed}")
    ok(f"pull request 7's push, sent while its job backed off, landed after that job ended "
       f"({time.time() - pushed:.0f} s after it was sent; the attempts take about {sum(gaps):.0f} s)")
    w.all_github_requests_valid("bad-gateway")
    ok("every request to GitHub validated")


SCENARIOS = {"permanent": scenario_permanent, "transient": scenario_transient}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--binary", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    try:
        return run_world(args, args.scenario, SCENARIOS[args.scenario])
    except Failed as e:
        print(f"FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
