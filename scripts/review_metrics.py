#!/usr/bin/python3
"""Measures what a reviewer gets from `pgfence pr` on a realistic pull request
(tests/pr/review_fixture.py: three generated Prisma migrations, one dangerous hand-written one, a
typo fix in an applied migration), then again after the fix commit:

- the comment's size, in bytes and characters;
- characters before the first HIGH/CRITICAL finding's rule id, and whether every HIGH/CRITICAL
  finding's file, line and fix are in the first 1,500 characters;
- the number of check-run annotations, and of suggested changes posted in the review;
- the comment rendered the way GitHub renders it (cmark-gfm with GitHub's extensions) in headless
  Chromium at the width of a pull-request comment (760 px of text, GitHub's table and code CSS):
  the widest table's natural width, and how many tables and code blocks scroll sideways.

    scripts/review_metrics.py --binary build/bot/pgfence [--shared ../shared] [--keep DIR]

Needs Debian's cmark-gfm and chromium for the rendered width (skipped, and said, without them).
"""
import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "pr"))
import review_fixture  # noqa: E402

TOKEN = "ghs_pgfenceReviewMetrics0123456789"
COMMENT_WIDTH_PX = 760

# What GitHub's stylesheet does to a comment body, as far as widths go.
PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.markdown-body { width: %dpx; padding: 0; overflow-wrap: break-word; }
.markdown-body table { display: block; width: max-content; max-width: 100%%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body td, .markdown-body th { padding: 6px 13px; border: 1px solid #d0d7de; }
.markdown-body code { font: 85%% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .2em .4em; white-space: break-spaces; }
.markdown-body pre { overflow: auto; font: 85%% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 16px; }
.markdown-body pre code { white-space: pre; padding: 0; }
details { display: block; }
</style></head><body><div class="markdown-body" id="c">%s</div>
<script>
const c = document.getElementById('c');
const shown_px = c.scrollHeight;  // as GitHub first shows it: folded blocks closed
// Open every <details> so folded tables are measured too.
for (const d of c.querySelectorAll('details')) d.open = true;
const tables = [...c.querySelectorAll('table')];
const pres = [...c.querySelectorAll('pre')];
const r = {
  tables: tables.length,
  widest_table_px: Math.max(0, ...tables.map(t => t.scrollWidth)),
  tables_scrolling: tables.filter(t => t.scrollWidth > t.clientWidth + 1).length,
  code_blocks: pres.length,
  code_blocks_scrolling: pres.filter(p => p.scrollWidth > p.clientWidth + 1).length,
  height_px_as_shown: shown_px,
  height_px_unfolded: c.scrollHeight,
};
document.body.setAttribute('data-metrics', JSON.stringify(r));
</script></body></html>"""


def rendered(body, tmp):
    cmark, chromium = shutil.which("cmark-gfm"), shutil.which("chromium")
    if not cmark or not chromium:
        return {"skipped": "needs cmark-gfm and chromium"}
    exts = []
    for e in ("table", "strikethrough", "autolink", "tasklist"):
        exts += ["-e", e]
    html_body = subprocess.run([cmark, "--unsafe", *exts], input=body, capture_output=True, text=True, check=True).stdout
    page = os.path.join(tmp, "comment.html")
    with open(page, "w") as f:
        f.write(PAGE % (COMMENT_WIDTH_PX, html_body))
    out = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000",
                          "--dump-dom", "file://" + page], capture_output=True, text=True, timeout=120)
    m = re.search(r'data-metrics="([^"]*)"', out.stdout)
    if not m:
        return {"skipped": "chromium did not render: " + out.stderr[-300:]}
    return json.loads(html.unescape(m.group(1)))


def run_pr(args, tmp, repo, base, head, port, double_state):
    event = os.path.join(tmp, "event.json")
    with open(event, "w") as f:
        json.dump({"action": "synchronize", "number": 7,
                   "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"},
                                    "head": {"sha": head, "ref": "feature"}}}, f)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    summary = os.path.join(tmp, "summary.md")
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": event, "GITHUB_REPOSITORY": "octo/app",
                "GITHUB_WORKSPACE": repo, "GITHUB_TOKEN": TOKEN, "GITHUB_OUTPUT": os.path.join(tmp, "outputs.txt"),
                "GITHUB_STEP_SUMMARY": summary, "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_RUN_ID": "42", "GITHUB_REF": "refs/pull/7/merge",
                "GITHUB_API_URL": f"http://127.0.0.1:{port}"})
    proc = subprocess.run([args.binary, "pr", "--no-config"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
    with open(double_state) as f:
        state = json.load(f)
    return proc, state


def measure(state, proc, tmp):
    comments = state["comments"].get("octo/app#7", [])
    body = comments[0]["body"] if comments else ""
    creates = [r for r in state["requests"] if r["operation"] == "checks/create"]
    updates = [r for r in state["requests"] if r["operation"] == "checks/update"]
    last_create = creates[-1]["body"] if creates else {}
    annotations = list(last_create.get("output", {}).get("annotations", []))
    # The updates after the last create belong to it.
    last_index = max((i for i, r in enumerate(state["requests"]) if r["operation"] == "checks/create"), default=-1)
    for i, r in enumerate(state["requests"]):
        if i > last_index and r["operation"] == "checks/update":
            annotations += r["body"].get("output", {}).get("annotations", [])
    failing = [a for a in annotations if a["annotation_level"] == "failure"]
    rules = sorted({a["title"].split(" ")[0] for a in failing})
    positions = [body.find(rule) for rule in rules if body.find(rule) >= 0]
    first = min(positions) if positions else None
    head = body[:1500]
    named = all(a["path"] in head and re.search(rf"\b{a['start_line']}\b", head) and a["title"].split(" ")[0] in head
                for a in failing)
    out = {
        "exit": proc.returncode,
        "comment_bytes": len(body.encode()),
        "comment_chars": len(body),
        "chars_before_first_high": first,
        "high_findings": len(failing),
        "every_high_in_first_1500": named,
        "annotations": len(annotations),
        "suggestions": sum(len(r["body"].get("comments", [])) for i, r in enumerate(state["requests"])
                           if i > last_index and r["operation"] == "pulls/create-review" and r.get("status", 0) < 300),
        "replacement_chars": body.count("\ufffd"),
        "rendered": rendered(body, tmp) if body else {},
    }
    return out, body


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    p.add_argument("--keep", help="write the comments (before.md, after.md) into this folder")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    schemas = os.path.join(args.shared, "schemas", "github")
    if not os.path.isdir(schemas):
        print(f"SKIP: no GitHub schemas at {schemas}")
        return 0
    tmp = tempfile.mkdtemp(prefix="pgfence-review-")
    state_path = os.path.join(tmp, "state.json")
    server = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "github_double", "server.py"), "--port", "0",
                               "--schemas", schemas, "--state", state_path, "--token", TOKEN],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().strip())
        repo = os.path.join(tmp, "repo")
        base, head = review_fixture.make_review_repo(repo)
        results = {}
        proc, state = run_pr(args, tmp, repo, base, head, port, state_path)
        results["pull request"], first_body = measure(state, proc, tmp)
        head = review_fixture.commit_fix(repo)
        proc, state = run_pr(args, tmp, repo, base, head, port, state_path)
        results["after the fix commit"], second_body = measure(state, proc, tmp)
        resolved = re.search(r"(?i)resolved", second_body) is not None
        results["after the fix commit"]["says_resolved"] = resolved
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for name, body in (("first.md", first_body), ("after_fix.md", second_body)):
                with open(os.path.join(args.keep, name), "w") as f:
                    f.write(body)
        print(json.dumps(results, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
