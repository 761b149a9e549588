"""Starts the GitHub test double for the double's own tests, and talks to it as a client would."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")


class Double:
    """One server.py process on a free port; stop() ends it (also on with-block exit)."""

    def __init__(self, schemas, workdir, *args):
        self.state_path = os.path.join(workdir, f"state-{len(os.listdir(workdir))}.json")
        self.process = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--schemas", schemas, "--state", self.state_path, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError(f"the double did not start: {line} {self.process.stderr.read()}")
        self.base = f"http://127.0.0.1:{line}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()

    def call(self, method, path, credential=None, body=None, scheme="Bearer"):
        """(status, parsed JSON) of a request with the headers GitHub requires."""
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": "pgfence-double-test"}
        if credential is not None:
            headers["Authorization"] = f"{scheme} {credential}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def state(self):
        with urllib.request.urlopen(self.base + "/_double/state", timeout=20) as answer:
            return json.loads(answer.read())

    def state_file_text(self):
        with open(self.state_path, encoding="utf-8") as f:
            return f.read()
