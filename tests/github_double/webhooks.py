#!/usr/bin/env python3
"""Webhook deliveries as GitHub sends them, for tests of the governance service (see README.md).

build() makes the payload of an event and action from a few parameters, filling every field
GitHub sends with realistic values; validate() checks it against GitHub's published schema
(../shared/schemas/github/webhooks/<event>-<action>.json) and raises when it is not one;
delivery() signs it and adds GitHub's headers; send() posts it and returns (status, body)."""

import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import sys
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openapi  # noqa: E402
from state import user_id_of  # noqa: E402

SCHEMAS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "..", "..", "shared", "schemas", "github", "webhooks"))
WEB, API = "https://github.com", "https://api.github.com"
HOOKSHOT = "GitHub-Hookshot/8e03811"
CREATED, UPDATED = "2024-05-01T12:00:00Z", "2024-05-02T08:30:00Z"
APP_ID, HOOK_ID = 123456, 429938761
EVENTS = {"pull_request": ("opened", "synchronize", "reopened", "closed"), "check_run": ("rerequested",),
          "installation": ("created",), "ping": (None,), "pull_request_review": ("submitted", "dismissed"),
          "issue_comment": ("created", "edited")}


_instants = [0]


def instant(at=None):
    """GitHub's instant of a review or comment: `at` when given, else UPDATED plus one second more
    for each one built, so that what a test sends in order was also made in that order."""
    if at:
        return at
    _instants[0] += 1
    moment = datetime.datetime.strptime(UPDATED, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=_instants[0])
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class PayloadInvalid(Exception):
    """The payload is not what GitHub would send: the schema's errors."""


