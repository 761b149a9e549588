"""What a `/pgfence approve` comment approves (red team r83 F6), end to end on serve_test.py's world:
the real service, its database, the GitHub double in App mode, real git and `pgfence pr --upload`.
A comment names no commit: it approves the decision reviewers were shown when it was made, never a
head whose upload has not arrived.

    comment_binding_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  race      alice is shown head A (a HIGH index); the author pushes head B adding DROP TABLE users,
            whose synchronize webhook arrives before its upload; alice comments /pgfence approve.
            The approval is for A: once B's upload lands, B's check is action_required (the DROP
            TABLE is not covered), a reply says the approval is for A; a new comment signs off B
  unshown   a /pgfence approve before any upload of the pull request is refused (nobody was shown
            anything), with a reply saying why; the upload that follows stays action_required
  named     /pgfence approve SHA: a short sha of A after B was shown binds to A (B's DROP TABLE is
            not covered), a sha that is no shown head is refused with a reply, B's sha signs off B
  exempt_race  the same race with `/pgfence exempt truncate-cascade` (rule-wide): alice was shown
            A's TRUNCATE ... CASCADE; B adds a second one while its upload is pending. The exemption covers A's
            findings only: on B it is voided and B fails; granted again once B is shown, B passes.
            An exemption before any check was posted is refused with a reply
  exempt_withdrawn  an exemption is withdrawn when its comment is edited (exemption_withdrawn, the
            check needs sign-off again) and by `/pgfence revoke` of its owner (red team r84 #7)
  exempt_unknown_tree  an exemption of an unknown-statement (a Rails migration running SQL from
            lib/tidy.rb) binds to the head's tree: a push changing only lib/tidy.rb to DROP TABLE
            voids it (red team r84 #8)
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_test import AUTHOR, check, comment, git, ok, world_main, signoff_world, write  # noqa: E402


def push_drop(w, url):
    """Head B: A plus a DROP TABLE users; GitHub's synchronize reaches the service, the upload not."""
    write(os.path.join(w.repo, "migrations/003_drop.sql"), "SET lock_timeout = '2s';\nDROP TABLE users;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "sneak")
    status, _ = w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    check(status == 202, "B's synchronize webhook")
    head = git(w.repo, "rev-parse", "HEAD")
    deadline = time.time() + 30
    while time.time() < deadline and not any(e["type"] == "pull_request" and e["data"].get("head_sha") == head
                                             for e in w.audit(url, w.token_value)):
        time.sleep(0.3)
    return head


def wait_reply(w, needle, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [c["body"] for c in w.comments() if needle in c["body"]]
        if found:
            return found[-1]
        time.sleep(0.3)
    check(False, f"no reply saying {needle!r}: {[c['body'] for c in w.comments()]}")


def scenario_race(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    w.token_value = token
    _, out, head_a = w.upload(url, token)
    w.wait_for_check(head_a, "action_required")
    head_b = push_drop(w, url)
    comment(w, url, "alice", "/pgfence approve the email index is fine")
    approval = w.wait_for_event(url, token, "approval")[-1]
    w.upload(url, token)
    # B's check once it has judged alice's approval: signed off (the hole) or not counted.
    deadline, run = time.time() + 60, None
    while time.time() < deadline:
        runs = w.governance_checks(head_b)
        run = runs[-1] if runs else None
        if run and (run.get("conclusion") == "success" or "approval by alice (comment)" in run["output"].get("text", "")):
            break
        time.sleep(0.3)
    check(run is not None and run.get("conclusion") == "action_required" and "DROP TABLE users" in run["output"]["text"],
          f"B's DROP TABLE was shown to nobody: B needs a sign-off of its own: {run and (run.get('conclusion'), run['output'])}")
    # Not counted on B: voided (B's upload is other migrations than A's, serve/service_run.cpp).
    check("approval by alice (comment) voided" in run["output"]["text"], f"the check says why: {run['output']['text']}")
    time.sleep(2)
    check(w.governance_checks(head_b)[-1]["conclusion"] == "action_required", "B stays action_required")
    ok("B's upload lands: its check is action_required, alice's approval does not cover the DROP TABLE")

    check(approval["data"]["head_sha"] == head_a and approval["data"].get("pending") is False,
          f"the comment approves A, the head whose check she was shown, not B (upload pending): {approval}")
    check(approval["data"].get("pull_request_head") == head_b, f"the audit names the head it was not given on: {approval}")
    reply = wait_reply(w, "approval is for")
    check(head_a in reply and head_b in reply, f"the reply names both heads: {reply}")
    ok("the comment made while B's upload was pending approved A (the last decision shown); the reply says so")

    comment(w, url, "alice", "/pgfence approve the drop is fine too")
    second = w.wait_for_event(url, token, "approval", 2)[-1]
    check(second["data"]["head_sha"] == head_b and "pull_request_head" not in second["data"], f"now B: {second}")
    w.wait_for_text(head_b, "success", "Signed off by alice")
    ok("a comment after B's check was posted approves B: success")


def scenario_unshown(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    comment(w, url, "alice", "/pgfence approve")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check("no check on this pull request" in refused["data"]["why"], f"refused, nothing was shown: {refused}")
    reply = wait_reply(w, "was not recorded")
    check("no check on this pull request" in reply, f"the reply says why: {reply}")
    _, out, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    time.sleep(2)
    check(w.governance_checks(head)[-1]["conclusion"] == "action_required", "the upload that follows is not signed off")
    check(not [e for e in w.audit(url, token) if e["type"] in ("approval", "approval_bound")], "no approval was recorded")
    ok("/pgfence approve before any decision was posted: refused with a reply, the first upload needs sign-off")


def scenario_named(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    w.token_value = token
    _, out, head_a = w.upload(url, token)
    w.wait_for_check(head_a, "action_required")
    head_b = push_drop(w, url)
    w.upload(url, token)
    w.wait_for_check(head_b, "action_required")

    comment(w, url, "alice", f"/pgfence approve {head_a[:10]} the index")
    approval = w.wait_for_event(url, token, "approval")[-1]
    check(approval["data"]["head_sha"] == head_a and approval["data"]["reason"] == "the index", f"bound to A: {approval}")
    w.wait_for_text(head_b, "action_required", "not there when it was given")
    ok("/pgfence approve SHA of the earlier head A binds to A: B's DROP TABLE stays action_required")

    comment(w, url, "alice", "/pgfence approve 0123456789abcdef looks fine")
    refused = w.wait_for_event(url, token, "approval_refused")[-1]
    check("0123456789abcdef is not a commit of this pull request" in refused["data"]["why"], f"refused: {refused}")
    wait_reply(w, "0123456789abcdef is not a commit of this pull request")
    ok("/pgfence approve SHA naming no shown head: refused with a reply saying why")

    comment(w, url, "alice", f"/pgfence approve {head_b.upper()[:12]}")
    w.wait_for_text(head_b, "success", "Signed off by alice")
    ok("/pgfence approve SHA of B signs off B")


def scenario_exempt_race(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\ncritical_needs_exemption = true\n'
                                          'exemptable = ["truncate-cascade"]\nmax_exemption_days = 10\n')
    w.token_value = token
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt truncate-cascade --reason "too early" --until {soon}')
    refused = w.wait_for_event(url, token, "exemption_refused")[-1]
    check("no check on this pull request" in refused["data"]["why"], f"refused, nothing was shown: {refused}")
    reply = wait_reply(w, "exemption granted by alice was not recorded")
    check("truncate-cascade" in reply, f"the reply names what was refused: {reply}")
    ok("an exemption before any check was posted is refused with a reply")

    write(os.path.join(w.repo, "migrations/002_old.sql"), "SET lock_timeout = '2s';\nTRUNCATE old_sessions CASCADE;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "drop old")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    _, out, head_a = w.upload(url, token)
    w.wait_for_check(head_a, "failure")
    # Head B: a second TRUNCATE ... CASCADE; GitHub's synchronize reaches the service, the upload not.
    write(os.path.join(w.repo, "migrations/003_more.sql"), "SET lock_timeout = '2s';\nTRUNCATE users CASCADE;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "sneak")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    head_b = git(w.repo, "rev-parse", "HEAD")
    deadline = time.time() + 30
    while time.time() < deadline and not any(e["type"] == "pull_request" and e["data"].get("head_sha") == head_b
                                             for e in w.audit(url, token)):
        time.sleep(0.3)
    comment(w, url, "alice", f'/pgfence exempt truncate-cascade --reason "old sessions only" --until {soon}')
    granted = w.wait_for_event(url, token, "exemption")[-1]
    check(granted["data"]["head_sha"] == head_a and granted["data"].get("pending") is False
          and granted["data"].get("pull_request_head") == head_b,
          f"the exemption is for A, the head whose check alice was shown, not B (upload pending): {granted}")
    reply = wait_reply(w, "exemption is for")
    check(head_a in reply and head_b in reply, f"the reply names both heads: {reply}")
    w.upload(url, token)
    run = w.wait_for_check(head_b, "failure")
    check("TRUNCATE users CASCADE" in run["output"]["text"], f"B's own TRUNCATE fails the check: {run['output']['text'][-1500:]}")
    w.wait_for_event(url, token, "exemption_voided")
    time.sleep(2)
    check(w.governance_checks(head_b)[-1]["conclusion"] == "failure", "B stays failing")
    ok("an exemption granted while B's upload was pending covers A's TRUNCATE only: voided on B, which fails")

    comment(w, url, "alice", f'/pgfence exempt truncate-cascade --reason "both truncates reviewed" --until {soon}')
    second = w.wait_for_event(url, token, "exemption", 2)[-1]
    check(second["data"]["head_sha"] == head_b and "pull_request_head" not in second["data"], f"now B: {second}")
    run = w.wait_for_text(head_b, "action_required", "both truncates reviewed")
    ok("granted again once B's check was posted: it covers B's truncates")


def scenario_exempt_withdrawn(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    _, out, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    until = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    text = f'/pgfence exempt create-index-without-concurrently --reason "small table" --until {until}'
    comment(w, url, "alice", text)
    granted = w.wait_for_event(url, token, "exemption")[-1]
    w.wait_for_check(head, "success")
    status, _ = w.webhook(url, "issue_comment", "edited", actor="alice", body="(never mind)", previous_body=text,
                          comment_id=granted["data"]["comment_id"], author=AUTHOR)
    check(status == 202, "the edited comment's webhook")
    withdrawn = w.wait_for_event(url, token, "exemption_withdrawn")[-1]
    check(withdrawn["data"]["why"] == "the granting comment was edited" and withdrawn["data"]["exemption_id"] == granted["data"]["exemption_id"],
          f"the edit withdraws the exemption it granted: {withdrawn}")
    w.wait_for_check(head, "action_required")
    ok("editing the granting comment withdraws the exemption: the check needs sign-off again")

    comment(w, url, "alice", text.replace("small table", "small table, really"))
    w.wait_for_event(url, token, "exemption", 2)
    w.wait_for_check(head, "success")
    comment(w, url, "alice", "/pgfence revoke")
    withdrawn = w.wait_for_event(url, token, "exemption_withdrawn", 2)[-1]
    check(withdrawn["data"]["why"] == "/pgfence revoke" and withdrawn["data"]["owner"] == "alice", f"revoke withdraws it: {withdrawn}")
    w.wait_for_check(head, "action_required")
    ok("/pgfence revoke of its owner withdraws the exemption")


def scenario_exempt_unknown_tree(w):
    config, token, url = signoff_world(w, 'approvers = ["alice"]\n')
    write(os.path.join(w.repo, "db/migrate/20240105000000_tidy.rb"),
          'require_relative "../../lib/tidy"\n\nclass Tidy < ActiveRecord::Migration[6.1]\n  def up\n    execute TidySql::SQL\n  end\nend\n')
    write(os.path.join(w.repo, "lib/tidy.rb"), 'module TidySql\n  SQL = "SELECT 1"\nend\n')
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "tidy")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    _, out, head_a = w.upload(url, token)
    run = w.wait_for_check(head_a, "action_required")
    unknown = [line for line in run["output"]["text"].splitlines() if "20240105000000_tidy.rb" in line]
    check(unknown, f"the Rails migration is an unknown needing sign-off: {run['output']['text'][-1500:]}")
    until = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", "/pgfence exempt unknown-statement at db/migrate/20240105000000_tidy.rb --reason \"lib/tidy.rb sends SELECT 1\" "
                             f"--until {until}")
    w.wait_for_event(url, token, "exemption")
    comment(w, url, "alice", "/pgfence approve the index is fine")
    w.wait_for_check(head_a, "success")
    write(os.path.join(w.repo, "lib/tidy.rb"), 'module TidySql\n  SQL = "DROP TABLE users"\nend\n')
    git(w.repo, "commit", "-qam", "tweak")
    w.webhook(url, "pull_request", "synchronize", author=AUTHOR)
    _, out, head_b = w.upload(url, token)
    run = w.wait_for_check(head_b, "action_required")
    check("voided" in run["output"]["text"], f"the check says the exemption is voided: {run['output']['text'][-1500:]}")
    time.sleep(2)
    check(w.governance_checks(head_b)[-1]["conclusion"] == "action_required", "B stays action_required")
    ok("a change to the file the unknown statement reads voids its exemption: B needs sign-off")


SCENARIOS = {"race": scenario_race, "unshown": scenario_unshown, "named": scenario_named, "exempt_race": scenario_exempt_race,
             "exempt_withdrawn": scenario_exempt_withdrawn, "exempt_unknown_tree": scenario_exempt_unknown_tree}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
