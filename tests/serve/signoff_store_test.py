"""What a sign-off stands on (red team R86 F2 and F9), end to end on serve_test.py's world: the real
service, its database, the GitHub double in App mode, `pgfence pr --upload`, signed webhooks.

    signoff_store_test.py SCENARIO --binary pgfence --schemas DIR
Scenarios:
  unknown_base_moved         alice approves a head whose migration pgfence could not see (a DO block
                             that EXECUTEs what it reads at run time); main then moves (a commit
                             that changes only sql/cleanup.sql) and the job runs again for the same
                             head against the new base: the approval does not cover the unknown on
                             that base (action_required), until alice approves again
  unknown_base_moved_exempt  as above with an exemption of unknown-statement in that file: the
                             re-run on the moved base voids it (exemption_voided, action_required)
  forged_approval_row        a row written by hand into pgfence_approvals (no review, no comment, no
                             audit event) and a re-requested check: the check stays action_required
                             and names no signer; a real review then signs off, and `pgfence audit
                             verify` passes; a check event naming a signer with no approval event
                             in the chain fails `audit verify`
  revoked_row_revived        a dismissed review's row with revoked_at cleared by hand signs nothing off
  withdrawn_exemption_revived  an exemption withdrawn by /pgfence revoke, withdrawn_at cleared by
                             hand, lifts nothing; a check event counting it active fails `audit verify`
  approval_time_moved        an approval's created_at moved a day forward by hand does not make it
                             cover an upload made after the base moved
  verify_revoked_signer      a check event naming a signer after the chain's approval_revoked of
                             their approval fails `audit verify`
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import AUTHOR, check, comment, git, ok, review, world_main, signoff_world, write  # noqa: E402
from unknown_test import DYNAMIC  # noqa: E402


def unknown_head(w, policy, only_unknown=False):
    _, token, url = signoff_world(w, policy)
    if only_unknown:  # the unknown alone needs sign-off (no HIGH index build beside it)
        git(w.repo, "rm", "-q", "migrations/002_email.sql")
    write(os.path.join(w.repo, "migrations/003_cleanup.sql"), DYNAMIC)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "cleanup")
    proc, out, head = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"upload: {out} {proc.stderr[-500:]}")
    return token, url, head


def move_base(w):
    """A commit on main that changes only a file the unknown may read; the feature head stays."""
    _, head = w.heads()
    git(w.repo, "checkout", "-q", "main")
    write(os.path.join(w.repo, "sql/cleanup.sql"), "DROP TABLE users CASCADE;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "main: sql/cleanup.sql")
    git(w.repo, "checkout", "-q", "feature")
    base2, head2 = w.heads()
    check(head2 == head, "the head is the same commit")
    return base2


def settled(w, head, seconds=8):
    """The newest check on `head` once the service has had time to post what the last upload decides."""
    time.sleep(seconds)
    runs = w.governance_checks(head)
    return runs[-1] if runs else None


def scenario_unknown_base_moved(w):
    token, url, head = unknown_head(w, 'approvers = ["alice"]\n')
    review(w, url, "alice", head_sha=head)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("alice signs off the head whose migration pgfence could not see")

    base2 = move_base(w)
    proc, out, _ = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"re-run on the new base: {out} {proc.stderr[-500:]}")
    run = w.wait_for_text(head, "action_required", "unknown-statement")
    check("Signed off" not in run["output"].get("title", ""), f"no sign-off stands: {run['output']}")
    ok(f"a re-run for the same head on the moved base {base2[:7]}: the approval does not cover the unknown there")

    review(w, url, "alice", head_sha=head, review_id=4242)
    w.wait_for_text(head, "success", "Signed off by alice")
    ok("a new approval after the base moved signs it off")


def scenario_unknown_base_moved_exempt(w):
    token, url, head = unknown_head(w, 'approvers = ["alice"]\nexemptable = ["unknown-statement"]\n', only_unknown=True)
    w.wait_for_check(head, "action_required")
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt unknown-statement at migrations/003_cleanup.sql --reason "reviewed" --until {soon}')
    w.wait_for_event(url, token, "exemption")
    w.wait_for_check(head, "success")
    ok("alice's exemption of the unknown in migrations/003_cleanup.sql lifts it")

    move_base(w)
    proc, out, _ = w.upload(url, token)
    w.wait_for_event(url, token, "exemption_voided")
    run = w.wait_for_text(head, "action_required", "unknown-statement")
    ok(f"the re-run on the moved base voids the exemption ({run['conclusion']}, exemption_voided)")


def pg_world(w, policy='approvers = ["alice"]\n'):
    """The service on a PostgreSQL it does not own (its store open to the test, as to a database
    editor), alice an approver, the repository made and pull request 7 opened: (database URL,
    token, service URL)."""
    sys.path.insert(0, os.path.join(HERE, "..", "cli"))
    from original_readme_test import Postgres
    w.pg = Postgres(w.tmp)
    w.start_double(collaborators=[{"repo": "octo/app", "login": "alice", "permission": "write"}])
    url_db = w.pg.url("postgres", "postgres")
    config = w.config(database_url=url_db, extra="membership_cache_seconds = 0", policy=policy)
    token = w.token(config)
    _, url = w.start_service(config)
    w.make_repo()
    w.webhook(url, "pull_request", "opened", author=AUTHOR)
    w.wait_for_event(url, token, "pull_request")
    return url_db, token, url


def drop_column_world(w):
    """pg_world and a pull request whose HIGH drop-column waits for sign-off: (database URL, token,
    service URL, head)."""
    url_db, token, url = pg_world(w)
    write(os.path.join(w.repo, "migrations/003_drop.sql"), "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n")
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "drop")
    _, _, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    return url_db, token, url, head


def rerun(w, url, token, head):
    """A re-requested check, once the service has posted it: the newest run on `head`."""
    checks = len(w.wait_for_event(url, token, "check"))
    status, _ = w.webhook(url, "check_run", "rerequested", head_sha=head)
    check(status == 202, f"rerequested: {status}")
    w.wait_for_event(url, token, "check", count=checks + 1)
    return settled(w, head, 3)


def verify(w, url_db):
    return subprocess.run([w.args.binary, "audit", "verify", "--database-url", url_db], capture_output=True, text=True, timeout=60)


def scenario_forged_approval_row(w):
    url_db, token, url, head = drop_column_world(w)

    content = w.pg.sql("postgres", f"SELECT content_hash FROM pgfence_uploads WHERE head_sha = '{head}' LIMIT 1").split()[2]
    w.pg.sql("postgres", "INSERT INTO pgfence_approvals (repository, pull_request, content_hash, login, source, review_id, "
                         f"reason, commit_sha) VALUES ('octo/app', 7, '{content}', 'alice', 'review', 999999, 'forged', '{head}')")
    status, _ = w.webhook(url, "check_run", "rerequested", head_sha=head)
    check(status == 202, f"rerequested: {status}")
    checks = len(w.wait_for_event(url, token, "check"))
    w.wait_for_event(url, token, "check", count=checks + 1)
    run = settled(w, head, 3)
    check(run and run.get("conclusion") == "action_required" and "Signed off" not in run["output"].get("title", ""),
          f"the forged row signs nothing off: {run and (run.get('conclusion'), run['output'].get('title'))}")
    ok("a row written by hand into pgfence_approvals (no approval event) signs nothing off")

    review(w, url, "alice", head_sha=head)
    w.wait_for_text(head, "success", "Signed off by alice")
    v = verify(w, url_db)
    check(v.returncode == 0, f"a real review signs off and the chain verifies: {v.stdout} {v.stderr}")
    ok("alice's real review signs off; audit verify passes")

    # A check event that names a signer the chain never recorded (as a service reading a forged row
    # would have written): audit verify names it, though every hash holds (the event is re-chained).
    events = w.audit(url, token)
    approval = [e for e in events if e["type"] == "approval"][0]["seq"]
    w.pg.sql("postgres", f"DELETE FROM pgfence_audit_events WHERE repository = 'octo/app' AND seq >= {approval};"
                         f"UPDATE pgfence_audit_heads SET seq = {approval - 1}, hash = (SELECT hash FROM pgfence_audit_events "
                         f"WHERE repository = 'octo/app' AND seq = {approval - 1}) WHERE repository = 'octo/app'")
    after = [e for e in events if e["seq"] > approval and e["type"] == "check" and e["data"].get("signed_off_by")][0]
    data = dict(after["data"])
    forged = subprocess.run([w.args.binary, "audit", "verify", "--database-url", url_db], capture_output=True, text=True, timeout=60)
    check(forged.returncode == 0, f"the cut chain, re-headed, verifies: {forged.stdout} {forged.stderr}")
    append_check(w, url_db, approval, data)
    v = verify(w, url_db)
    check(v.returncode == 1 and f"octo/app seq {approval}:" in v.stdout and "alice" in v.stdout,
          f"a check naming a signer with no approval event fails verification: {v.stdout} {v.stderr}")
    ok(f"a check naming alice with no approval event before it fails audit verify (seq {approval})")


def append_check(w, url_db, seq, data):
    """Appends a `check` event at `seq` that names `data`'s signers, hashed and chained as the service does."""
    import hashlib
    import json
    prev = w.pg.sql("postgres", f"SELECT hash FROM pgfence_audit_events WHERE repository = 'octo/app' AND seq = {seq - 1}").split()[2]
    event = {"seq": seq, "repository": "octo/app", "type": "check", "at": "2026-01-01T00:00:00Z", "content_hash": None,
             "pull_request": 7, "data": data, "prev": prev}
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    quoted = text.replace("'", "''")
    w.pg.sql("postgres", f"INSERT INTO pgfence_audit_events (repository, seq, event, hash) VALUES ('octo/app', {seq}, '{quoted}', '{digest}');"
                         f"UPDATE pgfence_audit_heads SET seq = {seq}, hash = '{digest}' WHERE repository = 'octo/app'")