def sign(secret, body):
    """GitHub's X-Hub-Signature-256 value: sha256=<hex HMAC-SHA256 of the body with the secret>."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def _node(prefix, number):
    return f"{prefix}_kgDO{number:08d}"


def user(login, kind=None):
    kind = kind or ("Bot" if login.endswith("[bot]") else "User")
    uid, api = user_id_of(login), f"{API}/users/{login}"
    return {"login": login, "id": uid, "node_id": _node("U" if kind == "User" else kind[0], uid),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4", "gravatar_id": "",
            "url": api, "html_url": f"{WEB}/{login}", "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}", "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs", "repos_url": f"{api}/repos", "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events", "type": kind, "user_view_type": "public",
            "site_admin": False}


def organization(login):
    uid, api = user_id_of(login), f"{API}/orgs/{login}"
    return {"login": login, "id": uid, "node_id": _node("O", uid), "url": api, "repos_url": f"{api}/repos",
            "events_url": f"{api}/events", "hooks_url": f"{api}/hooks", "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}", "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4", "description": None}


def repository(full_name, private=False):
    owner, name = full_name.split("/")
    rid, api = user_id_of(full_name) + 700000000, f"{API}/repos/{full_name}"
    templates = {"keys": "/keys{/key_id}", "collaborators": "/collaborators{/collaborator}", "teams": "/teams",
                 "hooks": "/hooks", "issue_events": "/issues/events{/number}", "events": "/events",
                 "assignees": "/assignees{/user}", "branches": "/branches{/branch}", "tags": "/tags",
                 "blobs": "/git/blobs{/sha}", "git_tags": "/git/tags{/sha}", "git_refs": "/git/refs{/sha}",
                 "trees": "/git/trees{/sha}", "statuses": "/statuses/{sha}", "languages": "/languages",
                 "stargazers": "/stargazers", "contributors": "/contributors", "subscribers": "/subscribers",
                 "subscription": "/subscription", "commits": "/commits{/sha}", "git_commits": "/git/commits{/sha}",
                 "comments": "/comments{/number}", "issue_comment": "/issues/comments{/number}",
                 "contents": "/contents/{+path}", "compare": "/compare/{base}...{head}", "merges": "/merges",
                 "archive": "/{archive_format}{/ref}", "downloads": "/downloads", "issues": "/issues{/number}",
                 "pulls": "/pulls{/number}", "milestones": "/milestones{/number}",
                 "notifications": "/notifications{?since,all,participating}", "labels": "/labels{/name}",
                 "releases": "/releases{/id}", "deployments": "/deployments", "forks": "/forks"}
    repo = {"id": rid, "node_id": _node("R", rid), "name": name, "full_name": full_name, "private": private,
            "owner": user(owner, "Organization"), "html_url": f"{WEB}/{full_name}",
            "description": "Database migrations under review", "fork": False, "url": api}
    repo.update({f"{key}_url": api + path for key, path in templates.items()})
    repo.update({"created_at": CREATED, "updated_at": UPDATED, "pushed_at": UPDATED,
                 "git_url": f"git://github.com/{full_name}.git", "ssh_url": f"git@github.com:{full_name}.git",
                 "clone_url": f"{WEB}/{full_name}.git", "svn_url": f"{WEB}/{full_name}", "homepage": None,
                 "size": 2048, "stargazers_count": 4, "watchers_count": 4, "language": "PLpgSQL",
                 "has_issues": True, "has_projects": True, "has_downloads": True, "has_wiki": True,
                 "has_pages": False, "has_discussions": False, "forks_count": 0, "mirror_url": None,
                 "archived": False, "disabled": False, "open_issues_count": 1, "license": None,
                 "allow_forking": True, "is_template": False, "web_commit_signoff_required": False,
                 "topics": [], "visibility": "private" if private else "public", "forks": 0,
                 "open_issues": 1, "watchers": 4, "default_branch": "main"})
    return repo


def pull_request(p, action):
    repo, number, api = p["repository"], p["number"], f"{API}/repos/{p['repository']}"
    closed = action == "closed"
    merged = closed and p["merged"]
    pid = user_id_of(f"{repo}#{number}") + 1800000000

    def side(ref, sha, full_name):
        return {"label": f"{full_name.split('/')[0]}:{ref}", "ref": ref, "sha": sha,
                "user": user(full_name.split("/")[0], "Organization"), "repo": repository(full_name)}

    links = {"self": f"{api}/pulls/{number}", "html": f"{WEB}/{repo}/pull/{number}",
             "issue": f"{api}/issues/{number}", "comments": f"{api}/issues/{number}/comments",
             "review_comments": f"{api}/pulls/{number}/comments", "review_comment": f"{api}/pulls/comments{{/number}}",
             "commits": f"{api}/pulls/{number}/commits", "statuses": f"{api}/statuses/{p['head_sha']}"}
    return {"url": links["self"], "id": pid, "node_id": _node("PR", pid), "html_url": links["html"],
            "diff_url": f"{links['html']}.diff", "patch_url": f"{links['html']}.patch", "issue_url": links["issue"],
            "number": number, "state": "closed" if closed else "open", "locked": False,
            "title": p["title"], "user": user(p["author"]), "body": "Adds a migration.",
            "created_at": CREATED, "updated_at": UPDATED, "closed_at": UPDATED if closed else None,
            "merged_at": UPDATED if merged else None, "merge_commit_sha": p["merge_sha"] if merged else None,
            "assignee": None, "assignees": [], "requested_reviewers": [], "requested_teams": [], "labels": [],
            "milestone": None, "draft": False, "commits_url": links["commits"],
            "review_comments_url": links["review_comments"], "review_comment_url": links["review_comment"],
            "comments_url": links["comments"], "statuses_url": links["statuses"],
            "head": side(p["head_ref"], p["head_sha"], p["head_repository"] or repo),
            "base": side(p["base_ref"], p["base_sha"], repo),
            "_links": {k: {"href": v} for k, v in links.items()}, "author_association": "CONTRIBUTOR",
            "auto_merge": None, "active_lock_reason": None, "merged": merged, "mergeable": None,
            "rebaseable": None, "mergeable_state": "unknown", "merged_by": user(p["sender"]) if merged else None,
            "comments": 0, "review_comments": 0, "maintainer_can_modify": False, "commits": 1,
            "additions": 12, "deletions": 0, "changed_files": 1}


def review(p, action):
    """A pull request review by p["actor"] on the head commit: p["review_state"] when submitted
    (GitHub's lower-case states: approved, commented, changes_requested), dismissed when dismissed."""
    repo, number, rid = p["repository"], p["number"], p["review_id"]
    html = f"{WEB}/{repo}/pull/{number}#pullrequestreview-{rid}"
    pull_url = f"{API}/repos/{repo}/pulls/{number}"
    return {"id": rid, "node_id": _node("PRR", rid), "user": user(p["actor"]), "body": p["body"],
            "commit_id": p["head_sha"], "submitted_at": p["at"], "updated_at": p["at"],
            "state": "dismissed" if action == "dismissed" else p["review_state"], "html_url": html,
            "pull_request_url": pull_url, "author_association": "MEMBER",
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}}}


