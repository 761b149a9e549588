"""What the migration tool or the deploy runs that `pgfence pr` and `pgfence analyze` must see (issue
#53, red teams H1 and H2). Each scenario builds a real git repository (base commit on main, the
pull request's commit on feature), runs `pgfence pr` against the GitHub double and, where it applies,
`pgfence analyze` over the checkout, and asserts the finding or the unknown statement at the file
and line that runs.

    test_read_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_tool_reach import analyze_findings, gated, pr_findings, repository, run  # noqa: E402

INIT = {"migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY, email text);\n"}
CLEANUP = "DELETE FROM users;\nDROP TABLE users;\n"
PSQL = 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f db/cleanup.sql'
CLEANUP_FOUND = {("db/cleanup.sql", "delete-without-where", 1), ("db/cleanup.sql", "drop-table", 2)}


def ci_file(s, path, text, expected=CLEANUP_FOUND):
    """The pull request adds a deploy file that runs db/cleanup.sql with psql, and the file: it is
    analysed as SQL, though no migration glob selects db/."""
    gated(s, INIT, {path: text, "db/cleanup.sql": CLEANUP}, expected)


def ci_buildkite(s):
    """Red team H1, CI_BUILDKITE: a Buildkite step's command (buildkite/agent's pipeline upload reads
    .buildkite/pipeline.yml)."""
    ci_file(s, ".buildkite/pipeline.yml", f"steps:\n  - label: migrate\n    command: {PSQL}\n")


def ci_cloudbuild(s):
    """Red team H1, CI_CLOUDBUILD: a Cloud Build step in exec form, `entrypoint: psql` and its args."""
    ci_file(s, "cloudbuild.yaml", 'steps:\n  - name: postgres:15\n    entrypoint: psql\n'
                                  '    args: ["$_DATABASE_URL", "-v", "ON_ERROR_STOP=1", "-f", "db/cleanup.sql"]\n')


def ci_woodpecker(s):
    """Red team H1, CI_WOODPECKER: a Woodpecker step's commands (.woodpecker.yml, and .woodpecker/*.yml)."""
    ci_file(s, ".woodpecker.yml", f"steps:\n  migrate:\n    image: postgres:15\n    commands:\n      - {PSQL}\n")


def ci_woodpecker_folder(s):
    ci_file(s, ".woodpecker/deploy.yaml", f"steps:\n  - name: migrate\n    image: postgres:15\n    commands:\n      - {PSQL}\n")


def ci_platformsh(s):
    """Red team H1, CI_PLATFORMSH: Platform.sh's deploy hook, a shell script run in the application's folder."""
    ci_file(s, ".platform.app.yaml", f"name: app\nhooks:\n  deploy: |\n    {PSQL}\n")


K8S_JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
           "      containers:\n        - name: migrate\n          image: postgres:15\n"
           '          command: ["psql", "$(DATABASE_URL)", "-v", "ON_ERROR_STOP=1", "-f", "{}"]\n')


def ci_k8s_job(s):
    """Red team H1, CI_K8SJOB: a Kubernetes Job's container command (exec form) runs a file by its path
    inside the image: unknown at the command's line, and the repository's db/cleanup.sql it ends with
    is analysed."""
    ci_file(s, "k8s/migrate-job.yaml", K8S_JOB.format("/app/db/cleanup.sql"),
            CLEANUP_FOUND | {("k8s/migrate-job.yaml", "unknown-statement", 12)})


def ci_k8s_job_relative(s):
    """The same Job with a relative path, in the base already: the pull request changes only the SQL
    file, which is analysed."""
    base = dict(INIT)
    base["deploy/k8s/migrate-job.yaml"] = K8S_JOB.format("db/cleanup.sql")
    base["db/cleanup.sql"] = "ANALYZE users;\n"
    gated(s, base, {"db/cleanup.sql": "ANALYZE users;\n" + CLEANUP},
          {("db/cleanup.sql", "delete-without-where", 2), ("db/cleanup.sql", "drop-table", 3)})


SCENARIOS = {f.__name__: f for f in (ci_buildkite, ci_cloudbuild, ci_woodpecker, ci_woodpecker_folder, ci_platformsh, ci_k8s_job, ci_k8s_job_relative)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
