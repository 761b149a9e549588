"""One process owns a data folder (issue #32, "The service keeps its data"): `pgfence serve`, `pgfence serve
token create` and uploads, started, killed (-9) and stopped (SIGTERM) in random orders (a fixed seed), on
one embedded PostgreSQL. Every ordered pair of the actions below occurs; then:

- no two postmasters ever ran on the folder (a thread watches /proc all along), and the server log
  never says "could not locate a valid checkpoint record" nor PANIC;
- after a SIGTERM stop, the next start of PostgreSQL is not a crash recovery ("database system was
  shut down", not "interrupted");
- a second `pgfence serve` on the folder is refused with one `error:` line, the first keeps serving;
- each token printed works at once (the upload answers 201), and all of them still work at the end;
- every audit event read before a kill or a stop is still there at the end, and `pgfence audit
  verify` passes on the data folder, with the service down (its own PostgreSQL) and up (the service's
  admin socket).

    ownership_test.py --binary pgfence [--iterations 50] [--seed 32]
"""
import argparse
import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_test import Failed, check, ok, free_port, git, write, http  # noqa: E402

REPO = "octo/app"
ACTIONS = ["start", "token_up", "kill_serve", "term_serve", "token_down", "upload", "kill_token"]
CRASH = ("could not locate a valid checkpoint record", "PANIC")


