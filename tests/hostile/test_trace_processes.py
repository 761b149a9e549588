"""Issue #13 item 2: processes started by a traced migration must not outlive the trace.

With --trace-as-superuser (the only mode in which COPY ... FROM PROGRAM runs), a migration starts
`sleep <unique number>` twice, once leaving the session with setsid and once by a double fork.
After a normal exit and after SIGINT, SIGTERM and SIGKILL of pgfence (while the trace sits in
pg_sleep), no such sleep and no process of the server (its HOME is the server's folder under our
private TMPDIR) may remain. Every path runs twice: in the server's PID namespace (as root) and
with PGFENCE_TRACE_NO_NAMESPACE=1, the subreaper fallback.

    test_trace_processes.py --binary B
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def environ(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


def pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def live_matching(markers, server_home):
    """Live processes whose command line has a marker, or whose HOME is under server_home."""
    out = []
    for pid in pids():
        if pid == os.getpid() or state(pid) in ("Z", "gone"):
            continue
        line = cmdline(pid)
        home = any(e.startswith(b"HOME=" + server_home.encode()) for e in environ(pid))
        if any(m in line for m in markers) or home:
            out.append((pid, line[:80]))
    return out


def wait_until(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class Run:
    def __init__(self, binary):
        self.binary = binary
        self.failures = []

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
        return condition

    def one(self, how, namespace):
        tmp = tempfile.mkdtemp(prefix="pgfence-hostile-proc-")
        os.chmod(tmp, 0o755)
        n1, n2 = random.randint(10**8, 10**9), random.randint(10**8, 10**9)
        markers = [f"sleep {n1}", f"sleep {n2}"]
        wait = "" if how == "exit" else "SELECT pg_sleep(120);\n"
        sql = (f"CREATE TABLE q(line text);\n"
               f"COPY q FROM PROGRAM 'setsid sh -c \"sleep {n1}\" >/dev/null 2>&1 & echo started';\n"
               f"COPY q FROM PROGRAM 'sh -c \"(sleep {n2} </dev/null >/dev/null 2>&1 &) &\"; echo forked';\n"
               + wait)
        path = os.path.join(tmp, "001_spawn.sql")
        with open(path, "w") as f:
            f.write(sql)
        env = dict(os.environ, TMPDIR=tmp)
        env.pop("PGFENCE_TRACE_NO_NAMESPACE", None)
        if not namespace:
            env["PGFENCE_TRACE_NO_NAMESPACE"] = "1"
        label = f"{how} ({'namespace' if namespace else 'subreaper'})"
        proc = subprocess.Popen([self.binary, "trace", "--pg-bin", PG_BIN, "--trace-as-superuser", path], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        home = os.path.join(tmp, "pgfence-pg-")
        try:
            if how != "exit":
                started = wait_until(lambda: len(live_matching(markers, "\0")) >= 2, 60)
                if not self.check(started, f"{label}: the migration's sleeps never started"):
                    proc.kill()
                else:
                    proc.send_signal(getattr(signal, how))
            out, err = proc.communicate(timeout=120)
            if how == "exit":
                text = out.decode(errors="replace")
                # Every statement ran: the CREATE TABLE confirmed, each COPY ... PROGRAM traced
                # (trace-only: what its shell command does is not in the statement, so pgfence
                # predicts it as unknown).
                ran = text.count("CONFIRMED") + text.count("TRACE-ONLY")
                self.check(proc.returncode == 0 and "ERROR" not in text and "CONFIRMED" in text and ran >= 3,
                           f"{label}: exit {proc.returncode}: {text[-800:]} {err.decode(errors='replace')[-500:]}")
            gone = wait_until(lambda: not live_matching(markers, home), 15)
            self.check(gone, f"{label}: processes left behind: {live_matching(markers, home)}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for pid, _ in live_matching(markers, home):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir("/usr/lib/postgresql/15/bin"):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    run = Run(os.path.abspath(args.binary))
    modes = [True, False] if os.geteuid() == 0 else [False]
    for namespace in modes:
        for how in ("exit", "SIGINT", "SIGTERM", "SIGKILL"):
            run.one(how, namespace)
    for f in run.failures:
        print(f"FAIL {f}")
    print(f"{'FAILED' if run.failures else 'ok'}: {len(modes) * 4} exit paths, {len(run.failures)} failures")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
