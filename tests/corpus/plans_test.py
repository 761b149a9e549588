"""The migration plans over the shared corpus (README "Migration plans"): every file with a
HIGH or CRITICAL finding gets a plan (or a declined one, which says why and writes nothing), every plan's files are written inside the output folder,
and the plans that still raise what they should resolve do not grow in number.
Skipped (exit 77) when the corpus folder is absent."""
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77
# Plans that `--format plan` reports as not resolving a finding they should. A ratchet: lower it
# as the plan composer improves, never raise it (README "Measured" lists the counts).
MAX_UNRESOLVED = 15


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        print(f"skipped: no corpus at {corpus}")
        return SKIP
    failures = []
    report = subprocess.run([binary, "analyze", "--no-config", "--unparsable", "warn", "--format", "json", corpus],
                            capture_output=True, timeout=600)
    doc = json.loads(report.stdout)
    risky = [f for f in doc["files"] if any(x["risk"] in ("HIGH", "CRITICAL") for x in f["findings"])]
    without = [f["path"] for f in risky if not f["plan"]]
    if without:
        failures.append(f"{len(without)} files with a HIGH or CRITICAL finding have no plan: {without[:5]}")
    # A declined plan (plan.declined set: no plan offered, and why) writes no files.
    declined = [f for f in doc["files"] if f["plan"] and f["plan"].get("declined")]
    planned = [f for f in doc["files"] if f["plan"] and not f["plan"].get("declined")]
    for f in declined:
        if f["plan"]["steps"]:
            failures.append(f"{f['path']}: a declined plan has steps")
    for f in planned:
        for step in f["plan"]["steps"]:
            if not step["files"] or step["files"][0]["path"] != step["path"]:
                failures.append(f"{f['path']}: {step['title']}: its file is not listed first")
    with tempfile.TemporaryDirectory(prefix="pgfence-plans-") as out:
        run = subprocess.run([binary, "analyze", "--no-config", "--unparsable", "warn", "--format", "plan", "-o", out, corpus],
                             capture_output=True, timeout=600)
        text = run.stdout.decode(errors="replace")
        last = text.strip().splitlines()[-1] if text.strip() else ""
        m = re.match(r"(\d+) plans? written to .*: (\d+) analysed clean, (\d+) with only findings of statements that have "
                     r"no safe form, (\d+) with a finding the plan should have resolved", last)
        if not m:
            failures.append(f"no summary line: {last!r} (exit {run.returncode})")
        else:
            plans, clean, kept, unresolved = map(int, m.groups())
            print(f"files with HIGH or CRITICAL findings: {len(risky)}, with a plan: {len(risky) - len(without)}")
            print(f"plans: {plans}, analysed clean: {clean}, only no-safe-form findings: {kept}, unresolved: {unresolved}, "
                  f"declined: {len(declined)}")
            if len(declined) and f"; {len(declined)} declined (no files written)" not in last:
                failures.append(f"the summary line does not count the {len(declined)} declined plans: {last!r}")
            if plans != len(planned):
                failures.append(f"{plans} plans written, but the JSON report has {len(planned)}")
            if unresolved > MAX_UNRESOLVED:
                failures.append(f"{unresolved} plans do not resolve what they should (at most {MAX_UNRESOLVED})")
        written = 0
        for root, _, names in os.walk(out):
            for name in names:
                path = os.path.realpath(os.path.join(root, name))
                written += 1
                if not path.startswith(os.path.realpath(out) + os.sep):
                    failures.append(f"a plan file outside the folder: {path}")
        if written == 0:
            failures.append("no plan file written")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