class Postmasters(threading.Thread):
    """Watches /proc for PostgreSQL servers whose working directory is the data folder: a
    postmaster is one whose parent is not such a process. More than one at a time is the bug."""

    def __init__(self, data):
        super().__init__(daemon=True)
        self.data = os.path.realpath(data)
        self.stop = threading.Event()
        self.most = 0
        self.seen = None
        self.samples = 0

    def scan(self):
        procs = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.readlink(f"/proc/{pid}/cwd") != self.data:
                    continue
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
                procs[int(pid)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except OSError:
                continue
        return sorted(pid for pid, parent in procs.items() if parent not in procs)

    def run(self):
        while not self.stop.is_set():
            masters = self.scan()
            self.samples += 1
            if len(masters) > self.most:
                self.most, self.seen = len(masters), masters
            time.sleep(0.02)


class Run:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.data = os.path.join(tmp, "data")
        self.config = os.path.join(tmp, "governance.toml")
        with open(self.config, "w") as f:
            f.write(f'webhook_secret = "s"\ndata_dir = "{self.data}"\npublic_url = "https://pgfence.example.com"\n'
                    '[policy]\nsignoff_at = "high"\n')
        self.rng = random.Random(args.seed)
        self.serve = None
        self.url = None
        self.tokens = []
        self.events = {}  # seq → hash, read before each kill or stop
        self.log_mark = 0  # the server log's length when PostgreSQL last stopped after a SIGTERM
        self.clean_checks = 0
        self.uploads = 0
        self.counts = {a: 0 for a in ACTIONS}
        self.seconds = {a: 0.0 for a in ACTIONS}
        self.make_envelope()

    # -- the upload --------------------------------------------------------------------------
    def make_envelope(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        write(os.path.join(repo, "migrations/001.sql"), "CREATE INDEX users_email ON users (email);\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "m")
        head = git(repo, "rev-parse", "HEAD")
        out = subprocess.run([self.args.binary, "analyze", "--no-config", "--format", "json", "migrations/001.sql"],
                             cwd=repo, capture_output=True, text=True)
        report = json.loads(out.stdout)
        for f in report["files"]:
            f["sha256"] = hashlib.sha256(open(os.path.join(repo, f["path"]), "rb").read()).hexdigest()
        lines = "".join(f"{f['sha256']} {f['path']}\n" for f in sorted(report["files"], key=lambda f: f["path"]))
        self.envelope = {"schema_version": 1, "repository": REPO, "pull_request": 7, "head_sha": head, "base_sha": head,
                         "content_hash": "sha256:" + hashlib.sha256(lines.encode()).hexdigest(), "sql_included": True,
                         "report": report}

    def upload(self, token):
        self.uploads += 1
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                   "Idempotency-Key": f"ownership-{self.uploads}"}
        status, body, _ = http("POST", self.url + "/v1/analyses", body=self.envelope, headers=headers)
        check(status in (200, 201), f"an upload with a token printed by token create: {status} {body[:300]}")

    # -- the service -------------------------------------------------------------------------
    def spawn(self, port):
        log = open(os.path.join(self.tmp, "serve.log"), "a")
        return subprocess.Popen([self.args.binary, "serve", "--config", self.config, "--listen", f"127.0.0.1:{port}"],
                                stdout=log, stderr=log)

    def start(self):
        port = free_port()
        proc = self.spawn(port)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while time.time() < deadline:
            check(proc.poll() is None, f"pgfence serve exited ({proc.returncode}): {self.tail('serve.log')}")
            try:
                if http("GET", url + "/healthz", timeout=2)[0] == 200:
                    self.serve, self.url = proc, url
                    self.check_clean_start()
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        raise Failed(f"pgfence serve did not answer: {self.tail('serve.log')}")

    def ensure_up(self):
        if self.serve is None:
            self.start()

    def record_events(self):
        if not self.tokens:
            return
        status, body, _ = http("GET", self.url + "/v1/audit?repository=" + REPO,
                               headers={"Authorization": "Bearer " + self.tokens[-1]})
        check(status == 200, f"the audit export: {status} {body[:300]}")
        for line in body.decode().splitlines():
            e = json.loads(line)
            self.events[e["seq"]] = e["hash"]

    def stop_serve(self, sig):
        self.record_events()
        self.serve.send_signal(sig)
        code = self.serve.wait(timeout=90)
        if sig == signal.SIGTERM:
            check(code == 0, f"pgfence serve stopped by SIGTERM exits 0: {code}")
            self.log_mark = self.log_size()
        self.serve = self.url = None

    def spawn_and_signal(self, sig):
        """A service started and signalled before it is ready (in its start-up)."""
        proc = self.spawn(free_port())
        time.sleep(self.rng.uniform(0.0, 0.8))
        proc.send_signal(sig)
        code = proc.wait(timeout=90)
        if sig == signal.SIGTERM:
            check(code in (0, -signal.SIGTERM), f"pgfence serve stopped by SIGTERM in its start-up: {code}")

    def second_serve_refused(self):
        try:
            proc = subprocess.run([self.args.binary, "serve", "--config", self.config, "--listen", f"127.0.0.1:{free_port()}"],
                                  capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise Failed("a second pgfence serve on the same data folder kept running")
        errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        check(proc.returncode == 2 and len(errors) == 1 and "owns" in errors[0] and proc.stderr.strip().endswith(errors[0]),
              f"a second pgfence serve on the folder is refused with one line: {proc.returncode} {proc.stderr!r}")
        check(http("GET", self.url + "/healthz", timeout=5)[0] == 200, "the first service still serves")

    # -- tokens ------------------------------------------------------------------------------
    def token_create(self):
        proc = subprocess.run([self.args.binary, "serve", "token", "create", "--repository", REPO, "--config", self.config],
                              capture_output=True, text=True, timeout=180)
        check(proc.returncode == 0 and proc.stdout.startswith("pgf_"), f"token create: {proc.returncode} {proc.stderr}")
        self.tokens.append(proc.stdout.strip())
        if self.serve is None:
            self.check_clean_start()
        return self.tokens[-1]

    def kill_token(self):
        proc = subprocess.Popen([self.args.binary, "serve", "token", "create", "--repository", REPO, "--config", self.config],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(self.rng.uniform(0.0, 1.0))
        proc.kill()
        proc.wait()

    # -- the server log ----------------------------------------------------------------------
    def log_size(self):
        try:
            return os.path.getsize(os.path.join(self.data, "server.log"))
        except OSError:
            return 0

    def tail(self, name, size=3000):
        path = name if os.path.isabs(name) else os.path.join(self.tmp, name)
        try:
            with open(path, errors="replace") as f:
                return f.read()[-size:]
        except OSError:
            return ""

    def check_clean_start(self):
        """The first start of PostgreSQL after a SIGTERM stop found it shut down, not interrupted."""
        if self.log_mark is None:
            return
        with open(os.path.join(self.data, "server.log"), errors="replace") as f:
            f.seek(self.log_mark)
            text = f.read()
        starts = [line for line in text.splitlines() if "database system was " in line]
        check(starts and "database system was shut down" in starts[0],
              f"after a SIGTERM stop PostgreSQL starts without recovery: {starts[:1]} {text[-1500:]}")
        self.clean_checks += 1
        self.log_mark = None

    # -- one action --------------------------------------------------------------------------
    def act(self, action):
        self.counts[action] += 1
        if action == "start":
            if self.serve is None:
                self.start()
            else:
                self.second_serve_refused()
        elif action == "token_up":
            self.ensure_up()
            self.upload(self.token_create())
        elif action == "kill_serve":
            if self.serve is None:
                self.spawn_and_signal(signal.SIGKILL)
            else:
                self.stop_serve(signal.SIGKILL)
        elif action == "term_serve":
            if self.serve is None:
                self.spawn_and_signal(signal.SIGTERM)
            else:
                self.stop_serve(signal.SIGTERM)
        elif action == "token_down":
            if self.serve is not None:
                self.stop_serve(signal.SIGTERM)
            self.token_create()
        elif action == "upload":
            if not self.tokens:
                self.ensure_up()
                self.token_create()
            self.ensure_up()
            self.upload(self.tokens[-1])
        elif action == "kill_token":
            self.kill_token()

    def final_checks(self, watcher):
        if self.serve is not None:
            self.stop_serve(signal.SIGTERM)
        verified = subprocess.run([self.args.binary, "audit", "verify", "--config", self.config], capture_output=True,
                                  text=True, timeout=180)
        check(verified.returncode == 0 and verified.stdout.startswith("verified:"),
              f"audit verify on the data folder, the service down: {verified.stdout} {verified.stderr}")
        ok(f"audit verify on the data folder (the service down): {verified.stdout.strip()}")
        self.start()
        live = subprocess.run([self.args.binary, "audit", "verify", "--config", self.config], capture_output=True,
                              text=True, timeout=180)
        check(live.returncode == 0 and live.stdout.startswith("verified:"),
              f"audit verify on the data folder, the service up: {live.stdout} {live.stderr}")
        ok(f"audit verify while the service runs (through its admin socket): {live.stdout.strip()}")
        for token in self.tokens:
            self.upload(token)
        ok(f"all {len(self.tokens)} tokens printed by token create still work (uploads 201)")
        before = dict(self.events)
        self.events = {}
        self.record_events()
        missing = [seq for seq, h in before.items() if self.events.get(seq) != h]
        check(not missing, f"audit events read before a kill or stop are gone or changed: seq {missing[:10]}")
        ok(f"all {len(before)} audit events read before each kill or stop are still there, unchanged")
        self.stop_serve(signal.SIGTERM)
        watcher.stop.set()
        watcher.join()
        check(watcher.most <= 1, f"two PostgreSQL servers ran on the data folder at once: pids {watcher.seen}")
        ok(f"never more than one postmaster on the data folder ({watcher.samples} samples of /proc)")
        log = self.tail(os.path.join(self.data, "server.log"), size=10**9)
        for needle in CRASH:
            check(needle not in log, f"the server log says {needle!r}")
        ok(f"the server log never says {' nor '.join(CRASH)}; {self.clean_checks} starts after a SIGTERM "
           "stop found the database shut down cleanly")


def covered_pairs(sequence):
    return {(a, b) for a, b in zip(sequence, sequence[1:]) if a != b}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--seed", type=int, default=32)
    args = ap.parse_args()
    if not os.path.exists("/usr/lib/postgresql/15/bin/initdb"):
        print("SKIP: PostgreSQL 15's server is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="pgfence-ownership-")
    os.chmod(tmp, 0o755)
    run = Run(args, tmp)
    watcher = Postmasters(run.data)
    watcher.start()
    sequence = []
    started = time.time()
    try:
        for i in range(args.iterations):
            order = ACTIONS[:]
            run.rng.shuffle(order)
            for action in order:
                began = time.time()
                run.act(action)
                run.seconds[action] += time.time() - began
                sequence.append(action)
                if run.serve is not None and os.path.exists(os.path.join(run.data, "pgfence.lock")):
                    with open(os.path.join(run.data, "pgfence.lock"), "a") as lock:
                        try:
                            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                            raise Failed("the data folder's lock is free while pgfence serve runs")
                        except BlockingIOError:
                            pass
                check(watcher.most <= 1, f"two PostgreSQL servers ran on the data folder at once: pids {watcher.seen} "
                                         f"(iteration {i + 1}, after {action}) {run.tail('serve.log')}")
        pairs = covered_pairs(sequence)
        wanted = {(a, b) for a in ACTIONS for b in ACTIONS if a != b}
        check(pairs >= wanted or args.iterations < 20, f"orders not covered: {sorted(wanted - pairs)}")
        spent = {a: f"{run.counts[a]}x {run.seconds[a]:.0f}s" for a in ACTIONS}
        ok(f"{args.iterations} iterations, {len(sequence)} actions ({spent}); ordered pairs of actions that occurred: "
           f"{len(pairs & wanted)} of {len(wanted)}; the lock was held whenever pgfence serve ran ({time.time() - started:.0f} s)")
        run.final_checks(watcher)
    except Failed as e:
        print(f"FAILED: {e}")
        print("--- serve.log:\n" + run.tail("serve.log"))
        print("--- server.log:\n" + run.tail(os.path.join(run.data, "server.log")))
        return 1
    finally:
        watcher.stop.set()
        if run.serve is not None and run.serve.poll() is None:
            run.serve.send_signal(signal.SIGTERM)
            try:
                run.serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                run.serve.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
