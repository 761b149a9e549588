"""What the service's check decides for a head commit (red team D, /tmp/redteam-d/REPORT.md: "decisions
are made per upload but posted per commit, and the base is known only at upload time"), end to end on
serve_test.py's world: the real service, its database, the GitHub double in App mode, real git and
`pgfence pr --upload` as the action runs it for a given pull request and base.

    decision_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  rebase_items  alice approves PR #7 (a HIGH index and a call of cleanup(), defined on main); main
                then redefines cleanup() to DROP TABLE users, and PR #7 is rebased (its own file
                unchanged, so the same content hash): the new HIGH item is not covered by her
                approval, the check is action_required until she approves again
  two_prs       one head commit, two pull requests: #7 into main drops a table (needs sign-off), #8
                into the author's branch x (which holds it already) has nothing new; #8's later
                success does not replace #7's action_required on the commit's one check, and #7's
                merge is audited with its own decision (action_required, reviewed false)
  retarget      PR #7 opened into x (success), then its base edited to main: the check goes back
                to waiting ("re-run pgfence for the new base"), a re-requested run of the old
                upload does not bring back its success, the upload for main decides
  two_jobs      one pull request, two pgfence jobs (`pr --name api`, `--name web`, docs/pr.md): api
                drops a table (action_required), web uploads later with nothing new: the check
                stays action_required, naming both jobs
  jobs_signoff  one pull request, two jobs (`--name api`, `--name web`), each with a DROP TABLE: one
                approval of the head covers both jobs' findings (the check becomes success, each job's
                own decision success); a push that rewrites only web's migration leaves api's
                decision signed off (its finding and context unchanged) and web's action_required
                (the approval does not cover the new finding) until alice approves again; an
                approval given before web's upload arrived does not cover web's findings
  closed        PR #7 (a DROP TABLE) signed off by alice, then closed without merging: the head's
                check no longer says success (its decision stands for nobody); an approval on the
                closed pull request posts nothing; PR #9 opened from the same head is not "reviewed"
                by #7's sign-off (its merge is audited reviewed false, the check never says success);
                #7 reopened is evaluated again (alice's approval, asked of GitHub anew, counts)
  job_missing   two jobs: api's DROP TABLE needs sign-off on head 1; on head 2 only web uploads: the
                check waits for api (pending), never success, until api uploads for head 2
  jobs_order    as job_missing, then both jobs upload for head 2, their checks forced into the order
                that left the newest run waiting (the test holds head 2's pgfence_checks row, so web's
                check stops after posting its "Waiting for job api" run; api's check reads the run
                before it): api's check waits for web's to finish, reads web's run and decides it
                (action_required); without that wait the newest run stays waiting for job api
  job_missing_retarget  as job_missing, then the base is edited (main -> x) and only web uploads
                for x: the check still waits for api (the jobs a pull request has had are its own:
                red team r71 F9), until api's upload for x needs sign-off again
  fake_run      the workflow's own token (GITHUB_TOKEN, the github-actions app) posts a successful
                check run named 'pgfence governance' on the head first: the service never takes it
                for its own (it lists only its App's runs) and posts its decision in a run of its
                App; the fake one is left as it was
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import AUTHOR, PAT, REPO, SECRET, check, git, http, ok, review, world_main, write  # noqa: E402
from original_readme_test import PG_BIN, Postgres  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"


def start(w, policy='approvers = ["alice"]\n', database_url=None):
    seed = {"teams": [{"team": "octo/dba", "members": ["carol"]}],
            "collaborators": [{"repo": REPO, "login": login, "permission": "write"} for login in ("alice", "dave")]}
    w.start_double(**seed)
    config = w.config(database_url=database_url, extra="membership_cache_seconds = 0", policy=policy)
    token = w.token(config)
    _, url = w.start_service(config)
    w.repo = os.path.join(w.tmp, "repo")
    os.makedirs(w.repo)
    git(w.repo, "init", "-q", "-b", "main")
    return token, url


def commit(w, files, message):
    for path, text in files.items():
        write(os.path.join(w.repo, path), text)
    sarif = os.path.join(w.repo, "pgfence.sarif")
    if os.path.exists(sarif):
        os.remove(sarif)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", message)


def upload_pr(w, url, token, number, base_ref, *extra):
    """`pgfence pr --upload` as the action runs it for pull request `number` into `base_ref`."""
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
                "GITHUB_API_URL": w.github, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "43",
                "PGFENCE_GOVERNANCE_TOKEN": token})
    proc = subprocess.run([w.args.binary, "pr", "--no-config", "--no-comment", "--upload", url, *extra],
                          cwd=w.repo, env=env, capture_output=True, text=True, timeout=300)
    check("governance: uploaded" in proc.stdout, f"PR #{number} uploaded: {proc.stdout[-600:]} {proc.stderr[-600:]}")
    return proc, head


FN_V1 = ("CREATE TABLE sessions (id bigint PRIMARY KEY, expires timestamptz);\n"
         "CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  DELETE FROM sessions WHERE expires < now();\nEND\n$$;\n")
FN_V2 = "CREATE OR REPLACE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  DROP TABLE users CASCADE;\nEND\n$$;\n"


def scenario_rebase_items(w):
    token, url = start(w)
    commit(w, {"migrations/001_users.sql": USERS, "migrations/002_sessions.sql": FN_V1, "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"migrations/003_index_cleanup.sql":
               "SET lock_timeout = '2s';\nCREATE INDEX users_email ON users (email);\nSELECT cleanup();\n"}, "index + cleanup")
    head = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, head_sha=head, base_sha=git(w.repo, "rev-parse", "main"))
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main")
    w.wait_for_check(head, "action_required")
    review(w, url, "alice", head_sha=head, body="small index; cleanup() deletes expired sessions")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("head 1: the index needs sign-off, alice's approval settles it")

    # main redefines cleanup(); PR #7 rebased onto it, its own file unchanged.
    git(w.repo, "checkout", "-q", "main")
    commit(w, {"migrations/004_cleanup_v2.sql": FN_V2}, "cleanup v2")
    git(w.repo, "checkout", "-q", "feature")
    git(w.repo, "rebase", "-q", "main")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, head_sha=head2, base_sha=git(w.repo, "rev-parse", "main"))
    proc, _ = upload_pr(w, url, token, 7, "main")
    check("drop-table" in proc.stdout + proc.stderr, f"the rebased head has a drop-table finding: {proc.stdout[-800:]}")
    uploads = [e for e in w.audit(url, token) if e["type"] == "evaluation"]
    check(len(uploads) >= 2 and uploads[-1]["content_hash"] == uploads[0]["content_hash"],
          "the rebase keeps the content hash (the approval is not voided by it)")
    run = w.wait_for_text(head2, "action_required", "not there when it was given")
    check("Signed off by" not in run["output"]["title"], f"not signed off: {run['output']['title']}")
    check("drop-table" in run["output"]["text"], "the new item is listed")
    ok("rebased head: the new HIGH drop-table item is not covered by alice's approval: action_required")

    review(w, url, "alice", head_sha=head2, body="read cleanup v2", review_id=902)
    w.wait_for_text(head2, "success", "Signed off by alice")
    ok("alice's approval of the rebased head (which lists the drop-table item) signs it off")


def drop_repo(w):
    """main: users; x: the author's branch at the DROP TABLE commit; feature: x + a README commit."""
    commit(w, {"migrations/001_users.sql": USERS, "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n"}, "drop users")
    git(w.repo, "branch", "x")
    commit(w, {"README.md": "x, documented\n"}, "docs")
    return git(w.repo, "rev-parse", "HEAD"), git(w.repo, "rev-parse", "main"), git(w.repo, "rev-parse", "x")


