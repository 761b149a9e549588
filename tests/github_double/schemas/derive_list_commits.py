#!/usr/bin/env python3
"""Writes pulls.list-commits.json, GET /repos/{owner}/{repo}/pulls/{pull_number}/commits, which the
governance service asks to know who authored or committed a pull request's commits (issue #32) and
../shared/schemas/github lacks, in the shared files' format. Facts from GitHub's REST description:
the answer is an array of "Commit" objects (sha, node_id, url, html_url, comments_url, the git
commit with its author, committer, message, tree and comment_count, the GitHub `author` and
`committer` as a "Simple User" or null when no account matches, and the parents). The Simple User
schema is the one of the shared pulls.get.json's `user`.

    derive_list_commits.py ../../../../shared/schemas/github/pulls.get.json > pulls.list-commits.json
"""
import json
import sys

from schema_text import without_descriptions


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        user = without_descriptions(json.load(f)["responses"]["200"]["properties"]["user"])
    user = dict(user, nullable=True)
    git_user = {"type": "object", "nullable": True,
                "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "date": {"type": "string"}}}
    commit = {
        "title": "Commit", "type": "object",
        "required": ["url", "sha", "node_id", "html_url", "comments_url", "commit", "author", "committer", "parents"],
        "properties": {
            "url": {"type": "string", "format": "uri"},
            "sha": {"type": "string"},
            "node_id": {"type": "string"},
            "html_url": {"type": "string", "format": "uri"},
            "comments_url": {"type": "string", "format": "uri"},
            "commit": {"type": "object", "required": ["author", "committer", "comment_count", "message", "tree", "url"],
                       "properties": {"url": {"type": "string", "format": "uri"}, "author": git_user,
                                      "committer": git_user, "message": {"type": "string"},
                                      "comment_count": {"type": "integer"},
                                      "tree": {"type": "object", "required": ["sha", "url"],
                                               "properties": {"sha": {"type": "string"},
                                                              "url": {"type": "string", "format": "uri"}}}}},
            "author": user,
            "committer": user,
            "parents": {"type": "array", "items": {"type": "object", "required": ["sha", "url"],
                                                   "properties": {"sha": {"type": "string"},
                                                                  "url": {"type": "string", "format": "uri"},
                                                                  "html_url": {"type": "string", "format": "uri"}}}},
        },
    }
    doc = {"operationId": "pulls/list-commits", "method": "GET",
           "path": "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
           "responses": {"200": {"type": "array", "items": commit}}}
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
