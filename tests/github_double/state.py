"""What the GitHub test double remembers: comments, check runs, pull requests (their reviews,
review comments and diff), SARIF uploads, injected faults, and the log of every request it was sent."""

import json
import os
import re
import subprocess
import threading
import time

from diff_lines import diff_lines
from github_app import DEFAULT_PERMISSIONS
from oauth import OAuth

ACTIONS_BOT_LOGIN = "github-actions[bot]"
ACTIONS_BOT_ID = 41898282  # github-actions[bot] on github.com


def user_id_of(login):
    """A stable id per login for seeded comments and accounts (the Actions bot keeps its real one)."""
    if login == ACTIONS_BOT_LOGIN:
        return ACTIONS_BOT_ID
    return 100000 + sum(ord(ch) * (i + 1) for i, ch in enumerate(login)) % 900000


_FAULT_PRESETS = {
    "bad-gateway": {"status": 502, "body": {"message": "Server Error"}},
    "server-error": {"status": 500, "body": {"message": "Server Error"}},
    "service-unavailable": {"status": 503, "body": {"message": "Service Unavailable"}},
    "bad-credentials": {"status": 401, "body": {"message": "Bad credentials"}},
    "echo-token": {"status": 401},
    "primary-rate-limit": {"status": 403},  # the message quotes the Authorization header back
    "forbidden": {"status": 403, "body": {"message": "Resource not accessible by integration"}},
    "not-found": {"status": 404, "body": {"message": "Not Found"}},
    "validation": {"status": 422, "body": {"message": "Validation Failed",
                                          "errors": [{"resource": "Issue", "code": "custom",
                                                      "field": "body", "message": "body is too long"}]}},
}


class Fault:
    """A planned misbehaviour for the next `times` matching requests."""

    def __init__(self, spec):
        self.kind = spec.get("kind", "status")
        self.times = int(spec.get("times", 1))
        self.method = spec.get("method")
        self.path = re.compile(spec["path"]) if spec.get("path") else None
        preset = _FAULT_PRESETS.get(self.kind, {})
        self.status = int(spec.get("status", preset.get("status", 500)))
        self.body = spec.get("body", preset.get("body", {"message": "Server Error"}))
        self.headers = dict(spec.get("headers", {}))
        self.delay = float(spec.get("delay", 2.0))
        if self.kind == "secondary-rate-limit":
            self.status = int(spec.get("status", 429))
            self.body = {"message": "You have exceeded a secondary rate limit."}
            self.headers.setdefault("Retry-After", str(spec.get("retry_after", 1)))
        self.reset_in = int(spec.get("reset_in", 1))

    def matches(self, method, path):
        return (self.times > 0 and (not self.method or self.method.upper() == method)
                and (not self.path or self.path.search(path)))

    def response_headers(self):
        headers = dict(self.headers)
        if self.kind == "primary-rate-limit":
            headers.update({"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0",
                            "x-ratelimit-used": "5000",
                            "x-ratelimit-reset": str(int(time.time()) + self.reset_in)})
        return headers

    def response_body(self):
        if self.kind == "primary-rate-limit":
            return {"message": "API rate limit exceeded for installation."}
        return self.body