def merge_event(w, url, token, number):
    events = [e for e in w.wait_for_event(url, token, "merge") if e["pull_request"] == number]
    check(events, f"a merge event for #{number}")
    return events[-1]["data"]


def scenario_two_prs(w):
    token, url = start(w)
    head, main, x = drop_repo(w)
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main")
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main")
    w.wait_for_check(head, "action_required")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=8, head_sha=head, base_sha=x, base_ref="x")
    w.wait_for_event(url, token, "pull_request", count=2)
    proc, _ = upload_pr(w, url, token, 8, "x")
    check("conclusion success" in proc.stdout, f"PR #8 alone has nothing new: {proc.stdout[-400:]}")
    w.wait_for_event(url, token, "check", count=3)
    deadline = time.time() + 30
    while time.time() < deadline:
        run = w.governance_checks(head)[-1]
        if "pull request #8" in run["output"]["summary"]:
            break
        time.sleep(0.3)
    check(run.get("conclusion") == "action_required" and "worst" in run["output"]["summary"] and "#7" in run["output"]["title"],
          f"the check says #7 decides it: {run['output']['title']} / {run['output']['summary'][:600]}")
    runs = w.governance_checks(head)
    check(all(r.get("conclusion") != "success" for r in runs), f"no run of the head says success: {[r.get('conclusion') for r in runs]}")
    ok("PR #8 (same head, into x) uploads success; the head's check stays action_required, naming both")

    w.webhook(url, "pull_request", "closed", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main", merged=True)
    data = merge_event(w, url, token, 7)
    check(data["decision"] == "action_required" and data["reviewed"] is False, f"#7's merge audited with its own decision: {data}")
    ok("the merge of #7 is audited with #7's decision (action_required, reviewed false), not #8's")


def edited_base(w, url, number, head, base_sha, base_ref, from_ref, from_sha):
    import webhooks
    payload = webhooks.build("pull_request", "opened", repository_name=REPO, number=number, head_sha=head, base_sha=base_sha,
                             base_ref=base_ref, sender=AUTHOR, author=AUTHOR, installation=77)
    payload["action"] = "edited"
    payload["changes"] = {"base": {"ref": {"from": from_ref}, "sha": {"from": from_sha}}}
    headers, body = webhooks.delivery("pull_request", payload, SECRET)
    status, _ = webhooks.post(url + "/v1/github/webhook", headers, body)
    check(status == 202, f"edited webhook: {status}")


def scenario_retarget(w):
    token, url = start(w)
    head, main, x = drop_repo(w)
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=x, base_ref="x")
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "x")
    w.wait_for_check(head, "success")
    ok("PR #7 into x: nothing new, success")

    edited_base(w, url, 7, head, main, "main", "x", x)
    w.wait_for_event(url, token, "base_changed")
    deadline = time.time() + 30
    while time.time() < deadline:
        run = w.governance_checks(head)[-1]
        if run.get("status") == "in_progress" and "re-run pgfence" in run["output"]["title"]:
            break
        time.sleep(0.3)
    check(run.get("status") == "in_progress" and run.get("conclusion") is None,
          f"after the base change the check waits: {run.get('status')} {run.get('conclusion')} {run['output']['title']}")
    # A re-run of the check (GitHub's "Re-run") posts the old upload's decision again: not any more.
    checks_before = len([e for e in w.audit(url, token) if e["type"] == "check"])
    status, _ = w.webhook(url, "check_run", "rerequested", head_sha=head)
    check(status == 202, "rerequested webhook")
    w.wait_for_event(url, token, "check_rerequested")
    time.sleep(3)
    run = w.governance_checks(head)[-1]
    check(run.get("status") == "in_progress", f"the old base's success is not posted again: {run.get('status')} {run.get('conclusion')}")
    check(len([e for e in w.audit(url, token) if e["type"] == "check"]) == checks_before, "no check posted for the old upload")
    ok("base edited x -> main: the check waits for an upload for main; a re-requested run does not bring back x's success")

    upload_pr(w, url, token, 7, "main")
    w.wait_for_check(head, "action_required")
    w.webhook(url, "pull_request", "closed", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main", merged=True)
    data = merge_event(w, url, token, 7)
    check(data["decision"] == "action_required" and data["reviewed"] is False, f"the merge audited with main's decision: {data}")
    ok("the upload for main decides (action_required); the merge is audited reviewed false")


def scenario_two_jobs(w):
    token, url = start(w)
    commit(w, {"api/migrations/001_users.sql": USERS, "web/migrations/001_pages.sql": "CREATE TABLE pages (id bigint PRIMARY KEY);\n",
               "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n", "web/README.md": "web\n"}, "drop users")
    head = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=git(w.repo, "rev-parse", "main"))
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    w.wait_for_check(head, "action_required")
    proc, _ = upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    check("conclusion success" in proc.stdout, f"the web job alone has nothing new: {proc.stdout[-400:]}")
    w.wait_for_event(url, token, "check", count=3)
    time.sleep(2)
    runs = w.governance_checks(head)
    run = runs[-1]
    check(run.get("conclusion") == "action_required", f"the web job's success does not replace api's: {run.get('conclusion')}")
    check("job `api`" in run["output"]["summary"] and "job `web`" in run["output"]["summary"],
          f"the check lists both jobs: {run['output']['summary'][:600]}")
    check(all(r.get("conclusion") != "success" for r in runs), f"no run of the head says success: {[r.get('conclusion') for r in runs]}")
    evaluations = [e for e in w.audit(url, token) if e["type"] == "check"]
    check(evaluations[-1]["data"]["own_conclusion"] == "success" and evaluations[-1]["data"]["conclusion"] == "action_required",
          f"the audit says web's own decision and the check's: {evaluations[-1]['data']}")
    ok("two jobs on one pull request: the later web job's success leaves api's action_required standing")


