#!/usr/bin/python3
"""`pgfence lsp` driven by a real LSP client over standard input and output (tests/lsp/lsp_client.py),
in real git repositories: what it publishes is compared with `pgfence analyze --format json` of the
same file, its code actions are applied and re-analysed, its workspace context follows files on
disk, and malformed input gets JSON-RPC errors or a clean exit.

    lsp_test.py SUITE --binary PATH      (suites: editing declined workspace protocol framing)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, apply_edits, lsp_position  # noqa: E402

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message, flush=True)
    return condition


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo, check=True,
                   capture_output=True)


def make_repo(files):
    """A git repository whose `files` ({path: text}) are committed."""
    repo = tempfile.mkdtemp(prefix="pgfence-lsp-")
    git(repo, "init", "-q")
    for path, text in files.items():
        write(repo, path, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "earlier migrations")
    return repo


def write(repo, path, text):
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def uri_of(repo, path):
    return "file://" + os.path.join(repo, path)


def analyze_json(binary, repo, *paths):
    proc = subprocess.run([binary, "analyze", "--format", "json", *paths], cwd=repo, capture_output=True, timeout=120)
    return json.loads(proc.stdout)


def expected_diagnostics(report, path, text, encoding="utf-16"):
    """(rule, range) of each finding `pgfence analyze` reports for `path`, as LSP ranges."""
    lines = text.split("\n")
    out = []
    for f in report["files"]:
        if not f["path"].endswith(path):
            continue
        for finding in f["findings"]:
            def offset(pos, after=False):
                o = sum(len(l) + 1 for l in lines[:pos["line"] - 1]) + pos["column"] - 1
                return o + 1 if after else o
            rng = {"start": lsp_position(text, offset(finding["start"]), encoding),
                   "end": lsp_position(text, offset(finding["end"], True), encoding)}
            out.append((finding["rule"], json.dumps(rng, sort_keys=True)))
    return sorted(out)


def got_diagnostics(diagnostics):
    return sorted((d.get("code"), json.dumps(d["range"], sort_keys=True)) for d in diagnostics if "code" in d)


def codes(diagnostics):
    return {d.get("code") for d in diagnostics}


def did_change(client, uri, version, changes):
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})


def code_actions(client, uri, line):
    r = client.request("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                    "range": {"start": {"line": line, "character": 0},
                                                              "end": {"line": line, "character": 0}},
                                                    "context": {"diagnostics": []}})
    return r["result"]


USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n"
# Non-ASCII before the finding on its own line: UTF-16 counts 🎉 as two units, UTF-8 as four bytes.
DOC = ("-- add an index: ünïcödé 🎉\n"
       "SELECT '日本🎉'; CREATE INDEX users_email_idx ON users (email);\n"
       "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n")


# -- suites -------------------------------------------------------------------------------

def suite_editing(binary):
    """didOpen is analyze's findings; hover, lenses, actions applied and re-analysed; stale results."""
    # psql -f runs the folder (`tool = "psql"`): a plain folder's CONCURRENTLY plan needs its runner known.
    repo = make_repo({"db/migrations/0010_users.sql": USERS, ".pgfence.toml": 'tool = "psql"\n'})
    path = "db/migrations/0020_index.sql"
    write(repo, path, DOC)
    uri = uri_of(repo, path)
    client = Client(binary, cwd=repo)
    init = client.initialize("file://" + repo)
    caps = init["result"]["capabilities"]
    check(caps.get("positionEncoding") == "utf-16", f"utf-16 when the client offers only it: {caps}")
    check(caps["textDocumentSync"]["change"] == 2 and caps["hoverProvider"] and caps.get("codeLensProvider") is not None,
          f"incremental sync, hover and code lenses: {caps}")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": DOC}})
    diags = client.diagnostics(uri, 1)
    want = expected_diagnostics(analyze_json(binary, repo, path), path, DOC)
    check(len(want) >= 2 and "create-index-without-concurrently" in {w[0] for w in want}, f"analyze finds the index: {want}")
    check(got_diagnostics(diags) == want, f"didOpen: the same findings at the same positions as analyze:\n{got_diagnostics(diags)}\n{want}")
    index = next((d for d in diags if d.get("code") == "create-index-without-concurrently"), None)
    if check(index is not None, "the CREATE INDEX diagnostic"):
        check(index["range"]["start"] == {"line": 1, "character": 15}, f"UTF-16 column after 日本🎉: {index['range']}")
        check(index["severity"] == 1 and index["source"] == "pgfence", f"HIGH is an Error from pgfence: {index}")
        check(index["codeDescription"]["href"] ==
              "https://github.com/pgfence/pgfence/blob/main/docs/rules/create-index-without-concurrently.md", f"rule page: {index}")
        check("SHARE lock on users" in index["message"] and "CONCURRENTLY" in index["message"], f"message and fix: {index['message']}")
    lock_timeout = next((d for d in diags if d.get("code") == "lock-timeout-missing"), {})
    check(lock_timeout.get("severity") == 2, f"MEDIUM is a Warning: {lock_timeout}")

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 30}})["result"]
    value = hover["contents"]["value"] if hover else ""
    check("**SHARE** on `users`" in value and "blocks writes" in value, f"hover names the lock and the table: {value}")
    lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
    titles = [l["command"]["title"] for l in lenses]
    check(titles == ["SHARE users", "ACCESS EXCLUSIVE users"], f"one lens per statement, strongest lock: {titles}")

    # The CONCURRENTLY edit, applied as the editor applies it, analyses clean of its finding.
    actions = code_actions(client, uri, 1)
    edit = next((a for a in actions if "CONCURRENTLY" in a["title"]), None)
    text = DOC
    if check(edit is not None, f"a CONCURRENTLY quick fix: {[a['title'] for a in actions]}"):
        change = edit["edit"]["documentChanges"][0]
        check(change["textDocument"]["version"] == 1, "the edit names the version it is for")
        text = apply_edits(text, change["edits"])
        check("CREATE INDEX CONCURRENTLY users_email_idx" in text, f"the edit: {text!r}")
        did_change(client, uri, 2, [{"range": e["range"], "text": e["newText"]} for e in change["edits"]])
        diags = client.diagnostics(uri, 2)
        check("create-index-without-concurrently" not in codes(diags), f"fixed: {codes(diags)}")
    fixed = diags
    # A suppression comment, applied: its rule's finding is gone, the others stay.
    actions = code_actions(client, uri, 2)
    ignore = next((a for a in actions if a["title"].startswith("pgfence: ignore lock-timeout-missing")), None)
    if check(ignore is not None, f"a suppression action: {[a['title'] for a in actions]}"):
        edits = ignore["edit"]["documentChanges"][0]["edits"]
        check(edits[0]["newText"].startswith("-- pgfence-ignore: lock-timeout-missing -- reason="), f"syntax: {edits}")
        text = apply_edits(text, edits)
        did_change(client, uri, 3, [{"range": e["range"], "text": e["newText"]} for e in edits])
        diags = client.diagnostics(uri, 3)
        check("lock-timeout-missing" in codes(fixed) and "lock-timeout-missing" not in codes(diags),
              f"suppressed: {codes(fixed)} -> {codes(diags)}")
    # The whole text replaced (full sync), then the fix typed: an incremental change after 🎉.
    did_change(client, uri, 4, [{"text": DOC}])
    diags = client.diagnostics(uri, 4)
    check(got_diagnostics(diags) == want, "a whole-text change is analysed as didOpen was")
    at = {"line": 1, "character": len("SELECT '日本🎉'; CREATE INDEX ") + 1}  # 🎉: two UTF-16 units
    did_change(client, uri, 5, [{"range": {"start": at, "end": at}, "text": "CONCURRENTLY "}])
    diags = client.diagnostics(uri, 5)
    check("create-index-without-concurrently" not in codes(diags), f"typed fix clears it: {codes(diags)}")
    # Two changes within the debounce: the first is superseded, never published.
    did_change(client, uri, 6, [{"text": DOC}])
    did_change(client, uri, 7, [{"text": DOC + "-- more\n"}])
    client.diagnostics(uri, 7)
    stale = [m for m in client.received if m.get("method") == "textDocument/publishDiagnostics"
             and m["params"].get("version") == 6]
    check(not stale, "a superseded version is never published")
    # The migration plan, written by the server into the workspace's pgfence-plan/.
    actions = code_actions(client, uri, 1)
    plan = next((a for a in actions if a.get("command", {}).get("command") == "pgfence.writePlan"), None)
    if check(plan is not None, f"a plan action: {[a['title'] for a in actions]}"):
        r = client.request("workspace/executeCommand", plan["command"])
        written = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(repo, "pgfence-plan")) for f in fs]
        check("result" in r and any(f.endswith(".sql") for f in written), f"plan files written: {r} {written}")
        # Where the file's own path says, as from the command line at the repository's root.
        under = os.path.join(repo, "pgfence-plan", os.path.dirname(path)) + os.sep
        check(all(f.startswith(under) or f.endswith("pgfence-plan.README.md") for f in written),
              f"the plan's files under pgfence-plan/{os.path.dirname(path)}/: {written}")
        # A pgfence-plan link a checkout holds is not written through.
        shutil.rmtree(os.path.join(repo, "pgfence-plan"))
        outside = tempfile.mkdtemp()
        os.symlink(outside, os.path.join(repo, "pgfence-plan"))
        r = client.request("workspace/executeCommand", plan["command"])
        check("error" in r and os.listdir(outside) == [], f"a pgfence-plan link: refused, nothing written through: {r}")
        os.remove(os.path.join(repo, "pgfence-plan"))
        shutil.rmtree(outside)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    cleared = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                          and m["params"]["diagnostics"] == [], what="cleared diagnostics on close")
    check(cleared is not None, "didClose clears the diagnostics")
    code = client.close()
    check(code == 0, f"shutdown then exit: exit code 0, not {code}")
    check(not client.violations, f"only LSP frames on standard output: {client.violations}")
    shutil.rmtree(repo)


