#!/usr/bin/python3
"""End-to-end tests of the pgfence binary.

Each suite is one ctest test (tests/cli/CMakeLists.txt):
    cli_test.py SUITE --binary PATH --schema PATH --fixtures DIR [--doc PATH]

Run with Debian's /usr/bin/python3, which has python3-jsonschema.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ESC, Abort, Harness  # noqa: E402


# A Rails db/structure.sql as pg_dump --schema-only writes it (abridged).
STRUCTURE_SQL = """--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
SET default_tablespace = '';
CREATE TABLE public.users (
    id bigint NOT NULL,
    email character varying(255) NOT NULL,
    created_at timestamp(6) without time zone NOT NULL
);
CREATE SEQUENCE public.users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;
ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
CREATE TABLE public.orders (id bigint NOT NULL, user_id bigint NOT NULL);
ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);
ALTER TABLE ONLY public.orders ADD CONSTRAINT fk_rails_f868b47f6a FOREIGN KEY (user_id) REFERENCES public.users(id);
SET search_path TO "$user", public;
INSERT INTO "schema_migrations" (version) VALUES ('20240101000000');
"""


class Suite(Harness):
    def suite_schema(self):
        """(a) JSON output validates against docs/pgfence-report.schema.json, and means what it says."""
        v = self.validator()
        for path in self.sql_fixtures():
            for direction in ("up", "both"):
                code, report, err = self.json_of("--direction", direction, path)
                if report is None:
                    continue
                name = os.path.relpath(path, self.fixtures)
                self.validate(v, report, f"{name} --direction {direction}")
                self.check_semantics(report, os.getcwd())
                expected = 2 if "broken" in name else 0
                self.check(code == expected, f"{name}: exit code {code}, expected {expected}")

        code, report, err = self.json_of(self.fixtures, "--pg-version", "12")
        self.validate(v, report, "all fixtures")
        self.check_semantics(report, os.getcwd())
        self.check(report["pg_version"] == 12, "pg_version echoes --pg-version")
        self.check(report["schema_version"] == 1, "schema_version is 1")
        self.check(report["tool"]["name"] == "pgfence", "tool.name")

        goose = self.file_named(report, "goose/20240101000000_add_users.sql")
        if goose:
            self.check(goose["tool"] == "goose" and goose["wrapped_in_transaction"], "goose file: tool and wrapping")
            self.check([s["kind"] for s in goose["statements"]] == ["CreateStmt", "CreateFunctionStmt", "AlterTableStmt"],
                       "goose: the Up half only, the StatementBegin/End function as one statement")
            self.check(all(s["transaction"]["state"] == "implicit" for s in goose["statements"]), "goose: implicit")
            fn = goose["statements"][1]
            self.check(fn["span"]["start"]["line"] == 4 and fn["span"]["end"]["line"] == 9, "goose: function span")
        notx = self.file_named(report, "goose/20240102000000_email_index.sql")
        if notx:
            s = notx["statements"][0]
            self.check(not notx["wrapped_in_transaction"] and s["transaction"]["state"] == "none"
                       and s["transaction"]["no_transaction_block"], "goose NO TRANSACTION: autocommit")
            self.check(len(notx["statements"]) == 1, "goose NO TRANSACTION: the Down half is not read")
        dbmate = self.file_named(report, "dbmate/20240101000000_create_orders.sql")
        if dbmate:
            self.check(dbmate["tool"] == "dbmate" and len(dbmate["statements"]) == 3, "dbmate: the up half")
            fk = dbmate["statements"][2]
            self.check(fk["settings"]["lock_timeout"] == "2s", "dbmate: SET LOCAL holds in the wrapped file")
            self.check(sorted((l["relation"], l["mode"], l["new"]) for l in fk["locks"]) ==
                       [("orders", "SHARE ROW EXCLUSIVE", True), ("users", "SHARE ROW EXCLUSIVE", False)],
                       f"dbmate: the foreign key locks both tables, orders being new: {fk['locks']}")
            self.check(fk["scans"] == [], "dbmate: a NOT VALID foreign key scans nothing")
        dbmate_notx = self.file_named(report, "dbmate/20240102000000_orders_index.sql")
        if dbmate_notx:
            self.check(not dbmate_notx["wrapped_in_transaction"], "dbmate transaction:false")
        drizzle = self.file_named(report, "drizzle/0000_brave_wolf.sql")
        if drizzle:
            self.check(drizzle["tool"] == "drizzle", "drizzle: tool")
            self.check([s["status"] for s in drizzle["statements"]] == ["analyzed"] * 3,
                       "drizzle: the breakpoints split three parseable statements")
        flyway = self.file_named(report, "flyway/V1__create_schema.sql")
        if flyway:
            self.check(flyway["tool"] == "flyway" and len(flyway["statements"]) == 2, "flyway: tool")
            for s in flyway["statements"]:
                # No flyway.conf gives ${schema} a value: unknown (issue #53), the locks still shown.
                self.check(s["status"] == "unknown", "flyway: statements with ${placeholders} of no known value are unknown")
                self.check("${schema}" in s["sql"], "flyway: sql shows the placeholder as written")
                self.check([l["relation"] for l in s["locks"]] == ["${schema}.accounts"],
                           f"flyway: the lock names ${{schema}}.accounts: {[l['relation'] for l in s['locks']]}")
        up = self.file_named(report, "diesel/2024-01-01-000000_add_email/up.sql")
        if up:
            self.check(up["tool"] == "diesel" and not up["wrapped_in_transaction"],
                       "diesel: metadata.toml run_in_transaction = false")
            self.check(up["statements"][0]["transaction"]["state"] == "none", "diesel: autocommit")
        down = self.file_named(report, "diesel/2024-01-01-000000_add_email/down.sql")
        if down:
            self.check(down["skipped"] and down["skip_reason"] and down["statements"] == [],
                       "diesel: down.sql skipped by default")
        prisma = self.file_named(report, "prisma/20240101000000_init/migration.sql")
        if prisma:
            self.check(prisma["tool"] == "prisma" and prisma["wrapped_in_transaction"], "prisma: wrapped")
            self.check(prisma["statements"][1]["rewrite_details"][0]["certain"] is False,
                       "prisma: a type change whose old type is unknown is an uncertain rewrite")
        for name in ("plain/empty.sql", "plain/comments_only.sql"):
            f = self.file_named(report, name)
            if f:
                self.check(f["statements"] == [] and not f["skipped"] and f["error"] is None, f"{name}: no statements")
        clean = self.file_named(report, "plain/clean.sql")
        if clean:
            states = [s["transaction"]["state"] for s in clean["statements"]]
            self.check(states == ["explicit", "explicit", "explicit", "none", "none"], f"clean.sql: states {states}")
            self.check(clean["statements"][2]["settings"]["lock_timeout"] == "3s", "clean.sql: SET LOCAL in force")
            self.check(clean["statements"][4]["settings"]["lock_timeout"] is None, "clean.sql: SET LOCAL ends at COMMIT")

        # Down halves with --direction down.
        code, report, err = self.json_of("--direction", "down", self.fixture("goose"), self.fixture("diesel"))
        self.validate(v, report, "--direction down")
        goose = self.file_named(report, "goose/20240101000000_add_users.sql")
        if goose:
            self.check([s["sql"] for s in goose["statements"]] == ["DROP FUNCTION touch_updated_at()", "DROP TABLE users"],
                       "goose --direction down reads the Down half")
        up = self.file_named(report, "diesel/2024-01-01-000000_add_email/up.sql")
        if up:
            self.check(up["skipped"], "diesel --direction down skips up.sql")

        # The schema is strict: each of these changes makes a valid report invalid.
        code, good, err = self.json_of(self.fixture("plain/broken_middle.sql"))
        self.check(v.is_valid(good), "broken_middle.sql's report is valid")
        lock = lambda d: d["files"][0]["statements"][0]["locks"][0]
        statement = lambda d: d["files"][0]["statements"][0]
        mutations = {
            "an unknown top-level field": lambda d: d.__setitem__("extra", 1),
            "an unknown statement field": lambda d: statement(d).__setitem__("risk", "high"),
            "pg_locks spelling of a mode": lambda d: lock(d).__setitem__("mode", "AccessExclusiveLock"),
            "lower-case mode": lambda d: lock(d).__setitem__("mode", "access exclusive"),
            "blocks that contradict the mode": lambda d: lock(d)["blocks"].__setitem__("reads", False),
            "an unknown status": lambda d: statement(d).__setitem__("status", "ok"),
            "an unknown transaction state": lambda d: statement(d)["transaction"].__setitem__("state", "autocommit"),
            "a 0 column": lambda d: statement(d)["span"]["start"].__setitem__("column", 0),
            "unparsable without parse_error": lambda d: d["files"][0]["statements"][1].__setitem__("parse_error", None),
            "analyzed with a parse_error": lambda d: statement(d).__setitem__("parse_error", {"message": "x", "line": 1, "column": 1}),
            "a missing field": lambda d: statement(d).pop("settings"),
            "a number as a setting": lambda d: statement(d)["settings"].__setitem__("lock_timeout", 2000),
            "another schema_version": lambda d: d.__setitem__("schema_version", 2),
        }
        for what, mutate in mutations.items():
            doc = json.loads(json.dumps(good))
            mutate(doc)
            self.check(not v.is_valid(doc), f"the schema rejects {what}")

        # An unreadable file (over --max-file-size): reported with `error`, and no statements.
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "huge.sql"), "w") as f:
                f.write("SELECT 1;\n" * 200000)
            shutil.copy(self.fixture("plain/clean.sql"), os.path.join(tmp, "clean.sql"))
            code, report, err = self.json_of("--max-file-size", "1", os.path.join(tmp, "*.sql"))
            self.validate(v, report, "a file over --max-file-size")
            bad = self.file_named(report, "huge.sql")
            if bad:
                self.check(isinstance(bad["error"], str) and bad["statements"] == [], "unreadable file: error is set")
            self.check(report["summary"]["file_errors"] == 1, "unreadable file: counted in summary.file_errors")
            self.check(code == 2, f"unreadable file: exit code {code}, expected 2")
            lines = self.error_lines(err)
            self.check(len(lines) == 1 and "huge.sql" in lines[0], f"unreadable file: one error line: {lines}")
            # A (dangling) link is not read: it is a finding of its own, migration-not-a-file.
            os.remove(os.path.join(tmp, "huge.sql"))
            os.symlink(os.path.join(tmp, "gone"), os.path.join(tmp, "dangling.sql"))
            code, report, err = self.json_of(os.path.join(tmp, "*.sql"))
            self.validate(v, report, "a dangling symlink")
            link = self.file_named(report, "dangling.sql")
            self.check(link is not None and [f["rule"] for f in link["findings"]] == ["migration-not-a-file"]
                       and link.get("error") is None, f"a link: one migration-not-a-file finding: {link}")

            # -o writes the same report to a file.
            out = os.path.join(tmp, "report.json")
            code, stdout, err = self.run("analyze", "--format", "json", "-o", out, self.fixture("plain/clean.sql"))
            self.check(code == 0 and stdout == b"", "-o: nothing on standard output")
            with open(out, encoding="utf-8") as f:
                self.validate(v, json.load(f), "-o report.json")

    def suite_exit_codes(self):
        """(b) 0 on a clean run, 2 on input and usage errors, one `error:` line per problem."""
        clean = self.fixture("plain/clean.sql")
        broken = self.fixture("plain/broken_middle.sql")
        for fmt in ("text", "json"):
            code, out, err = self.run("analyze", "--format", fmt, clean)
            self.check(code == 0, f"clean run ({fmt}): exit code {code}")
            self.check(err == b"", f"clean run ({fmt}): nothing on stderr: {err!r}")
        for name in ("plain/empty.sql", "plain/comments_only.sql", "diesel/2024-01-01-000000_add_email/down.sql"):
            code, out, err = self.run("analyze", self.fixture(name))
            self.check(code == 0 and err == b"", f"{name}: exit 0 and no stderr, got {code} {err!r}")

        # pgfence rules: the rules named, in that order; an unknown id or an option is an error line, exit 2.
        code, out, err = self.run("rules", "truncate", "drop-table")
        rows = [l.split()[0] for l in out.decode().splitlines() if l and not l.startswith(" ")]
        self.check(code == 0 and rows == ["truncate", "drop-table"], f"rules truncate drop-table: {code} {rows}")
        for bad in ("nosuch", "--foo"):
            code, out, err = self.run("rules", bad)
            lines = self.error_lines(err)
            self.check(code == 2 and out == b"" and len(lines) == 1 and bad in lines[0], f"rules {bad}: exit {code}, {lines}")

        missing = self.fixture("plain/does_not_exist.sql")
        code, out, err = self.run("analyze", missing)
        lines = self.error_lines(err)
        self.check(code == 2, f"missing file: exit code {code}")
        self.check(len(lines) == 1 and lines[0] == f"error: {missing}: no such file or directory",
                   f"missing file: one error line naming it: {lines}")

        # The other inputs are still analysed and reported.
        code, report, err = self.json_of(missing, clean)
        self.check(code == 2 and report and len(report["files"]) == 1, "missing file next to a good one: exit 2, good one reported")
        self.check(len(self.error_lines(err)) == 1, f"missing file next to a good one: one error line: {err!r}")

        usage = [
            (["analyze", "--bogus", clean], "--bogus"),
            (["analyze", "--format", "xml", clean], "xml"),
            (["analyze", "--format"], "--format"),
            (["analyze", "--pg-version", "10", clean], "10"),
            (["analyze", "--pg-version=abc", clean], "abc"),
            (["analyze", "--direction", "sideways", clean], "sideways"),
            (["analyze", "--unparsable", "maybe", clean], "maybe"),
            (["analyze", "--color", "sometimes", clean], "sometimes"),
            (["analyze", "--jobs", "0", clean], "--jobs"),
            (["analyze"], "analyze"),
            (["frobnicate"], "frobnicate"),
            ([], None),
        ]
        for args, mention in usage:
            code, out, err = self.run(*args)
            lines = self.error_lines(err)
            self.check(code == 2, f"{args}: exit code {code}, expected 2")
            if mention is not None:
                self.check(len(lines) == 1 and mention in lines[0], f"{args}: one error line mentioning {mention}: {lines}")
                self.check(out == b"", f"{args}: no report on stdout")

        code, out, err = self.run("analyze", broken)
        lines = self.error_lines(err)
        self.check(code == 2, f"unparsable statement: exit code {code}")
        self.check(len(lines) == 1 and re.match(rf"^error: {re.escape(broken)}:3:40: syntax error", lines[0] or ""),
                   f"unparsable statement: one error line with file:line:col: {lines}")

        code, out, err = self.run("analyze", "--unparsable", "warn", broken)
        text = err.decode()
        self.check(code == 0, f"--unparsable warn: exit code {code}")
        self.check(self.error_lines(err) == [], "--unparsable warn: no error lines")
        self.check(len(re.findall(rf"^warning: {re.escape(broken)}:3:40: ", text, re.M)) == 1,
                   f"--unparsable warn: one warning line with file:line:col: {text!r}")
        code, out, err = self.run("analyze", "--unparsable=warn", "--format=json", broken)
        self.check(code == 0 and json.loads(out)["summary"]["unparsable"] == 1, "--unparsable=warn with json")

        with tempfile.TemporaryDirectory() as tmp:
            two = os.path.join(tmp, "two_broken.sql")
            with open(two, "w") as f:
                f.write("ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUM b int;\n\n  SELEC 1;\n")
            code, out, err = self.run("analyze", two, clean)
            lines = self.error_lines(err)
            self.check(code == 2, "two unparsable statements: exit 2")
            self.check(len(lines) == 2, f"two unparsable statements: two error lines: {lines}")
            self.check(any(l.startswith(f"error: {two}:2:") for l in lines) and
                       any(l.startswith(f"error: {two}:4:3:") for l in lines),
                       f"two unparsable statements: each line has file:line:col: {lines}")

        for args in (["help"], ["--help"], ["version"], ["--version"]):
            code, out, err = self.run(*args)
            self.check(code == 0 and out and err == b"", f"{args}: exit 0 with output")
        code, out, err = self.run("version")
        self.check(re.match(rb"^pgfence \d+\.\d+\.\d+", out) is not None, f"version output: {out!r}")
        # Each command's --help (or -h, or `help COMMAND`) prints its part of the help: the
        # command's line and its options, not "unknown option '--help'".
        expected = {"analyze": b"--format FORMAT", "pr": b"analyze options:", "trace": b"--setup FILE",
                    "extract-stats": b"--db-url URL", "policy": b"--policy", "pre-commit": b"analyze options:",
                    "init": b"--force", "serve": b"governance", "rules": b"every rule"}
        for command, wanted in expected.items():
            for args in ([command, "--help"], [command, "-h"], ["help", command]):
                code, out, err = self.run(*args)
                self.check(code == 0 and out.startswith(b"usage: pgfence " + command.encode()) and wanted in out and err == b"",
                           f"{args}: exit 0 with the command's help ({code}): {out[:200]!r} {err[:200]!r}")
        # An unknown option points at that command's help, not the whole of it.
        for command in ("analyze", "pre-commit"):
            code, out, err = self.run(command, "--nope")
            self.check(code == 2 and f"error: unknown option '--nope' (see 'pgfence {command} --help')".encode() in err,
                       f"{command} --nope: {code} {err!r}")
        code, out, err = self.run("help", "nope")
        self.check(code == 2 and b"error: no command 'nope'" in err, f"help of an unknown command: {code} {err!r}")

        # Every command `pgfence help` lists answers --help, -h and `help COMMAND` with its own
        # part, and takes every option that part lists (none is "unknown"); a typo of a command
        # or an option gets the nearest one.
        code, out, err = self.run("help")
        wide = [l for l in out.decode().splitlines() if len(l) > 80]
        self.check(not wide, f"pgfence help fits 80 columns: {wide}")
        listed = out.decode().split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
        commands = [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line[2] != " "]
        self.check(len(commands) >= 12 and "analyze" in commands and "audit" in commands,
                   f"pgfence help lists the commands: {commands}")
        with tempfile.TemporaryDirectory() as empty:
            for command in commands:
                helps = []
                for args in ([command, "--help"], [command, "-h"], ["help", command]):
                    code, out, err = self.run(*args, cwd=empty)
                    helps.append(out)
                    self.check(code == 0 and out.startswith(b"usage: pgfence " + command.encode()) and err == b"",
                               f"{args}: exit 0 with the command's help: {code} {out[:120]!r} {err[:200]!r}")
                self.check(helps[0] == helps[1] == helps[2], f"{command}: --help, -h and help {command} say the same")
                wide = [l for l in helps[0].decode().splitlines() if len(l) > 80 or re.match(r"^ \S", l)]
                self.check(not wide, f"{command} --help fits 80 columns, its lines in their columns: {wide}")
                # An option's row: its text starts at column 28, on the option's line or, when the
                # option's column is longer, on the lines under it, which start there too.
                misaligned, in_row = [], False
                for line in helps[0].decode().splitlines():
                    if line.startswith("  -"):
                        in_row = True
                        gap = re.match(r"  \S+(?: \S+)*( {2,})\S", line)
                        if gap and gap.end(1) != 28:
                            misaligned.append(line)
                    elif in_row and line.startswith("   "):
                        if len(line) - len(line.lstrip(" ")) != 28:
                            misaligned.append(line)
                    else:
                        in_row = False
                self.check(not misaligned, f"{command} --help: every option's text at column 28: {misaligned}")
                # The first column of its option lines: "  -o, --output FILE   what it does".
                columns = [line[2:].split("  ", 1)[0] for line in helps[0].decode().splitlines() if line.startswith("  -")]
                options = sorted({w.encode() for c in columns for w in re.split(r"[ ,=]+", c) if re.fullmatch(r"--?[a-z][a-z0-9-]*", w)})
                self.check(len(options) > 0 or command in ("rules", "help", "version"), f"{command}: its help lists options")
                # `pgfence help` promises each command's exit codes in its help: once, its own.
                if command not in ("rules", "help", "version"):
                    self.check(helps[0].count(b"exit codes:") == 1,
                               f"{command} --help says its exit codes once: {helps[0].count(b'exit codes:')}")
                for option in options:
                    if option in (b"--help", b"-h"):
                        continue
                    words = [command] + (["check"] if command == "policy" else ["verify"] if command == "audit" else [])
                    code, out, err = self.run(*words, option.decode(), cwd=empty)
                    self.check(b"unknown option" not in err and b"takes only" not in err and b"not accepted" not in err,
                               f"{command} {option.decode()}: listed in its help, so known: {err[:300]!r}")
                if command == "pr":
                    # analyze's options that pr refuses are not in its help, and are refused so.
                    for option in (b"-o", b"--output", b"--changed-since", b"--baseline", b"--update-baseline", b"--db-url"):
                        self.check(option not in options, f"pr --help does not list {option.decode()}, which pr refuses")
                        code, out, err = self.run("pr", option.decode(), "x", cwd=empty)
                        lines = self.error_lines(err)
                        self.check(code == 2 and len(lines) == 1 and
                                   lines[0].startswith(f"error: {option.decode()} is analyze's, not accepted by pr: "),
                                   f"pr {option.decode()}: one 'not accepted by pr' error line: {code} {err!r}")
                    code, out, err = self.run("pr", "--db-url=postgres://u:hunter2@h/db", cwd=empty)
                    self.check(code == 2 and b"not accepted by pr" in err and b"hunter2" not in err, f"pr --db-url=URL: {err!r}")
                    # The ones it takes but that change nothing there are not listed either.
                    for option in (b"--ci", b"--color", b"--verbose", b"--stdin-filename", b"--plan-merged"):
                        self.check(option not in options, f"pr --help does not list {option.decode()}, which changes nothing in pr")
                    self.check(b"--max-risk" in options and b"--pg-version" in options and b"--schema" in options,
                               f"pr --help lists the analyze options pr takes: {options}")
                    # Each once: where pr's own section lists one (--format, --schema), analyze's row is left out.
                    words = [w for c in columns for w in re.split(r"[ ,=]+", c) if re.fullmatch(r"--?[a-z][a-z0-9-]*", w)]
                    self.check(len(words) == len(set(words)), f"pr --help lists each option once: {sorted(words)}")
        code, out, err = self.run("policy", "--help")
        self.check(out.startswith(b"usage: pgfence policy check --policy FILE REPORT [options]\n"),
                   f"policy --help's synopsis names --policy, which policy check needs: {out[:120]!r}")
        code, out, err = self.run("capture", "--max-message-size", "0", "--", "true")
        self.check(code == 2 and b"error: --max-message-size takes a whole number from 1 to 4096" in err,
                   f"capture --max-message-size 0 names its own option: {err!r}")
        for args, wanted in ((["anlyze", "x"], "did you mean 'analyze'?"),
                             (["analyze", "--formt", "json", "x"], "did you mean '--format'?"),
                             (["pr", "--no-comments"], "did you mean '--no-comment'?"),
                             (["trace", "--setpu", "x"], "did you mean '--setup'?"),
                             (["analyze", "--max-ri", "high", "x"], "did you mean '--max-risk'?")):
            code, out, err = self.run(*args)
            lines = self.error_lines(err)
            self.check(code == 2 and len(lines) == 1 and wanted in lines[0], f"{args}: one error line with {wanted!r}: {lines}")
        # An unknown option's value is never echoed (a URL with a password); control bytes in
        # a usage error are shown as U+FFFD.
        for command in ("analyze", "trace", "init", "pr"):
            code, out, err = self.run(command, "--db-ur=postgres://u:hunter2@h/db", "x.sql")
            self.check(code == 2 and b"hunter2" not in err and len(self.error_lines(err)) == 1, f"{command}: no value echoed: {err!r}")
        code, out, err = self.run("an\x1b]0;x\x07alyze")
        self.check(code == 2 and b"\x1b" not in err and b"\x07" not in err, f"control bytes in a usage error: {err!r}")
        for args, wanted in ((["analyze", "--disable", "create-index-concurrently", "x"], "did you mean 'create-index-without-concurrently'?"),
                             (["analyze", "--format", "compat", "x"], "did you mean 'compact'?"),
                             (["help", "anlyze"], "did you mean 'analyze'?")):
            code, out, err = self.run(*args)
            self.check(code == 2 and wanted.encode() in err, f"{args}: {err!r}")
        # A path that does not exist: its error line, and no empty report.
        code, out, err = self.run("analyze", "--no-config", "no-such-folder/")
        self.check(code == 2 and out == b"" and len(self.error_lines(err)) == 1, f"a missing path: no report: {out!r} {err!r}")
        code, out, err = self.run("analyze", "--zzzzzzzz", "x")
        self.check(code == 2 and b"did you mean" not in err, f"no guess for an option like none: {err!r}")

    def suite_color(self):
        """(c) ANSI escapes only in terminal output."""
        everything = self.fixtures
        for color in ("auto", "always", "never"):
            code, out, err = self.run("analyze", "--format", "json", "--color", color, everything)
            self.check(code in (0, 2) and out.startswith(b"{"), f"JSON with --color {color}: a report: {err[:200]!r}")
            self.check(ESC not in out, f"JSON with --color {color}: no escape byte")
            self.check(ESC not in err, f"JSON with --color {color}: no escape byte on stderr")
        code, out, err = self.run("analyze", "--format", "markdown", "--color", "always", everything)
        self.check(code in (0, 2) and out and ESC not in out, f"markdown with --color always: no escape byte: {err[:200]!r}")
        code, out, err = self.run("analyze", everything)
        self.check(ESC not in out and ESC not in err, "text to a pipe: no escape byte")
        code, out, err = self.run("analyze", "--color", "never", everything)
        self.check(ESC not in out and ESC not in err, "text --color never: no escape byte")
        code, out, err = self.run("analyze", "--color", "always", everything)
        self.check(ESC in out, "text --color always: colour escapes present")
        code, out, err = self.run("analyze", "--color=always", self.fixture("plain/clean.sql"))
        self.check(ESC in out, "--color=always")

        code, out = self.run_on_terminal("analyze", everything)
        self.check(ESC in out, "text on a terminal: colour escapes present")
        code, out = self.run_on_terminal("analyze", "--color", "never", everything)
        self.check(ESC not in out, "text on a terminal with --color never: no escape byte")
        code, out = self.run_on_terminal("analyze", everything, env_extra={"NO_COLOR": "1"})
        self.check(ESC not in out, "text on a terminal with NO_COLOR: no escape byte")
        code, out = self.run_on_terminal("analyze", "--format", "json", everything)
        self.check(ESC not in out, "JSON on a terminal: no escape byte")
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "report.txt")
            code, out = self.run_on_terminal("analyze", "-o", report, everything)
            written = b""
            if os.path.exists(report):
                with open(report, "rb") as f:
                    written = f.read()
            self.check(written and ESC not in written, "text -o FILE from a terminal: a report without escape bytes")

    def suite_broken_statement(self):
        """(d) One broken statement never hides the others."""
        broken = self.fixture("plain/broken_middle.sql")
        code, report, err = self.json_of("--unparsable", "warn", broken)
        statements = report["files"][0]["statements"]
        self.check([s["status"] for s in statements] == ["analyzed", "unparsable", "analyzed", "analyzed", "analyzed"],
                   f"statuses: {[s['status'] for s in statements]}")
        self.check(statements[1]["parse_error"] == {"message": 'syntax error at or near "NUL"', "line": 3, "column": 40},
                   f"parse_error: {statements[1]['parse_error']}")
        self.check(statements[1]["span"]["start"] == {"line": 3, "column": 1}, "the broken statement keeps its span")
        alter = statements[3]
        self.check([(l["relation"], l["mode"]) for l in alter["locks"]] == [("users", "ACCESS EXCLUSIVE")],
                   f"after the broken one: ALTER COLUMN TYPE locks users: {alter['locks']}")
        self.check(alter["rewrites"] == ["users"] and alter["settings"]["lock_timeout"] == "1s",
                   "after the broken one: the rewrite and the SET before it are seen")
        index = statements[4]
        self.check(("users", "SHARE") in [(l["relation"], l["mode"]) for l in index["locks"]],
                   "the last statement: CREATE INDEX takes SHARE on users")

        code, out, err = self.run("analyze", "--color", "never", broken)
        text = out.decode()
        self.check(re.search(r"^\s+5:1\s+ALTER TABLE users ALTER COLUMN c TYPE bigint\s+ACCESS EXCLUSIVE users", text, re.M),
                   f"text: the statement after the broken one is listed with its lock:\n{text}")
        self.check(re.search(r"^\s+6:1\s+CREATE INDEX users_c_idx ON users \(c\)\s+SHARE users", text, re.M),
                   "text: the last statement is listed with its lock")

        # A broken file does not stop the files after it.
        code, report, err = self.json_of(broken, self.fixture("plain/clean.sql"))
        self.check(len(report["files"]) == 2 and len(report["files"][1]["statements"]) == 5,
                   "a broken file does not stop the next one")

        # A broken first and last statement.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "edges.sql")
            with open(path, "w") as f:
                f.write("ALTER TABLE;\nDROP TABLE t;\nCREATE INDEX ON;\n")
            code, report, err = self.json_of(path)
            statements = report["files"][0]["statements"]
            self.check([s["status"] for s in statements] == ["unparsable", "analyzed", "unparsable"],
                       "broken first and last statements")
            self.check(statements[1]["locks"][0]["mode"] == "ACCESS EXCLUSIVE", "the one in between is analysed")
            self.check(len(self.error_lines(err)) == 2, "one error line per broken statement")

    def suite_inputs(self):
        """(e) Directories and globs, including **, expand to sorted .sql files, each migration's up
        half before its down half (the order the files are analysed in)."""
        def up_first(path):
            return (re.sub(r"(up|down)\.sql$", "", path), path.endswith("down.sql"), path)
        every = sorted(self.sql_fixtures(), key=up_first)
        code, report, err = self.json_of(self.fixtures)
        paths = [f["path"] for f in report["files"]]
        self.check(sorted(paths, key=up_first) == paths, f"a directory's files come sorted: {paths}")
        self.check([os.path.normpath(p) for p in paths] == every,
                   f"a directory expands to every .sql file below it (and nothing else): {paths}")

        code, report, err = self.json_of(os.path.join(self.fixtures, "plain", "*.sql"))
        names = [os.path.basename(f["path"]) for f in report["files"]]
        self.check(names == sorted(n for n in os.listdir(self.fixture("plain")) if n.endswith(".sql")),
                   f"a * glob: {names}")

        code, report, err = self.json_of(os.path.join(self.fixtures, "**", "*.sql"))
        self.check([f["path"] for f in report["files"]] == every, "an absolute **/*.sql glob matches every depth")

        code, report, err = self.json_of("**/up.sql", "**/migration.sql", cwd=self.fixtures)
        self.check([f["path"] for f in report["files"]] ==
                   ["diesel/2024-01-01-000000_add_email/up.sql", "prisma/20240101000000_init/migration.sql"],
                   f"relative ** globs: {[f['path'] for f in report['files']]}")

        # "**/" also matches no directory at all.
        code, report, err = self.json_of("plain/**/*.sql", cwd=self.fixtures)
        self.check(len(report["files"]) == len([p for p in every if "/plain/" in p]) and
                   all(f["path"].startswith("plain/") for f in report["files"]), "plain/**/*.sql")

        # A glob that names directories walks them.
        code, report, err = self.json_of(os.path.join(self.fixtures, "d*"))
        tools = sorted({f["tool"] for f in report["files"]})
        self.check(tools == ["dbmate", "diesel", "drizzle"], f"a glob naming directories: {tools}")

        # A file named twice is analysed once.
        clean = self.fixture("plain/clean.sql")
        code, report, err = self.json_of(clean, clean, self.fixture("plain"))
        paths = [f["path"] for f in report["files"]]
        self.check(paths.count(clean) == 1, f"a file named twice is analysed once: {paths}")

        code, out, err = self.run("analyze", os.path.join(self.fixtures, "nothing", "**", "*.sql"))
        lines = self.error_lines(err)
        self.check(code == 2 and len(lines) == 1 and "pattern matched no files" in lines[0],
                   f"a glob that matches nothing is an error: {lines}")

        # --exclude and the config file's `exclude`: files a path selects but a glob leaves out.
        code, report, err = self.json_of("**/up.sql", "**/migration.sql", "--exclude", "prisma/**", cwd=self.fixtures)
        self.check([f["path"] for f in report["files"]] == ["diesel/2024-01-01-000000_add_email/up.sql"],
                   f"--exclude prisma/**: {[f['path'] for f in report['files']]}")
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "db", "generated"))
            shutil.copy(clean, os.path.join(tmp, "db", "001.sql"))
            shutil.copy(clean, os.path.join(tmp, "db", "generated", "002.sql"))
            with open(os.path.join(tmp, ".pgfence.toml"), "w") as f:
                f.write('paths = ["db"]\nexclude = ["db/generated/**"]\n')
            code, out, err = self.run("analyze", "--format", "json", cwd=tmp)
            paths = [f["path"] for f in json.loads(out)["files"]] if code == 0 else err
            self.check(len(paths) == 1 and paths[0].endswith("/db/001.sql"), f"config exclude: {paths}")

        # `-` reads standard input, reported under --stdin-filename, whose path picks the tool.
        proc = subprocess.run([self.binary, "analyze", "--no-config", "--format", "json", "--stdin-filename",
                               "prisma/migrations/20240101000000_init/migration.sql", "-"],
                              input=b"CREATE INDEX i ON t (c);\n", capture_output=True, timeout=60)
        files = json.loads(proc.stdout)["files"] if proc.returncode in (0, 1) else []
        self.check(files and files[0]["path"] == "prisma/migrations/20240101000000_init/migration.sql" and
                   files[0]["tool"] == "prisma" and files[0]["findings"],
                   f"stdin with --stdin-filename: {proc.returncode} {files} {proc.stderr!r}")
        proc = subprocess.run([self.binary, "analyze", "--no-config", "-"], input=b"DROP TABLE t;\n", capture_output=True, timeout=60)
        self.check(proc.stdout.startswith(b"<stdin>"), f"stdin without a name: {proc.stdout[:80]!r}")
        proc = subprocess.run([self.binary, "analyze", "--no-config", "--max-file-size", "1", "-"],
                              input=b"-- x\n" * 400000, capture_output=True, timeout=60)
        self.check(proc.returncode == 2 and self.error_lines(proc.stderr) ==
                   ["error: <stdin>: standard input is larger than --max-file-size (1 MB)"], f"stdin too large: {proc.stderr!r}")

        # Paths after -- are paths even when they look like options.
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(clean, os.path.join(tmp, "-dash.sql"))
            code, out, err = self.run("analyze", "--", "-dash.sql", cwd=tmp)
            self.check(code == 0, f"-- ends the options: exit {code} {err!r}")

    def suite_history_schema_dump(self):
        """--history reads a schema dump (pg_dump --schema-only, Rails' structure.sql) as the schema before."""
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "structure.sql")
            with open(dump, "w") as f:
                f.write(STRUCTURE_SQL)
            migrate = os.path.join(tmp, "db", "migrate")
            os.makedirs(migrate)
            path = os.path.join(migrate, "20240301000000_drop_email_index.sql")
            with open(path, "w") as f:
                f.write("DROP INDEX index_users_on_email;\nALTER TABLE users ALTER COLUMN email TYPE text;\n")

            def locks_and_rewrites(*extra):
                code, out, err = self.run("analyze", "--no-config", "--format", "json", *extra, path)
                self.check(code in (0, 1), f"exit code {code}: {err!r}")
                statements = json.loads(out)["files"][0]["statements"]
                return statements, json.loads(out)["summary"]

            alone, _ = locks_and_rewrites()
            known, summary = locks_and_rewrites("--history", dump)
            drop_alone = {lock["relation"] for lock in alone[0]["locks"]}
            drop_known = {lock["relation"] for lock in known[0]["locks"]}
            self.check(drop_alone == {"index_users_on_email"}, f"alone, the index's table is unknown: {drop_alone}")
            self.check(drop_known & {"users", "public.users"}, f"with the dump, DROP INDEX locks users: {drop_known}")
            self.check(alone[1]["rewrite_details"] and not alone[1]["rewrite_details"][0]["certain"],
                       f"alone, the column's type is unknown and -> text may rewrite: {alone[1]['rewrite_details']}")
            self.check(known[1]["rewrites"] == [], f"with the dump's varchar(255), -> text needs no rewrite: {known[1]['rewrites']}")
            history = summary.get("history") or {}
            self.check(history.get("files") == 1 and history.get("statements", 0) >= 10,
                       f"the dump is counted as replayed history: {history}")

    def suite_suppressions(self):
        """pgfence-ignore with reason=, owner=, until=: the JSON fields, PGFENCE_TODAY, the
        suppression_owner policy from .pgfence.toml and .pgfence.json, malformed fields."""
        v = self.validator()
        sql = ("SET lock_timeout = '2s';\n"
               "-- pgfence-ignore: create-index-without-concurrently -- reason=\"40 rows\" owner=@octo/dba until=2026-12-01\n"
               "CREATE INDEX users_email ON users (email);\n"
               "-- pgfence-ignore: create-index-without-concurrently -- 40 rows\n"
               "CREATE INDEX users_name ON users (name);\n")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "001.sql")
            with open(path, "w") as f:
                f.write(sql)

            def analyze(today, *extra, cwd=tmp):
                code, out, err = self.run("analyze", "--format", "json", "--ci", *extra, "001.sql", cwd=cwd,
                                          env_extra={"PGFENCE_TODAY": today})
                return code, (json.loads(out) if out else None), err.decode()

            code, report, err = analyze("2026-12-01", "--no-config")
            self.check(code == 0, f"both suppressions hold on the until day: exit {code} {err}")
            self.validate(v, report, "suppressions")
            sup = report["files"][0]["suppressed"]
            self.check([(x["suppression_line"], x["owner"], x["until"], x["reason"]) for x in sup] ==
                       [(2, "@octo/dba", "2026-12-01", "40 rows"), (4, None, None, "40 rows")], f"suppressed entries: {sup}")

            code, report, err = analyze("2026-12-02", "--no-config")
            self.check(code == 1, f"the expired suppression's index fails --ci: exit {code}")
            self.validate(v, report, "expired")
            rules = [(x["rule"], x["start"]["line"]) for x in report["files"][0]["findings"]]
            self.check(("expired-suppression", 2) in rules and ("create-index-without-concurrently", 3) in rules,
                       f"expired: {rules}")

            code, _, err = analyze("12/01/2026", "--no-config")
            self.check(code == 2 and "error: PGFENCE_TODAY takes a date YYYY-MM-DD" in err, f"bad PGFENCE_TODAY: {code} {err}")

            for name, text in ((".pgfence.toml", "[policies]\nsuppression_owner = true\n"),
                               (".pgfence.json", '{"policies": {"suppression_owner": true}}')):
                config = os.path.join(tmp, name)
                with open(config, "w") as f:
                    f.write(text)
                code, report, err = analyze("2026-12-01")
                os.remove(config)
                rules = [(x["rule"], x["start"]["line"]) for x in report["files"][0]["findings"]]
                self.check(code == 1 and ("suppression-missing-owner", 4) in rules and
                           ("create-index-without-concurrently", 5) in rules and
                           ("create-index-without-concurrently", 3) not in rules, f"{name}: {code} {rules}")

            with open(path, "w") as f:
                f.write(sql.replace("until=2026-12-01", "until=2026-13-45"))
            code, out, err = self.run("analyze", "--no-config", "001.sql", cwd=tmp)
            text = out.decode()
            self.check("invalid-suppression" in text and "until '2026-13-45' is not a date" in text,
                       f"a malformed until= is reported: {text}")
            self.check(re.search(r"\n  2:1 +LOW +invalid-suppression\n", text) is not None, f"at the comment's line: {text}")

    def suite_schema_file(self):
        """--schema reads a structure.sql as the existing schema: its own summary line, the source in locks."""
        v = self.validator()
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "db", "structure.sql")
            migrate = os.path.join(tmp, "db", "migrate")
            os.makedirs(migrate)
            with open(dump, "w") as f:
                f.write(STRUCTURE_SQL)
            path = os.path.join(migrate, "20240301000000_drop_email_index.sql")
            with open(path, "w") as f:
                f.write("SET lock_timeout = '5s';\nDROP INDEX index_users_on_email;\n"
                        "ALTER TABLE orders DROP CONSTRAINT fk_rails_f868b47f6a;\n")
            code, out, err = self.run("analyze", "--no-config", "--format", "json", "--schema", "db/structure.sql",
                                      "db/migrate", cwd=tmp)
            self.check(code == 0, f"exit code {code}: {err!r}")
            report = json.loads(out)
            self.validate(v, report, "--schema")
            statements = report["files"][0]["statements"]
            users = [l for l in statements[1]["locks"] if l["relation"] == "public.users"]
            self.check(len(users) == 1 and users[0]["mode"] == "ACCESS EXCLUSIVE" and not users[0]["new"]
                       and users[0].get("source") == "db/structure.sql"
                       and users[0]["reason"] == "DROP INDEX: the index's table (from db/structure.sql)",
                       f"DROP INDEX locks users, known from the dump: {statements[1]['locks']}")
            index = [l for l in statements[1]["locks"] if l["relation"] == "index_users_on_email"]
            self.check(index and "source" not in index[0], f"the index's own lock needs no source: {index}")
            referenced = [l for l in statements[2]["locks"] if l["relation"] == "public.users"]
            self.check(referenced and referenced[0].get("source") == "db/structure.sql",
                       f"DROP CONSTRAINT: the foreign key's other table, from the dump: {statements[2]['locks']}")
            summary = report["summary"]
            self.check(summary.get("schema", {}).get("files") == 1 and summary["schema"]["statements"] >= 10
                       and "history" not in summary,
                       f"the dump is its own source, not history: {summary}")

            code, out, err = self.run("analyze", "--no-config", "--schema", "db/structure.sql", "db/migrate", cwd=tmp)
            out = out.decode()
            self.check(re.search(r"^schema: 1 file, \d+ statements replayed", out, re.M) is not None
                       and "history:" not in out, f"text summary: {out!r}")
            code, out, err = self.run("analyze", "--no-config", "--schema", "db/structure.sql", "--schema", "missing.sql",
                                      "db/migrate", cwd=tmp)
            self.check(code == 2 and b"error: --schema missing.sql" in err, f"a --schema that names nothing: {code} {err!r}")
            # In GitHub Actions, a --schema outside the checkout is not read (like --history).
            workspace = migrate
            code, out, err = self.run("analyze", "--no-config", "--format", "json", "--schema", dump, ".",
                                      cwd=workspace, env_extra={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace})
            summary = json.loads(out)["summary"]
            self.check(summary.get("schema", {}).get("skipped_files") == 1 and summary["schema"]["files"] == 0,
                       f"a dump outside the checkout is skipped: {summary}")

    def suite_schema_snapshot(self):
        """A --stats-file snapshot's schema_sql is replayed too, and wins over --schema where they disagree."""
        v = self.validator()
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "structure.sql"), "w") as f:
                f.write(STRUCTURE_SQL)
            snapshot = {
                "pgfence_stats_version": 1, "taken_at": "2024-05-01T12:00:00Z", "replayed_at": None,
                "server": {"version": "15.6", "version_num": 150006, "in_recovery": True, "database": "app"},
                "search_path": ["public"], "has_columns": True,
                "tables": [{"schema": "public", "name": "accounts", "kind": "table", "rows": 1200,
                            "rows_source": "catalog", "table_bytes": 98304, "total_bytes": 163840, "parent": None,
                            "indexes": [{"name": "index_users_on_email", "bytes": 40960}],
                            "columns": [{"name": "id", "type": "bigint", "not_null": True},
                                        {"name": "email", "type": "text", "not_null": True}]}],
                # Production moved the index to accounts; the dump still has it on users.
                "schema_sql": ["CREATE TABLE public.accounts (id bigint NOT NULL, email text NOT NULL)",
                               "ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id)",
                               "CREATE UNIQUE INDEX index_users_on_email ON public.accounts USING btree (email)"],
            }
            with open(os.path.join(tmp, "pgfence-stats.json"), "w") as f:
                json.dump(snapshot, f)
            with open(os.path.join(tmp, "20240301000000_drop_email_index.sql"), "w") as f:
                f.write("SET lock_timeout = '5s';\nDROP INDEX index_users_on_email;\n")
            code, out, err = self.run("analyze", "--no-config", "--format", "json", "--stats-file", "pgfence-stats.json",
                                      "--schema", "structure.sql", "20240301000000_drop_email_index.sql", cwd=tmp)
            self.check(code == 0, f"exit code {code}: {err!r}")
            report = json.loads(out)
            self.validate(v, report, "--stats-file with schema_sql")
            locks = {l["relation"]: l for l in report["files"][0]["statements"][1]["locks"]}
            self.check("public.accounts" in locks and locks["public.accounts"].get("source") == "the stats snapshot"
                       and "public.users" not in locks,
                       f"the snapshot's index wins over the dump's: {sorted(locks)}")
            summary = report["summary"]
            self.check(summary.get("snapshot", {}).get("statements") == 3 and summary.get("schema", {}).get("files") == 1,
                       f"both sources counted: {summary}")
            # The snapshot names its server's version: the target unless --pg-version or the
            # configuration names one; the text says which, and that the default is assumed.
            snapshot["server"].update(version="13.4", version_num=130004)
            with open(os.path.join(tmp, "pgfence-stats.json"), "w") as f:
                json.dump(snapshot, f)
            target = "20240301000000_drop_email_index.sql"
            for extra, version, said in (([], 13, "target: PostgreSQL 13 (the stats snapshot's server)"),
                                         (["--pg-version", "16"], 16, "target: PostgreSQL 16 (--pg-version)")):
                code, out, err = self.run("analyze", "--no-config", "--format", "json", "--stats-file", "pgfence-stats.json",
                                          *extra, target, cwd=tmp)
                self.check(code == 0 and json.loads(out).get("pg_version") == version, f"{extra}: pg_version {version}: {out[:300]!r}")
                code, out, err = self.run("analyze", "--no-config", "--format", "compact", "--stats-file", "pgfence-stats.json",
                                          *extra, target, cwd=tmp)
                self.check(code == 0 and said.encode() in out, f"{extra}: the text names the target: {out[-300:]!r}")
            with open(os.path.join(tmp, ".pgfence.toml"), "w") as f:
                f.write("pg_version = 14\n")
            code, out, err = self.run("analyze", "--format", "compact", "--stats-file", "pgfence-stats.json", target, cwd=tmp)
            self.check(code == 0 and b"target: PostgreSQL 14 (pg_version in the configuration)" in out, f"config: {out[-300:]!r}")
            os.remove(os.path.join(tmp, ".pgfence.toml"))
            code, out, err = self.run("analyze", "--no-config", "--format", "compact", target, cwd=tmp)
            self.check(code == 0 and b"target: PostgreSQL 15, assumed" in out, f"no version named: assumed: {out[-300:]!r}")
            # Without a snapshot the levels assume large tables: said once for the report, in text,
            # compact and JSON, not on each finding; with one, not said.
            with open(os.path.join(tmp, "20240302000000_backfill.sql"), "w") as f:
                f.write("SET lock_timeout = '5s';\nUPDATE accounts SET email = lower(email);\n"
                        "CREATE INDEX accounts_email_lower ON accounts (lower(email));\n")
            two = [target, "20240302000000_backfill.sql"]
            for fmt in ("text", "compact"):
                code, out, err = self.run("analyze", "--no-config", "--format", fmt, *two, cwd=tmp)
                self.check(code == 0 and out.count(b"no stats snapshot") == 1 and b"\nsizes: no stats snapshot" in out
                           and b"HIGH" in out, f"{fmt}: sizes assumed, said once: {out[-500:]!r}")
                code, out, err = self.run("analyze", "--no-config", "--format", fmt, "--stats-file", "pgfence-stats.json",
                                          *two, cwd=tmp)
                self.check(code == 0 and b"no stats snapshot" not in out, f"{fmt}: snapshot: no sizes line: {out[-300:]!r}")
            code, out, err = self.run("analyze", "--no-config", "--format", "json", *two, cwd=tmp)
            report = json.loads(out)
            self.validate(v, report, "sizes assumed")
            self.check("no stats snapshot" in report["summary"].get("sizes", "") and out.count(b"no stats snapshot") == 1,
                       f"json: summary.sizes once: {report['summary']}")
            code, out, err = self.run("analyze", "--no-config", "--format", "json", "--stats-file", "pgfence-stats.json",
                                      *two, cwd=tmp)
            self.check(code == 0 and "sizes" not in json.loads(out)["summary"], f"json: snapshot: no sizes: {out[-300:]!r}")

    def suite_history(self):
        """A migration set's files are analysed after the ones before them; --history replays more; --no-history not."""
        v = self.validator()
        with tempfile.TemporaryDirectory() as tmp:
            migrate = os.path.join(tmp, "db", "migrate")
            os.makedirs(migrate)
            with open(os.path.join(migrate, "20240101000000_create_users.sql"), "w") as f:
                f.write("CREATE TABLE users (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
                        "  email text NOT NULL\n);\nCREATE INDEX users_email_idx ON users (email);\n")
            drop = os.path.join(migrate, "20240202000000_drop_index.sql")
            with open(drop, "w") as f:
                f.write("DROP INDEX users_email_idx;\n")

            def users_lock(report):
                second = [f for f in report["files"] if f["path"].endswith("20240202000000_drop_index.sql")][0]
                return [l for l in second["statements"][0]["locks"] if l["relation"] == "users"]

            code, report, err = self.json_of(migrate)
            self.validate(v, report, "a migration set")
            locks = users_lock(report)
            self.check(len(locks) == 1 and locks[0]["mode"] == "ACCESS EXCLUSIVE" and not locks[0]["new"],
                       f"DROP INDEX locks users, an existing table, after the file that created it: {locks}")
            self.check(report["summary"].get("history") ==
                       {"files": 1, "skipped_files": 0, "statements": 2, "skipped_statements": 0},
                       f"summary.history counts the replayed file: {report['summary'].get('history')}")

            code, report, err = self.json_of("--no-history", migrate)
            self.validate(v, report, "--no-history")
            self.check(users_lock(report) == [] and "history" not in report["summary"],
                       "--no-history: each file alone, as before")

            code, report, err = self.json_of(drop)
            self.check(users_lock(report) == [], "one file alone knows no history")

            code, report, err = self.json_of("--direction", "down", migrate)
            self.check("history" not in report["summary"], "--direction down chains nothing")

            # --history: a file of another folder, with a statement that does not parse.
            base = os.path.join(tmp, "schema")
            os.makedirs(base)
            with open(os.path.join(base, "base.sql"), "w") as f:
                f.write("CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                        "CREATE INDEX users_email_idx ON users (email);\nCREATE TABEL oops (id int);\n")
            code, report, err = self.json_of("--history", base, drop)
            self.validate(v, report, "--history")
            self.check(code == 0, f"an unparsable history statement is no error: exit {code} {err!r}")
            self.check(len(users_lock(report)) == 1, "--history teaches the catalog users_email_idx's table")
            self.check(report["summary"]["history"]["skipped_statements"] == 1,
                       f"the unparsable statement is counted: {report['summary']['history']}")

            code, out, err = self.run("analyze", "--history", base, drop)
            self.check(b"history: 1 file, 2 statements replayed; skipped 1 statement (" in out,
                       f"the text summary says what was replayed: {out[-300:]!r}")

            code, out, err = self.run("analyze", "--history", os.path.join(tmp, "nothing"), drop)
            self.check(code == 2 and b"--history" in err, f"a --history path that names nothing is an input error: {err!r}")

    def suite_empty_directory(self):
        """A directory with no .sql file matches nothing, which is an input error like an empty glob."""
        with tempfile.TemporaryDirectory() as tmp:
            os.mkdir(os.path.join(tmp, "migrations"))
            with open(os.path.join(tmp, "migrations", "README.md"), "w") as f:
                f.write("not a migration\n")
            code, out, err = self.run("analyze", os.path.join(tmp, "migrations"))
            lines = self.error_lines(err)
            self.check(code == 2, f"a directory without .sql files: exit code {code}, expected 2")
            self.check(len(lines) == 1 and "migrations" in lines[0], f"one error line naming the directory: {lines}")

    def suite_lazy_libraries(self):
        """analyze needs neither libpq nor libgit2; the commands that do open them when they run,
        and say which library is missing and how to install it when it cannot be opened."""
        dynamic = subprocess.run(["readelf", "-d", self.binary], capture_output=True, text=True).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        self.check(needed, f"readelf lists the binary's libraries: {dynamic[:200]}")
        for lib in ("libpq", "libgit2", "libcpp-httplib", "libssl", "libcrypto"):
            self.check(not any(n.startswith(lib) for n in needed), f"{lib} is not loaded at start: {needed}")
        module = os.path.join(os.path.dirname(os.path.dirname(self.binary)), "lib", "pgfence", "pgfence-http.so")
        self.check(os.path.exists(module), f"the HTTPS module is built in ../lib/pgfence/ from the binary: {module}")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.sql")
            with open(path, "w") as f:
                f.write("ALTER TABLE t ADD COLUMN c int NOT NULL;\n")
            missing = {"PGFENCE_LIBPQ": "/nonexistent/libpq.so.5", "PGFENCE_LIBGIT2": "/nonexistent/libgit2.so"}
            code, out, err = self.run("analyze", path, env_extra=missing)
            self.check(code == 0 and b"ALTER TABLE" in out, f"analyze runs without either library: exit {code} {err!r}")
            code, out, err = self.run("trace", path, env_extra=missing)
            lines = self.error_lines(err)
            self.check(code == 2, f"trace without libpq: exit code {code}, expected 2")
            self.check(len(lines) == 1 and "libpq" in lines[0] and "PGFENCE_LIBPQ" in lines[0] and "/nonexistent/libpq.so.5" in lines[0],
                       f"trace without libpq: one error line naming it and how to point at it: {lines}")
            subprocess.run(["git", "init", "-q", tmp], check=True)
            subprocess.run(["git", "-C", tmp, "add", "."], check=True)
            subprocess.run(["git", "-C", tmp, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "m"], check=True)
            code, out, err = self.run("pr", "--base", "HEAD", "--head", "HEAD", "--repo", tmp, cwd=tmp, env_extra=missing)
            lines = self.error_lines(err)
            self.check(code == 2, f"pr without libgit2: exit code {code}, expected 2")
            self.check(len(lines) == 1 and "libgit2" in lines[0] and "PGFENCE_LIBGIT2" in lines[0],
                       f"pr without libgit2: one error line naming it: {lines}")
            # Posting needs the HTTPS module: without it, one error line and nothing posted.
            code, out, err = self.run("pr", "--base", "HEAD", "--head", "HEAD", "--repo", tmp, cwd=tmp,
                                      env_extra={"PGFENCE_HTTP_MODULE": "/nonexistent/pgfence-http.so", "GITHUB_TOKEN": "t",
                                                 "GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": "http://127.0.0.1:9"})
            lines = self.error_lines(err)
            self.check(code == 2, f"pr without the HTTPS module: exit code {code}, expected 2")
            self.check(len(lines) == 1 and "pgfence-http.so" in lines[0] and "PGFENCE_HTTP_MODULE" in lines[0],
                       f"pr without the HTTPS module: one error line naming it: {lines}")
            # The same commands with the libraries present get past that point.
            code, out, err = self.run("pr", "--base", "HEAD", "--head", "HEAD", "--repo", tmp, cwd=tmp,
                                      drop_env=("NO_COLOR", "PGFENCE_LIBGIT2", "GITHUB_TOKEN", "GITHUB_EVENT_PATH"))
            self.check(b"libgit2" not in err, f"pr with libgit2 opens it: {err!r}")

    def suite_control_chars(self):
        """Bytes from a migration never reach the terminal as control sequences."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "escape.sql")
            with open(path, "wb") as f:
                f.write(b"SELECT '\x1b[2J\x1b[31mred';\nALTER TABLE t ADD COLUMN \"\x1b]0;title\x07\" int;\n")
            code, out, err = self.run("analyze", "--format", "json", path)
            self.check(ESC not in out, "JSON escapes control characters")
            code, out, err = self.run("analyze", "--color", "never", path)
            self.check(code == 0, f"exit code {code}")
            self.check(ESC not in out, "text --color never: control characters from the SQL are not passed through")
            self.check(b"\x07" not in out, "text --color never: BEL from the SQL is not passed through")
            code, out, err = self.run("analyze", "--format", "markdown", path)
            self.check(ESC not in out and b"\x07" not in out, "markdown: control characters from the SQL are not passed through")

            # The parser quotes the offending token in its message, which goes to stderr.
            broken = os.path.join(tmp, "broken.sql")
            with open(broken, "wb") as f:
                f.write(b"SELECT 1 \x1b[31m;\n")
            code, out, err = self.run("analyze", "--color", "never", broken)
            self.check(code == 2 and len(self.error_lines(err)) == 1, f"the broken statement is reported: {err!r}")
            self.check(ESC not in err, f"stderr: no control characters from the SQL: {err!r}")

    def suite_invalid_utf8(self):
        """A file that is not UTF-8 (a Latin-1 'é') still gives a complete, valid JSON report."""
        v = self.validator()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "latin1.sql")
            with open(path, "wb") as f:
                f.write(b"COMMENT ON TABLE users IS 'caf\xe9';\nALTER TABLE users ADD COLUMN x int;\n")
            code, out, err = self.run("analyze", "--format", "json", path)
            try:
                report = json.loads(out)
            except ValueError as e:
                self.check(False, f"the report is JSON ({e}); stderr: {err!r}")
                return
            self.validate(v, report, "latin1.sql")
            statements = report["files"][0]["statements"]
            self.check(len(statements) == 2 and statements[1]["status"] == "analyzed",
                       "the statement after the non-UTF-8 one is analysed")
            self.check(b"internal error" not in err, f"no internal error: {err!r}")
            self.check(len(self.error_lines(err)) == 1, f"one error line, for the statement: {err!r}")

            # A binary file named .sql (a program, an image): one line that says so, not its bytes.
            blob = os.path.join(tmp, "blob.sql")
            with open(blob, "wb") as f:
                f.write(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40)
            code, out, err = self.run("analyze", "--format", "json", blob)
            report = json.loads(out)
            self.validate(v, report, "blob.sql")
            entry = report["files"][0]
            # Selected as a migration, not read: an unknown statement at line 1, never a silent
            # skip (red team R68 B4: goose and psql run the text around the NUL bytes).
            self.check(code in (0, 1) and not entry.get("skipped") and len(entry["statements"]) == 1
                       and entry["statements"][0]["status"] == "unknown"
                       and any(f["rule"] == "unknown-statement" and f["start"]["line"] == 1 for f in entry["findings"]),
                       f"a binary file is an unknown statement at line 1: {code} {entry}")
            code, out, err = self.run("analyze", blob)
            self.check(b"binary file (NUL bytes), not analysed" in out and b"\xef\xbf\xbd" not in out and b"ELF" not in out,
                       f"the text report says it, with none of its bytes: {out[:400]!r}")

    def suite_doc_example(self):
        """docs/json-format.md's example is what the binary prints for the file it shows."""
        with open(self.doc, encoding="utf-8") as f:
            doc = f.read()
        sql = re.search(r"<!-- example-input: (\S+) -->\s*```sql\n(.*?)```", doc, re.S)
        js = re.search(r"<!-- example-output -->\s*```json\n(.*?)```", doc, re.S)
        if not self.check(sql and js, "the doc marks its example input and output"):
            return
        name, text = sql.group(1), sql.group(2)
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, os.path.dirname(name)) or tmp, exist_ok=True)
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
            code, actual, err = self.json_of(name, cwd=tmp)
        shown = json.loads(js.group(1))
        for d in (shown, actual):
            d["tool"]["version"] = "(any)"
            d["parser_version"] = 0
        self.check(shown == actual, "the example output is the binary's output:\n" + json.dumps(actual, indent=2))
        v = self.validator()
        self.validate(v, json.loads(js.group(1)), "the doc's example")
        finding = re.search(r"<!-- example-finding -->\s*```json\n(.*?)```", doc, re.S)
        if self.check(finding, "the doc marks its example finding"):
            only_finding = {"$defs": v.schema["$defs"], "$ref": "#/$defs/finding"}
            errors = list(type(v)(only_finding).iter_errors(json.loads(finding.group(1))))
            self.check(not errors, f"the example finding is valid: {[e.message for e in errors]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--doc")
    args = parser.parse_args()
    suite = Suite(args)
    method = getattr(suite, "suite_" + args.suite, None)
    if method is None:
        print(f"unknown suite {args.suite}", file=sys.stderr)
        return 2
    try:
        method()
    except Abort:
        suite.check(False, "stopped: the output could not be checked further")
    for failure in suite.failures:
        print("FAILED:", failure)
    print(f"{args.suite}: {suite.checks - len(suite.failures)}/{suite.checks} checks passed")
    return 1 if suite.failures or suite.checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