def scenario_fake_run(w):
    token, url = start(w)
    head, main, _ = drop_repo(w)
    status, body, _ = http("POST", f"{w.github}/repos/{REPO}/check-runs",
                           body={"name": "pgfence governance", "head_sha": head, "status": "completed", "conclusion": "success",
                                 "output": {"title": "Signed off by alice", "summary": "fake"}},
                           headers={"Authorization": "token " + PAT, "Accept": "application/vnd.github+json",
                                    "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"})
    check(status == 201, f"the workflow's token posts a run of that name: {status} {body[:300]}")
    fake = json.loads(body)["id"]
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main")
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main")
    w.wait_for_event(url, token, "check", count=2)
    time.sleep(2)
    runs = {r["id"]: r for r in w.governance_checks(head)}
    check(runs[fake].get("conclusion") == "success" and runs[fake]["output"]["summary"] == "fake",
          f"the workflow's run is not the service's to update: {runs[fake].get('conclusion')} {runs[fake]['output']}")
    own = [r for r in runs.values() if r.get("app_id") is not None]
    check(own and own[-1].get("conclusion") == "action_required",
          f"the service's decision is in a run of its App: {[(r['id'], r.get('app_id'), r.get('conclusion')) for r in runs.values()]}")
    ok("a 'pgfence governance' run from the workflow's token is left alone; the App posts its own run (action_required)")