def suite_declined(binary):
    """Where analyze declines the plan, the editor gets neither the CONCURRENTLY edit nor a plan action
    (issue #54): a plain folder whose runner pgfence does not know (fider's, one transaction a file),
    and a Go library's embedded migrations (River's //go:embed); the suppression stays on offer."""
    index = "CREATE INDEX users_email_idx ON users (email);\n"
    cases = {
        "unknown runner": ({"db/migrations/0010_users.sql": USERS}, "db/migrations/0020_index.sql", "is not known"),
        "embedded in a library": ({"go.mod": "module example.com/jobqueue/driver\n\ngo 1.22\n",
                                   "driver.go": "package driver\n\nimport \"embed\"\n\n//go:embed migration/*/*.sql\n"
                                                "var migrationFS embed.FS\n",
                                   "migration/main/001_users.up.sql": USERS,
                                   "migration/main/001_users.down.sql": "DROP TABLE users;\n",
                                   "migration/main/002_index.down.sql": "DROP INDEX users_email_idx;\n"},
                                  "migration/main/002_index.up.sql", "embedded in a library"),
    }
    for name, (files, path, reason) in cases.items():
        repo = make_repo(files)
        write(repo, path, index)
        report = analyze_json(binary, repo, path)
        plan = (report["files"][0].get("plan") or {}) if report.get("files") else {}
        check(reason in (plan.get("declined") or ""), f"{name}: analyze declines the plan ({reason}): {json.dumps(plan)[:600]}")
        uri = uri_of(repo, path)
        client = Client(binary, cwd=repo)
        client.initialize("file://" + repo)
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": index}})
        diags = client.diagnostics(uri, 1)
        check("create-index-without-concurrently" in codes(diags), f"{name}: the finding is published: {codes(diags)}")
        actions = code_actions(client, uri, 0)
        titles = [a["title"] for a in actions]
        check(not any("CONCURRENTLY" in t for t in titles), f"{name}: no CONCURRENTLY edit: {titles}")
        check(not any(a.get("command", {}).get("command") == "pgfence.writePlan" for a in actions),
              f"{name}: no plan action: {titles}")
        check(any(t.startswith("pgfence: ignore create-index-without-concurrently") for t in titles),
              f"{name}: the suppression is still offered: {titles}")
        check(client.close() == 0, f"{name}: shutdown then exit")
        shutil.rmtree(repo)


