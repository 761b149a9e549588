"""Deliveries out of order (red team R87 F8), end to end on serve_test.py's world: the real service,
its database, the GitHub double in App mode, `pgfence pr --upload`, signed webhooks. GitHub does not
order its deliveries (a 503 and the redelivery, or any reordering), so a withdrawal can arrive before
the approval it withdraws. A DROP TABLE waits for alice's sign-off in each scenario.

    reorder_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  review_dismissed_first  review 5151's `dismissed` is delivered, then its `submitted`: the check
                          stays action_required (withdrawal_before_approval, then approval_refused);
                          a later review of alice's still signs off; audit verify passes
  comment_edited_first    comment 777001's `edited` (its `/pgfence approve` taken out) is delivered,
                          then its `created`: action_required, the reply says it was not recorded;
                          a later `/pgfence approve` still signs off
  review_in_order         control: submitted signs off; dismissed then revokes it; nothing is kept
                          as an early withdrawal
  comment_in_order        control: created signs off; edited then revokes it; an edit of a comment
                          that was never a command keeps nothing
A reviewer's or signer's latest word counts, by GitHub's instants (review submitted_at, comment
created_at), not by delivery order:
  changes_requested_first alice approves (review 5161, 08:00) then requests changes (5162, 08:10);
                          the changes are delivered first: the approval is refused, action_required;
                          a later approving review still signs off; audit verify passes
  revoke_first            alice's `/pgfence approve` (08:00) then `/pgfence revoke` (08:10); the
                          revoke is delivered first: refused, the reply says so; a revoke at the
                          same instant as the approve wins too; a later approve still signs off
  revoke_first_exemption  the same for `/pgfence exempt` (08:00) and `/pgfence revoke` (08:10),
                          delivered revoke first: exemption_refused, action_required; a later
                          exemption still lifts it
  changes_then_approval   control: changes requested (08:00) then approved (08:10), delivered in
                          that order: signs off
  approve_then_revoke     control: approve (08:00) then revoke (08:10) in order: revoked
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import AUTHOR, check, comment, git, ok, review, signoff_world, world_main, write  # noqa: E402


def drop_world(w):
    """alice an approver; the pull request drops a table: (token, service URL, head)."""
    _, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    write(os.path.join(w.repo, "migrations/003_drop.sql"), "SET lock_timeout = '2s';\nDROP TABLE users;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "drop")
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    w.wait_for_check(head, "action_required")
    return token, url, head


def types(w, url, token):
    return [e["type"] for e in w.audit(url, token)]


def decided(w, url, token, timeout=60):
    """Waits until the later delivery is decided: an approval recorded, or its refusal."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(t in ("approval", "approval_refused") for t in types(w, url, token)):
            return
        time.sleep(0.3)
    check(False, f"the approval was neither recorded nor refused: {types(w, url, token)}")


def not_signed_off(w, head, seconds=6):
    time.sleep(seconds)
    run = w.governance_checks(head)[-1]
    check(run.get("conclusion") == "action_required" and "Signed off" not in run["output"].get("title", ""),
          f"nothing signs off: {run.get('conclusion')} / {run['output'].get('title')}")


def edited(w, url, comment_id, body, previous):
    status, answer = w.webhook(url, "issue_comment", "edited", actor="alice", author=AUTHOR, body=body,
                               previous_body=previous, comment_id=comment_id)
    check(status == 202, f"issue_comment edited webhook: {status} {answer}")


def scenario_review_dismissed_first(w):
    token, url, head = drop_world(w)
    review(w, url, "alice", action="dismissed", review_id=5151, body="ok")
    time.sleep(2)
    review(w, url, "alice", review_id=5151, body="ok")
    decided(w, url, token)
    not_signed_off(w, head)
    kept = w.wait_for_event(url, token, "withdrawal_before_approval")[-1]
    check(kept["data"].get("review_id") == 5151 and kept["data"].get("source") == "review", f"the dismissal is kept: {kept}")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check(refused["data"].get("review_id") == 5151 and "dismissed" in refused["data"].get("why", ""), f"refused: {refused}")
    check("approval" not in types(w, url, token), f"no approval recorded: {types(w, url, token)}")
    ok("a dismissal delivered before its review's submission: the approval is refused, the check stays action_required")

    review(w, url, "alice", review_id=5152, body="ok now")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("alice's later review signs off")
    v = w.verify_file(w.audit(url, token))
    check(v.returncode == 0, f"audit verify: {v.stdout} {v.stderr}")
    ok("audit verify passes with the early withdrawal in the chain")


