"""Issue #13 items 3 and 6, end to end: a pull request whose migration names indexes (and files)
after workflow commands, HTML, @mentions, links, a code fence with a fake heading, and pipes.
`pgfence analyze` in every --format and `pgfence pr` (posting to the GitHub double, with --trace,
and the fork fallback) must let none of it act on the runner or render as live Markdown/HTML.

    test_output_injection.py SCENARIO --binary B --double server.py --schemas DIR --sarif-schema F
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import Failed, Scenario, check, git, write  # noqa: E402

RUNNER_COMMANDS = ["error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "stop-commands", "echo",
                   "set-output", "save-state", "add-path", "set-env", "add-matcher", "remove-matcher"]
INJECTED = "x\n::stop-commands::pwned\n::error file=README.md,line=1::FAKE"
FENCE = "x\n```\n## All clear, merge it!\n```"
HOSTILE_NAMES = [INJECTED, "<img src=x onerror=alert(1)>", "@octocat", "[click](https://evil.example)", FENCE,
                 "a|b||c", "##[error]legacy", "pwned\n::pwned::resumed", "\u00a0::warning::nbsp"]
HOSTILE_NAMES += [f"i\n  ::{name}::{name}-payload" for name in RUNNER_COMMANDS]
HOSTILE_NAMES += [f"##[{name} name=x;]legacy-{name}" for name in RUNNER_COMMANDS]

BASE = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, a int);\n"
HOSTILE_FILES = ["migrations/003_##[error]file.sql", "migrations/004_x\n::error file=README.md,line=1::PATHFAKE.sql"]


# Suppression comments whose reason and owner are the pull request's (README "Suppressions"): one
# line each, so no line break, but a carriage return, which the runner also splits lines at.
HOSTILE_REASONS = ["::error file=README.md,line=1::FAKE-EXEMPT", "<img src=x onerror=alert(1)>", "@octocat",
                   "[click](https://evil.example)", "a|b||c", "##[error]legacy-reason", "pwned\r-- ::warning::after-cr",
                   "\x1b[2J\x1b]0;title\x07"]


def exempt_sql():
    lines = []
    for i, reason in enumerate(HOSTILE_REASONS):
        escaped = reason.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'-- pgfence-ignore: create-index-without-concurrently -- reason="{escaped}" owner=@octocat until=2999-12-31')
        lines.append(f"CREATE INDEX exempt_{i} ON orders (a);")
    return "\n".join(lines) + "\n"


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def hostile_sql(with_error):
    lines = [f"CREATE INDEX {ident(n)} ON orders (customer_id);" for n in HOSTILE_NAMES]
    if with_error:
        # PostgreSQL's error quotes the name back: server text is as hostile as the file.
        lines.append(f"SELECT 1 FROM {ident('missing' + INJECTED[1:] + chr(10) + FENCE)};")
    return "\n".join(lines) + "\n"


def make_repo(s, with_error=False):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/001_orders.sql"), BASE)
    write(os.path.join(s.repo, "README.md"), "app\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "migrations/002_hostile.sql"), hostile_sql(with_error))
    for path in HOSTILE_FILES:
        write(os.path.join(s.repo, path), "CREATE INDEX plain_idx ON orders (a);\n")
    write(os.path.join(s.repo, "migrations/005_exempt.sql"), exempt_sql())
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "hostile")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


# -- what the runner would obey ---------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")
PROPERTIES = {"file", "line", "endLine", "col", "endColumn", "title"}


def decode(value, prop):
    table = {"%0D": "\r", "%0A": "\n", "%25": "%"}
    if prop:
        table.update({"%3A": ":", "%2C": ","})
    return re.sub(r"%(0D|0A|25|3A|2C)", lambda m: table.get(m.group(0), m.group(0)), value)


def runner_lines(text, where, own_commands=False, known_files=()):
    """Checks every line the runner would read; returns pgfence's own commands, decoded."""
    commands = []
    for line in re.split(r"\r\n|\r|\n", text):
        check("##[" not in line, f"{where}: a legacy '##[' command reaches the runner: {line!r}")
        if not line.lstrip().startswith("::"):
            continue
        m = COMMAND.match(line)
        check(own_commands and m, f"{where}: a line the runner obeys as a command: {line!r}")
        props = {}
        for part in m.group(2).split(","):
            key, eq, value = part.partition("=")
            check(key in PROPERTIES and eq, f"{where}: a property that is not pgfence's: {part!r} in {line!r}")
            check(not re.search(r"%(?!0D|0A|25|3A|2C)", value), f"{where}: unescaped % in {part!r}")
            props[key] = decode(value, True)
        # A "##[" in a path has no escape in a property: it is broken by a zero-width space.
        check(props.get("file", "").replace("\u200b", "") in known_files,
              f"{where}: an annotation on a file pgfence did not read: {props}")
        check(all(props[k].isdigit() for k in ("line", "endLine", "col", "endColumn") if k in props), f"{props}")
        check(not re.search(r"%(?!0D|0A|25)", m.group(3)), f"{where}: unescaped % in the message {line!r}")
        commands.append((m.group(1), props, decode(m.group(3), False)))
    return commands