def scenario_closed(w):
    token, url = start(w)
    head, main, _ = drop_repo(w)
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main")
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main")
    w.wait_for_check(head, "action_required")
    review(w, url, "alice", head_sha=head, body="dropping users is planned")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("PR #7 drops a table; alice signs it off: success")

    status, _ = w.webhook(url, "pull_request", "closed", author=AUTHOR, number=7, head_sha=head, base_sha=main, merged=False)
    check(status == 202, f"closed webhook: {status}")
    deadline = time.time() + 30
    while time.time() < deadline:
        run = w.governance_checks(head)[-1]
        if "was closed" in run["output"]["title"]:
            break
        time.sleep(0.3)
    check(run.get("conclusion") is None and run.get("status") == "in_progress" and "was closed" in run["output"]["title"],
          f"closed: the head's check no longer says success: {run.get('status')} {run.get('conclusion')} {run['output']['title']}")
    closed_at = len(w.governance_checks(head)) - 1
    ok("PR #7 closed without merging: the head's check is no longer success (its decision stands for nobody)")

    checks_before = len([e for e in w.audit(url, token) if e["type"] == "check"])
    review(w, url, "alice", head_sha=head, body="approving the closed one", review_id=903)
    w.wait_for_event(url, token, "approval", 2)
    time.sleep(3)
    check(len([e for e in w.audit(url, token) if e["type"] == "check"]) == checks_before,
          "an approval on the closed pull request posts no check")
    check(w.governance_checks(head)[-1].get("conclusion") != "success", "the head's check is still not success")
    ok("an approval given on the closed pull request posts nothing")

    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=9, head_sha=head, base_sha=main, base_ref="main")
    w.wait_for_event(url, token, "pull_request", count=3)
    time.sleep(3)
    check(w.governance_checks(head)[-1].get("conclusion") != "success",
          f"PR #9 from the same head is not covered by #7's sign-off: {w.governance_checks(head)[-1].get('conclusion')}")
    w.webhook(url, "pull_request", "closed", author=AUTHOR, number=9, head_sha=head, base_sha=main, base_ref="main", merged=True)
    data = merge_event(w, url, token, 9)
    check(data["reviewed"] is False, f"#9's merge is not reviewed by #7's approval: {data}")
    check(all(r.get("conclusion") != "success" for r in w.governance_checks(head)[closed_at:]), "no success after #7 was closed")
    ok("PR #9 opened from the same head: the check never says success, its merge is audited reviewed false")

    w.webhook(url, "pull_request", "reopened", author=AUTHOR, number=7, head_sha=head, base_sha=main, base_ref="main")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("PR #7 reopened: evaluated again, alice's approval (asked of GitHub anew) counts")