def scenario_comment_edited_first(w):
    token, url, head = drop_world(w)
    edited(w, url, 777001, "on second thought: no", "/pgfence approve checked")
    time.sleep(2)
    comment(w, url, "alice", "/pgfence approve checked", comment_id=777001)
    decided(w, url, token)
    not_signed_off(w, head)
    kept = w.wait_for_event(url, token, "withdrawal_before_approval")[-1]
    check(kept["data"].get("comment_id") == 777001 and kept["data"].get("source") == "comment", f"the edit is kept: {kept}")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check(refused["data"].get("comment_id") == 777001 and "edited or deleted" in refused["data"].get("why", ""), f"refused: {refused}")
    check("approval" not in types(w, url, token), f"no approval recorded: {types(w, url, token)}")
    replies = [c["body"] for c in w.github_state()["comments"].get("octo/app#7", [])]
    check(any("was not recorded" in b and "edited or deleted" in b for b in replies), f"the reply says why: {replies}")
    ok("an edit taking out `/pgfence approve` delivered before the comment's creation: refused, action_required")

    comment(w, url, "alice", "/pgfence approve checked again", comment_id=777002)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("a later /pgfence approve signs off")


def scenario_review_in_order(w):
    token, url, head = drop_world(w)
    review(w, url, "alice", review_id=5151, body="ok")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("submitted alone signs off")
    review(w, url, "alice", action="dismissed", review_id=5151, body="ok")
    w.wait_for_event(url, token, "approval_revoked")
    w.wait_for_check(head, "action_required")
    check("withdrawal_before_approval" not in types(w, url, token), f"nothing kept as early: {types(w, url, token)}")
    ok("submitted then dismissed revokes it")


def scenario_comment_in_order(w):
    token, url, head = drop_world(w)
    edited(w, url, 777009, "LGTM, nice", "LGTM")
    comment(w, url, "alice", "/pgfence approve checked", comment_id=777001)
    w.wait_for_text(head, "success", "Signed off by alice")
    check("withdrawal_before_approval" not in types(w, url, token),
          f"an edit of a comment that was no command keeps nothing: {types(w, url, token)}")
    ok("created alone signs off; an edit of a plain comment leaves no withdrawal")
    edited(w, url, 777001, "on second thought: no", "/pgfence approve checked")
    w.wait_for_event(url, token, "approval_revoked")
    w.wait_for_check(head, "action_required")
    check("withdrawal_before_approval" not in types(w, url, token), f"nothing kept as early: {types(w, url, token)}")
    ok("created then edited revokes it")


EARLY, LATER = "2024-05-02T08:00:00Z", "2024-05-02T08:10:00Z"  # before the double's default instants


def scenario_changes_requested_first(w):
    token, url, head = drop_world(w)
    review(w, url, "alice", review_id=5162, review_state="changes_requested", body="no", at=LATER)
    time.sleep(2)
    review(w, url, "alice", review_id=5161, body="ok", at=EARLY)
    decided(w, url, token)
    not_signed_off(w, head)
    kept = w.wait_for_event(url, token, "withdrawal_before_approval")[-1]
    check(kept["data"].get("review_id") == 5162 and kept["data"].get("withdrawn_at") == LATER, f"the changes are kept: {kept}")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check(refused["data"].get("review_id") == 5161 and "withdrew" in refused["data"].get("why", ""), f"refused: {refused}")
    check("approval" not in types(w, url, token), f"no approval recorded: {types(w, url, token)}")
    ok("an approval submitted before the same reviewer's changes request, delivered after it: refused, action_required")

    review(w, url, "alice", review_id=5163, body="ok now")
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("alice's later approving review signs off")
    v = w.verify_file(w.audit(url, token))
    check(v.returncode == 0, f"audit verify: {v.stdout} {v.stderr}")
    ok("audit verify passes")


