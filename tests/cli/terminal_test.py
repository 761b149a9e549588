"""The text report in a real terminal (tmux): at 80 and 120 columns the compact form, each finding
with its source line and a caret, every line within the terminal's width and none wrapped by it;
at 200 columns the statement table; --verbose keeps the table on a narrow terminal; --format
compact through a pipe wraps at $COLUMNS. Skips (77) only when tmux is not installed.

    terminal_test.py --binary PATH
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402


check = Checks("terminal")


class Tmux:
    """A tmux server of our own (its own socket, no user configuration)."""

    def __init__(self, folder):
        self.socket = os.path.join(folder, "tmux.sock")
        # A session that lives as long as the test: killing the last session makes the server exit,
        # and a new-session sent while it exits can fail (seen once in CI as an empty capture).
        self.tmux("new-session", "-d", "-s", "keep", "sleep", "100000")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=30)

    def run(self, width, command, cwd):
        """Runs `command` (argv) on a pane `width` columns wide; returns (plain, joined) captures:
        the screen's lines as shown, and with the lines the terminal wrapped joined again."""
        name = f"w{width}_{time.monotonic_ns()}"
        quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in command)
        script = f"cd '{cwd}' && {quoted}; echo __END__ $?; sleep 180"
        for attempt in range(3):
            started = self.tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", "300",
                                "bash", "--norc", "-c", script)
            if started.returncode == 0:
                break
            time.sleep(0.5)
        else:
            return f"(tmux new-session failed: {started.stderr.strip()})", ""
        self.tmux("set-option", "-t", name, "history-limit", "5000")
        deadline = time.monotonic() + 120
        plain = ""
        while time.monotonic() < deadline:
            plain = self.tmux("capture-pane", "-p", "-t", name, "-S", "-", "-E", "-").stdout
            if "__END__" in plain:
                break
            time.sleep(0.2)
        joined = self.tmux("capture-pane", "-p", "-J", "-t", name, "-S", "-", "-E", "-").stdout
        self.tmux("kill-session", "-t", name)
        strip = lambda text: "\n".join(l.rstrip() for l in text.split("__END__")[0].rstrip().splitlines())
        return strip(plain), strip(joined)

    def close(self):
        self.tmux("kill-server")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if shutil.which("tmux") is None:
        print("SKIP: tmux is not installed")
        return 77
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as tmp:
        migrations = os.path.join(tmp, "migrations")
        os.mkdir(migrations)
        with open(os.path.join(migrations, "001_create.sql"), "w") as f:
            f.write("CREATE TABLE users (id int, email text);\nCREATE TABLE orders (id int, user_id int);\n")
        with open(os.path.join(migrations, "002_change.sql"), "w") as f:
            f.write("ALTER TABLE users ADD COLUMN a int, ADD COLUMN token uuid DEFAULT gen_random_uuid(), "
                    "ADD COLUMN a_column_with_a_long_name_to_push_the_line_past_the_width int;\n"
                    "CREATE INDEX users_email_idx ON users (email);\n"
                    "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n")
        term = Tmux(tmp)
        try:
            command = [binary, "analyze", "--no-config", "migrations"]
            for width in (80, 120):
                plain, joined = term.run(width, command, tmp)
                lines = plain.splitlines()
                check("migrations/002_change.sql:2:1: HIGH create-index-without-concurrently" in lines,
                      f"{width} columns: the compact form's finding line:\n{plain}")
                check("statement" not in plain.split("\n")[0] and "line    statement" not in plain,
                      f"{width} columns: no statement table:\n{plain}")
                wide = [l for l in lines if len(l) > width]
                check(not wide, f"{width} columns: every line fits: {wide}")
                check(plain == joined, f"{width} columns: no line was wrapped by the terminal:\n{plain}\n---\n{joined}")
                # The caret under ADD COLUMN token, the clause the finding is about (column 37).
                at = [i for i, l in enumerate(lines) if l.startswith("migrations/002_change.sql:1:37: HIGH add-column-volatile-default")]
                check(len(at) == 1, f"{width} columns: the volatile default's finding at 1:37:\n{plain}")
                if at:
                    block = lines[at[0]:at[0] + 8]
                    source = [l for l in block if l.startswith("    1 | ")]
                    caret = [l for l in block if l.startswith("      | ") and l.strip().endswith("^") and set(l.strip()) <= set("| ^")]
                    check(len(source) == 1 and len(caret) == 1, f"{width} columns: a source line and a caret: {block}")
                    if source and caret:
                        col = caret[0].index("^") - len("      | ")
                        shown = source[0][len("    1 | "):]
                        check(shown[col:].startswith("ADD COLUMN token"), f"{width} columns: the caret is under the clause: {block}")
                        check(shown.endswith("...") and len(source[0]) <= width, f"{width} columns: the long line is cut: {source}")
                check(any(l.startswith("  fix: use CREATE INDEX CONCURRENTLY") for l in lines), f"{width} columns: the fix line:\n{plain}")
                check(any(l.startswith("3 findings") or "findings (" in l for l in lines[-6:]), f"{width} columns: the summary:\n{plain}")
            plain, joined = term.run(200, command, tmp)
            check("line    statement" in plain and "findings:" in plain, f"200 columns: the statement table:\n{plain}")
            plain, joined = term.run(80, command + ["--verbose"], tmp)
            check("line    statement" in plain, f"80 columns, --verbose: the statement table:\n{plain}")
            check(plain != joined, "80 columns, --verbose: the table is wider than the terminal (it wraps)")
            # pgfence pr prints as analyze does: compact on a terminal narrower than the table.
            def git(*a):
                subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *a], cwd=tmp, check=True,
                               capture_output=True)
            git("init", "-q", "-b", "main")
            git("add", "migrations/001_create.sql")
            git("commit", "-q", "-m", "base")
            git("checkout", "-q", "-b", "feature")
            git("add", "migrations/002_change.sql")
            git("commit", "-q", "-m", "change")
            # Standard output only: pr's log lines on standard error are not the report.
            pr = ["bash", "-c", "'" + binary.replace("'", "'\\''") + "' pr --base main --head feature 2>/dev/null"]
            plain, joined = term.run(80, pr, tmp)
            lines = plain.splitlines()
            check("migrations/002_change.sql:2:1: HIGH create-index-without-concurrently" in lines,
                  f"pr, 80 columns: the compact form's finding line:\n{plain}")
            check("line    statement" not in plain, f"pr, 80 columns: no statement table:\n{plain}")
            check(plain == joined, f"pr, 80 columns: no line was wrapped by the terminal:\n{plain}\n---\n{joined}")
            plain, joined = term.run(200, pr, tmp)
            check("line    statement" in plain, f"pr, 200 columns: the statement table:\n{plain}")
        finally:
            term.close()
        # Through a pipe: --format compact wraps at $COLUMNS, the default text is the table.
        env = dict(os.environ, COLUMNS="60")
        out = subprocess.run([binary, "analyze", "--no-config", "--format", "compact", "migrations"], cwd=tmp, env=env,
                             capture_output=True, text=True).stdout
        wide = [l for l in out.splitlines() if len(l) > 60]
        check(not wide and "migrations/002_change.sql:2:1: HIGH" in out, f"--format compact, COLUMNS=60: {wide}\n{out}")
        out = subprocess.run([binary, "analyze", "--no-config", "migrations"], cwd=tmp, env=env, capture_output=True, text=True).stdout
        check("line    statement" in out, "piped, the default text is the table")
        # `pgfence rules` at $COLUMNS=80: every line fits, each rule's summary wrapped under its row;
        # without $COLUMNS through a pipe each rule is one line.
        narrow = subprocess.run([binary, "rules"], env=dict(os.environ, COLUMNS="80"), capture_output=True, text=True).stdout
        plain = subprocess.run([binary, "rules"], env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
                               capture_output=True, text=True).stdout
        ids = [l.split()[0] for l in plain.splitlines() if l.strip()]
        check(len(ids) > 50 and all(len(l) > 80 for l in plain.splitlines()[:3]), f"rules through a pipe, one line each: {plain[:300]}")
        check(not [l for l in narrow.splitlines() if len(l) > 80], f"rules at 80 columns: {[l for l in narrow.splitlines() if len(l) > 80][:3]}")
        rows = [l.split()[0] for l in narrow.splitlines() if l and not l.startswith(" ")]
        check(rows == ids, f"rules at 80 columns: every rule's row, in order: {rows[:5]} {ids[:5]}")
        # An ORM script's finding shows the script's line that holds the SQL, the caret on the
        # statement's first character, as a SQL file's does; its control bytes cleaned.
        scripts = os.path.join(tmp, "src", "migrations")
        os.makedirs(scripts)
        with open(os.path.join(scripts, "1700000000000-Index.ts"), "w") as f:
            f.write('import { MigrationInterface, QueryRunner } from "typeorm";\n'
                    "export class Index1700000000000 implements MigrationInterface {\n"
                    "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
                    '        await queryRunner.query(`CREATE INDEX "idx\x1b]0;x\x07" ON "users" ("email")`);\n'
                    "    }\n"
                    "    public async down(): Promise<void> {}\n"
                    "}\n")
        out = subprocess.run([binary, "analyze", "--no-config", "--format", "compact", "src/migrations"], cwd=tmp,
                             env=dict(os.environ, COLUMNS="100"), capture_output=True).stdout.decode("utf-8", "replace")
        lines = out.splitlines()
        at = [i for i, l in enumerate(lines) if "1700000000000-Index.ts:4:34: HIGH create-index-without-concurrently" in l]
        block = lines[at[0]:at[0] + 8] if at else []
        source = [l for l in block if l.startswith("    4 |         await queryRunner.query(`CREATE INDEX")]
        caret = [l for l in block if l.startswith("      | ") and l.strip().endswith("^")]
        check(len(source) == 1 and len(caret) == 1 and caret[0].index("^") == source[0].index("CREATE INDEX"),
              f"an ORM finding's source line and caret: {block}\n{out}")
        check("\x1b" not in out and "\x07" not in out, f"an ORM source line's control bytes cleaned: {out!r}")
        shutil.rmtree(os.path.join(tmp, "src"))
        # Control bytes in the source line never reach the terminal.
        with open(os.path.join(migrations, "003_hostile.sql"), "w") as f:
            f.write("CREATE INDEX \"x\x1b]0;pwned\x07\" ON users (email);\n")
        out = subprocess.run([binary, "analyze", "--no-config", "--format", "compact", "migrations"], cwd=tmp,
                             capture_output=True).stdout
        check(b"\x1b" not in out and b"\x07" not in out and b"003_hostile.sql:1:1" in out, f"control bytes cleaned: {out[-400:]!r}")
        # Nor bidirectional controls, which would make a name read as another (U+202E, U+2066).
        with open(os.path.join(migrations, "004_bidi\u202egol.sql"), "w") as f:
            f.write("CREATE INDEX \"x\u2066y\" ON users (email);\n")
        out = subprocess.run([binary, "analyze", "--no-config", "--format", "compact", "migrations"], cwd=tmp,
                             capture_output=True).stdout
        check("\u202e".encode() not in out and "\u2066".encode() not in out and b"004_bidi" in out, f"bidi controls cleaned: {out[-400:]!r}")
        # Progress on standard error, on a terminal only, cleared at the end.
        import pty
        import select
        master, slave = pty.openpty()
        env = dict(os.environ, PGFENCE_PROGRESS_AFTER_MS="0")
        proc = subprocess.Popen([binary, "analyze", "--no-config", "--format", "json", "migrations"], cwd=tmp, env=env,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        report = proc.stdout.read()
        proc.wait()
        os.close(master)
        check(b"\r\x1b[Kanalyze: 1/" in seen and seen.endswith(b"\r\x1b[K"), f"progress on a terminal, cleared: {seen[-300:]!r}")
        check(b"analyze:" not in report and b"\r" not in report, "the report holds no progress")
        piped = subprocess.run([binary, "analyze", "--no-config", "--format", "json", "migrations"], cwd=tmp, env=env,
                               capture_output=True)
        check(b"\r" not in piped.stderr and b"analyze:" not in piped.stderr, f"no progress through a pipe: {piped.stderr[-200:]!r}")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