def suite_workspace(binary):
    """Earlier migrations on disk and at HEAD, the configuration file, settings and stats."""
    repo = make_repo({"db/migrations/0010_users.sql": USERS})
    path = "db/migrations/0020_alter.sql"
    text = "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n"
    write(repo, path, text)
    uri = uri_of(repo, path)
    write(repo, "stats.json", json.dumps({
        "pgfence_stats_version": 1, "taken_at": "2024-05-01T12:00:00Z",
        "server": {"version": "15.6", "version_num": 150006, "in_recovery": True, "database": "app"},
        "search_path": ["public"], "has_columns": False,
        "tables": [{"schema": "public", "name": "users", "kind": "table", "rows": 12000000, "rows_source": "catalog",
                    "table_bytes": 3435973837, "total_bytes": 4402341478, "parent": None, "indexes": []}]}))
    client = Client(binary, cwd="/", settings={"statsFile": "stats.json", "codeLens": True})
    client.initialize("file://" + repo, options={"codeLens": True})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}})
    version = 1

    def watched(*changes):
        nonlocal version
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(repo, p), "type": t} for p, t in changes]})
        # Re-analysed at the same version: the newest publication after the notification.
        mark = len(client.received)
        client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                    and any(x is m for x in client.received[mark:]), what="diagnostics after a watched change")
        return [m for m in client.received[mark:] if m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri][-1]["params"]["diagnostics"]

    diags = client.diagnostics(uri, version)
    check("alter-column-type-rewrite" not in codes(diags), f"varchar(100) -> varchar(200) from the committed 0010: {codes(diags)}")
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}})["result"]
    check(hover is not None and "ACCESS EXCLUSIVE" in hover["contents"]["value"], f"hover: {hover}")
    # An earlier migration written on disk (not committed): history, as analyze of both files chains it.
    write(repo, "db/migrations/0015_email.sql", "ALTER TABLE users ALTER COLUMN email TYPE integer USING 0;\n")
    diags = watched(("db/migrations/0015_email.sql", 1))
    report = analyze_json(binary, repo, "db/migrations/0015_email.sql", path)
    check(got_diagnostics(diags) == expected_diagnostics(report, path, text),
          f"after 0015 appears: as analyze 0015 0020: {got_diagnostics(diags)} {expected_diagnostics(report, path, text)}")
    check("alter-column-type-rewrite" in codes(diags), f"integer -> varchar rewrites: {codes(diags)}")
    os.remove(os.path.join(repo, "db/migrations/0015_email.sql"))
    diags = watched(("db/migrations/0015_email.sql", 3))
    check("alter-column-type-rewrite" not in codes(diags), f"0015 deleted: {codes(diags)}")
    # The committed earlier migration stops creating the table (committed): the finding comes back.
    write(repo, "db/migrations/0010_users.sql", "SELECT 1;\n")
    git(repo, "commit", "-qam", "no users")
    diags = watched(("db/migrations/0010_users.sql", 2))
    want = expected_diagnostics(analyze_json(binary, repo, path), path, text)
    check("alter-column-type-rewrite" in codes(diags) and got_diagnostics(diags) == want,
          f"0010 no longer makes users: as analyze: {got_diagnostics(diags)} {want}")
    # The configuration file turns a rule off.
    check("lock-timeout-missing" in codes(diags), "lock-timeout-missing before the configuration")
    write(repo, ".pgfence.toml", '[rules]\ndisable = ["lock-timeout-missing"]\n')
    diags = watched((".pgfence.toml", 1))
    check("lock-timeout-missing" not in codes(diags) and "alter-column-type-rewrite" in codes(diags),
          f".pgfence.toml disables the rule: {codes(diags)}")
    write(repo, ".pgfence.toml", '[rules]\nnot_a_key = 1\n')
    diags = watched((".pgfence.toml", 2))
    bad = [d for d in diags if ".pgfence.toml" in d["message"]]
    check(bad and bad[0]["range"]["start"] == {"line": 0, "character": 0} and bad[0]["severity"] == 1,
          f"a bad configuration is one error at the top: {diags}")
    os.remove(os.path.join(repo, ".pgfence.toml"))
    watched((".pgfence.toml", 3))
    # Lenses off through workspace/configuration.
    client.settings = {"statsFile": "stats.json", "codeLens": False}
    client.notify("workspace/didChangeConfiguration", {"settings": {}})
    client.wait(lambda m: m.get("method") == "workspace/configuration", what="the server asking for its settings")
    lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
    check(lenses == [], f"pgfence.codeLens false: no lenses: {lenses}")
    # A file that is no migration (a .ts file without an ORM) gets nothing; one over the size limit one error.
    other = "src/app.ts"
    write(repo, other, "export const up = 1;\n")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(repo, other), "languageId": "typescript",
                                                            "version": 1, "text": "export const up = 1;\n"}})
    check(client.diagnostics(uri_of(repo, other), 1) == [], "an application script: no diagnostics")
    big = "SELECT 1;\n" * (17 * 1024 * 1024 // 10 + 1)
    big_uri = uri_of(repo, "db/migrations/0030_big.sql")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": big_uri, "languageId": "sql", "version": 1, "text": big}})
    diags = client.diagnostics(big_uri, 1, timeout=60)
    check(len(diags) == 1 and "max-file-size" in diags[0]["message"], f"over max_file_size: one diagnostic: {diags[:2]}")
    code = client.close()
    check(code == 0, f"exit code {code}")
    shutil.rmtree(repo)


def suite_stats(binary):
    """The configured stats snapshot's size and estimated blocking time in the hover."""
    repo = make_repo({"db/migrations/0010_users.sql": USERS})
    snapshot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stats", "fixtures", "snapshot.json")
    shutil.copy(snapshot, os.path.join(repo, "stats.json"))
    path = "db/migrations/0020_index.sql"
    text = "CREATE INDEX users_email_idx ON users (email);\n"
    write(repo, path, text)
    client = Client(binary, cwd="/")
    client.initialize("file://" + repo, options={"statsFile": "stats.json"}, capabilities={"workspace": {}})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(repo, path), "languageId": "sql", "version": 1,
                                                            "text": text}})
    client.diagnostics(uri_of(repo, path), 1)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri_of(repo, path)},
                                                  "position": {"line": 0, "character": 5}})["result"]
    value = hover["contents"]["value"] if hover else ""
    check("estimated blocking" in value and "GB" in value, f"hover with the snapshot's size and time: {value}")
    check(client.close() == 0, "exit 0")
    shutil.rmtree(repo)


