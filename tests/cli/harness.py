"""The harness of the CLI tests: runs the pgfence binary, and checks a JSON report
against the schema and against the files it describes (tests/cli/cli_test.py)."""
import json
import os
import pty
import select
import subprocess

ESC = b"\x1b"


class Abort(Exception):
    """The binary's output cannot be checked further (it is not JSON, say)."""


class Harness:
    """Runs the binary and checks what it prints; the suites build on it."""

    def __init__(self, args):
        self.binary = os.path.abspath(args.binary)
        self.schema_path = os.path.abspath(args.schema)
        self.fixtures = os.path.abspath(args.fixtures)
        self.doc = os.path.abspath(args.doc) if args.doc else None
        self.failures = []
        self.checks = 0

    # -- helpers ---------------------------------------------------------------

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)
        return condition

    def run(self, *args, cwd=None, env_extra=None, drop_env=("NO_COLOR",)):
        env = {k: v for k, v in os.environ.items() if k not in drop_env}
        env.update(env_extra or {})
        # Standard input is empty, never the test runner's: `pgfence lsp` (its help lists --stdio)
        # reads it until it closes.
        proc = subprocess.run([self.binary, *args], cwd=cwd, env=env, capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stdout, proc.stderr

    def run_on_terminal(self, *args, env_extra=None):
        """Runs with standard output on a pseudo-terminal; returns (exit code, bytes written)."""
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        env.update(env_extra or {})
        env.setdefault("TERM", "xterm")
        master, slave = pty.openpty()
        proc = subprocess.Popen([self.binary, *args], stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        out = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        proc.wait(timeout=60)
        proc.stderr.close()
        return proc.returncode, out

    def json_of(self, *args, cwd=None):
        code, out, err = self.run("analyze", "--format", "json", *args, cwd=cwd)
        try:
            return code, json.loads(out), err
        except ValueError as e:
            self.check(False, f"analyze {' '.join(args)}: output is not JSON ({e}): {out[:200]!r}; stderr: {err[:300]!r}")
            raise Abort() from e

    def fixture(self, relative):
        return os.path.join(self.fixtures, relative)

    def sql_fixtures(self):
        out = []
        for root, _, files in os.walk(self.fixtures):
            out += [os.path.join(root, f) for f in files if f.endswith(".sql")]
        return sorted(out)

    def error_lines(self, err):
        return [l for l in err.decode("utf-8", "replace").splitlines() if l.startswith("error:")]

    def file_named(self, report, suffix):
        found = [f for f in report["files"] if f["path"].endswith(suffix)]
        self.check(len(found) == 1, f"expected one file ending in {suffix}, got {[f['path'] for f in found]}")
        return found[0] if found else None

    def validator(self):
        import jsonschema  # Debian: python3-jsonschema

        with open(self.schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    def validate(self, validator, document, what):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for e in errors[:5]:
            self.check(False, f"{what}: schema violation at /{'/'.join(map(str, e.absolute_path))}: {e.message}")
        self.check(not errors or len(errors) <= 5, f"{what}: {len(errors)} schema violations in all")
        return not errors

    # Facts the schema cannot express, checked against the files themselves.
    def check_semantics(self, report, cwd):
        summary = report["summary"]
        statements = [s for f in report["files"] for s in f["statements"]]
        self.check(summary["files"] == len(report["files"]), "summary.files counts the files")
        self.check(summary["statements"] == len(statements), "summary.statements counts the statements")
        self.check(summary["unparsable"] == sum(s["status"] == "unparsable" for s in statements),
                   "summary.unparsable counts unparsable statements")
        self.check(summary["unknown"] == sum(s["status"] == "unknown" for s in statements),
                   "summary.unknown counts unknown statements")
        self.check(summary["file_errors"] == sum(f["error"] is not None for f in report["files"]),
                   "summary.file_errors counts unreadable files")
        order = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
        highest = lambda findings: max((order.index(x["risk"]) for x in findings), default=0)
        for f in report["files"]:
            self.check(order.index(f["risk"]) == highest(f["findings"]),
                       f"{f['path']}: the file's risk is its highest finding's")
            for s in f["statements"]:
                mine = [x for x in f["findings"] if x["statement"] == s["index"]]
                self.check(order.index(s["risk"]) == highest(mine),
                           f"{f['path']} statement {s['index']}: its risk is its highest finding's")
            for x in f["findings"] + f["suppressed"]:
                self.check(x["statement"] is None or x["statement"] < len(f["statements"]),
                           f"{f['path']}: finding {x['rule']} points at an existing statement")
            starts = [(x["start"]["line"], x["start"]["column"]) for x in f["findings"]]
            self.check(starts == sorted(starts), f"{f['path']}: findings are ordered by position")
            if f["error"] is not None:
                continue
            path = f["path"] if os.path.isabs(f["path"]) else os.path.join(cwd, f["path"])
            with open(path, "rb") as fh:
                data = fh.read()
            for i, s in enumerate(f["statements"]):
                where = f"{f['path']} statement {i}"
                self.check(s["index"] == i, f"{where}: index is the position in the file")
                self.check(s["rewrites"] == [d["relation"] for d in s["rewrite_details"]],
                           f"{where}: rewrites lists rewrite_details' relations")
                old = [l["blocks"] for l in s["locks"] if not l["new"]]
                expected = {k: any(b[k] for b in old) for k in ("reads", "writes", "ddl")}
                self.check(s["blocks"] == expected, f"{where}: blocks is the union over locks on existing relations")
                self.check_span(data, s, where)

    def check_span(self, data, s, where):
        span = s["span"]
        begin, length = span["offset"], span["length"]
        text = data[begin:begin + length]
        self.check(text.decode("utf-8") == s["sql"], f"{where}: file[offset:offset+length] is the sql")
        self.check(s["sql"] == s["sql"].strip() and not s["sql"].startswith(("--", "/*")) and not s["sql"].endswith(";"),
                   f"{where}: the sql has no surrounding blanks, leading comments or ';': {s['sql'][:40]!r}")

        def position(offset):
            line_start = data.rfind(b"\n", 0, offset) + 1
            line = data.count(b"\n", 0, offset) + 1
            return {"line": line, "column": len(data[line_start:offset].decode("utf-8")) + 1}

        self.check(span["start"] == position(begin),
                   f"{where}: span.start {span['start']} is the first token's line and character column")
        # The last character: the column of the character that holds the last byte.
        last = begin + length - 1
        while last > begin and (data[last] & 0xC0) == 0x80:
            last -= 1
        self.check(span["end"] == position(last),
                   f"{where}: span.end {span['end']} is the last character's line and column")
