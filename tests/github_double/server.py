#!/usr/bin/env python3
"""A local test double of the GitHub REST API for pgfence's client (see README.md).

Every request body is validated against GitHub's published schema of its operation, every
response it sends against the response schema, and every request is logged to --state."""

import argparse
import base64
import binascii
import gzip
import json
import hashlib
import math
import os
import signal
import socket
import ssl
import sys
import time
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import github_app  # noqa: E402
import openapi  # noqa: E402
from app_routes import AppRoutes  # noqa: E402
from state import ACTIONS_BOT_ID, ACTIONS_BOT_LOGIN, State, user_id_of  # noqa: E402

API_VERSION = "2022-11-28"


class Double(AppRoutes):
    def __init__(self, operations, state, prefix, token, sarif_schema):
        self.ops = operations
        self.by_id = {op.id: op for op in operations}
        self.state = state
        self.prefix = prefix.rstrip("/")
        self.token = token
        self.sarif_schema = sarif_schema

    # --- routing -------------------------------------------------------------------------
    def match(self, method, route):
        for op in self.ops:
            m = op.regex.match(route)
            if m and op.method == method:
                return op, {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
        return None, None

    def serve(self, method, url, headers, raw, origin):
        """Returns (action, status, headers, body, delay); logs the request."""
        route = url.path[len(self.prefix):] if url.path.startswith(self.prefix + "/") else None
        entry = {"method": method, "path": url.path, "query": url.query, "operation": None,
                 "valid": True, "errors": [], "status": None, "response_valid": True,
                 "response_errors": [], "fault": None, "at": round(time.time(), 3),
                 "headers": {"accept": headers.get("Accept"), "user-agent": headers.get("User-Agent"),
                             "x-github-api-version": headers.get("X-GitHub-Api-Version"),
                             "content-type": headers.get("Content-Type")}}
        errors = entry["errors"]
        body = None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
                entry["body"] = body
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                entry["body"] = raw.decode("utf-8", "replace")
                errors.append(f"body is not JSON: {e}")
        op, params = self.match(method, route) if route is not None else (None, None)
        if op:
            entry["operation"] = op.id
            errors.extend(self.check_request(op, raw, body, headers))
        elif route is None:
            errors.append(f"{url.path} is outside the API prefix '{self.prefix}'")
        else:
            errors.append(f"no operation {method} {route} in the schemas")
        entry["auth"] = self.check_auth(headers, op, params, entry)
        fault = self.state.take_fault(method, route or url.path)
        entry["valid"] = not errors
        result = self.respond(entry, fault, op, params, body, url, headers, origin)
        self.state.requests.append(entry)
        self.state.save()
        return result

    def check_request(self, op, raw, body, headers):
        errors = []
        accept = headers.get("Accept") or ""
        if "application/vnd.github" not in accept and "application/json" not in accept:
            errors.append(f"Accept header is '{accept}'")
        if headers.get("X-GitHub-Api-Version") != API_VERSION:
            errors.append(f"X-GitHub-Api-Version is not {API_VERSION}")
        if not headers.get("User-Agent"):
            errors.append("no User-Agent (GitHub rejects such requests)")
        if op.request is not None:
            if not raw:
                errors.append("no request body")
            elif body is not None:
                if "application/json" not in (headers.get("Content-Type") or ""):
                    errors.append("Content-Type is not application/json")
                errors.extend(openapi.errors_of(op.request, body))
                errors.extend(self.extra_rules(op, body))
        elif raw:
            errors.append(f"{op.method} {op.template} takes no body")
        return errors

    def extra_rules(self, op, body):
        errors = []
        if not isinstance(body, dict):
            return errors
        # Upstream says so in prose only: a completed check run needs a conclusion.
        if op.id in ("checks/create", "checks/update") \
                and (body.get("status") == "completed" or "completed_at" in body) and "conclusion" not in body:
            errors.append("conclusion is required when status is completed or completed_at is given")
        # Upstream's description of `body`: required with the COMMENT and REQUEST_CHANGES events.
        if op.id == "pulls/create-review" and body.get("event") in ("COMMENT", "REQUEST_CHANGES") \
                and not body.get("body"):
            errors.append("body is required when event is COMMENT or REQUEST_CHANGES")
        if op.id == "code-scanning/upload-sarif" and isinstance(body.get("sarif"), str):
            errors.extend(self.check_sarif(body["sarif"]))
        return errors

    def check_sarif(self, encoded):
        try:
            packed = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as e:
            return [f"sarif is not base64: {e}"]
        if packed[:2] != b"\x1f\x8b":
            return ["sarif is not gzip-compressed"]
        try:
            document = json.loads(gzip.decompress(packed).decode("utf-8"))
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as e:
            return [f"sarif does not decompress to JSON: {e}"]
        self.state.sarifs.append(document)
        if self.sarif_schema is None:
            return []
        return ["sarif " + e for e in openapi.errors_of(self.sarif_schema, document)][:20]

    def check_auth(self, headers, op, params, entry):
        value = headers.get("Authorization") or ""
        scheme, _, credential = value.partition(" ")
        if not value:
            return "missing"
        if scheme.lower() not in ("bearer", "token") or not credential:
            return "malformed"
        app = self.state.app
        if credential in self.state.oauth.tokens:  # a user's token from the OAuth flow
            entry["credential"] = "user-token"
            # The page asks two things with it; a user's token anywhere else is a bug of ours.
            if op is not None and op.id not in ("users/get-authenticated", "orgs/check-membership-for-user"):
                entry["auth_reason"] = f"a user's sign-in token sent to {op.id}"
                return "no-permission"
            return "ok"
        if app is not None and op is not None:
            return self.check_app_auth(app, op, params, scheme, credential, entry)
        if self.token is not None and credential != self.token:
            return "wrong"
        return "ok"

    # --- answers -------------------------------------------------------------------------
    def respond(self, entry, fault, op, params, body, url, headers, origin):
        delay = 0.0
        if fault:
            entry["fault"] = fault.kind
            if fault.kind == "drop":
                entry["status"] = "dropped"
                return ("drop", 0, {}, None, 0.0)
            if fault.kind == "slow":
                delay = fault.delay
            else:
                answer = fault.response_body()
                if fault.kind == "echo-token":  # a careless server that quotes the credential
                    answer = {"message": f"Bad credentials: {headers.get('Authorization')}"}
                entry["status"] = fault.status
                return ("respond", fault.status, fault.response_headers(), answer, 0.0)
        if entry["auth"] == "missing":
            return self.error(entry, 401, "Requires authentication")
        if entry["auth"] == "bad-jwt":
            return self.error(entry, 401, entry["auth_message"])
        if entry["auth"] == "not-installed":  # GitHub hides what a token may not see behind a 404
            return self.error(entry, 404, "Not Found")
        if entry["auth"] == "no-permission":
            return self.error(entry, 403, "Resource not accessible by integration")
        if entry["auth"] != "ok":
            return self.error(entry, 401, "Bad credentials")
        if op is None:
            return self.error(entry, 404, "Not Found")
        if entry["errors"]:
            return self.error(entry, 422, "Validation Failed",
                              [{"code": "invalid", "message": e} for e in entry["errors"]])
        status, answer, extra = self.handle(op, params, body, url, origin, headers)
        if status in op.responses:
            problems = openapi.errors_of(op.responses[status], answer)
            if problems:  # the double's own bug: fail loudly rather than teach the client wrong shapes
                entry["response_valid"] = False
                entry["response_errors"] = problems[:20]
                return self.error(entry, 500, "test double produced a response outside the schema")
        entry["status"] = status
        return ("respond", status, extra, answer, delay)

    def error(self, entry, status, message, errors=None):
        entry["status"] = status
        answer = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        if errors:
            answer["errors"] = errors
        return ("respond", status, {}, answer, 0.0)

    def token_identity(self, headers):
        """Who a token writes as: an installation token (ghs_..., as Actions' GITHUB_TOKEN) is
        github-actions[bot], any other token the user --user-login (GET /user answers for it)."""
        credential = (headers.get("Authorization") or "").partition(" ")[2]
        app = self.state.app
        if app is not None and app.token_record(credential) is not None:
            login = app.bot_login()
            return {"login": login, "user_id": user_id_of(login), "installation": True}
        if credential.startswith("ghs_"):
            return {"login": ACTIONS_BOT_LOGIN, "user_id": ACTIONS_BOT_ID, "installation": True}
        if credential in self.state.oauth.tokens:
            login = self.state.oauth.tokens[credential]
            return {"login": login, "user_id": user_id_of(login), "installation": False}
        return {"login": self.state.user_login, "user_id": self.state.user_id, "installation": False}

    def handle(self, op, params, body, url, origin, headers):
        repo = f"{params.get('owner')}/{params.get('repo')}"
        st = self.state
        raw_ok = self.by_id[op.id].raw_responses.get(str(op.success_status()), {})
        if op.id == "users/get-authenticated":
            who = self.token_identity(headers)
            if who["installation"]:  # what GitHub answers an integration's token
                return 403, {"message": "Resource not accessible by integration",
                             "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"}, {}
            answer = openapi.synthesize(raw_ok)
            answer.update(login=who["login"], id=who["user_id"], type="User")
            return 200, answer, {}
        if op.id == "orgs/check-membership-for-user":
            # GitHub: 204 a member; 404 not one, asked by a member; 302 to the public list when the
            # requester is not a member themselves.
            requester = self.token_identity(headers)["login"]
            if not st.oauth.is_member(params["org"], requester):
                return 302, None, {"Location": f"{origin}{self.prefix}/orgs/{params['org']}/public_members/{params['username']}"}
            return (204, None, {}) if st.oauth.is_member(params["org"], params["username"]) else \
                (404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {})
        if op.id == "checks/create":
            run = dict(body, id=st.new_id(), repo=repo)
            if st.app is not None and self.token_identity(headers)["installation"]:
                run["app_id"] = st.app.id  # whose run it is, for list-for-ref's app_id
            st.check_runs[run["id"]] = run
            return 201, self.check_run_json(op, run, origin), {}
        if op.id == "checks/update":
            run = st.check_runs.get(int(params["check_run_id"])) if params["check_run_id"].isdigit() else None
            if not run or run["repo"] != repo:
                return 404, {"message": "Not Found"}, {}
            run.update(body)
            return 200, self.check_run_json(op, run, origin), {}
        if op.id == "checks/list-for-ref":
            return self.list_check_runs(op, repo, params["ref"], url, origin)
        if st.app is not None and op.id.startswith("apps/"):
            return self.handle_app(op, params, body, repo, origin, raw_ok)
        if op.id == "issues/list-comments":
            comments = st.comments.get(f"{repo}#{params['issue_number']}", [])
            items = [self.comment_json(c, repo, params["issue_number"], origin) for c in comments]
            return self.paginate(items, url, origin)
        if op.id == "issues/create-comment":
            who = self.token_identity(headers)
            comment = {"id": st.new_id(), "body": body["body"], "login": who["login"], "user_id": who["user_id"]}
            st.comments.setdefault(f"{repo}#{params['issue_number']}", []).append(comment)
            return 201, self.comment_json(comment, repo, params["issue_number"], origin), {}
        if op.id == "issues/update-comment":
            for key, comments in st.comments.items():
                for c in comments:
                    if str(c["id"]) == params["comment_id"] and key.startswith(repo + "#"):
                        c["body"] = body["body"]
                        c["updated"] = c.get("updated", 0) + 1
                        return 200, self.comment_json(c, repo, key.split("#")[1], origin), {}
            return 404, {"message": "Not Found"}, {}
        if op.id == "pulls/get":
            pull = st.pulls.get(f"{repo}#{params['pull_number']}", {"head_sha": "a" * 40, "base_ref": "main"})
            answer = openapi.synthesize(raw_ok)
            answer.update(number=int(params["pull_number"]), state="open", title="Add a migration")
            answer["head"]["sha"] = pull["head_sha"]
            answer["base"]["ref"] = pull["base_ref"]
            return 200, answer, {}
        if op.id == "pulls/list-files":
            files = st.files.get(f"{repo}#{params['pull_number']}", [])
            item_raw = raw_ok.get("items", {})
            items = []
            for f in files:
                item = openapi.synthesize(item_raw)
                item.update(filename=f["filename"], status=f["status"], sha="b" * 40, additions=3, deletions=0,
                            changes=3, patch="@@ -0,0 +1,3 @@")
                items.append(item)
            return self.paginate(items, url, origin)
        if op.id == "pulls/list-commits":
            item_raw = raw_ok["items"]
            items = []
            for c in st.commits.get(f"{repo}#{params['pull_number']}", []):
                item = openapi.synthesize(item_raw)
                api = f"{origin}{self.prefix}/repos/{repo}"
                item.update(sha=c["sha"], node_id=f"C_{c['sha'][:12]}", url=f"{api}/commits/{c['sha']}",
                            html_url=f"https://github.example/{repo}/commit/{c['sha']}",
                            comments_url=f"{api}/commits/{c['sha']}/comments", parents=[])
                for who in ("author", "committer"):
                    login = c.get(who)
                    item[who] = self.user_json(item_raw["properties"][who], {"login": login}) if login else None
                    item["commit"][who] = {"name": login or "someone", "email": f"{login or 'someone'}@example.com",
                                           "date": "2024-05-01T12:00:00Z"}
                item["commit"]["message"] = c.get("message", "a commit")
                items.append(item)
                if len(items) == 250:  # GitHub lists at most 250 commits of a pull request
                    break
            return self.paginate(items, url, origin)
        if op.id == "pulls/create-review":
            key = f"{repo}#{params['pull_number']}"
            problems = st.review_errors(key, body)
            if problems:  # GitHub refuses the whole review for one bad comment
                return 422, {"message": "Unprocessable Entity", "errors": problems,
                             "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"}, {}
            who = self.token_identity(headers)
            pull = st.pulls.get(key, {"head_sha": "a" * 40})
            event = body.get("event")
            review = {"id": st.new_id(), "body": body.get("body", ""), "event": event,
                      "state": {"COMMENT": "COMMENTED", "APPROVE": "APPROVED",
                                "REQUEST_CHANGES": "CHANGES_REQUESTED"}.get(event, "PENDING"),
                      "commit_id": body.get("commit_id") or pull["head_sha"], "login": who["login"],
                      "user_id": who["user_id"]}
            st.reviews.setdefault(key, []).append(review)
            for c in body.get("comments") or []:
                comment = dict(c, id=st.new_id(), review_id=review["id"], commit_id=review["commit_id"],
                               login=who["login"], user_id=who["user_id"])
                st.review_comments.setdefault(key, []).append(comment)
            return 200, self.review_json(op, review, repo, params["pull_number"], origin), {}
        if op.id == "pulls/list-reviews":
            reviews = st.reviews.get(f"{repo}#{params['pull_number']}", [])
            items = [self.review_json(op, r, repo, params["pull_number"], origin) for r in reviews]
            return self.paginate(items, url, origin)
        if op.id == "pulls/list-review-comments":
            comments = st.review_comments.get(f"{repo}#{params['pull_number']}", [])
            items = [self.review_comment_json(c, repo, params["pull_number"], origin) for c in comments]
            return self.paginate(items, url, origin)
        if op.id == "repos/get-content":
            return self.content_json(repo, params["path"], origin)
        if op.id == "teams/get-membership-for-user-in-org":
            members = st.teams.get(f"{params['org']}/{params['team_slug']}".lower(), {})
            state = members.get(params["username"].lower())
            if state is None:
                return 404, {"message": "Not Found",
                             "documentation_url": "https://docs.github.com/rest/teams/members"
                                                  "#get-team-membership-for-a-user"}, {}
            return 200, {"url": f"{origin}{self.prefix}/teams/{user_id_of(params['team_slug'])}/memberships/"
                                f"{params['username']}", "role": "member", "state": state}, {}
        if op.id == "repos/get-collaborator-permission-level":
            login = params["username"]
            permission = st.collaborators.get(repo, {}).get(login.lower())
            answer = openapi.synthesize(raw_ok)
            level = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}.get(permission, "none")
            answer.update(permission=level, role_name=permission or "none",
                          user=self.user_json(raw_ok["properties"]["user"], {"login": login}))
            return 200, answer, {}
        if op.id == "reactions/create-for-issue-comment":
            # Comments made by webhooks in a test are not the double's own: any numeric id is taken.
            if not params["comment_id"].isdigit():
                return 404, {"message": "Not Found"}, {}
            who = self.token_identity(headers)
            reaction = {"id": st.new_id(), "repo": repo, "comment_id": int(params["comment_id"]),
                        "content": body["content"], "login": who["login"]}
            st.reactions.append(reaction)
            raw = self.by_id[op.id].raw_responses["201"]
            answer = openapi.synthesize(raw)
            answer.update(id=reaction["id"], node_id=f"REA_{reaction['id']}", content=body["content"],
                          user=self.user_json(raw["properties"]["user"], who), created_at="2024-05-01T12:00:00Z")
            return 201, answer, {}
        if op.id == "pulls/request-reviewers":
            key = f"{repo}#{params['pull_number']}"
            st.review_requests.setdefault(key, []).append(
                {"reviewers": body.get("reviewers", []), "team_reviewers": body.get("team_reviewers", [])})
            pull = st.pulls.get(key, {"head_sha": "a" * 40, "base_ref": "main"})
            answer = openapi.synthesize(self.by_id[op.id].raw_responses["201"])
            answer.update(number=int(params["pull_number"]), state="open", title="Add a migration")
            answer["head"]["sha"] = pull["head_sha"]
            answer["base"]["ref"] = pull["base_ref"]
            return 201, answer, {}
        if op.id == "code-scanning/upload-sarif":
            upload = str(uuid.uuid4())
            return 202, {"id": upload, "url": f"{origin}{self.prefix}/repos/{repo}/code-scanning/sarifs/{upload}"}, {}
        return op.success_status(), openapi.synthesize(raw_ok), {}

    def content_json(self, repo, path, origin):
        """repos/get-content for a seeded file: GitHub's "Content File" (base64, the blob's sha)."""
        text = self.state.contents.get((repo, path))
        if text is None:
            return 404, {"message": "Not Found",
                         "documentation_url": "https://docs.github.com/rest/repos/contents#get-repository-content"}, {}
        data = text.encode("utf-8")
        sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        api = f"{origin}{self.prefix}/repos/{repo}/contents/{path}"
        git_url = f"{origin}{self.prefix}/repos/{repo}/git/blobs/{sha}"
        html = f"https://github.com/{repo}/blob/main/{path}"
        return 200, {"type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
                     "path": path, "content": base64.b64encode(data).decode("ascii"), "sha": sha, "url": api,
                     "git_url": git_url, "html_url": html,
                     "download_url": f"https://raw.githubusercontent.com/{repo}/main/{path}",
                     "_links": {"git": git_url, "html": html, "self": api}}, {}

    def list_check_runs(self, op, repo, ref, url, origin):
        """checks/list-for-ref: the runs on a commit (by sha), filtered as GitHub's query allows."""
        query = dict(urllib.parse.parse_qsl(url.query))
        runs = [r for r in self.state.check_runs.values() if r["repo"] == repo and r.get("head_sha") == ref]
        if "check_name" in query:
            runs = [r for r in runs if r.get("name") == query["check_name"]]
        if "app_id" in query:
            runs = [r for r in runs if str(r.get("app_id")) == query["app_id"]]
        if query.get("filter", "latest") == "latest":  # the newest run of each name
            newest = {}
            for r in sorted(runs, key=lambda r: r["id"]):
                newest[r.get("name")] = r
            runs = list(newest.values())
        if "status" in query:
            runs = [r for r in runs if ("completed" if r.get("conclusion") else r.get("status", "queued"))
                    == query["status"]]
        runs.sort(key=lambda r: r["id"], reverse=True)
        item_raw = op.raw_responses["200"]["properties"]["check_runs"]["items"]
        items = [self.check_run_json(None, r, origin, item_raw) for r in runs]
        status, page, extra = self.paginate(items, url, origin)
        if status != 200:
            return status, page, extra
        return 200, {"total_count": len(runs), "check_runs": page}, extra

    def check_run_json(self, op, run, origin, raw=None):
        answer = openapi.synthesize(raw or op.raw_responses[str(op.success_status())])
        conclusion = run.get("conclusion")
        status = "completed" if conclusion else run.get("status", "queued")
        output = run.get("output", {})
        answer.update(id=run["id"], name=run.get("name"), head_sha=run.get("head_sha"), status=status,
                      conclusion=conclusion, external_id=run.get("external_id"),
                      details_url=run.get("details_url"),
                      url=f"{origin}{self.prefix}/repos/{run['repo']}/check-runs/{run['id']}",
                      html_url=f"https://github.example/{run['repo']}/runs/{run['id']}",
                      output={"title": output.get("title"), "summary": output.get("summary"),
                              "text": output.get("text"),
                              "annotations_count": len(output.get("annotations", [])),
                              "annotations_url": f"{origin}{self.prefix}/repos/{run['repo']}"
                                                 f"/check-runs/{run['id']}/annotations"})
        return answer

    def user_json(self, raw_user, c):
        user = openapi.synthesize(openapi.not_null(raw_user))
        login = c.get("login", "someone")
        user.update(login=login, id=c.get("user_id", user_id_of(login)),
                    type="Bot" if login.endswith("[bot]") else "User")
        return user

    def review_json(self, op, r, repo, number, origin):
        item = op.raw_responses["200"]
        raw = item["items"] if item.get("type") == "array" else item
        answer = openapi.synthesize(raw)
        api = f"{origin}{self.prefix}/repos/{repo}"
        answer.update(id=r["id"], node_id=f"PRR_{r['id']}", user=self.user_json(raw["properties"]["user"], r),
                      body=r["body"], state=r["state"], commit_id=r["commit_id"],
                      html_url=f"https://github.example/{repo}/pull/{number}#pullrequestreview-{r['id']}",
                      pull_request_url=f"{api}/pulls/{number}")
        return answer

    def review_comment_json(self, c, repo, number, origin):
        raw = self.by_id["pulls/list-review-comments"].raw_responses["200"]["items"]
        answer = openapi.synthesize(raw)
        api = f"{origin}{self.prefix}/repos/{repo}"
        start = c.get("start_line")
        answer.update(id=c["id"], node_id=f"PRRC_{c['id']}", pull_request_review_id=c["review_id"],
                      path=c["path"], body=c["body"], commit_id=c["commit_id"], original_commit_id=c["commit_id"],
                      line=c["line"], original_line=c["line"], side=c.get("side", "RIGHT"),
                      start_line=start, original_start_line=start,
                      start_side=c.get("start_side", c.get("side", "RIGHT")) if start is not None else None,
                      diff_hunk=f"@@ -0,0 +{c['line']} @@", user=self.user_json(raw["properties"]["user"], c),
                      url=f"{api}/pulls/comments/{c['id']}", pull_request_url=f"{api}/pulls/{number}",
                      html_url=f"https://github.example/{repo}/pull/{number}#discussion_r{c['id']}")
        return answer

    def comment_json(self, c, repo, number, origin):
        raw = self.by_id["issues/create-comment"].raw_responses["201"]
        answer = openapi.synthesize(raw)
        user = self.user_json(raw["properties"]["user"], c)
        api = f"{origin}{self.prefix}/repos/{repo}"
        answer.update(id=c["id"], node_id=f"IC_{c['id']}", body=c["body"], user=user,
                      url=f"{api}/issues/comments/{c['id']}", issue_url=f"{api}/issues/{number}",
                      html_url=f"https://github.example/{repo}/pull/{number}#issuecomment-{c['id']}")
        return answer

    def paginate(self, items, url, origin):
        query = dict(urllib.parse.parse_qsl(url.query))
        try:
            per_page = max(1, min(100, int(query.get("per_page", "30"))))
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            return 422, {"message": "per_page and page must be integers"}, {}
        last = max(1, math.ceil(len(items) / per_page))
        links = []

        def link(p, rel):
            q = dict(query, page=str(p))
            base = self.state.link_origin or origin
            links.append(f'<{base}{url.path}?{urllib.parse.urlencode(q)}>; rel="{rel}"')

        if page < last:
            link(page + 1, "next")
            link(last, "last")
        if page > 1:
            link(page - 1, "prev")
            link(1, "first")
        extra = {"Link": ", ".join(links)} if links else {}
        return 200, items[(page - 1) * per_page:page * per_page], extra


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        double = self.server.double
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path.startswith("/_double/"):
            return self.control(double, method, url.path, raw)
        if double.state.oauth.handles(url.path):  # github.com's OAuth pages, not the API
            with double.state.lock:
                entry, status, extra, data, ctype = double.state.oauth.serve(method, url, self.headers, raw)
                # A "slow" fault whose path matches holds the answer (outside the lock), as a
                # slow github.com would.
                fault = double.state.take_fault(method, url.path)
                if fault is not None and fault.kind == "slow":
                    entry["fault"] = "slow"
                delay = fault.delay if fault is not None and fault.kind == "slow" else 0.0
                double.state.requests.append(entry)
                double.state.save()
            if delay:
                time.sleep(delay)
            return self.send_raw(status, data, ctype, extra)
        origin = self.server.scheme + "://" + (self.headers.get("Host") or "127.0.0.1")
        with double.state.lock:
            action, status, headers, body, delay = double.serve(method, url, self.headers, raw, origin)
        if action == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if delay:
            time.sleep(delay)
        self.send_json(status, body, headers)

    def control(self, double, method, path, raw):
        st = double.state
        with st.lock:
            if method == "GET" and path == "/_double/state":
                return self.send_json(200, st.snapshot())
            spec = json.loads(raw or b"null")
            if method == "POST" and path == "/_double/faults":
                st.add_faults(spec if isinstance(spec, list) else [spec])
            elif method == "POST" and path == "/_double/seed":
                st.seed(spec)
            else:
                return self.send_json(404, {"message": "unknown control endpoint"})
            st.save()
        self.send_json(200, {"ok": True})

    def send_raw(self, status, data, content_type, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_json(self, status, body, headers=None):
        if status in (204, 302):  # No Content, a redirect: no body
            return self.send_raw(status, b"", "application/json; charset=utf-8", headers)
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a slow-response fault)


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that rejects the certificate or hangs up is part of the tests