def suite_protocol(binary):
    """JSON-RPC errors for bad messages; UTF-8 negotiated; shutdown and exit codes."""
    client = Client(binary, cwd="/")
    r = client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32002, f"before initialize: -32002: {r}")
    init = client.initialize(None, encodings=("utf-8", "utf-16"))
    check(init["result"]["capabilities"]["positionEncoding"] == "utf-8", f"utf-8 preferred: {init}")
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    r = client.wait(lambda m: "error" in m and m["error"]["code"] == -32700, what="-32700")
    check(r["id"] is None, f"parse error: id null: {r}")
    client.send({"jsonrpc": "2.0", "id": 50, "method": "textDocument/hover", "params": {"textDocument": {"uri": 7},
                                                                                        "position": "here"}})
    r = client.wait(lambda m: m.get("id") == 50, what="the wrong-typed hover's error")
    check(r.get("error", {}).get("code") == -32602, f"wrong types: -32602: {r}")
    client.send({"jsonrpc": "2.0", "id": {"an": "object"}, "method": "shutdown"})
    r = client.wait(lambda m: m.get("error", {}).get("code") == -32600, what="-32600")
    check(r["id"] is None, f"an id that is an object: invalid request: {r}")
    client.send({"jsonrpc": "1.0", "id": 51, "method": "shutdown"})
    r = client.wait(lambda m: m.get("id") == 51, what="jsonrpc 1.0's error")
    check(r.get("error", {}).get("code") == -32600, f"jsonrpc must be 2.0: {r}")
    client.send([1, 2])
    client.wait(lambda m: m.get("error", {}).get("code") == -32600 and m["id"] is None, what="batch refused")
    r = client.request("textDocument/formatting", {"textDocument": {"uri": "file:///x.sql"}})
    check(r.get("error", {}).get("code") == -32601, f"unknown method: -32601: {r}")
    # JSON this parser cannot hold (a number past a double), and nesting past 256 levels: parse
    # errors, and the server answers on.
    for body in (b'{"jsonrpc":"2.0","method":"$/x","params":{"a":1e400}}',
                 b'{"jsonrpc":"2.0","method":"$/x","params":' + b"[" * 200000 + b"]" * 200000 + b"}"):
        client.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        client.wait(lambda m: m.get("error", {}).get("code") == -32700 and m["id"] is None, what="-32700 for " + repr(body[:40]))
        r = client.request("textDocument/formatting", {"textDocument": {"uri": "file:///x.sql"}}, timeout=10)
        check(r.get("error", {}).get("code") == -32601, f"still answering after {body[:40]!r}: {r}")
    # UTF-8 positions are bytes.
    text = "SELECT 'é🎉'; CREATE INDEX i ON t (c);\n"
    client.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///nonexistent/m/1_a.sql", "languageId": "sql",
                                                            "version": 1, "text": text}})
    diags = client.diagnostics("file:///nonexistent/m/1_a.sql", 1)
    index = [d for d in diags if d.get("code") == "create-index-without-concurrently"]
    check(index and index[0]["range"]["start"] == {"line": 0, "character": len("SELECT 'é🎉'; ".encode())},
          f"utf-8: the column in bytes: {index}")
    # A body over 64 MiB, announced and sent: skipped, answered with an error, the stream kept.
    size = 64 * 1024 * 1024 + 1
    client.send_raw(b"Content-Length: %d\r\n\r\n" % size)
    chunk = b" " * (1 << 20)
    for _ in range(64):
        client.send_raw(chunk)
    client.send_raw(b" ")
    r = client.wait(lambda m: m.get("error", {}).get("code") == -32600 and "MiB" in m["error"]["message"], 60, "oversized")
    check(r["id"] is None, f"oversized: {r}")
    r = client.request("textDocument/hover", {"textDocument": {"uri": "file:///nonexistent/m/1_a.sql"},
                                              "position": {"line": 0, "character": 20}})
    check(r.get("result") is not None, f"still answering after an oversized message: {r}")
    r = client.request("shutdown", None)
    check("result" in r and r["result"] is None, f"shutdown: {r}")
    r = client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    check(r.get("error", {}).get("code") == -32600, f"after shutdown: -32600: {r}")
    client.notify("exit", None)
    check(client.proc.wait(10) == 0, "exit after shutdown: 0")
    check(not client.violations, f"only frames on stdout: {client.violations}")

    client = Client(binary, cwd="/")
    client.initialize(None)
    client.notify("exit", None)
    check(client.proc.wait(10) == 1, "exit without shutdown: 1")


