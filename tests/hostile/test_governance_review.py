"""Governance (issue #53, red team h2 item 5): an approver's later "changes requested" review, or an
edit of their `/pgfence approve` comment, withdraws their approval (`changesreq`, `editedapprove`:
GitHub counts a reviewer's latest review; the service kept "Signed off by alice"); an approval or
exemption of a call binds to the whole called body, not to the finding message's cut (`bodytail`). The real `pgfence serve`
(embedded PostgreSQL) against the GitHub double in App mode, a real repository uploaded by `pgfence
pr --upload`, signed webhooks (tests/serve/serve_test.py's world).

    test_governance_review.py SCENARIO --binary B --schemas DIR
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from serve_test import AUTHOR, check, comment, git, ok, review, run_world, signoff_world, write  # noqa: E402

COND = " AND ".join("ts <> '2020-01-%02d'::timestamptz" % d for d in range(1, 29))


def purge_fn(tail):
    """A body whose last condition lies past the cut of the finding's message."""
    return ("CREATE FUNCTION purge_audit() RETURNS void LANGUAGE sql AS $$\n  DELETE FROM audit_log WHERE " + COND +
            " AND " + tail + ";\n$$;\n")


def purge_world(w, policy):
    config, token, url = signoff_world(w, policy)
    # audit_log is on the base branch (a table with rows), so deleting from it is a finding.
    git(w.repo, "checkout", "-q", "main")
    write(os.path.join(w.repo, "migrations/000_audit.sql"), "CREATE TABLE audit_log (id bigint PRIMARY KEY, ts timestamptz);\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "audit")
    git(w.repo, "checkout", "-q", "feature")
    git(w.repo, "rebase", "-q", "main")
    write(os.path.join(w.repo, "migrations/004_fn.sql"), purge_fn("ts < now() - interval '90 days'"))
    write(os.path.join(w.repo, "migrations/005_call.sql"), "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nSELECT purge_audit();\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "purge")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "synchronize webhook")
    w.wait_for_event(url, token, "pull_request", 2)
    return config, token, url


def push_tail(w, url):
    """Only the body's last condition changes: now() + 90 days, every row."""
    write(os.path.join(w.repo, "migrations/004_fn.sql"), purge_fn("ts < now() + interval '90 days'"))
    git(w.repo, "commit", "-qam", "tweak")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "synchronize webhook")


def changes_requested(w):
    """alice approves by review, then requests changes by a later review: action_required again,
    approval_revoked audited; the same after an approval by `/pgfence approve`."""
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    review(w, url, "alice", review_id=501, body="fine")
    w.wait_for_text(head, "success", "Signed off by alice")
    review(w, url, "alice", review_id=502, review_state="changes_requested", body="wait, not this")
    revoked = w.wait_for_event(url, token, "approval_revoked")
    check("changes requested" in revoked[-1]["data"]["why"], f"the revocation says why: {revoked[-1]}")
    w.wait_for_text(head, "action_required", "Approvers:")
    ok("a later changes-requested review by the approver withdraws the review's approval")

    comment(w, url, "alice", "/pgfence approve")
    w.wait_for_text(head, "success", "Signed off by alice")
    review(w, url, "alice", review_id=503, review_state="changes_requested", body="no")
    w.wait_for_event(url, token, "approval_revoked", 2)
    w.wait_for_text(head, "action_required", "Approvers:")
    ok("and the approval given by /pgfence approve")

    # An approving comment edited to say something else withdraws the approval it gave.
    comment(w, url, "alice", "/pgfence approve", comment_id=777)
    w.wait_for_text(head, "success", "Signed off by alice")
    status, body = w.webhook(url, "issue_comment", "edited", actor="alice", author=AUTHOR, body="not yet: wait for the backfill",
                             comment_id=777, previous_body="/pgfence approve")
    check(status == 202, f"issue_comment edited webhook: {status} {body}")
    revoked = w.wait_for_event(url, token, "approval_revoked", 3)
    check("edited" in revoked[-1]["data"]["why"], f"the revocation says why: {revoked[-1]}")
    w.wait_for_text(head, "action_required", "Approvers:")
    ok("an approving comment edited away withdraws its approval")

    # Another reviewer's changes-requested review withdraws nobody else's approval.
    review(w, url, "alice", review_id=504, body="fine now")
    w.wait_for_text(head, "success", "Signed off by alice")
    review(w, url, "carol", review_id=505, review_state="changes_requested", body="hm")
    time.sleep(3)
    revoked = [e for e in w.audit(url, token) if e["type"] == "approval_revoked"]
    check(len(revoked) == 3, f"carol's review revokes nothing: {revoked}")
    check(w.governance_checks(head)[-1]["conclusion"] == "success", f"still signed off: {w.governance_checks(head)[-1]}")
    ok("another reviewer's changes-requested review leaves alice's approval")


def body_tail(w):
    """BODYTAIL: alice approves the call of purge_audit(); a push changes only the body's last
    condition, past the cut of the finding's message: her approval no longer covers it."""
    config, token, url = purge_world(w, 'approvers = ["alice"]\n')
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    review(w, url, "alice", review_id=601, head_sha=head, body="purging rows older than 90 days is fine")
    w.wait_for_text(head, "success", "Signed off by alice")
    push_tail(w, url)
    proc, out, head2 = w.upload(url, token)
    w.wait_for_check(head2, "action_required")
    time.sleep(4)  # whatever the service decides after the upload's own answer
    run = w.governance_checks(head2)[-1]
    check(run["conclusion"] == "action_required" and "Signed off by alice" not in run["output"]["title"],
          f"the approval does not cover the new body: {run['conclusion']} {run['output']['title']}")
    ok("an approval of a call does not cover a rewrite of the called body past the message's cut")


def body_tail_exempt(w):
    """BODYTAILEXEMPT: an exemption at the call (005_call.sql:3) is voided by the same push."""
    config, token, url = purge_world(w, 'approvers = ["alice"]\nexemptable = ["backfill-in-migration"]\nmax_exemption_days = 10\n')
    proc, out, head = w.upload(url, token)
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt backfill-in-migration at migrations/005_call.sql:3 --reason "old rows only" --until {soon}')
    w.wait_for_event(url, token, "exemption")
    push_tail(w, url)
    proc, out, head2 = w.upload(url, token)
    voided = w.wait_for_event(url, token, "exemption_voided")
    check(voided[-1]["data"]["path"] == "migrations/005_call.sql", f"the exemption at the call is voided: {voided}")
    ok("an exemption at a call is voided by a rewrite of the called body past the message's cut")


SCENARIOS = {"changes_requested": changes_requested, "body_tail": body_tail, "body_tail_exempt": body_tail_exempt}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--binary", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    return run_world(args, args.scenario, SCENARIOS[args.scenario])


if __name__ == "__main__":
    sys.exit(main())