def issue_of_pull(p):
    """The issue side of a pull request, as issue_comment sends it (pull_request set: it is one)."""
    repo, number, api = p["repository"], p["number"], f"{API}/repos/{p['repository']}"
    iid = user_id_of(f"{repo}#{number}") + 1900000000
    issue = {"url": f"{api}/issues/{number}", "repository_url": api, "labels_url": f"{api}/issues/{number}/labels{{/name}}",
             "comments_url": f"{api}/issues/{number}/comments", "events_url": f"{api}/issues/{number}/events",
             "html_url": f"{WEB}/{repo}/pull/{number}", "id": iid, "node_id": _node("PR", iid), "number": number,
             "title": p["title"], "user": user(p["author"]), "labels": [], "state": "open", "locked": False,
             "assignee": None, "assignees": [], "milestone": None, "comments": 1, "created_at": CREATED,
             "updated_at": UPDATED, "closed_at": None, "author_association": "CONTRIBUTOR", "active_lock_reason": None,
             "draft": False, "body": "Adds a migration.", "performed_via_github_app": None,
             "timeline_url": f"{api}/issues/{number}/timeline", "state_reason": None,
             "reactions": reactions(f"{api}/issues/{number}/reactions")}
    if p["on_pull_request"]:
        issue["pull_request"] = {"url": f"{api}/pulls/{number}", "html_url": f"{WEB}/{repo}/pull/{number}",
                                 "diff_url": f"{WEB}/{repo}/pull/{number}.diff",
                                 "patch_url": f"{WEB}/{repo}/pull/{number}.patch", "merged_at": None}
    else:
        issue["html_url"] = f"{WEB}/{repo}/issues/{number}"
    return issue


def reactions(url):
    return {"url": url, "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 0,
            "rocket": 0, "eyes": 0}


def comment(p):
    repo, number, cid, api = p["repository"], p["number"], p["comment_id"], f"{API}/repos/{p['repository']}"
    return {"url": f"{api}/issues/comments/{cid}", "html_url": f"{WEB}/{repo}/pull/{number}#issuecomment-{cid}",
            "issue_url": f"{api}/issues/{number}", "id": cid, "node_id": _node("IC", cid), "user": user(p["actor"]),
            "created_at": p["at"], "updated_at": p["at"], "author_association": "MEMBER",
            "performed_via_github_app": None, "body": p["body"] or "",
            "reactions": reactions(f"{api}/issues/comments/{cid}/reactions")}


def app_json(app_id, slug, owner):
    return {"id": app_id, "client_id": f"Iv1.{app_id:016x}", "slug": slug, "node_id": _node("A", app_id),
            "owner": user(owner, "Organization"), "name": slug, "description": "Migration governance",
            "external_url": "https://pgfence.example", "html_url": f"{WEB}/apps/{slug}",
            "created_at": CREATED, "updated_at": UPDATED,
            "permissions": {"checks": "write", "contents": "read", "issues": "write", "members": "read",
                            "metadata": "read", "pull_requests": "write", "statuses": "write"},
            "events": ["check_run", "pull_request", "pull_request_review"]}


def installation_full(p):
    iid, owner = p["installation"], p["repository"].split("/")[0]
    app = app_json(p["app_id"], p["app_slug"], owner)
    return {"id": iid, "client_id": app["client_id"], "account": user(owner, "Organization"),
            "repository_selection": "selected", "access_tokens_url": f"{API}/app/installations/{iid}/access_tokens",
            "repositories_url": f"{API}/installation/repositories",
            "html_url": f"{WEB}/organizations/{owner}/settings/installations/{iid}", "app_id": p["app_id"],
            "app_slug": p["app_slug"], "target_id": user_id_of(owner), "target_type": "Organization",
            "permissions": app["permissions"], "events": app["events"], "created_at": CREATED, "updated_at": CREATED,
            "single_file_name": None, "has_multiple_single_files": False, "single_file_paths": [],
            "suspended_by": None, "suspended_at": None}