def suite_framing(binary):
    """Framing that cannot be resynchronised ends the server with one error line; so does a closed input."""
    for name, data in (("garbage", b"hello there\r\n\r\n"), ("no length", b"Content-Type: x\r\n\r\n{}"),
                       ("bad length", b"Content-Length: 12abc\r\n\r\n"),
                       ("huge length", b"Content-Length: 99999999999999999999999\r\n\r\n"),
                       ("two lengths", b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
                       ("long header", b"X-" + b"a" * 20000 + b"\r\n")):
        client = Client(binary, cwd="/")
        client.send_raw(data)
        try:
            code = client.proc.wait(5)
        except subprocess.TimeoutExpired:
            client.proc.kill()
            code = None
        time.sleep(0.1)
        check(code == 1, f"{name}: exit 1, not {code}")
        lines = client.stderr.decode(errors="replace").splitlines()
        check(len(lines) == 1 and lines[0].startswith("error: pgfence lsp: "), f"{name}: one error line: {lines}")
        check(client.received == [] and not client.violations, f"{name}: nothing on stdout: {client.received}")
    # The client goes away: standard input closes, the server exits within a few seconds.
    client = Client(binary, cwd="/")
    client.initialize(None)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///nonexistent/m/1_a.sql", "languageId": "sql",
                                                            "version": 1, "text": "CREATE INDEX i ON t (c);\n" * 2000}})
    client.proc.stdin.close()
    start = time.monotonic()
    try:
        code = client.proc.wait(5)
    except subprocess.TimeoutExpired:
        client.proc.kill()
        code = None
    check(code == 1 and time.monotonic() - start < 5, f"stdin closed: exits (1) within seconds, not {code}")
    # A header cut short by the end of the input.
    client = Client(binary, cwd="/")
    client.send_raw(b"Content-Length: 10\r\n\r\n{\"a\"")
    client.proc.stdin.close()
    check(client.proc.wait(5) == 1, "a body cut short: exit 1")


SUITES = {"editing": suite_editing, "declined": suite_declined, "workspace": suite_workspace, "stats": suite_stats, "protocol": suite_protocol,
          "framing": suite_framing}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    SUITES[args.suite](os.path.abspath(args.binary))
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", flush=True)
        return 1
    print(f"lsp {args.suite}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
