#!/usr/bin/env python3
"""Runs a test command with TMPDIR in memory and throwaway clusters copied, not initdb'd.

The trace, plan-oracle and service tests start PostgreSQL servers: `pgfence trace` runs initdb
(about 40 MB, a thousand files) and the server in TMPDIR, and removes them after, per case.

- TMPDIR in memory: a private folder on the /dev/shm tmpfs. On a disk file system the files are
  most of a case's time when the machine is busy (8 golden plan cases under a load of 10: 101-125 s
  with TMPDIR on ext4, 62-66 s on tmpfs). Only where it is safe: TMPDIR not already chosen by the
  caller, /dev/shm a writable tmpfs with at least 2 GiB free (not a container's 64 MB /dev/shm).
- PGFENCE_TRACE_INITDB_CACHE (trace/initdb_cache.hpp): a throwaway cluster is a copy of the one
  initdb made the first time with the same arguments (0.1 s against 2-3 s for initdb under load).

The test and `pgfence` are otherwise unchanged. The folder is removed after the command, whatever
its exit; the command's exit code (77, a skip, included) is this script's.

usage: memory_tmpdir.py COMMAND [ARG...]"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

SHM = "/dev/shm"
MIN_FREE = 2 << 30


def is_tmpfs(path):
    try:
        with open("/proc/self/mounts") as f:
            return any(line.split()[1:3] == [path, "tmpfs"] for line in f)
    except OSError:
        return False


def in_memory():
    if os.environ.get("TMPDIR") or not os.path.isdir(SHM) or not is_tmpfs(SHM):
        return False
    try:
        st = os.statvfs(SHM)
        return st.f_bavail * st.f_frsize >= MIN_FREE and os.access(SHM, os.W_OK)
    except OSError:
        return False


def shared_folder(path):
    """As a system /tmp: the server and initdb run as another account when the test runs as root."""
    os.makedirs(path)
    os.chmod(path, 0o1777)
    return path


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    memory = in_memory()
    folder = tempfile.mkdtemp(prefix="pgfence-test-", dir=SHM if memory else None)
    os.chmod(folder, 0o755)
    env = dict(os.environ)
    # Writable by this user only: pgfence makes each cluster there and hands it to the server's account.
    env["PGFENCE_TRACE_INITDB_CACHE"] = os.path.join(folder, "initdb")
    os.mkdir(env["PGFENCE_TRACE_INITDB_CACHE"], 0o755)
    if memory:
        env["TMPDIR"] = shared_folder(os.path.join(folder, "tmp"))
    proc = subprocess.Popen(sys.argv[1:], env=env)

    # CTest stops a test that runs past its TIMEOUT with a signal: passed on, and the folder still removed.
    def forward(signum, _frame):
        proc.send_signal(signum)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, forward)
    try:
        code = proc.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