def check_run(p):
    repo, api, rid = p["repository"], f"{API}/repos/{p['repository']}", p["check_run_id"]
    app = app_json(p["app_id"], p["app_slug"], repo.split("/")[0])

    def ref(name, sha):
        r = repository(repo)
        return {"ref": name, "sha": sha, "repo": {"id": r["id"], "url": r["url"], "name": r["name"]}}

    pulls = [{"url": f"{api}/pulls/{p['number']}", "id": user_id_of(f"{repo}#{p['number']}") + 1800000000,
              "number": p["number"], "head": ref(p["head_ref"], p["head_sha"]),
              "base": ref(p["base_ref"], p["base_sha"])}]
    suite = {"id": rid + 5000, "node_id": _node("CS", rid + 5000), "head_branch": p["head_ref"],
             "head_sha": p["head_sha"], "status": "completed", "conclusion": "failure",
             "url": f"{api}/check-suites/{rid + 5000}", "before": p["before_sha"] or "0" * 40,
             "after": p["head_sha"], "pull_requests": pulls, "app": app, "created_at": CREATED, "updated_at": UPDATED}
    return {"id": rid, "name": p["check_name"], "node_id": _node("CR", rid), "head_sha": p["head_sha"],
            "external_id": "", "url": f"{api}/check-runs/{rid}", "html_url": f"{WEB}/{repo}/runs/{rid}",
            "details_url": "https://pgfence.example/runs", "status": "completed", "conclusion": "failure",
            "started_at": CREATED, "completed_at": UPDATED,
            "output": {"title": "2 findings", "summary": "Migrations take locks.", "text": None,
                       "annotations_count": 0, "annotations_url": f"{api}/check-runs/{rid}/annotations"},
            "check_suite": suite, "app": app, "pull_requests": pulls}


def build(event, action=None, *, repository_name="octo/app", number=1, head_sha="1" * 40, base_sha="2" * 40,
          head_ref="feature/migration", base_ref="main", sender="octocat", installation=77, merged=False,
          before_sha=None, head_repository=None, app_id=APP_ID, app_slug="pgfence-governance",
          check_run_id=4242, check_name="pgfence governance", title="Add a migration", author=None, actor=None,
          body=None, review_id=None, review_state="approved", comment_id=None, on_pull_request=True, previous_body="", at=None):
    """The payload GitHub sends for `event` (and `action`); see EVENTS for the kinds built here.
    pull_request_review and issue_comment: `actor` reviews or comments (default: the sender) with
    `body`; `author` opened the pull request (default: the sender); `at` is when the review was
    submitted or the comment made (default: instant())."""
    if event not in EVENTS or action not in EVENTS[event]:
        raise ValueError(f"no builder for {event} {action}")
    p = dict(repository=repository_name, number=number, head_sha=head_sha, base_sha=base_sha, head_ref=head_ref,
             base_ref=base_ref, sender=sender, installation=installation, merged=merged, before_sha=before_sha,
             head_repository=head_repository, app_id=app_id, app_slug=app_slug, check_run_id=check_run_id,
             check_name=check_name, title=title, author=author or sender, merge_sha="3" * 40,
             actor=actor or sender, body=body, review_id=review_id or user_id_of(f"review {body}") + 2000000000,
             review_state=review_state, comment_id=comment_id or user_id_of(f"comment {body}") + 2100000000,
             on_pull_request=on_pull_request, at=instant(at) if event in ("pull_request_review", "issue_comment") else None)
    owner = repository_name.split("/")[0]
    simple_installation = {"id": installation, "node_id": _node("MDIz", installation)}
    if event == "ping":
        hook = {"type": "App", "id": HOOK_ID, "name": "web", "active": True, "events": list(EVENTS),
                "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://pgfence.example/webhook"},
                "updated_at": CREATED, "created_at": CREATED, "app_id": app_id,
                "deliveries_url": f"{API}/app/hook/deliveries"}
        return {"zen": "Keep it logically awesome.", "hook_id": HOOK_ID, "hook": hook,
                "sender": user(sender)}
    if event == "installation":
        repo = repository(repository_name)
        return {"action": action, "installation": installation_full(p),
                "repositories": [{k: repo[k] for k in ("id", "node_id", "name", "full_name", "private")}],
                "requester": None, "sender": user(sender)}
    common = {"repository": repository(repository_name), "organization": organization(owner),
              "sender": user(sender), "installation": simple_installation}
    if event == "check_run":
        return dict({"action": action, "check_run": check_run(p)}, **common)
    if event == "pull_request_review":
        return dict({"action": action, "review": review(p, action), "pull_request": pull_request(p, "opened")}, **common)
    if event == "issue_comment":
        payload = {"action": action, "issue": issue_of_pull(p), "comment": comment(p)}
        if action == "edited":
            payload["changes"] = {"body": {"from": previous_body}}
        return dict(payload, **common)
    payload = {"action": action, "number": number, "pull_request": pull_request(p, action)}
    if action == "synchronize":
        payload.update(before=before_sha or "4" * 40, after=head_sha)
    return dict(payload, **common)


