#!/usr/bin/env python3
"""The double as a GitHub App's API (README.md, "App mode"): JWTs, installations, installation
tokens, and check runs found again by name.

    test_app_mode.py --schemas ../shared/schemas/github [unittest arguments]

The App's RSA key is made for the run with `openssl genpkey`; JWTs are signed with Debian's
python3-cryptography."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from double_harness import Double  # noqa: E402

APP_ID = 424242
SCHEMAS = None
SEED = {"installations": [{"id": 77, "account": "octo", "repositories": ["octo/app"]},
                          {"id": 78, "account": "acme", "repositories": ["acme/lib"]},
                          {"id": 79, "account": "octo", "repositories": ["octo/ro"],
                           "permissions": {"checks": "read", "metadata": "read"}}]}
SHA = "c0ffee" + "0" * 34


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_key(workdir, name):
    private = os.path.join(workdir, f"{name}.pem")
    public = os.path.join(workdir, f"{name}.pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", private],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", private, "-pubout", "-out", public], check=True, capture_output=True)
    return private, public


def jwt(private_pem, header=None, **claims):
    """An App JWT as the design note's service makes it (iat now-60, exp now+540), with overrides."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    now = int(time.time())
    body = {"iat": now - 60, "exp": now + 540, "iss": str(APP_ID)}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    signing_input = b64url(json.dumps(header or {"alg": "RS256", "typ": "JWT"}).encode()) + "." + \
        b64url(json.dumps(body).encode())
    with open(private_pem, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


class AppModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pgfence-app-double-")
        cls.key, cls.public = make_key(cls.tmp.name, "app")
        cls.other_key, _ = make_key(cls.tmp.name, "other")
        cls.double = Double(SCHEMAS, cls.tmp.name, "--app-id", str(APP_ID), "--app-public-key", cls.public,
                            "--seed", json.dumps(SEED))

    @classmethod
    def tearDownClass(cls):
        cls.double.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.first_request = len(self.double.state()["requests"])

    def tearDown(self):
        # Every request this test made was valid for its operation, every answer within its schema.
        for r in self.double.state()["requests"][self.first_request:]:
            self.assertTrue(r["valid"], f"{r['method']} {r['path']}: {r['errors']}")
            self.assertTrue(r["response_valid"], f"{r['method']} {r['path']}: {r['response_errors']}")

    def token(self, installation=77, body=None):
        status, answer = self.double.call("POST", f"/app/installations/{installation}/access_tokens",
                                          jwt(self.key), body if body is not None else {})
        self.assertEqual(status, 201, answer)
        return answer

    def last_request(self):
        return self.double.state()["requests"][-1]

    # --- the App's JWT ---------------------------------------------------------------------
    def test_jwt_accepted_with_iss_as_string_or_number(self):
        for iss in (str(APP_ID), APP_ID):
            status, app = self.double.call("GET", "/app", jwt(self.key, iss=iss))
            self.assertEqual(status, 200, app)
            self.assertEqual((app["id"], app["slug"]), (APP_ID, "pgfence-governance"))
            self.assertEqual((self.last_request()["auth"], self.last_request()["credential"]), ("ok", "jwt"))

    def test_jwt_refused(self):
        now = int(time.time())
        cases = {
            "bad signature": (jwt(self.other_key), "A JSON web token could not be decoded", "signature"),
            "wrong iss": (jwt(self.key, iss="1"), "A JSON web token could not be decoded", "iss"),
            "expired": (jwt(self.key, iat=now - 700, exp=now - 100), "'Expiration time' claim ('exp') must be", "exp"),
            "too long": (jwt(self.key, iat=now - 10, exp=now + 600), "is too far in the future", "more than 600"),
            "iat ahead": (jwt(self.key, iat=now + 120, exp=now + 500), "'Issued at' claim ('iat')", "iat"),
            "no exp": (jwt(self.key, exp=None), "'Expiration time' claim", "exp"),
            "alg none": (jwt(self.key, header={"alg": "none"}), "could not be decoded", "alg"),
            "not a JWT": ("ghp_aPersonalAccessToken0000000000000000", "could not be decoded", "not a JWT"),
        }
        for name, (credential, message, reason) in cases.items():
            with self.subTest(name):
                status, answer = self.double.call("GET", "/app", credential)
                self.assertEqual(status, 401, answer)
                self.assertIn(message, answer["message"])
                self.assertEqual(answer["documentation_url"], "https://docs.github.com/rest")
                logged = self.last_request()
                self.assertEqual(logged["auth"], "bad-jwt")
                self.assertIn(reason, logged["auth_reason"])

    def test_jwt_refused_on_every_app_route(self):
        for method, path in (("GET", "/repos/octo/app/installation"), ("POST", "/app/installations/77/access_tokens")):
            with self.subTest(path):
                status, answer = self.double.call(method, path, jwt(self.other_key), {} if method == "POST" else None)
                self.assertEqual(status, 401, answer)
                self.assertEqual(self.last_request()["auth"], "bad-jwt")
        # An installation token is not the App's JWT either.
        status, _ = self.double.call("GET", "/app", self.token()["token"])
        self.assertEqual(status, 401)

    # --- installations -------------------------------------------------------------------
    def test_repository_installation_lookup(self):
        status, installation = self.double.call("GET", "/repos/octo/app/installation", jwt(self.key))
        self.assertEqual(status, 200, installation)
        self.assertEqual((installation["id"], installation["app_id"], installation["account"]["login"]),
                         (77, APP_ID, "octo"))
        self.assertTrue(installation["access_tokens_url"].endswith("/app/installations/77/access_tokens"))
        status, answer = self.double.call("GET", "/repos/octo/elsewhere/installation", jwt(self.key))
        self.assertEqual((status, answer["message"]), (404, "Not Found"))

    def test_token_issued_and_recorded_by_hash_only(self):
        before = time.time()
        answer = self.token()
        token = answer["token"]
        self.assertRegex(token, r"^ghs_[A-Za-z0-9]{36}$")
        expires = time.mktime(time.strptime(answer["expires_at"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        self.assertAlmostEqual(expires, before + 3600, delta=5)
        self.assertEqual(answer["permissions"]["checks"], "write")  # the installation's, none requested
        recorded = [t for t in self.double.state()["installation_tokens"]
                    if t["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()]
        self.assertEqual(len(recorded), 1)
        self.assertEqual((recorded[0]["installation"], recorded[0]["expires_at"]), (77, answer["expires_at"]))
        self.assertNotIn(token, self.double.state_file_text())
        status, _ = self.double.call("POST", "/app/installations/999/access_tokens", jwt(self.key), {})
        self.assertEqual(status, 404)

    def test_token_permissions_requested_and_refused(self):
        token = self.token(body={"permissions": {"checks": "read"}})["token"]
        self.assertEqual(self.double.call("GET", f"/repos/octo/app/commits/{SHA}/check-runs", token)[0], 200)
        status, answer = self.double.call("POST", "/repos/octo/app/check-runs", token,
                                          {"name": "pgfence governance", "head_sha": SHA})
        self.assertEqual((status, answer["message"]), (403, "Resource not accessible by integration"))
        self.assertEqual(self.last_request()["auth"], "no-permission")
        status, answer = self.double.call("POST", "/app/installations/79/access_tokens", jwt(self.key),
                                          {"permissions": {"checks": "write"}})
        self.assertEqual(status, 422, answer)
        status, answer = self.double.call("POST", "/app/installations/77/access_tokens", jwt(self.key),
                                          {"repositories": ["other"]})
        self.assertEqual(status, 422, answer)

    def test_token_accepted_on_its_repositories_only(self):
        token = self.token()["token"]
        status, run = self.double.call("POST", "/repos/octo/app/check-runs", token,
                                       {"name": "pgfence governance", "head_sha": SHA, "status": "in_progress"})
        self.assertEqual(status, 201, run)
        self.assertEqual(self.last_request()["credential"], "installation-token")
        status, comment = self.double.call("POST", "/repos/octo/app/issues/3/comments", token, {"body": "Hello."})
        self.assertEqual((status, comment["user"]["login"], comment["user"]["type"]),
                         (201, "pgfence-governance[bot]", "Bot"))
        # Another installation's repository, and this installation's token there: GitHub's 404.
        for credential, path in ((token, "/repos/acme/lib/check-runs"),
                                 (self.token(78)["token"], "/repos/octo/app/check-runs")):
            status, answer = self.double.call("POST", path, credential, {"name": "x", "head_sha": SHA})
            self.assertEqual((status, answer["message"]), (404, "Not Found"))
            self.assertEqual(self.last_request()["auth"], "not-installed")

    def test_unknown_tokens_refused(self):
        for credential in ("ghs_" + "x" * 36, jwt(self.key)):
            status, answer = self.double.call("POST", "/repos/octo/app/check-runs", credential,
                                              {"name": "x", "head_sha": SHA})
            self.assertEqual((status, answer["message"]), (401, "Bad credentials"))

    def test_token_expires(self):
        with Double(SCHEMAS, self.tmp.name, "--app-id", str(APP_ID), "--app-public-key", self.public,
                    "--token-ttl", "2", "--seed", json.dumps(SEED)) as short:
            status, answer = short.call("POST", "/app/installations/77/access_tokens", jwt(self.key), {})
            self.assertEqual(status, 201, answer)
            path = f"/repos/octo/app/commits/{SHA}/check-runs"
            self.assertEqual(short.call("GET", path, answer["token"])[0], 200)
            time.sleep(2.2)
            status, refused = short.call("GET", path, answer["token"])
            self.assertEqual((status, refused["message"]), (401, "Bad credentials"))
            self.assertEqual(short.state()["requests"][-1]["auth"], "expired")

    # --- check runs found again by name ---------------------------------------------------
    def test_check_run_found_by_name_and_updated(self):
        token = self.token()["token"]
        sha = "d" * 40
        for name in ("pgfence governance", "other check", "pgfence governance"):
            status, _ = self.double.call("POST", "/repos/octo/app/check-runs", token,
                                         {"name": name, "head_sha": sha, "status": "in_progress"})
            self.assertEqual(status, 201)
        query = f"/repos/octo/app/commits/{sha}/check-runs?check_name=pgfence+governance"
        status, listed = self.double.call("GET", query, token)
        self.assertEqual((status, listed["total_count"]), (200, 1))  # filter=latest: the newest of the name
        run = listed["check_runs"][0]
        self.assertEqual((run["name"], run["head_sha"], run["status"]), ("pgfence governance", sha, "in_progress"))
        self.assertEqual(self.double.call("GET", query + "&filter=all", token)[1]["total_count"], 2)
        self.assertEqual(self.double.call("GET", query + f"&app_id={APP_ID}", token)[1]["total_count"], 1)
        status, updated = self.double.call("PATCH", f"/repos/octo/app/check-runs/{run['id']}", token,
                                           {"conclusion": "failure", "output": {"title": "1 finding", "summary": "s"}})
        self.assertEqual((status, updated["status"], updated["conclusion"]), (200, "completed", "failure"))
        listed = self.double.call("GET", query + "&status=completed", token)[1]
        self.assertEqual([(r["id"], r["conclusion"], r["output"]["title"]) for r in listed["check_runs"]],
                         [(run["id"], "failure", "1 finding")])
        self.assertEqual(self.double.call("GET", f"/repos/octo/app/commits/{'e' * 40}/check-runs", token)[1],
                         {"total_count": 0, "check_runs": []})
        # A run of another repository is not this one's to update.
        self.assertEqual(self.double.call("PATCH", f"/repos/acme/lib/check-runs/{run['id']}",
                                          self.token(78)["token"], {"status": "queued"})[0], 404)

    def test_list_for_ref_pages(self):
        token = self.token()["token"]
        sha = "f" * 40
        for i in range(3):
            self.double.call("POST", "/repos/octo/app/check-runs", token, {"name": f"check {i}", "head_sha": sha})
        status, page = self.double.call("GET", f"/repos/octo/app/commits/{sha}/check-runs?per_page=2&page=2", token)
        self.assertEqual((status, page["total_count"], len(page["check_runs"])), (200, 3, 1))

    def test_completed_update_needs_conclusion(self):
        token = self.token()["token"]
        status, run = self.double.call("POST", "/repos/octo/app/check-runs", token, {"name": "n", "head_sha": SHA})
        status, answer = self.double.call("PATCH", f"/repos/octo/app/check-runs/{run['id']}", token,
                                          {"status": "completed"})
        self.assertEqual(status, 422, answer)
        self.assertFalse(self.double.state()["requests"][-1]["valid"])
        self.first_request = len(self.double.state()["requests"])  # that one was meant to be invalid


def main():
    global SCHEMAS
    args = sys.argv[1:]
    if "--schemas" not in args:
        sys.exit("usage: test_app_mode.py --schemas DIR [unittest arguments]")
    i = args.index("--schemas")
    SCHEMAS = args[i + 1]
    if not os.path.isdir(SCHEMAS):
        print(f"skipped: no schemas at {SCHEMAS}")
        sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + args[:i] + args[i + 2:], verbosity=2)


if __name__ == "__main__":
    main()