def scenario_revoked_row_revived(w):
    """R86b F6: a dismissed review's row, its revoked_at cleared by hand, signs nothing off: the
    chain's approval_revoked event after the approval stands."""
    url_db, token, url, head = drop_column_world(w)
    review(w, url, "alice", head_sha=head, review_id=4242)
    w.wait_for_text(head, "success", "Signed off by alice")
    review(w, url, "alice", action="dismissed", review_id=4242, head_sha=head)
    w.wait_for_event(url, token, "approval_revoked")
    w.wait_for_check(head, "action_required")
    w.pg.sql("postgres", "UPDATE pgfence_approvals SET revoked_at = NULL WHERE repository = 'octo/app'")
    run = rerun(w, url, token, head)
    check(run and run.get("conclusion") == "action_required" and "Signed off" not in run["output"].get("title", ""),
          f"the revived row signs nothing off: {run and (run.get('conclusion'), run['output'].get('title'))}")
    ok("a dismissed review's row with revoked_at cleared by hand signs nothing off")


def scenario_withdrawn_exemption_revived(w):
    """R86b F6 (exemptions): alice's exemption, withdrawn by `/pgfence revoke`, with withdrawn_at
    cleared by hand, lifts nothing: the chain's exemption_withdrawn stands. A check event that
    counts it active after the withdrawal fails `audit verify`."""
    url_db, token, url = pg_world(w, 'approvers = ["alice"]\nexemptable = ["unknown-statement"]\n')
    git(w.repo, "rm", "-q", "migrations/002_email.sql")
    write(os.path.join(w.repo, "migrations/003_cleanup.sql"), DYNAMIC)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "cleanup")
    _, _, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    comment(w, url, "alice", f'/pgfence exempt unknown-statement at migrations/003_cleanup.sql --reason "reviewed" --until {soon}')
    w.wait_for_event(url, token, "exemption")
    w.wait_for_check(head, "success")
    comment(w, url, "alice", "/pgfence revoke")
    w.wait_for_event(url, token, "exemption_withdrawn")
    w.wait_for_check(head, "action_required")
    ok("alice's exemption lifts the unknown; /pgfence revoke withdraws it")

    w.pg.sql("postgres", "UPDATE pgfence_exemptions SET withdrawn_at = NULL WHERE repository = 'octo/app'")
    run = rerun(w, url, token, head)
    check(run and run.get("conclusion") == "action_required",
          f"the revived row lifts nothing: {run and (run.get('conclusion'), run['output'].get('title'))}")
    v = verify(w, url_db)
    check(v.returncode == 0, f"the service's own chain verifies: {v.stdout} {v.stderr}")
    ok("withdrawn_at cleared by hand: still action_required (the chain's exemption_withdrawn stands)")

    # A check event counting the withdrawn exemption active (as a service reading the revived row
    # wrote on 5bc7cb3f): audit verify names it.
    events = w.audit(url, token)
    last = events[-1]
    data = {k: v for k, v in last["data"].items() if k != "read_at_seq"} if last["type"] == "check" else {}
    data.update({"conclusion": "success", "exemptions_active": 1, "signed_off_by": []})
    append_check(w, url_db, last["seq"] + 1, data)
    v = verify(w, url_db)
    check(v.returncode == 1 and f"seq {last['seq'] + 1}:" in v.stdout and "exemption" in v.stdout,
          f"a check counting a withdrawn exemption fails verification: {v.stdout} {v.stderr}")
    ok(f"a check counting the withdrawn exemption active fails audit verify (seq {last['seq'] + 1})")