def job_conclusions(w, url, token):
    """Each job's own decision in the newest check event that lists them: {job: conclusion}."""
    checks = [e for e in w.audit(url, token) if e["type"] == "check" and e["data"].get("decisions")]
    return {d["job"]: d["conclusion"] for d in checks[-1]["data"]["decisions"]} if checks else {}


def wait_for_jobs(w, url, token, want, timeout=60):
    deadline = time.time() + timeout
    got = {}
    while time.time() < deadline:
        got = job_conclusions(w, url, token)
        if got == want:
            return got
        time.sleep(0.3)
    check(False, f"each job's decision: want {want}, have {got}")


def scenario_jobs_signoff(w):
    token, url = start(w)
    commit(w, {"api/migrations/001_users.sql": USERS,
               "web/migrations/001_pages.sql": "CREATE TABLE pages (id bigint PRIMARY KEY);\n", "README.md": "x\n"}, "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n",
               "web/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE pages;\n"}, "drop both")
    head = git(w.repo, "rev-parse", "HEAD")
    main = git(w.repo, "rev-parse", "main")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main)
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "action_required"})
    ok("two jobs, each with a DROP TABLE: both action_required")

    review(w, url, "alice", head_sha=head, body="both drops are planned")
    wait_for_jobs(w, url, token, {"api": "success", "web": "success"})
    run = w.wait_for_check(head, "success")
    check("Signed off by alice" in run["output"]["title"] + run["output"]["summary"], f"signed off: {run['output']['title']}")
    ok("one approval of the head covers both jobs' findings: each job's decision and the check are success")

    commit(w, {"web/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE pages CASCADE;\n"}, "web: cascade")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, number=7, head_sha=head2, base_sha=main)
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    wait_for_jobs(w, url, token, {"api": "success", "web": "action_required"})
    run = w.wait_for_check(head2, "action_required")
    check("job `api`" in run["output"]["summary"] and "job `web`" in run["output"]["summary"],
          f"the check lists both jobs: {run['output']['summary'][:600]}")
    ok("a push rewriting only web's migration: api's finding stays signed off, web's new one needs sign-off")

    review(w, url, "alice", head_sha=head2, body="cascade is fine", review_id=904)
    wait_for_jobs(w, url, token, {"api": "success", "web": "success"})
    w.wait_for_check(head2, "success")
    ok("alice approves the new head: both jobs success")

    # An approval given when only api had uploaded covers api's findings, not web's that came after.
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users CASCADE;\n",
               "web/migrations/003_more.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n"}, "both again")
    head3 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, number=7, head_sha=head3, base_sha=main)
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    # web decided for earlier heads: until it uploads for this one, it stands as pending (r70 F24).
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "pending"})
    review(w, url, "alice", head_sha=head3, body="api's cascade", review_id=905)
    wait_for_jobs(w, url, token, {"api": "success", "web": "pending"})
    check(all(r.get("conclusion") != "success" for r in w.governance_checks(head3)), "no success before web uploads")
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    wait_for_jobs(w, url, token, {"api": "success", "web": "action_required"})
    run = w.wait_for_text(head3, "action_required", "not there when it was given")
    ok("an approval given before web's upload arrived covers api's findings only: web's need their own sign-off")


