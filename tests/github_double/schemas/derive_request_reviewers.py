#!/usr/bin/env python3
"""Writes pulls.request-reviewers.json, the one operation the governance service uses that
../shared/schemas/github lacks (POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers),
in the shared files' format. Facts from GitHub's REST description: the body takes `reviewers`
(logins) and `team_reviewers` (team slugs), at least one of them; the 201 answer is a "pull request
simple", which is the pull request of pulls/get without the fields only a single pull request's GET
computes (merge state, counts, merged_by). So it is derived from the shared pulls.get.json.

    derive_request_reviewers.py ../../../../shared/schemas/github/pulls.get.json > pulls.request-reviewers.json
"""
import json
import sys

from schema_text import without_descriptions

ONLY_IN_FULL = ["merged", "mergeable", "rebaseable", "mergeable_state", "merged_by", "comments", "review_comments",
                "maintainer_can_modify", "commits", "additions", "deletions", "changed_files"]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        full = json.load(f)["responses"]["200"]
    simple = without_descriptions(full)
    simple["title"] = "Pull Request Simple"
    for key in ONLY_IN_FULL:
        simple["properties"].pop(key, None)
    simple["required"] = [r for r in simple["required"] if r not in ONLY_IN_FULL]
    doc = {"operationId": "pulls/request-reviewers", "method": "POST",
           "path": "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
           "requestBody": {"type": "object",
                           "properties": {"reviewers": {"type": "array", "items": {"type": "string"}},
                                          "team_reviewers": {"type": "array", "items": {"type": "string"}}},
                           "anyOf": [{"required": ["reviewers"]}, {"required": ["team_reviewers"]}]},
           "responses": {"201": simple}}
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