def _json_arg(text):
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            return json.load(f)
    return json.loads(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="also write the port here")
    ap.add_argument("--schemas", required=True, help="shared/schemas/github")
    ap.add_argument("--sarif-schema", help="validate uploaded SARIF against this schema too")
    ap.add_argument("--state", help="JSON file rewritten after every request (the request log)")
    ap.add_argument("--prefix", default="", help="API path prefix, e.g. /api/v3 for GHES")
    ap.add_argument("--token", help="the only accepted token (default: any non-empty one)")
    ap.add_argument("--user-login", default="pgfence-user",
                    help="whom GET /user names for a token that is not an installation token (ghs_...)")
    ap.add_argument("--user-id", type=int, default=583231, help="that user's id")
    ap.add_argument("--app-id", type=int, help="App mode: the GitHub App's id (the JWTs' iss)")
    ap.add_argument("--app-public-key", help="App mode: the App's RSA public key (PEM) that verifies JWTs")
    ap.add_argument("--app-slug", default="pgfence-governance", help="the App's slug (its bot is SLUG[bot])")
    ap.add_argument("--token-ttl", type=int, default=3600, help="installation tokens' lifetime in seconds")
    ap.add_argument("--tls-cert", help="serve https with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    ap.add_argument("--fault", action="append", default=[], type=_json_arg, help="fault JSON (or @file)")
    ap.add_argument("--seed", action="append", default=[], type=_json_arg, help="seed JSON (or @file)")
    args = ap.parse_args()

    sarif_schema = None
    if args.sarif_schema:
        with open(args.sarif_schema, encoding="utf-8") as f:
            sarif_schema = json.load(f)
    state = State(args.state)
    state.user_login, state.user_id = args.user_login, args.user_id
    if args.app_id is not None:
        if not args.app_public_key:
            ap.error("--app-id needs --app-public-key")
        with open(args.app_public_key, "rb") as f:
            state.app = github_app.App(args.app_id, f.read(), args.app_slug, args.token_ttl)
    for spec in args.seed:
        state.seed(spec)
    for spec in args.fault:
        state.add_faults(spec if isinstance(spec, list) else [spec])
    server = Server((args.host, args.port), Handler)
    server.daemon_threads = True
    server.scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.scheme = "https"
    # The shared schemas, then the double's own (tests/github_double/schemas: operations the shared
    # folder lacks, in its format), never replacing a shared one.
    operations = openapi.load_operations(args.schemas)
    known = {op.id for op in operations}
    own = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")
    operations += [op for op in openapi.load_operations(own) if op.id not in known]
    server.double = Double(operations, state, args.prefix, args.token, sarif_schema)
    state.save()
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever(poll_interval=0.1)
    except (KeyboardInterrupt, SystemExit):
        pass
    server.server_close()


if __name__ == "__main__":
    main()
