#!/usr/bin/python3
"""How long `pgfence lsp` takes to publish diagnostics after a one-character change of a
200-statement migration whose set has 700 committed files before it (the target: under 50 ms).

    bench/lsp.py [--pgfence PATH] [--history N] [--statements N] [--changes N]

It makes a git repository in a temporary folder (N committed migrations, each a table with
columns and an index, then the edited file), starts the server with debounceMs 0 (the editor's
150 ms debounce is a wait, not work), opens the file (the first analysis also replays the
history: reported as "cold"), then sends one-character changes one at a time, each after the
diagnostics of the one before. Per change it reports the wall time from sending the change to
receiving its diagnostics and the server's CPU time (user + system, /proc/PID/stat, summed over
all changes and divided). Not a test: it prints and exits 0 whatever it measures.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "lsp"))
from lsp_client import Client  # noqa: E402


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def history_file(k):
    return (f"CREATE TABLE t{k} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\n"
            f"CREATE INDEX t{k}_name_idx ON t{k} (name);\n"
            f"ALTER TABLE t{k} ADD COLUMN note text;\n")


def edited_file(statements, tables):
    lines = ["-- the migration being edited"]
    for i in range(statements):
        t = f"t{i % tables}"
        shape = i % 4
        if shape == 0:
            lines.append(f"ALTER TABLE {t} ADD COLUMN c{i} integer;")
        elif shape == 1:
            lines.append(f"CREATE INDEX {t}_c{i - 1}_idx ON {t} (c{i - 1});")
        elif shape == 2:
            lines.append(f"UPDATE {t} SET note = 'x' WHERE id < {i};")
        else:
            lines.append(f"ALTER TABLE {t} ALTER COLUMN name SET DEFAULT 'n{i}';")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pgfence", default=os.environ.get("PGFENCE", os.path.join(here, "..", "build", "bot", "pgfence")))
    parser.add_argument("--history", type=int, default=700)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    binary = os.path.abspath(args.pgfence)
    if not os.access(binary, os.X_OK):
        print(f"bench/lsp.py: no pgfence at {binary} (build it or pass --pgfence)", file=sys.stderr)
        return 2
    repo = tempfile.mkdtemp(prefix="pgfence-lsp-bench-")
    try:
        folder = os.path.join(repo, "db", "migrations")
        os.makedirs(folder)
        for k in range(args.history):
            with open(os.path.join(folder, f"{k + 1:05d}_t{k}.sql"), "w") as f:
                f.write(history_file(k))
        git = ["git", "-c", "user.name=b", "-c", "user.email=b@example.invalid"]
        subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
        subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
        subprocess.run(git + ["commit", "-qm", "history"], cwd=repo, check=True)
        path = os.path.join(folder, f"{args.history + 1:05d}_edited.sql")
        text = edited_file(args.statements, max(1, args.history))
        with open(path, "w") as f:
            f.write(text)
        uri = "file://" + path

        client = Client(binary, cwd=repo)
        client.initialize("file://" + repo, options={"debounceMs": 0, "codeLens": True})
        start = time.monotonic()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}})
        first = client.diagnostics(uri, 1, timeout=300)
        cold = time.monotonic() - start
        walls = []
        cpu_before = cpu_seconds(client.proc.pid)
        for n in range(args.changes):
            version = n + 2
            # One character typed at the end of the first line, or taken away again.
            at = {"line": 0, "character": len("-- the migration being edited")}
            change = ({"range": {"start": at, "end": at}, "text": "x"} if n % 2 == 0 else
                      {"range": {"start": at, "end": {"line": 0, "character": at["character"] + 1}}, "text": ""})
            sent = time.monotonic()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            client.diagnostics(uri, version, timeout=60)
            walls.append(time.monotonic() - sent)
        cpu = (cpu_seconds(client.proc.pid) - cpu_before) / args.changes
        code = client.close()
    finally:
        shutil.rmtree(repo, ignore_errors=True)
    walls.sort()
    median = statistics.median(walls)
    p90 = walls[min(len(walls) - 1, int(len(walls) * 0.9))]
    print(f"pgfence lsp: {args.statements}-statement file after {args.history} committed migrations, "
          f"{len(first)} diagnostics, {args.changes} one-character changes (debounce 0)")
    print(f"  cold (didOpen: history replayed, then the file): {cold * 1000:.0f} ms wall")
    print(f"  per change: median {median * 1000:.1f} ms wall, p90 {p90 * 1000:.1f} ms, "
          f"CPU {cpu * 1000:.1f} ms (server, user + system)")
    print(f"  target under 50 ms: {'met' if median < 0.05 else 'NOT met'}; exit code {code}")
    print(f"  load average: {os.getloadavg()[0]:.2f} (numbers mean little while other work runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
