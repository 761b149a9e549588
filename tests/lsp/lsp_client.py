"""A small Language Server Protocol client over a child process's standard input and output:
LSP's Content-Length framing, requests matched to their responses, the server's own requests
(workspace/configuration, client/registerCapability) answered. Used by tests/lsp/lsp_test.py and
bench/lsp.py; standard library only."""
import json
import queue
import subprocess
import threading
import time


class ProtocolViolation(Exception):
    """The server wrote something that is not an LSP frame on standard output."""


class Client:
    def __init__(self, binary, cwd=None, args=("lsp",), settings=None):
        self.proc = subprocess.Popen([binary, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.messages = queue.Queue()
        self.stderr = b""
        self.violations = []
        self.next_id = 0
        self.settings = settings if settings is not None else {}  # the "pgfence" section
        self.received = []  # every message, in order
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- the wire ---------------------------------------------------------------------------

    def _read_stdout(self):
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    if not line.endswith(b"\r\n") or b":" not in line:
                        raise ProtocolViolation(f"not a header line: {line[:200]!r}")
                    name, value = line[:-2].split(b":", 1)
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    raise ProtocolViolation("a frame without Content-Length")
                body = out.read(length)
                if len(body) != length:
                    raise ProtocolViolation("a frame cut short")
                message = json.loads(body)
                self.received.append(message)
                self.messages.put(message)
        except (ProtocolViolation, ValueError) as e:
            self.violations.append(str(e))
        finally:
            self.messages.put(None)

    def _read_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.read(4096), b""):
            self.stderr += chunk

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def start_request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def request(self, method, params, timeout=30):
        rid = self.start_request(method, params)
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout, f"the response to {method}")

    # -- waiting ----------------------------------------------------------------------------

    def _answer_server_request(self, message):
        method = message["method"]
        if method == "workspace/configuration":
            result = [self.settings for _ in message["params"]["items"]]
        else:
            result = None
        self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def wait(self, predicate, timeout=30, what="a message"):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {what} within {timeout} s; stderr: {self.stderr[-2000:]!r}")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                self.messages.put(None)
                raise EOFError(f"the server closed its output waiting for {what}; stderr: {self.stderr[-2000:]!r}")
            if "method" in message and "id" in message:
                self._answer_server_request(message)
            if predicate(message):
                return message

    def diagnostics(self, uri, version, timeout=30):
        """The diagnostics published for `uri` at `version`."""
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                      and m["params"].get("version") == version, timeout, f"diagnostics of {uri} v{version}")
        return m["params"]["diagnostics"]

    def initialize(self, root_uri, encodings=("utf-16",), options=None, capabilities=None):
        caps = {"general": {"positionEncodings": list(encodings)},
                "workspace": {"configuration": True, "didChangeWatchedFiles": {"dynamicRegistration": True},
                              "workspaceEdit": {"documentChanges": True}}}
        caps.update(capabilities or {})
        params = {"processId": None, "rootUri": root_uri, "capabilities": caps,
                  "workspaceFolders": [{"uri": root_uri, "name": "repo"}] if root_uri else None}
        if options is not None:
            params["initializationOptions"] = options
        response = self.request("initialize", params)
        self.notify("initialized", {})
        return response

    def close(self, timeout=10):
        """Ends the session politely; returns the exit code."""
        try:
            self.request("shutdown", None, timeout)
            self.notify("exit", None)
        except (BrokenPipeError, EOFError, TimeoutError):
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def utf16_units(text):
    return len(text.encode("utf-16-le")) // 2


def lsp_position(text, offset, encoding="utf-16"):
    """The LSP position of a code-point offset into `text` (lines split at \\n, \\r\\n, \\r)."""
    line, start, i = 0, 0, 0
    while i < offset:
        if text[i] == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            if i + 1 == offset:
                break
            line, i = line + 1, i + 2
            start = i
            continue
        if text[i] in "\r\n":
            line, start = line + 1, i + 1
        i += 1
    segment = text[start:offset]
    if encoding == "utf-8":
        return {"line": line, "character": len(segment.encode())}
    if encoding == "utf-32":
        return {"line": line, "character": len(segment)}
    return {"line": line, "character": utf16_units(segment)}


def code_point_offset(text, position, encoding="utf-16"):
    """The code-point offset of an LSP position in `text` (the inverse of lsp_position)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(l) for l in lines[:position["line"]])
    line = lines[position["line"]] if position["line"] < len(lines) else ""
    units = 0
    for k, ch in enumerate(line):
        if units >= position["character"] or ch in "\r\n":
            return offset + k
        units += {"utf-8": len(ch.encode()), "utf-32": 1}.get(encoding, utf16_units(ch))
    return offset + len(line.rstrip("\r\n"))


def apply_edits(text, edits, encoding="utf-16"):
    """`text` with LSP TextEdits applied (from the last to the first)."""
    spans = [(code_point_offset(text, e["range"]["start"], encoding), code_point_offset(text, e["range"]["end"], encoding),
              e["newText"]) for e in edits]
    for begin, end, new in sorted(spans, reverse=True):
        text = text[:begin] + new + text[end:]
    return text
