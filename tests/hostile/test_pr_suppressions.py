"""Suppressions the pull request adds (red team E, design note SUPPRESS; docs/pr.md "Suppressions the
pull request adds"): a `-- pgfence-ignore` a pull request writes is the author's word, not a
reviewer's. Every one it adds or changes is named in the check run's title and summary and in the
sticky comment; one without a reason does not lift a HIGH or CRITICAL finding in `pgfence pr` (the
finding stays, and fails the check); one with a reason, or on a lesser finding, lifts it but leaves
the check neutral, never "success". A suppression already on the base branch is not listed.
Real git repositories, the real binary, the GitHub double.

    test_pr_suppressions.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import MARKER, check, git, main, write  # noqa: E402

INIT = "CREATE TABLE orders (id bigint PRIMARY KEY, total bigint);\nCREATE TABLE audit (id bigint);\n"
PATH = "migrations/002_change.sql"


def repository(s, head, base_files=None):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/001_init.sql"), INIT)
    for path, text in (base_files or {}).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "change")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def run(s, comment=True):
    """pr through the double: exit code, the check run's body, the sticky comment's text (none
    posted when `comment` is false: nothing to say)."""
    s.start_double()
    proc = s.run_pr()
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    check(len(runs) == 1, f"one check run posted: {[r['path'] for r in s.requests()]}")
    comments = [c["body"] for c in s.comments() if MARKER in c["body"]]
    check(len(comments) == (1 if comment else 0), f"sticky comments: {s.comments()}")
    s.all_requests_valid()
    return proc, runs[0]["body"], comments[0] if comments else ""


def bare_on_high(s):
    """Red team E's SUPPRESS: a bare `-- pgfence-ignore: drop-table` the pull request adds above
    DROP TABLE orders. The finding stands: pr fails, the check run fails, and the title, summary
    and comment say the suppression was not honoured for want of a reason."""
    repository(s, {PATH: "SET lock_timeout = '2s';\n-- pgfence-ignore: drop-table\nDROP TABLE orders;\n"})
    proc, body, comment = run(s)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(body["conclusion"] == "failure", f"check run: {body['conclusion']}")
    title, summary = body["output"]["title"], body["output"]["summary"]
    check("No risky" not in title and "1 pgfence-ignore without a reason not honoured" in title, f"title: {title}")
    for where, text in (("summary", summary), ("comment", comment)):
        check("nothing risky" not in text, f"{where} does not say nothing risky:\n{text}")
        check("drop-table" in text and f"{PATH}:2" in text and "no reason given" in text and "not honoured" in text,
              f"{where} names the suppression:\n{text}")
    annotations = [a for a in body["output"]["annotations"] if a.get("title", "").startswith("drop-table")]
    check(len(annotations) == 1 and annotations[0]["start_line"] == 3, f"the DROP is annotated: {body['output']['annotations']}")
    check("gives no reason" in annotations[0]["message"], f"its message says why: {annotations[0]['message']}")


def reasoned_on_high(s):
    """The same with a reason: it lifts the finding in pr (governance still ignores it), but the
    check is neutral and its title, summary and the comment name it, with its reason."""
    repository(s, {PATH: "SET lock_timeout = '2s';\n"
                         "-- pgfence-ignore: drop-table -- orders is unused since v3\nDROP TABLE orders;\n"})
    proc, body, comment = run(s)
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr}")
    check(body["conclusion"] == "neutral", f"never success: {body['conclusion']}")
    title, summary = body["output"]["title"], body["output"]["summary"]
    check(title == "1 finding suppressed by this pull request, nothing else found", f"title: {title}")
    for where, text in (("summary", summary), ("comment", comment)):
        check("nothing risky" not in text, f"{where} does not say nothing risky:\n{text}")
        check("1 finding suppressed by this pull request" in text and "drop-table" in text and f"{PATH}:2" in text
              and "orders is unused since v3" in text, f"{where} names the suppression and its reason:\n{text}")


def bare_on_medium(s):
    """A bare suppression of a MEDIUM finding lifts it, and is named with "no reason given"."""
    repository(s, {PATH: "-- pgfence-ignore: lock-timeout-missing\nALTER TABLE audit ADD COLUMN note text;\n"})
    proc, body, comment = run(s)
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr}")
    check(body["conclusion"] == "neutral", f"never success: {body['conclusion']}")
    title = body["output"]["title"]
    check("1 finding suppressed by this pull request" in title, f"title: {title}")
    for where, text in (("summary", body["output"]["summary"]), ("comment", comment)):
        check("lock-timeout-missing" in text and f"{PATH}:1" in text and "no reason given" in text,
              f"{where} names the suppression:\n{text}")


def base_suppression(s):
    """A suppression already on the base branch, above a statement it hid there, is the base's
    reviewed word: the pull request that appends a harmless statement to the file lists nothing."""
    old = "SET lock_timeout = '2s';\n-- pgfence-ignore: drop-table\nDROP TABLE audit;\n"
    repository(s, {PATH: old + "SELECT 1;\n"}, base_files={PATH: old})
    proc, body, comment = run(s, comment=False)
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr}")
    check("suppressed by this pull request" not in body["output"]["title"] + body["output"]["summary"] + comment,
          f"nothing listed:\n{body['output']['title']}\n{body['output']['summary']}")
    check(body["conclusion"] == "success" and body["output"]["title"] == "No risky statements", f"check run: {body}")


SCENARIOS = {f.__name__: f for f in (bare_on_high, reasoned_on_high, bare_on_medium, base_suppression)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