def schema_path(event, action, schemas=SCHEMAS):
    name = event.replace("_", "-") + (f"-{action}" if action else "")
    return os.path.join(schemas, name + ".json")


def validate(event, action, payload, schemas=SCHEMAS):
    """Raises PayloadInvalid unless the payload validates against GitHub's schema of the event."""
    with open(schema_path(event, action, schemas), encoding="utf-8") as f:
        document = json.load(f)
    errors = openapi.errors_of(openapi.to_json_schema(document["schema"]), payload)
    if errors:
        raise PayloadInvalid(f"{event} {action or ''} payload is not GitHub's:\n  " + "\n  ".join(errors[:30]))


def delivery(event, payload, secret, *, delivery_id=None, hook_id=HOOK_ID, target_type="integration",
             target_id=APP_ID):
    """(headers, body) as GitHub delivers the payload to an App's webhook URL."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": HOOKSHOT, "X-GitHub-Event": event,
               "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()), "X-GitHub-Hook-ID": str(hook_id),
               "X-GitHub-Hook-Installation-Target-Type": target_type,
               "X-GitHub-Hook-Installation-Target-ID": str(target_id)}
    if secret is not None:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest()
        headers["X-Hub-Signature-256"] = sign(key, body)
    return headers, body


def post(url, headers, body, timeout=10):
    """(status, body bytes) of posting a delivery. http.client, not urllib: urllib would send
    X-Github-Event where GitHub sends X-GitHub-Event."""
    target = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    connection = kind(target.hostname, target.port, timeout=timeout)
    try:
        connection.putrequest("POST", (target.path or "/") + (f"?{target.query}" if target.query else ""))
        for name, value in dict(headers, **{"Content-Length": str(len(body))}).items():
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def send(url, event, action=None, *, secret, delivery_id=None, schemas=SCHEMAS, timeout=10, **params):
    """Builds, validates, signs and posts one delivery: (status, body bytes, headers sent)."""
    payload = build(event, action, **params)
    validate(event, action, payload, schemas)
    headers, body = delivery(event, payload, secret, delivery_id=delivery_id,
                             target_id=params.get("app_id", APP_ID))
    status, answer = post(url, headers, body, timeout)
    return status, answer, headers


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("event", choices=sorted(EVENTS))
    ap.add_argument("action", nargs="?", help="e.g. opened (none for ping)")
    ap.add_argument("--url", help="post the delivery here (else print headers and payload)")
    ap.add_argument("--secret", help="the webhook secret (no signature headers without one)")
    ap.add_argument("--schemas", default=SCHEMAS, help="shared/schemas/github/webhooks")
    ap.add_argument("--delivery", help="X-GitHub-Delivery (default: a fresh UUID; give one to replay)")
    ap.add_argument("--repository", default="octo/app")
    ap.add_argument("--number", type=int, default=1)
    ap.add_argument("--head-sha", default="1" * 40)
    ap.add_argument("--base-sha", default="2" * 40)
    ap.add_argument("--before-sha", help="synchronize: the head before the push")
    ap.add_argument("--head-ref", default="feature/migration")
    ap.add_argument("--base-ref", default="main")
    ap.add_argument("--head-repository", help="a fork's owner/name")
    ap.add_argument("--sender", default="octocat")
    ap.add_argument("--installation", type=int, default=77)
    ap.add_argument("--app-id", type=int, default=APP_ID)
    ap.add_argument("--merged", action="store_true", help="closed: the pull request was merged")
    args = ap.parse_args()
    payload = build(args.event, args.action, repository_name=args.repository, number=args.number,
                    head_sha=args.head_sha, base_sha=args.base_sha, before_sha=args.before_sha,
                    head_ref=args.head_ref, base_ref=args.base_ref, head_repository=args.head_repository,
                    sender=args.sender, installation=args.installation, app_id=args.app_id, merged=args.merged)
    try:
        validate(args.event, args.action, payload, args.schemas)
    except PayloadInvalid as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    headers, body = delivery(args.event, payload, args.secret, delivery_id=args.delivery, target_id=args.app_id)
    if not args.url:
        print(json.dumps({"headers": headers, "payload": payload}, indent=1))
        return 0
    status, answer = post(args.url, headers, body)
    print(status)
    sys.stdout.write(answer.decode("utf-8", "replace") + "\n")
    return 0 if 200 <= status < 300 else 2


if __name__ == "__main__":
    sys.exit(main())