def scenario_revoke_first(w):
    token, url, head = drop_world(w)
    comment(w, url, "alice", "/pgfence revoke", comment_id=777011, at=LATER)
    time.sleep(2)
    comment(w, url, "alice", "/pgfence approve checked", comment_id=777010, at=EARLY)
    decided(w, url, token)
    not_signed_off(w, head)
    kept = w.wait_for_event(url, token, "withdrawal_before_approval")[-1]
    check(kept["data"].get("comment_id") == 777011 and kept["data"].get("withdrawn_at") == LATER, f"the revoke is kept: {kept}")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check(refused["data"].get("comment_id") == 777010 and "withdrew" in refused["data"].get("why", ""), f"refused: {refused}")
    replies = [c["body"] for c in w.github_state()["comments"].get("octo/app#7", [])]
    check(any("was not recorded" in b and "withdrew" in b for b in replies), f"the reply says why: {replies}")
    ok("/pgfence approve made before alice's /pgfence revoke, delivered after it: refused, action_required")

    comment(w, url, "alice", "/pgfence approve same second", comment_id=777012, at=LATER)
    refused = w.wait_for_event(url, token, "approval_refused", 2)[-1]
    check(refused["data"].get("comment_id") == 777012, f"the same instant: the revoke wins: {refused}")
    not_signed_off(w, head, 2)
    ok("an approve at the same instant as the revoke is refused")

    comment(w, url, "alice", "/pgfence approve checked again", comment_id=777013)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("a later /pgfence approve signs off")
    v = w.verify_file(w.audit(url, token))
    check(v.returncode == 0, f"audit verify: {v.stdout} {v.stderr}")
    ok("audit verify passes")


def scenario_revoke_first_exemption(w):
    _, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    _, out, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    until = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    text = f'/pgfence exempt create-index-without-concurrently --reason "small table" --until {until}'
    comment(w, url, "alice", "/pgfence revoke", comment_id=777021, at=LATER)
    time.sleep(2)
    comment(w, url, "alice", text, comment_id=777020, at=EARLY)
    deadline = time.time() + 60
    while time.time() < deadline and not {"exemption", "exemption_refused"} & set(types(w, url, token)):
        time.sleep(0.3)
    not_signed_off(w, head, 4)
    check(w.governance_checks(head)[-1].get("conclusion") == "action_required", "the exemption lifts nothing")
    refused = w.wait_for_event(url, token, "exemption_refused")[-1]
    check(refused["data"].get("comment_id") == 777020 and "withdrew" in refused["data"].get("why", ""), f"refused: {refused}")
    check("exemption" not in types(w, url, token), f"no exemption recorded: {types(w, url, token)}")
    ok("/pgfence exempt made before alice's /pgfence revoke, delivered after it: refused, action_required")

    comment(w, url, "alice", text.replace("small table", "small table, really"), comment_id=777022)
    w.wait_for_check(head, "success")
    ok("a later /pgfence exempt lifts it")


def scenario_changes_then_approval(w):
    token, url, head = drop_world(w)
    review(w, url, "alice", review_id=5162, review_state="changes_requested", body="no", at=EARLY)
    time.sleep(2)
    review(w, url, "alice", review_id=5163, body="ok now", at=LATER)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("changes requested, then approved: signs off")


def scenario_approve_then_revoke(w):
    token, url, head = drop_world(w)
    comment(w, url, "alice", "/pgfence approve checked", comment_id=777010, at=EARLY)
    w.wait_for_text(head, "success", "Signed off by alice")
    comment(w, url, "alice", "/pgfence revoke", comment_id=777011, at=LATER)
    revoked = w.wait_for_event(url, token, "approval_revoked")[-1]
    check(revoked["data"].get("comment_id") == 777011, f"revoked by the revoke: {revoked}")
    w.wait_for_check(head, "action_required")
    ok("approve then revoke, in order: revoked")


SCENARIOS = {"review_dismissed_first": scenario_review_dismissed_first, "comment_edited_first": scenario_comment_edited_first,
             "review_in_order": scenario_review_in_order, "comment_in_order": scenario_comment_in_order,
             "changes_requested_first": scenario_changes_requested_first, "revoke_first": scenario_revoke_first,
             "revoke_first_exemption": scenario_revoke_first_exemption,
             "changes_then_approval": scenario_changes_then_approval, "approve_then_revoke": scenario_approve_then_revoke}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
