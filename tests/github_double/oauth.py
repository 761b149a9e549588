"""GitHub's OAuth web flow, as the double plays it for a GitHub App's client (the governance page's
sign-in), and organisation membership for the users it signs in.

- GET /login/oauth/authorize?client_id&redirect_uri&state&code_challenge&code_challenge_method:
  GitHub's consent page. The double's user (seeded "login") consents at once: a 302 back to
  redirect_uri with a one-time code and the state unchanged. An unknown client_id, or a
  redirect_uri other than the registered callback, is GitHub's error page (400); without a seeded
  login the user declines (error=access_denied). PKCE as GitHub has it: code_challenge_method must
  be S256 (GitHub takes no other); a request without a challenge is answered but logged invalid
  (GitHub does not require PKCE, the service always sends it).
- POST /login/oauth/access_token (form or JSON: client_id, client_secret, code, redirect_uri,
  code_verifier): the code for a user-to-server token (ghu_...), once, within ten minutes; a code
  issued for a challenge needs the verifier whose S256 is that challenge. As GitHub does, a refused
  exchange is HTTP 200 with {"error": ...}.
- The tokens it issued act as their user on the API (GET /user), and
  GET /orgs/{org}/members/{username} answers 204 for a seeded member, 404 otherwise.

Seed: {"oauth": {"client_id", "client_secret", "login", "redirect_uri"}, "org_members": {"org": [logins]}}."""

import base64
import hashlib
import json
import secrets
import time
import urllib.parse

CODE_LIFETIME = 600


class OAuth:
    def __init__(self):
        self.clients = {}       # client_id -> {"secret", "redirect_uri"}
        self.login = None       # who signs in at the consent page
        self.codes = {}         # code -> {"login", "client_id", "redirect_uri", "issued"}
        self.tokens = {}        # ghu_... -> login
        self.org_members = {}   # org (lower case) -> {logins, lower case}

    def seed(self, spec):
        o = spec.get("oauth")
        if o:
            self.clients[o["client_id"]] = {"secret": o["client_secret"], "redirect_uri": o.get("redirect_uri")}
            if "login" in o:
                self.login = o["login"]
        for org, logins in (spec.get("org_members") or {}).items():
            self.org_members[org.lower()] = {x.lower() for x in logins}

    def is_member(self, org, login):
        return (login or "").lower() in self.org_members.get((org or "").lower(), set())

    def handles(self, path):
        return path in ("/login/oauth/authorize", "/login/oauth/access_token")

    def serve(self, method, url, headers, raw):
        """Returns (entry, status, response headers, body bytes, content type)."""
        entry = {"method": method, "path": url.path, "query": "", "operation": None, "valid": True, "errors": [],
                 "status": None, "response_valid": True, "response_errors": [], "fault": None,
                 "headers": {"accept": headers.get("Accept"), "user-agent": headers.get("User-Agent"),
                             "content-type": headers.get("Content-Type")}}
        if url.path == "/login/oauth/authorize" and method == "GET":
            entry["operation"] = "oauth/authorize"
            status, extra, body = self.authorize(urllib.parse.parse_qs(url.query), entry)
            entry["status"] = status
            return entry, status, extra, body.encode(), "text/plain; charset=utf-8"
        if url.path == "/login/oauth/access_token" and method == "POST":
            entry["operation"] = "oauth/access-token"
            answer = self.access_token(raw, headers, entry)
            entry["status"] = 200
            return entry, 200, {}, json.dumps(answer).encode(), "application/json; charset=utf-8"
        entry["valid"] = False
        entry["errors"].append(f"{method} {url.path}: not an OAuth endpoint")
        entry["status"] = 404
        return entry, 404, {}, b"Not Found", "text/plain; charset=utf-8"

    def authorize(self, query, entry):
        one = {k: v[0] for k, v in query.items() if v}
        entry["query"] = {k: v for k, v in one.items()}
        client = self.clients.get(one.get("client_id", ""))
        if client is None:
            entry["valid"] = False
            entry["errors"].append("unknown client_id")
            return 400, {}, "The client_id is not an OAuth application's."
        redirect_uri = one.get("redirect_uri") or client["redirect_uri"]
        if not redirect_uri or (client["redirect_uri"] and redirect_uri != client["redirect_uri"]):
            entry["valid"] = False
            entry["errors"].append(f"redirect_uri {redirect_uri!r} is not the registered callback")
            return 400, {}, "The redirect_uri is not this application's callback URL."
        challenge = one.get("code_challenge")
        if challenge is not None and one.get("code_challenge_method") != "S256":
            entry["valid"] = False
            entry["errors"].append("code_challenge_method is not S256 (the only method GitHub accepts)")
            return 400, {}, "The code_challenge_method must be S256."
        if challenge is None:
            entry["valid"] = False
            entry["errors"].append("no PKCE code_challenge")
        back = {"state": one.get("state", "")}
        if self.login is None:
            back["error"] = "access_denied"
        else:
            code = secrets.token_hex(10)
            self.codes[code] = {"login": self.login, "client_id": one["client_id"], "redirect_uri": redirect_uri,
                                "issued": time.time(), "challenge": challenge}
            back["code"] = code
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": redirect_uri + separator + urllib.parse.urlencode(back)}, ""

    def access_token(self, raw, headers, entry):
        ctype = headers.get("Content-Type") or ""
        text = raw.decode("utf-8", "replace")
        if "json" in ctype:
            try:
                form = json.loads(text)
            except json.JSONDecodeError:
                form = {}
        else:
            form = {k: v[0] for k, v in urllib.parse.parse_qs(text).items() if v}
        if "application/json" not in (headers.get("Accept") or ""):
            entry["valid"] = False
            entry["errors"].append("Accept is not application/json (GitHub would answer form-encoded)")
        entry["body"] = {k: ("<secret>" if k == "client_secret" else v) for k, v in form.items()}
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not secrets.compare_digest(client["secret"], form.get("client_secret", "")):
            return {"error": "incorrect_client_credentials",
                    "error_description": "The client_id and/or client_secret passed are incorrect."}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["client_id"] != form["client_id"] or time.time() - grant["issued"] > CODE_LIFETIME:
            return {"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}
        if form.get("redirect_uri") and form["redirect_uri"] != grant["redirect_uri"]:
            return {"error": "redirect_uri_mismatch",
                    "error_description": "The redirect_uri MUST match the registered callback URL for this application."}
        if grant["challenge"] is not None:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or not secrets.compare_digest(digest, grant["challenge"]):
                return {"error": "bad_verification_code",
                        "error_description": "The code_verifier does not match the code_challenge."}
        token = "ghu_" + secrets.token_hex(18)
        self.tokens[token] = grant["login"]
        return {"access_token": token, "token_type": "bearer", "scope": ""}