def api_drops_users(w, token, url):
    """Head 1 of pull request #7: job api drops a table (action_required), job web has nothing new
    (success); both uploaded. Returns head 1 and main's commit."""
    commit(w, {"api/migrations/001_users.sql": USERS, "web/migrations/001_pages.sql": "CREATE TABLE pages (id bigint PRIMARY KEY);\n"},
           "base")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n",
               "web/migrations/002_note.sql": "SELECT 1;\n"}, "drop users")
    head = git(w.repo, "rev-parse", "HEAD")
    main = git(w.repo, "rev-parse", "main")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main)
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "success"})
    w.wait_for_check(head, "action_required")
    return head, main


def scenario_job_missing(w):
    """Red team r70 F24: head 1, job api drops a table (action_required) and job web has nothing new;
    head 2 changes only web's folder and only web uploads. The check of head 2 waits for api (pending,
    "Waiting for job api"), never success, and api's upload for head 2 brings back its action_required."""
    token, url = start(w)
    head, main = api_drops_users(w, token, url)
    ok("head 1: api's DROP TABLE needs sign-off")

    commit(w, {"web/migrations/003_more.sql": "SELECT 1;\n"}, "web only")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, number=7, head_sha=head2, base_sha=main)
    proc, _ = upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    wait_for_jobs(w, url, token, {"api": "pending", "web": "success"})
    time.sleep(2)
    runs = w.governance_checks(head2)
    check(runs and all(r.get("conclusion") != "success" for r in runs), f"head 2 is never success: {[r.get('conclusion') for r in runs]}")
    check(runs[-1].get("status") == "in_progress" and "Waiting for job api" in runs[-1]["output"]["title"],
          f"head 2 waits for api: {runs[-1].get('status')} {runs[-1]['output']['title']}")
    ok("head 2 with only web's upload: the check waits for job api")

    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "success"})
    w.wait_for_check(head2, "action_required")
    ok("api's upload for head 2: its DROP TABLE needs sign-off again")