# -- what the Markdown renders ----------------------------------------------------------------

OWN_HTML_BLOCK = re.compile(r"^(<!-- pgfence[^>]*-->|<details><summary>Trace on a real PostgreSQL: [a-z ]+</summary>|"
                            r"</details>|"
                            # a file's folded detail: its path escaped, its counts
                            r"<details( open)?><summary>\S+ <code>[^<>]*</code>( — [A-Za-z0-9 ·-]+)?</summary>|"
                            r"<details><summary>Migration plan: [^<>]*</summary>|"
                            r"<details><summary>Safe rewrite, line \d+ \([a-z0-9-]+\)(, pre-existing)?</summary>)$")
# The links pgfence writes: into the repository the workflow runs for (commits, lines, the run)
# and to the rules' pages. A path in a link is percent-encoded.
OWN_LINK = re.compile(r"^https://github\.com/(octo/app/(commit/[0-9a-f]{40}|blob/[0-9a-f]{40}/[A-Za-z0-9._~/%-]+(#L\d+)?|"
                      r"actions/runs/\d+)|pgfence/action/blob/v[0-9.]+/docs/rules/[a-z0-9-]+\.md)$")


def markdown_is_inert(body, where):
    from markdown_it import MarkdownIt  # Debian: python3-markdown-it

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = md.parse(body)
    check("<img" not in md.render(body), f"{where}: renders an <img> element")
    for i, t in enumerate(tokens):
        if t.type == "html_block" and t.content.startswith("<!-- pgfence:state v1\n"):
            # The hidden state: fields of encoded values, one HTML comment.
            lines = t.content.strip().splitlines()
            check(lines[-1] == "-->" and t.content.count("-->") == 1, f"{where}: the state block is not one comment")
            for line in lines[1:-1]:
                check(re.fullmatch(r"[a-z0-9]+=[A-Za-z0-9/._%#-]*( [a-z]+=[A-Za-z0-9/._%#-]*)*", line),
                      f"{where}: raw text in the state block: {line!r}")
        elif t.type == "html_block":
            for block in t.content.strip().splitlines():
                check(OWN_HTML_BLOCK.match(block.strip()), f"{where}: raw HTML from the input: {block!r}")
        if t.type == "heading_open":
            heading = tokens[i + 1].content
            check("All clear" not in heading and "merge it" not in heading, f"{where}: a forged heading: {heading!r}")
        if t.type == "fence":
            check(t.info in ("sql", "text"), f"{where}: a code block pgfence did not open: {t.info!r} {t.content!r}")
        for child in t.children or []:
            check(child.type != "image", f"{where}: an image: {child.attrs}")
            if child.type == "link_open":
                check(OWN_LINK.match(child.attrs.get("href", "")), f"{where}: a live link pgfence did not write: {child.attrs}")
            if child.type == "html_inline":
                check(child.content == "<br>", f"{where}: inline HTML from the input: {child.content!r}")
            if child.type == "text":
                text = child.content
                check(not re.search(r"(?<![\w\u200b])@octocat", text), f"{where}: an @mention: {text!r}")
                check("https://" not in text and "www." not in text, f"{where}: an autolink: {text!r}")
    # Each row of the statement table keeps its cells: the statement is one whole code span.
    in_table, cols, cell = False, 0, 0
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            in_table, cols = True, 0
        elif t.type == "th_open":
            cols += 1
        elif t.type == "tr_open":
            cell = 0
        elif t.type == "td_open":
            cell += 1
            if cols == 6 and cell == 2:
                children = tokens[i + 1].children
                check(len(children) == 1 and children[0].type == "code_inline",
                      f"{where}: a statement cell broken apart: {tokens[i + 1].content!r}")
        elif t.type == "table_close":
            in_table = False
    check(not in_table, f"{where}: unterminated table")


