#!/usr/bin/env python3
"""The webhook sender (webhooks.py): each payload is a real GitHub payload by GitHub's schema, the
signature is GitHub's (its documented test vector), and a delivery reaches a receiver with
GitHub's headers, signed over the exact bytes sent.

    test_webhooks.py --schemas ../shared/schemas/github/webhooks [unittest arguments]"""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webhooks  # noqa: E402

SCHEMAS = None
KINDS = [(event, action) for event, actions in webhooks.EVENTS.items() for action in actions]


class Receiver(BaseHTTPRequestHandler):
    """Keeps what it was sent; answers 202 (or 401 when the signature does not match)."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers, body))
        expected = webhooks.sign(self.server.secret, body)
        ok = hmac.compare_digest(expected, self.headers.get("X-Hub-Signature-256", ""))
        answer = json.dumps({"ok": ok}).encode()
        self.send_response(202 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class WebhooksTest(unittest.TestCase):
    def test_signature_matches_githubs_test_vector(self):
        # docs.github.com, "Validating webhook deliveries": the documented secret, body and digest.
        self.assertEqual(webhooks.sign("It's a Secret to Everybody", b"Hello, World!"),
                         "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")

    def test_every_kind_validates(self):
        for event, action in KINDS:
            with self.subTest(f"{event} {action}"):
                payload = webhooks.build(event, action, merged=True)
                webhooks.validate(event, action, payload, SCHEMAS)
                if action:
                    self.assertEqual(payload["action"], action)

    def test_schemas_are_really_checked(self):
        for event, action in KINDS:
            with self.subTest(f"{event} {action}"):
                payload = webhooks.build(event, action)
                payload["sender"]["login"] = 5
                with self.assertRaisesRegex(webhooks.PayloadInvalid, "sender/login"):
                    webhooks.validate(event, action, payload, SCHEMAS)
                with open(webhooks.schema_path(event, action, SCHEMAS), encoding="utf-8") as f:
                    required = json.load(f)["schema"].get("required", [])  # ping's schema requires nothing
                for name in required:
                    payload = webhooks.build(event, action)
                    del payload[name]
                    with self.assertRaisesRegex(webhooks.PayloadInvalid, f"'{name}' is a required property"):
                        webhooks.validate(event, action, payload, SCHEMAS)
        payload = webhooks.build("pull_request", "opened")
        payload["pull_request"]["head"]["sha"] = 7
        with self.assertRaisesRegex(webhooks.PayloadInvalid, "pull_request/head/sha"):
            webhooks.validate("pull_request", "opened", payload, SCHEMAS)

    def test_parameters_land_where_github_puts_them(self):
        pr = webhooks.build("pull_request", "synchronize", repository_name="octo/app", number=12,
                            head_sha="a" * 40, base_sha="b" * 40, before_sha="c" * 40, head_ref="topic",
                            base_ref="release", sender="alice", installation=77, head_repository="alice/app")
        self.assertEqual((pr["number"], pr["before"], pr["after"]), (12, "c" * 40, "a" * 40))
        self.assertEqual((pr["pull_request"]["head"]["sha"], pr["pull_request"]["head"]["ref"],
                          pr["pull_request"]["head"]["repo"]["full_name"]), ("a" * 40, "topic", "alice/app"))
        self.assertEqual((pr["pull_request"]["base"]["sha"], pr["pull_request"]["base"]["ref"]), ("b" * 40, "release"))
        self.assertEqual((pr["repository"]["full_name"], pr["sender"]["login"], pr["installation"]["id"]),
                         ("octo/app", "alice", 77))
        merged = webhooks.build("pull_request", "closed", merged=True)["pull_request"]
        self.assertEqual((merged["state"], merged["merged"]), ("closed", True))
        self.assertIsNotNone(merged["merged_at"])
        unmerged = webhooks.build("pull_request", "closed", merged=False)["pull_request"]
        self.assertEqual((unmerged["merged"], unmerged["merged_at"], unmerged["merged_by"]), (False, None, None))
        run = webhooks.build("check_run", "rerequested", head_sha="a" * 40, check_name="pgfence governance")
        self.assertEqual((run["check_run"]["head_sha"], run["check_run"]["name"]), ("a" * 40, "pgfence governance"))
        installed = webhooks.build("installation", "created", installation=91, repository_name="octo/app")
        self.assertEqual((installed["installation"]["id"], installed["repositories"][0]["full_name"]), (91, "octo/app"))
        with self.assertRaises(ValueError):
            webhooks.build("pull_request", "edited")

    def test_delivery_reaches_a_receiver_signed(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        server.received, server.secret = [], "s3cret"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/webhook"
        try:
            replayed = str(uuid.uuid4())
            status, body, sent = webhooks.send(url, "pull_request", "opened", secret="s3cret", schemas=SCHEMAS,
                                               delivery_id=replayed, number=5)
            self.assertEqual((status, json.loads(body)), (202, {"ok": True}))
            headers, raw = server.received[-1]
            names = set(headers.keys())  # as spelled on the wire (GitHub's own capitalisation)
            for name in ("X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", "X-Hub-Signature-256",
                         "X-GitHub-Hook-Installation-Target-Type", "X-GitHub-Hook-Installation-Target-ID"):
                self.assertIn(name, names)
            self.assertEqual(json.loads(raw)["number"], 5)
            self.assertEqual(headers["X-GitHub-Event"], "pull_request")
            self.assertEqual(headers["X-GitHub-Delivery"], replayed)
            self.assertEqual(headers["Content-Type"], "application/json")
            self.assertTrue(headers["User-Agent"].startswith("GitHub-Hookshot/"))
            self.assertEqual(headers["X-GitHub-Hook-Installation-Target-Type"], "integration")
            self.assertEqual(headers["X-GitHub-Hook-Installation-Target-ID"], str(webhooks.APP_ID))
            self.assertTrue(headers["X-GitHub-Hook-ID"].isdigit())
            self.assertEqual(headers["X-Hub-Signature-256"],
                             "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest())
            # A fresh delivery id each time unless one is given; a wrong secret is refused by the receiver.
            status, _, again = webhooks.send(url, "ping", secret="s3cret", schemas=SCHEMAS)
            self.assertEqual(status, 202)
            uuid.UUID(again["X-GitHub-Delivery"])
            self.assertNotEqual(again["X-GitHub-Delivery"], replayed)
            status, body, _ = webhooks.send(url, "check_run", "rerequested", secret="wrong", schemas=SCHEMAS)
            self.assertEqual((status, json.loads(body)), (401, {"ok": False}))
            # The CLI does the same.
            cli = subprocess.run([sys.executable, webhooks.__file__, "installation", "created", "--url", url,
                                  "--secret", "s3cret", "--schemas", SCHEMAS, "--installation", "91"],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(cli.returncode, 0, cli.stderr)
            self.assertEqual(cli.stdout.splitlines()[0], "202")
            self.assertEqual(json.loads(server.received[-1][1])["installation"]["id"], 91)
        finally:
            server.shutdown()
            server.server_close()


def main():
    global SCHEMAS
    args = sys.argv[1:]
    if "--schemas" not in args:
        sys.exit("usage: test_webhooks.py --schemas DIR [unittest arguments]")
    i = args.index("--schemas")
    SCHEMAS = args[i + 1]
    if not os.path.isdir(SCHEMAS):
        print(f"skipped: no webhook schemas at {SCHEMAS}")
        sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + args[:i] + args[i + 2:], verbosity=2)


if __name__ == "__main__":
    main()