def scenario_approval_time_moved(w):
    """R86b F6 (created_at): alice approves a head whose migration pgfence could not see; the base
    then moves and the job runs again. Her row's created_at moved a day forward by hand does not
    make her approval cover that later upload: when it was given is the event's."""
    url_db, token, url = pg_world(w)
    write(os.path.join(w.repo, "migrations/003_cleanup.sql"), DYNAMIC)
    git(w.repo, "add", "-A")
    git(w.repo, "commit", "-qm", "cleanup")
    _, _, head = w.upload(url, token)
    w.wait_for_check(head, "action_required")
    review(w, url, "alice", head_sha=head)
    w.wait_for_text(head, "success", "Signed off by alice")
    move_base(w)
    proc, out, _ = w.upload(url, token)
    check(out.get("governance-conclusion") == "action_required", f"re-run on the new base: {out} {proc.stderr[-500:]}")
    w.wait_for_text(head, "action_required", "unknown-statement")
    ok("alice's approval does not cover the re-run on the moved base")

    w.pg.sql("postgres", "UPDATE pgfence_approvals SET created_at = now() + interval '1 day' WHERE repository = 'octo/app'")
    run = rerun(w, url, token, head)
    check(run and run.get("conclusion") == "action_required" and "Signed off" not in run["output"].get("title", ""),
          f"the moved created_at covers nothing more: {run and (run.get('conclusion'), run['output'].get('title'))}")
    ok("created_at moved a day forward by hand: the approval still does not cover the upload after the base moved")