class Session:
    """A psql session of the test's own on the service's database, to hold a lock while its workers run."""

    def __init__(self, pg):
        self.proc = subprocess.Popen([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                      "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "postgres"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def run(self, statement):
        self.proc.stdin.write(statement + "\n\\echo -- done\n")
        self.proc.stdin.flush()
        out = []
        while (line := self.proc.stdout.readline()) and line.rstrip("\n") != "-- done":
            out.append(line.rstrip("\n"))
        check(self.proc.poll() is None, f"the test's psql session ended: {out}")
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def scalar(w, query):
    """The one value `query` returns (psql's aligned output: a header, a rule, the value)."""
    return w.pg.sql("postgres", query).splitlines()[2].strip()


def waiting(w, locktype):
    """How many of the database's sessions wait for a lock of `locktype` ('advisory', 'transactionid')."""
    return int(scalar(w, f"SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = '{locktype}'"))


def until(condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def scenario_jobs_order(w):
    """Red team R72: two jobs' checks of one head posted at once decided the newest run by the order of
    their steps. Web's check, alone (api's upload not recorded yet), posts a new run "Waiting for job
    api"; api's check, on the other worker, read the head's run before web's was recorded, so it decides
    the older run and records it: the newest run, the one branch protection reads, stays waiting. The
    test forces that order: it holds head 2's pgfence_checks row, so web's check stops (holding the
    head's lock) before recording its run, and lets it go once api's check has read the run and waits
    for the head's lock. A head's checks are run one at a time: api's waits for web's to finish."""
    w.pg = Postgres(w.tmp)
    token, url = start(w, database_url=w.pg.url("postgres", "postgres"))
    head, main = api_drops_users(w, token, url)

    commit(w, {"web/migrations/003_more.sql": "SELECT 1;\n", "api/migrations/003_note.sql": "SELECT 2;\n"}, "both jobs")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, number=7, head_sha=head2, base_sha=main)
    w.wait_for_event(url, token, "pull_request", count=2)
    row = f"FROM pgfence_checks WHERE repository = '{REPO}' AND head_sha = '{head2}'"
    check(until(lambda: scalar(w, f"SELECT count(*) {row}") == "1", 60),
          "head 2's waiting run is recorded")
    check(until(lambda: json.loads(http("GET", url + "/healthz")[1]).get("jobs_queued") == 0, 60), "the queue is empty")

    held = Session(w.pg)
    try:
        held.run(f"BEGIN; SELECT check_run_id {row} FOR UPDATE;")
        upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
        check(until(lambda: waiting(w, "transactionid") >= 1, 60),
              "web's check has posted its run and waits to record it (the row the test holds)")
        check(w.governance_checks(head2)[-1].get("status") == "in_progress"
              and "Waiting for job api" in w.governance_checks(head2)[-1]["output"]["title"],
              f"web's check alone posted a run waiting for api: {w.governance_checks(head2)[-1]['output']['title']}")
        upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
        # Without one check at a time, api's check reads the head's run and then waits for the head's
        # lock, which web's holds; with it, api's check is not claimed while web's runs.
        raced = until(lambda: waiting(w, "advisory") >= 1, 10)
        if not raced:
            queued = scalar(w, "SELECT count(*) FROM pgfence_jobs WHERE kind = 'check' AND done_at IS NULL "
                                  f"AND attempts = 0 AND payload->>'head_sha' = '{head2}'")
            check(queued == "1", f"api's check neither waits for the head's lock nor waits in the queue: {queued}")
    finally:
        held.run("ROLLBACK;")
        held.close()
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "success"})
    check(until(lambda: json.loads(http("GET", url + "/healthz")[1]).get("jobs_queued") == 0, 60), "the queue is empty")
    time.sleep(2)
    runs = w.governance_checks(head2)
    check(runs[-1].get("conclusion") == "action_required",
          f"the newest run of head 2 says both jobs' decisions (action_required), not waiting for api: "
          f"{runs[-1].get('status')} {runs[-1].get('conclusion')} {runs[-1]['output']['title']!r}"
          f" (runs: {[(r.get('status'), r.get('conclusion')) for r in runs]})")
    ok("web's check posted a run waiting for api, then api's check decided that run: action_required "
       + ("(api's check had read the head's run before web's was recorded)" if raced else "(api's check waited in the queue)"))