class State:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.requests = []
        self.comments = {}      # "owner/repo#number" -> [comment]
        self.check_runs = {}    # id -> stored check run (request fields merged)
        self.pulls = {}         # "owner/repo#number" -> {"head_sha":..., "base_ref":...}
        self.files = {}         # "owner/repo#number" -> [{"filename":..., "status":...}]
        self.commits = {}       # "owner/repo#number" -> [{"sha", "author": login | None, "committer": login | None}]
        self.reviews = {}       # "owner/repo#number" -> [review]
        self.review_comments = {}  # "owner/repo#number" -> [review comment]
        self.diff_specs = {}    # "owner/repo#number" -> {"git": {dir, base[, head]}} or {"diff": {...}}
        self.diffs = {}         # ("owner/repo#number", commit) -> {path: {"RIGHT": set, "LEFT": set}}
        self.sarifs = []
        self.installations = {}  # id -> {"id", "account", "repositories": ["o/r"], "permissions"}
        self.contents = {}  # (repo, path) -> text, for repos/get-content
        self.teams = {}          # "org/slug" (lower case) -> {login: "active" | "pending"}
        self.collaborators = {}  # "owner/repo" -> {login: "admin" | "maintain" | "write" | "triage" | "read"}
        self.review_requests = {}  # "owner/repo#number" -> [{"reviewers": [...], "team_reviewers": [...]}]
        self.reactions = []      # [{"repo", "comment_id", "content", "login"}]
        self.app = None          # github_app.App in App mode (it keeps the issued tokens' hashes)
        self.faults = []
        self.link_origin = None  # overrides the origin of Link URLs (to test foreign links)
        self.next_id = 1000
        self.user_login = "pgfence-user"  # whom a user token (not ghs_...) writes as
        self.user_id = 583231
        self.oauth = OAuth()     # the OAuth web flow and organisation membership (oauth.py)

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def add_faults(self, specs):
        self.faults.extend(Fault(s) for s in specs)

    def take_fault(self, method, path):
        for fault in self.faults:
            if fault.matches(method, path):
                fault.times -= 1
                return fault
        return None

    def seed(self, spec):
        """{"comments": [{"repo", "number", "count", "marker", "marker_at": [indexes], "login", "user_id"}],
        "pulls": [{"repo", "number", "head_sha", "base_ref", "files": [names] | count,
                   "commits": [{"sha", "author": login | null, "committer": login | null}],
                   "git": {"dir", "base"[, "head"]} | "diff": {path: [right lines] | {"RIGHT": [...], "LEFT": [...]}}}],
        "installations": [{"id", "account", "repositories": ["o/r"], "permissions": {name: level}}],
        "check_runs": [{"repo", "head_sha", "name", "status", "conclusion", ...}],
        "contents": [{"repo", "path", "text"}],  (repos/get-content answers these files; others 404)
        "teams": [{"team": "org/slug", "members": [logins], "pending": [logins]}],  (replaces that team's members)
        "collaborators": [{"repo", "login", "permission": "write" | ... | null (removed)}],
        "link_origin": "http://elsewhere:1",
        "oauth": {...}, "org_members": {...}}  (oauth.py)"""
        for c in spec.get("comments", []):
            key = f"{c['repo']}#{c['number']}"
            marker_at = set(c.get("marker_at", []))
            for i in range(int(c.get("count", 0))):
                text = f"Seeded comment {i + 1}."
                if i in marker_at:
                    text = f"{c['marker']}\nEarlier pgfence report (seeded {i + 1})."
                comment = {"id": self.new_id(), "body": text, "login": c.get("login", "someone")}
                if "user_id" in c:  # an impostor: the right login with another account's id
                    comment["user_id"] = int(c["user_id"])
                self.comments.setdefault(key, []).append(comment)
        for p in spec.get("pulls", []):
            key = f"{p['repo']}#{p['number']}"
            self.pulls[key] = {"head_sha": p.get("head_sha", "a" * 40), "base_ref": p.get("base_ref", "main")}
            names = p.get("files")
            if isinstance(names, int) or names is None:
                names = [f"migrations/{i + 1:04d}_step.sql" for i in range(int(names or 0))]
            self.files[key] = [{"filename": n, "status": "added"} for n in names]
            if "commits" in p:  # pulls/list-commits: who authored and committed each
                self.commits[key] = [dict(c) for c in p["commits"]]
            if "git" in p or "diff" in p:
                self.diff_specs[key] = {k: p[k] for k in ("git", "diff") if k in p}
                self.diffs = {k: v for k, v in self.diffs.items() if k[0] != key}
        for i in spec.get("installations", []):
            self.installations[int(i["id"])] = {
                "id": int(i["id"]), "account": i.get("account") or i["repositories"][0].split("/")[0],
                "repositories": list(i.get("repositories", [])),
                "permissions": dict(i.get("permissions") or DEFAULT_PERMISSIONS)}
        for run in spec.get("check_runs", []):  # runs some service posted before the double started
            stored = dict(run, id=self.new_id())
            self.check_runs[stored["id"]] = stored
        for c in spec.get("contents", []):
            self.contents[(c["repo"], c["path"])] = c["text"]
        for t in spec.get("teams", []):
            members = {login.lower(): "active" for login in t.get("members", [])}
            members.update({login.lower(): "pending" for login in t.get("pending", [])})
            self.teams[t["team"].lower()] = members
        for c in spec.get("collaborators", []):
            people = self.collaborators.setdefault(c["repo"], {})
            if c.get("permission") is None:
                people.pop(c["login"].lower(), None)
            else:
                people[c["login"].lower()] = c["permission"]
        if "link_origin" in spec:
            self.link_origin = spec["link_origin"]
        self.oauth.seed(spec)

    def diff_of(self, key, commit):
        """The pull request's commentable lines at `commit` (the review's commit_id; the seeded
        head when it has none), or None when no seed gave its diff (then any line is accepted)."""
        if (key, commit) in self.diffs:
            return self.diffs[(key, commit)]
        spec = self.diff_specs.get(key)
        if spec is None:
            return None
        if "git" in spec:
            g = spec["git"]
            lines = diff_lines(g["dir"], g["base"], commit or g.get("head", "HEAD"))
        else:
            lines = {}
            for path, sides in spec["diff"].items():
                if isinstance(sides, list):
                    sides = {"RIGHT": sides}
                lines[path] = {"RIGHT": set(sides.get("RIGHT", [])), "LEFT": set(sides.get("LEFT", []))}
        self.diffs[(key, commit)] = lines
        return lines

    def review_errors(self, key, body):
        """GitHub's 422 reasons for a review's comments: each must be on a line of the diff."""
        try:
            diff = self.diff_of(key, body.get("commit_id"))
        except subprocess.CalledProcessError:
            return [f"No commit found for SHA: {body.get('commit_id')}"]
        if diff is None:
            return []
        errors = []
        for c in body.get("comments") or []:
            if "line" not in c:
                if "position" not in c:
                    errors.append("pull_request_review_thread.line must be present")
                continue  # a diff position: not modelled
            sides = diff.get(c.get("path"))
            if sides is None:
                errors.append("Path could not be resolved")
                continue
            side = c.get("side", "RIGHT")
            if c["line"] not in sides.get(side, set()):
                errors.append("pull_request_review_thread.line must be part of the diff")
            if "start_line" in c:
                start_side = c.get("start_side", side)
                if c["start_line"] not in sides.get(start_side, set()):
                    errors.append("pull_request_review_thread.start_line must be part of the diff")
                elif c["start_line"] >= c["line"]:
                    errors.append("pull_request_review_thread.start_line must precede the end line")
        return errors

    def snapshot(self):
        return {"requests": self.requests, "comments": self.comments,
                "reviews": self.reviews, "review_comments": self.review_comments,
                "check_runs": {str(k): v for k, v in self.check_runs.items()},
                "sarifs": self.sarifs, "faults_left": sum(f.times for f in self.faults),
                "installations": list(self.installations.values()),
                "review_requests": self.review_requests, "reactions": self.reactions,
                "installation_tokens": [{k: v for k, v in t.items() if k != "expires"}
                                        for t in (self.app.tokens.values() if self.app else [])]}

    def save(self):
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.snapshot(), f, indent=1)
        os.replace(tmp, self.path)