def scenario_verify_revoked_signer(w):
    """R86b F6 (audit verify): a check event naming alice as signer after the chain's
    approval_revoked of her approval fails `audit verify`, though her approval event exists."""
    url_db, token, url, head = drop_column_world(w)
    review(w, url, "alice", head_sha=head, review_id=4242)
    w.wait_for_text(head, "success", "Signed off by alice")
    review(w, url, "alice", action="dismissed", review_id=4242, head_sha=head)
    w.wait_for_event(url, token, "approval_revoked")
    w.wait_for_check(head, "action_required")
    time.sleep(2)
    v = verify(w, url_db)
    check(v.returncode == 0, f"the service's own chain verifies: {v.stdout} {v.stderr}")
    events = w.audit(url, token)
    signed = [e for e in events if e["type"] == "check" and e["data"].get("signed_off_by")][-1]
    data = {k: v for k, v in signed["data"].items() if k != "read_at_seq"}
    last = events[-1]["seq"]
    append_check(w, url_db, last + 1, data)
    v = verify(w, url_db)
    check(v.returncode == 1 and f"octo/app seq {last + 1}:" in v.stdout and "alice" in v.stdout,
          f"a check naming a revoked signer fails verification: {v.stdout} {v.stderr}")
    ok(f"a check naming alice after her approval_revoked fails audit verify (seq {last + 1})")


SCENARIOS = {"withdrawn_exemption_revived": scenario_withdrawn_exemption_revived,
             "approval_time_moved": scenario_approval_time_moved,
             "verify_revoked_signer": scenario_verify_revoked_signer,
"revoked_row_revived": scenario_revoked_row_revived, "unknown_base_moved": scenario_unknown_base_moved, "unknown_base_moved_exempt": scenario_unknown_base_moved_exempt,
             "forged_approval_row": scenario_forged_approval_row}


if __name__ == "__main__":
    sys.exit(world_main(__doc__, SCENARIOS))