def names_survive(text, where):
    """The escaped report still says what the input was called (it is escaped, not dropped)."""
    check("octocat" in text and "onerror" in text, f"{where}: the hostile names are missing: {text[:500]!r}")


# -- scenarios ---------------------------------------------------------------------------------

def analyze_formats(s):
    """pgfence analyze in every --format, as a CI step would run it."""
    make_repo(s)
    files = sorted(os.path.relpath(os.path.join(d, f), s.repo) for d, _, fs in os.walk(os.path.join(s.repo, "migrations"))
                   for f in fs)
    for fmt in ("text", "json", "markdown", "sarif", "github", "gitlab", "rdjson"):
        proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", fmt, "migrations"],
                                            cwd=s.repo, capture_output=True, text=True, timeout=120)
        check(proc.returncode in (0, 1), f"{fmt}: exit {proc.returncode}: {proc.stderr}")
        own = runner_lines(proc.stdout, f"analyze --format {fmt} stdout", own_commands=fmt == "github", known_files=files)
        runner_lines(proc.stderr, f"analyze --format {fmt} stderr")
        names_survive(proc.stdout, fmt)
        if fmt == "github":
            check(len(own) >= len(HOSTILE_NAMES), f"one annotation per finding: {len(own)}")
            check(any("::stop-commands::pwned" in msg for _, _, msg in own), "the escaped name is in a message")
        if fmt in ("json", "sarif", "gitlab", "rdjson"):
            doc = json.loads(proc.stdout)
            check("##[error]legacy" in json.dumps(doc, ensure_ascii=False), f"{fmt}: the value survives as it was")
        if fmt == "sarif":
            def markdown_fields(node):
                if isinstance(node, dict):
                    for k, v in node.items():
                        if k == "markdown":
                            yield v
                        else:
                            yield from markdown_fields(v)
                elif isinstance(node, list):
                    for v in node:
                        yield from markdown_fields(v)
            # Only the rules' own docs pages are Markdown in SARIF: no repository text gets there.
            for text in markdown_fields(doc):
                check("octocat" not in text and "stop-commands" not in text, f"SARIF markdown has input: {text[:300]!r}")
        if fmt == "markdown":
            markdown_is_inert(proc.stdout, "analyze --format markdown")
            check(proc.stdout.count("005_exempt.sql:") == len(HOSTILE_REASONS),
                  f"every hostile exemption is listed: {proc.stdout.count('005_exempt.sql:')}")
        if fmt == "sarif":
            suppressed = [r for r in doc["runs"][0]["results"] if r.get("suppressions")]
            check(sorted(r["suppressions"][0]["justification"] for r in suppressed) == sorted(HOSTILE_REASONS),
                  "SARIF carries each hostile reason as it was, as a JSON string")
        if fmt == "text":
            check(proc.stdout.count("exempt: create-index-without-concurrently") == len(HOSTILE_REASONS),
                  "the terminal lists every exemption")


