"""Manifests a template engine renders (issue #53, red team R90 F3, F7): a Helm chart's migration Job whose
command is a named template (`command: {{ include "app.migrateCommand" . }}`, or the `{{- include ... |
nindent }}` block form) defined in templates/_helpers.tpl, the pull request changing only the helper; a Job
manifest under a template's name (`k8s/migrate-job.yaml.tmpl` for envsubst, `deploy/migrate-job.yaml.j2`,
krane's `config/deploy/production/migrate-job.yml.erb`) whose command the pull request rolls back; a deploy
step feeding a file of any name to `kubectl apply -f -` (`envsubst < F |`), and one whose input pgfence cannot
name (`python3 deploy/render.py | kubectl apply -f -`). Before: pr and analyze exit 0. The control: a chart whose
helpers (labels) change under literal commands, `kustomize build | kubectl apply -f -`, kubectl's own
`--dry-run=client -o yaml` piped to apply, and a `.yaml.tmpl` Job running `migrate:latest` with `${IMAGE}`:
pr clean, analyze no unknown. `pr` with `--ci --unknown block --max-risk low`, on real git repositories and the
real binary.

    test_manifest_templates90.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_deploy_files89 import caught, changed, workflow  # noqa: E402
from test_tool_settings import check, findings  # noqa: E402
from test_mikro_orm import main, pr  # noqa: E402
from test_mikro_orm_settings import WFP, analyze, unknowns  # noqa: E402

CHART = {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n", "chart/values.yaml": "image: ghcr.io/acme/app:latest\n"}
JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    \"helm.sh/hook\": pre-install,pre-upgrade\n"
       "spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n"
       "          image: \"{{ .Values.image }}\"\n")
HELPER = "{{{{- define \"app.migrateCommand\" -}}}}\n[\"npx\", \"knex\", {}]\n{{{{- end }}}}\n"
HELM = "helm upgrade --install app ./chart --wait"


def helm(binary, tmp, name, command, helpers, line=14):
    base = {**CHART, helpers: HELPER.format('"migrate:latest"'), "chart/templates/migrate-job.yaml": JOB + command, WFP: workflow(HELM)}
    r, b, h = changed(binary, tmp, name, base, {helpers: HELPER.format('"migrate:rollback", "--all"')})
    caught(name, r, b, h, "chart/templates/migrate-job.yaml", line)


def helm_helpers(binary, tmp):
    """`command: {{ include "app.migrateCommand" . }}`; the pull request changes only templates/_helpers.tpl."""
    helm(binary, tmp, "helm_helpers", "          command: {{ include \"app.migrateCommand\" . }}\n", "chart/templates/_helpers.tpl")


def helm_nindent(binary, tmp):
    """The block form, the define in another .tpl of templates/: `command:` then `{{- include ... | nindent 12 }}`."""
    helm(binary, tmp, "helm_nindent", "          command:\n            {{- include \"app.migrateCommand\" . | nindent 12 }}\n",
         "chart/templates/_commands.tpl", 15)


MANIFEST = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
            "      containers:\n        - name: migrate\n          image: {}\n          command: [\"npx\", \"knex\", {}]\n")


def manifest(binary, tmp, name, path, run, image="ghcr.io/acme/app:latest"):
    r, b, h = changed(binary, tmp, name, {path: MANIFEST.format(image, '"migrate:latest"'), WFP: workflow(run)},
                      {path: MANIFEST.format(image, '"migrate:rollback", "--all"')})
    caught(name, r, b, h, path, 12)


def manifest_tmpl(binary, tmp):
    manifest(binary, tmp, "manifest_tmpl", "k8s/migrate-job.yaml.tmpl", "envsubst < k8s/migrate-job.yaml.tmpl | kubectl apply -f -", "${IMAGE}")


def manifest_j2(binary, tmp):
    manifest(binary, tmp, "manifest_j2", "deploy/migrate-job.yaml.j2", "j2 deploy/migrate-job.yaml.j2 | kubectl apply -f -", "{{ image }}")


def manifest_erb(binary, tmp):
    manifest(binary, tmp, "manifest_erb", "config/deploy/production/migrate-job.yml.erb",
             "krane render --filenames=config/deploy/production --current-sha=$GITHUB_SHA | krane deploy acme prod --stdin",
             "ghcr.io/acme/app:<%= current_sha %>")


def stdin_named(binary, tmp):
    """`envsubst < deploy/migrate.k8s | kubectl apply -f -`: the file, whatever its name, is read as a manifest
    (analyze: unknown at the step's line once the Job rolls back)."""
    path = "deploy/migrate.k8s"
    r, b, h = changed(binary, tmp, "stdin_named", {WFP: workflow("echo build")},
                      {path: MANIFEST.format("${IMAGE}", '"migrate:rollback", "--all"'),
                       WFP: workflow(f"envsubst < {path} | kubectl apply -f -")})
    caught("stdin_named", r, b, h, WFP, 10)
    proc, report = pr(r, b, h)
    said = [f.get("message", "") for p, f in findings(report) if p == WFP]
    check(any(path in m and "rollback" in m for m in said), f"stdin_named: the unknown reads {path}: {said}")


def stdin_unnamed(binary, tmp):
    """`python3 deploy/render.py | kubectl apply -f -`: an input pgfence cannot name, unknown at its line."""
    r, b, h = changed(binary, tmp, "stdin_unnamed", {WFP: workflow("echo build")},
                      {"deploy/render.py": "print(open('deploy/job.json').read())\n", WFP: workflow("python3 deploy/render.py | kubectl apply -f -")})
    caught("stdin_unnamed", r, b, h, WFP, 10)


def control(binary, tmp):
    """No false unknowns: the chart's _helpers.tpl (labels) changes under a Job with a literal `npx knex
    migrate:latest` and a Deployment running `node server.js {{ .Values.port }}`; `kustomize build k8s | kubectl apply -f -` and `kubectl create secret ... --dry-run=client -o
    yaml | kubectl apply -f -`; a `.yaml.tmpl` Job running `migrate:latest` whose `${IMAGE}` line changes."""
    labels = "{{{{- define \"app.labels\" -}}}}\napp: {}\n{{{{- end }}}}\n"
    run = ("helm upgrade --install app ./chart && kustomize build k8s | kubectl apply -f - && kubectl create secret generic app "
           "--from-literal=a=b --dry-run=client -o yaml | kubectl apply -f - && envsubst < k8s/migrate-job.yaml.tmpl | kubectl apply -f -")
    base = {**CHART, "chart/templates/_helpers.tpl": labels.format("app"),
            "chart/templates/migrate-job.yaml": JOB + "          command: [\"npx\", \"knex\", \"migrate:latest\"]\n",
            "chart/templates/web.yaml": JOB.replace("kind: Job", "kind: Deployment") + "          command:\n            - node\n"
                                        "            - server.js\n            - {{ .Values.port | quote }}\n",
            "k8s/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "k8s/migrate-job.yaml.tmpl": MANIFEST.format("${IMAGE}", '"migrate:latest"'),
            WFP: workflow(run, "      - run: envsubst < k8s/migrate-job.yaml.tmpl | kubectl apply -f -\n")}
    r, b, h = changed(binary, tmp, "control", base, {"chart/templates/_helpers.tpl": labels.format("api"),
                                                     "k8s/migrate-job.yaml.tmpl": MANIFEST.format("${IMAGE}:v2", '"migrate:latest"')})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"helm_helpers": helm_helpers, "helm_nindent": helm_nindent, "manifest_tmpl": manifest_tmpl, "manifest_j2": manifest_j2,
             "manifest_erb": manifest_erb, "stdin_named": stdin_named, "stdin_unnamed": stdin_unnamed, "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
