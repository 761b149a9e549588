#!/usr/bin/env python3
"""scripts/docs-site.py still finds broken links: a temporary copy of the repository's pages with
links broken on purpose must be reported, line by line, and a small page of its own must render
with GitHub's heading ids, .md links made .html, and its title escaped.

    docs_site_selftest.py --root REPO
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(script, root, *extra):
    p = subprocess.run([sys.executable, script, "--root", root, *extra], capture_output=True, text=True)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    script = os.path.join(args.root, "scripts", "docs-site.py")
    with tempfile.TemporaryDirectory() as tmp:
        # 1. The repository's own pages with broken links appended.
        copy = os.path.join(tmp, "repo")
        shutil.copytree(args.root, copy, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n in (".git", "node_modules")
                                                 or (d == args.root and n.startswith("build"))])
        readme = os.path.join(copy, "README.md")
        with open(readme) as f:
            n = f.read().count("\n")
        with open(readme, "a") as f:
            f.write("\n[gone](docs/no-such-page.md) and [bad anchor](docs/cli.md#no-such-heading)\n"
                    "\n![missing](docs/no-such.png) [self](#nowhere)\n")
        with open(os.path.join(copy, "docs", "index.md"), "a") as f:
            f.write("\n[outside](../../outside.md)\n")
        with open(os.path.join(copy, "docs", "orphan.md"), "w") as f:
            f.write("# Nobody links here\n")
        code, out = run(script, copy, "--allow-missing", "docs/action.md")
        check(code == 1, f"broken links must exit 1, got {code}")
        for line in (f"error: README.md:{n + 2}: broken link 'docs/no-such-page.md': docs/no-such-page.md does not exist",
                     f"error: README.md:{n + 2}: broken link 'docs/cli.md#no-such-heading': no heading with id 'no-such-heading' in docs/cli.md",
                     f"error: README.md:{n + 4}: broken link 'docs/no-such.png': docs/no-such.png does not exist",
                     f"error: README.md:{n + 4}: broken link '#nowhere': no heading with id 'nowhere' in README.md",
                     "broken link '../../outside.md': outside the repository",
                     "error: docs/orphan.md:1: no page links to it"):
            check(any(line in l for l in out.splitlines()), f"not reported: {line}\n--- output:\n{out}")

        # 2. A small site: slugs, duplicates, rewriting, escaping, external links.
        site = os.path.join(tmp, "site")
        os.makedirs(os.path.join(site, "docs"))
        with open(os.path.join(site, "README.md"), "w") as f:
            f.write("# Home <b>&</b>\n\n## Trace mode (`pgfence trace`)\n\n## Trace mode (`pgfence trace`)\n\n"
                    "## What it reports, per statement!\n\n"
                    "[a](#trace-mode-pgfence-trace-1) [b](docs/p.md#überblick) [c](docs/p.md) "
                    "[d](https://example.com/x#y) [e](<https://exa mple.com>) [f](docs/p.md#trace-mode-pgfence-trace-2) "
                    "[g](#what-it-reports-per-statement) [h](javascript:alert(1))\n")
        with open(os.path.join(site, "docs", "p.md"), "w") as f:
            f.write("# Page\n\n## Überblick\n\n[home](../README.md)\n")
        code, out = run(script, site, "--out", os.path.join(tmp, "out"))
        lines = out.splitlines()
        check(code == 1, f"small site: exit {code}")
        check(len(lines) == 2, f"small site: expected 2 errors, got:\n{out}")
        check(any("'https://exa mple.com'" in l and "no spaces" in l for l in lines), f"malformed URL not reported:\n{out}")
        check(any("'docs/p.md#trace-mode-pgfence-trace-2'" in l for l in lines), f"anchor on another page not checked:\n{out}")
        with open(os.path.join(tmp, "out", "README.html")) as f:
            html = f.read()
        check('id="trace-mode-pgfence-trace"' in html and 'id="trace-mode-pgfence-trace-1"' in html,
              "GitHub heading ids with a -1 for the repeat")
        check('id="what-it-reports-per-statement"' in html, "punctuation dropped from ids")
        check('href="docs/p.html"' in html and 'href="docs/p.html#%C3%BCberblick"' in html or 'href="docs/p.html#überblick"' in html,
              "links to pages rewritten to .html")
        check("<title>Home &lt;b&gt;&amp;&lt;/b&gt; · pgfence</title>" in html, "title escaped")
        check('href="javascript' not in html, "a javascript: link is never a link")
        check("<b>&</b>" not in html, "raw HTML of the page is not passed through")
        check('<a href="docs/p.html">Page</a>' in html, "nav lists every page")
        with open(os.path.join(tmp, "out", "docs", "p.html")) as f:
            check('href="../README.html"' in f.read(), "relative link up rewritten")
    for f in failures:
        print("FAIL:", f)
    print(f"docs_site_selftest: {'FAILED' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