def pr_posting(s):
    """pgfence pr --trace posting to GitHub: the comment, the check run and the job summary."""
    make_repo(s, with_error=True)
    s.start_double()
    proc = s.run_pr("--trace")
    check(proc.returncode == 1, f"findings and a rejected statement fail the run: exit {proc.returncode}\n{proc.stderr}")
    runner_lines(proc.stdout, "pr stdout")
    runner_lines(proc.stderr, "pr stderr")
    check("trace:" in proc.stdout and "PostgreSQL: " in proc.stdout, f"the trace ran and quotes the server's error: {proc.stdout[-800:]}")
    comments = s.comments()
    check(len(comments) == 1, f"one comment, not {len(comments)}")
    markdown_is_inert(comments[0]["body"], "comment")
    names_survive(comments[0]["body"], "comment")
    # Each twice: under Exemptions, and among the suppressions this pull request adds (docs/pr.md).
    check(comments[0]["body"].count("005_exempt.sql:") == 2 * len(HOSTILE_REASONS), "the comment lists every hostile exemption")
    check("Trace on a real PostgreSQL" in comments[0]["body"], "the comment carries the trace")
    output = s.requests("checks/create")[0]["body"]["output"]
    markdown_is_inert(output["summary"], "check run summary")
    markdown_is_inert(output.get("text", ""), "check run text")
    with open(s.summary, encoding="utf-8") as f:
        summary = f.read()
    markdown_is_inert(summary, "job summary")
    check("Trace on a real PostgreSQL" in summary, "the job summary carries the trace")
    s.all_requests_valid()


def pr_fork_fallback(s):
    """A read-only token: the annotations go out as workflow commands, escaped per GitHub's rules."""
    make_repo(s)
    s.start_double(faults=[{"kind": "forbidden", "path": "check-runs", "times": 10},
                           {"kind": "forbidden", "path": "comments", "times": 10}])
    proc = s.run_pr()
    check(proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr}")
    files = ["migrations/002_hostile.sql", "migrations/005_exempt.sql"] + HOSTILE_FILES
    own = runner_lines(proc.stdout, "pr fallback stdout", own_commands=True, known_files=files)
    runner_lines(proc.stderr, "pr fallback stderr")
    outputs = s.outputs_dict()
    findings = int(outputs["findings"]) + int(outputs["pre-existing-findings"])
    # One command per finding, but a file's session-setting findings are one, whose first line
    # lists them: "lock-timeout-missing on lines 1 and 6; statement-timeout-missing on line 1."
    def findings_of(props, msg):
        if not props.get("title", "").startswith("session settings: "):
            return 1
        head = msg.split("\n", 1)[0].rstrip(".")
        return sum(len(re.findall(r"\d+", part.split(" on ", 1)[1])) for part in head.split("; "))
    annotated = sum(findings_of(props, msg) for _, props, msg in own)
    check(annotated == findings, f"every finding in one workflow command: {annotated} ({len(own)} commands) for {findings}")
    check(len(own) < findings, f"a file's session settings are one command: {len(own)} for {findings}")
    check(any(props.get("file") == HOSTILE_FILES[1] for _, props, _ in own), "the hostile file name, escaped, is annotated")
    check(any("::stop-commands::pwned" in msg for _, _, msg in own), "the escaped name is in a message")
    with open(s.summary, encoding="utf-8") as f:
        markdown_is_inert(f.read(), "job summary (fallback)")


SCENARIOS = {f.__name__: f for f in (analyze_formats, pr_posting, pr_fork_fallback)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    p.add_argument("--double", required=True)
    p.add_argument("--schemas", required=True)
    p.add_argument("--sarif-schema", required=True)
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    if args.scenario != "analyze_formats" and not os.path.isdir(args.schemas):
        print(f"SKIP: no GitHub schemas at {args.schemas}")
        return 0
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-output-")
    s = Scenario(args, tmp)
    try:
        SCENARIOS[args.scenario](s)
    except Failed as e:
        print(f"FAIL {args.scenario}: {e}")
        return 1
    finally:
        s.stop_double()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
