"""A stand-in for the governance service's upload endpoint in the `pgfence pr --upload` tests: a
real HTTP server on 127.0.0.1 that records every request and answers as scripted, or, once the
script is used up, as notes section 1 says the service does (201 for a new idempotency key, 200
for the same key and body again, 409 for the same key with another body)."""
import http.server
import json
import threading
import uuid


class Receiver:
    def __init__(self, answers=(), conclusion="action_required"):
        # Each answer: (status, JSON body or None, {header: value}).
        self.answers = list(answers)
        self.conclusion = conclusion
        self.requests = []
        self.bodies_by_key = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = {"method": "POST", "path": self.path, "body": body,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}
                with receiver.lock:
                    receiver.requests.append(request)
                    status, payload, headers = receiver.answer(request)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, request):
        if self.answers:
            return self.answers.pop(0)
        key = request["headers"].get("idempotency-key")
        envelope = json.loads(request["body"])
        new = sum(1 for f in envelope["report"]["files"] for x in f["findings"] if not x["pre_existing"])
        done = {"id": str(uuid.uuid4()), "conclusion": self.conclusion, "items": new}
        if key in self.bodies_by_key:
            if self.bodies_by_key[key] != request["body"]:
                return 409, {"message": "Idempotency-Key reused with a different body"}, {}
            return 200, done, {}
        self.bodies_by_key[key] = request["body"]
        return 201, done, {}

    def envelopes(self):
        return [json.loads(r["body"]) for r in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
