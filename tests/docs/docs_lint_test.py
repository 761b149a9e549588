#!/usr/bin/env python3
"""The README stays a newcomer's page, and no page cites issue numbers: README.md is under 400
lines, and README.md, CONTRIBUTING.md and docs/**/*.md have no `issue #N` or `(#N)` references
and no "this machine" phrasing.

    docs_lint_test.py --root REPO
"""
import argparse
import os
import re
import sys

ISSUE = re.compile(r"issue #\d+|\(#\d+\)", re.I)
MACHINE = re.compile(r"\bthis (shared )?machine\b", re.I)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    failures = []
    readme = os.path.join(args.root, "README.md")
    with open(readme, encoding="utf-8") as f:
        n = f.read().count("\n")
    if n >= 400:
        failures.append(f"README.md: {n} lines, over the 400 a newcomer's page may have (move reference to docs/)")
    pages = ["README.md", "CONTRIBUTING.md"]
    for d, _, files in os.walk(os.path.join(args.root, "docs")):
        pages += [os.path.relpath(os.path.join(d, f), args.root) for f in files if f.endswith(".md")]
    for rel in sorted(pages):
        path = os.path.join(args.root, rel)
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                for rx, why in ((ISSUE, "an issue reference"), (MACHINE, '"this machine" phrasing')):
                    m = rx.search(line)
                    if m:
                        failures.append(f"{rel}:{i}: {why}: '{m.group(0)}'")
    for f in failures:
        print("error:", f)
    print(f"docs_lint: {len(pages)} pages, README {n} lines, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
