"""App mode's routes for the GitHub test double (see README.md, "App mode"): who may call what
(a JWT on the App's own routes, an installation token on its repositories) and the App's answers."""

import time

import github_app
import openapi
from state import user_id_of


class AppRoutes:
    """Mixed into server.Double: uses its state and prefix."""

    def check_app_auth(self, app, op, params, scheme, credential, entry):
        """App mode: a JWT on the App's own routes, an installation token (or --token) elsewhere."""
        if github_app.needs_jwt(op):
            try:
                if scheme.lower() != "bearer":
                    raise github_app.JwtError(github_app.UNDECODABLE, f"scheme is '{scheme}', a JWT goes with Bearer")
                app.verify_jwt(credential)
            except github_app.JwtError as e:
                entry["auth_reason"], entry["auth_message"] = e.reason, e.message
                return "bad-jwt"
            entry["credential"] = "jwt"
            return "ok"
        record = app.token_record(credential)
        if record is None:
            if credential.startswith("ghs_") or github_app.looks_like_jwt(credential):
                entry["auth_reason"] = "not a token the double issued (a JWT is for the App's own routes)"
                return "wrong"
            if self.token is not None and credential != self.token:
                return "wrong"
            entry["credential"] = "token"
            return "ok"
        entry["credential"] = "installation-token"
        entry["installation"] = record["installation"]
        if time.time() >= record["expires"]:
            entry["auth_reason"] = f"installation token expired at {record['expires_at']}"
            return "expired"
        owner = params.get("owner") or params.get("org")
        if owner is not None:
            target = f"{owner}/{params['repo']}" if "repo" in params else None
            if (target is None and owner != self.state.installations[record["installation"]]["account"]) \
                    or (target is not None and target not in record["repositories"]):
                entry["auth_reason"] = f"installation {record['installation']} has no access to {target or owner}"
                return "not-installed"
        need = github_app.permission_needed(op)
        if need and not github_app.grants(record["permissions"], *need):
            entry["auth_reason"] = f"{op.id} needs {need[1]} on {' or '.join(need[0])}"
            return "no-permission"
        return "ok"

    def handle_app(self, op, params, body, repo, origin, raw_ok):
        """The App's own routes (JWT checked already): its identity, installations and tokens."""
        st, app = self.state, self.state.app
        if op.id == "apps/get-authenticated":
            answer = openapi.synthesize(openapi.not_null(raw_ok))
            owner = self.account_json(openapi.not_null(raw_ok["properties"]["owner"]),
                                      next(iter(st.installations.values()), {"account": "pgfence"})["account"])
            answer.update(id=app.id, slug=app.slug, node_id=f"A_{app.id}", name=app.slug, owner=owner,
                          html_url=f"https://github.example/apps/{app.slug}",
                          permissions=dict(github_app.DEFAULT_PERMISSIONS),
                          events=["check_run", "installation", "pull_request", "pull_request_review"],
                          installations_count=len(st.installations))
            return 200, answer, {}
        if op.id == "apps/get-repo-installation":
            found = [i for i in st.installations.values() if repo in i["repositories"]]
            if not found:
                return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest/apps/apps"
                             "#get-a-repository-installation-for-the-authenticated-app"}, {}
            return 200, self.installation_json(raw_ok, found[0], origin), {}
        if op.id == "apps/create-installation-access-token":
            installation = st.installations.get(int(params["installation_id"])) \
                if params["installation_id"].isdigit() else None
            if installation is None:
                return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {}
            body = body or {}
            permissions = body.get("permissions") or dict(installation["permissions"])
            if not all(github_app.grants(installation["permissions"], (name,), level)
                       for name, level in permissions.items()):
                return 422, {"message": "The permissions requested are not granted to this installation.",
                             "documentation_url": "https://docs.github.com/rest"}, {}
            repositories = list(installation["repositories"])
            if "repositories" in body:  # names without the owner, as GitHub takes them
                wanted = [f"{installation['account']}/{name}" for name in body["repositories"]]
                if any(w not in repositories for w in wanted):
                    return 422, {"message": "There is at least one repository that does not exist or is not "
                                            "accessible to the parent installation.",
                                 "documentation_url": "https://docs.github.com/rest"}, {}
                repositories = wanted
            token, record = app.issue(installation, permissions, repositories)
            answer = {"token": token, "expires_at": record["expires_at"], "permissions": permissions,
                      "repository_selection": "selected"}
            return 201, answer, {}
        return op.success_status(), openapi.synthesize(raw_ok), {}

    def account_json(self, raw, login):
        account = openapi.synthesize(openapi.not_null(raw))
        account.update(login=login, id=user_id_of(login), node_id=f"O_{user_id_of(login)}", type="Organization",
                       url=f"https://api.github.example/users/{login}", html_url=f"https://github.example/{login}")
        return account

    def installation_json(self, raw, installation, origin):
        app, iid = self.state.app, installation["id"]
        answer = openapi.synthesize(raw)
        answer.update(id=iid, app_id=app.id, app_slug=app.slug,
                      account=self.account_json(raw["properties"]["account"], installation["account"]),
                      target_id=user_id_of(installation["account"]), target_type="Organization",
                      repository_selection="selected", permissions=installation["permissions"],
                      events=["check_run", "pull_request", "pull_request_review"],
                      access_tokens_url=f"{origin}{self.prefix}/app/installations/{iid}/access_tokens",
                      repositories_url=f"{origin}{self.prefix}/installation/repositories",
                      html_url=f"https://github.example/organizations/{installation['account']}"
                               f"/settings/installations/{iid}",
                      created_at="2024-05-01T12:00:00Z", updated_at="2024-05-01T12:00:00Z",
                      single_file_name=None, suspended_by=None, suspended_at=None)
        return answer