def scenario_job_missing_retarget(w):
    """Red team r71 F9: as job_missing, head 2 waits for api (only web uploaded). Then the base is
    edited (main -> x, x is main plus a README): the service drops the decisions of head 1 (api's
    only one) and voids head 2's. web uploads for x: api is still waited for, never success, since
    the jobs a pull request has had are its own, not those of the head rows that happen to be kept."""
    token, url = start(w)
    commit(w, {"api/migrations/001_users.sql": USERS, "web/migrations/001_pages.sql": "CREATE TABLE pages (id bigint PRIMARY KEY);\n"},
           "base")
    git(w.repo, "checkout", "-qb", "x")
    commit(w, {"README.md": "release branch\n"}, "x")
    git(w.repo, "checkout", "-q", "main")
    git(w.repo, "checkout", "-qb", "feature")
    commit(w, {"api/migrations/002_drop.sql": "SET lock_timeout = '2s';\nDROP TABLE users;\n",
               "web/migrations/002_note.sql": "SELECT 1;\n"}, "drop users")
    head, main, x = git(w.repo, "rev-parse", "HEAD"), git(w.repo, "rev-parse", "main"), git(w.repo, "rev-parse", "x")
    w.webhook(url, "pull_request", "opened", author=AUTHOR, number=7, head_sha=head, base_sha=main)
    w.wait_for_event(url, token, "pull_request")
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    upload_pr(w, url, token, 7, "main", "--name", "api", "api/migrations")
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "success"})
    w.wait_for_check(head, "action_required")
    ok("head 1: api's DROP TABLE needs sign-off")

    commit(w, {"web/migrations/003_more.sql": "SELECT 1;\n"}, "web only")
    head2 = git(w.repo, "rev-parse", "HEAD")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR, number=7, head_sha=head2, base_sha=main)
    upload_pr(w, url, token, 7, "main", "--name", "web", "web/migrations")
    wait_for_jobs(w, url, token, {"api": "pending", "web": "success"})
    ok("head 2 with only web's upload: api is waited for")

    edited_base(w, url, 7, head2, x, "x", "main", main)
    w.wait_for_event(url, token, "base_changed")
    proc, _ = upload_pr(w, url, token, 7, "x", "--name", "web", "web/migrations")
    check("governance: uploaded (conclusion success" in proc.stdout, f"web has nothing new for x: {proc.stdout[-400:]}")
    wait_for_jobs(w, url, token, {"api": "pending", "web": "success"})
    time.sleep(2)
    runs = w.governance_checks(head2)
    check(runs and all(r.get("conclusion") != "success" for r in runs), f"head 2 is never success: {[r.get('conclusion') for r in runs]}")
    check(runs[-1].get("status") == "in_progress" and "Waiting for job api" in runs[-1]["output"]["title"],
          f"head 2 into x waits for api: {runs[-1].get('status')} {runs[-1]['output']['title']}")
    ok("base edited to x, web's upload for x: the check still waits for job api (its decisions went with the old base)")

    upload_pr(w, url, token, 7, "x", "--name", "api", "api/migrations")
    wait_for_jobs(w, url, token, {"api": "action_required", "web": "success"})
    w.wait_for_check(head2, "action_required")
    ok("api's upload for x: its DROP TABLE needs sign-off")


SCENARIOS = {"job_missing": scenario_job_missing, "jobs_order": scenario_jobs_order, "job_missing_retarget": scenario_job_missing_retarget, "fake_run": scenario_fake_run, "rebase_items": scenario_rebase_items, "two_prs": scenario_two_prs, "retarget": scenario_retarget,
             "two_jobs": scenario_two_jobs, "closed": scenario_closed,
             "jobs_signoff": scenario_jobs_signoff}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
