"""action.yml and every workflow the documentation shows (README.md and docs/**/*.md: the complete
workflow of docs/action.md, the safe pull_request_target one) validate against SchemaStore's schemas
for actions and workflows (../shared/schemas/actions/), so a user who copies them gets a file GitHub
accepts; every input action.yml declares is read by the entrypoint (or, for the image, by
bot/action.sh) and is in docs/action.md's inputs table, and every input the entrypoint reads is
declared.

    workflows_test.py --root REPO --schemas DIR
"""
import argparse
import glob
import json
import os
import re
import sys

import jsonschema
import yaml


def load_yaml(text):
    doc = yaml.safe_load(text)
    if isinstance(doc, dict) and True in doc:  # YAML 1.1 reads the key `on` as true
        doc["on"] = doc.pop(True)
    return doc


def errors(schema, doc):
    cls = jsonschema.validators.validator_for(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in cls(schema).iter_errors(doc)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--schemas", required=True)
    args = p.parse_args()
    if not os.path.isdir(args.schemas):
        print(f"SKIP: no schemas at {args.schemas}")
        return 0
    with open(os.path.join(args.schemas, "github-action.json")) as f:
        action_schema = json.load(f)
    with open(os.path.join(args.schemas, "github-workflow.json")) as f:
        workflow_schema = json.load(f)
    failures = []
    with open(os.path.join(args.root, "action.yml")) as f:
        action = load_yaml(f.read())
    failures += [f"action.yml: {e}" for e in errors(action_schema, action)]
    # The entrypoint reads inputs with `input NAME` (list inputs with `list NAME VAR`); bot/action.sh
    # reads the ones that choose the image as INPUT_NAME before the container starts.
    with open(os.path.join(args.root, "bot", "entrypoint.sh")) as f:
        entrypoint = f.read()
    read = set(re.findall(r'\binput ([a-z-]+)\)', entrypoint)) | set(re.findall(r'^\s*list ([a-z-]+) ', entrypoint, re.M))
    with open(os.path.join(args.root, "bot", "action.sh")) as f:
        read_by_action_sh = {v.lower().replace("_", "-") for v in re.findall(r'\$\{?INPUT_([A-Z_]+)', f.read())}
    for name in sorted(read - set(action.get("inputs", {}))):
        failures.append(f"the entrypoint reads input '{name}', which action.yml does not declare")
    for name in sorted(set(action.get("inputs", {})) - read - read_by_action_sh):
        if name != "github-token":  # pgfence pr reads INPUT_GITHUB-TOKEN / INPUT_GITHUB_TOKEN itself
            failures.append(f"action.yml declares input '{name}', which neither bot/entrypoint.sh nor bot/action.sh reads")
    # Every workflow of the documentation: README.md and docs/**/*.md.
    docs = {}
    for path in ["README.md"] + sorted(glob.glob(os.path.join(args.root, "docs", "**", "*.md"), recursive=True)):
        path = os.path.relpath(os.path.join(args.root, path), args.root)
        with open(os.path.join(args.root, path)) as f:
            docs[path] = f.read()
    workflows = []
    for path, text in docs.items():
        blocks = [b for b in re.findall(r"^```ya?ml\n(.*?)^```", text, re.S | re.M) if re.search(r"^jobs:", b, re.M)]
        workflows += [(f"{path} workflow {n}", b) for n, b in enumerate(blocks, 1)]
    if len(workflows) < 2:
        failures.append(f"docs: expected the complete workflow and the pull_request_target one, found {len(workflows)}")
    for where, block in workflows:
        try:
            doc = load_yaml(block)
        except yaml.YAMLError as e:
            failures.append(f"{where}: not YAML: {e}")
            continue
        failures += [f"{where}: {e}" for e in errors(workflow_schema, doc)]
        steps = [s for job in doc.get("jobs", {}).values() for s in job.get("steps", [])]
        if not any(str(s.get("uses", "")).startswith("pgfence/action@") for s in steps):
            failures.append(f"{where}: no pgfence/action step")
    # docs/action.md's complete workflow: on every pull request (no paths filter, so a required
    # check never waits on a skipped workflow), and its SARIF upload guarded for private
    # repositories without code scanning.
    reference = docs.get("docs/action.md", "")
    complete = [load_yaml(b) for w, b in workflows if w.startswith("docs/action.md ") and "upload-sarif@" in b]
    if len(complete) != 1:
        failures.append(f"docs/action.md: expected one complete workflow with the SARIF upload, found {len(complete)}")
    else:
        on = complete[0].get("on")
        pull_request = on.get("pull_request", "missing") if isinstance(on, dict) else "missing"
        if pull_request == "missing" or (isinstance(pull_request, dict) and ("paths" in pull_request or "paths-ignore" in pull_request)):
            failures.append("docs/action.md: the complete workflow must run on every pull_request, without paths")
        for job in complete[0].get("jobs", {}).values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif@"):
                    guard = str(step.get("if", ""))
                    if "github.event.repository.private" not in guard and step.get("continue-on-error") is not True:
                        failures.append("docs/action.md: the SARIF upload is not guarded for private repositories")
    # The repository's own workflows, and the release's consistency with action.yml and the README.
    for name in ("ci.yml", "release.yml"):
        path = os.path.join(args.root, ".github", "workflows", name)
        with open(path) as f:
            text = f.read()
        failures += [f".github/workflows/{name}: {e}" for e in errors(workflow_schema, load_yaml(text))]
        if name == "release.yml":
            release = text
    # The composite step's images: the Dockerfile (a branch) or the released ones, pinned by digest,
    # with the names release.yml pushes and the sed lines that pin them.
    steps = action.get("runs", {}).get("steps", [])
    step_env = steps[0].get("env", {}) if len(steps) == 1 else {}
    if action.get("runs", {}).get("using") != "composite" or len(steps) != 1:
        failures.append("action.yml: not the composite action with one step that bot/action.sh expects")
    for var, suffix in (("PGFENCE_IMAGE", ""), ("PGFENCE_TRACE_IMAGE", "-trace")):
        image = str(step_env.get(var, ""))
        pinned = r"ghcr\.io/pgfence/action:v\d+\.\d+\.\d+" + re.escape(suffix) + r"@sha256:[0-9a-f]{64}"
        if image != "Dockerfile" and not re.fullmatch(pinned, image):
            failures.append(f"action.yml: {var} {image!r} is neither the Dockerfile nor the released image pinned by digest")
        if f"tags: ghcr.io/pgfence/action:${{{{ github.ref_name }}}}{suffix}\n" not in release or \
                f"{var}: ${{{'trace_image' if suffix else 'image'}}}|" not in release:
            failures.append(f"release.yml: does not push and pin {var} as ghcr.io/pgfence/action:<tag>{suffix}")
    # Every input reaches the entrypoint: the step passes each as INPUT_<NAME> (underscores).
    for name in action.get("inputs", {}):
        var = "INPUT_" + name.upper().replace("-", "_")
        if step_env.get(var) != "${{ inputs." + name + " }}":
            failures.append(f"action.yml: the step does not pass input '{name}' as {var}")
    for name, spec in action.get("outputs", {}).items():
        if spec.get("value") != "${{ steps.pgfence.outputs." + name + " }}":
            failures.append(f"action.yml: output '{name}' is not the step's output")
    if "ghcr.io/pgfence/action" not in reference or "## Releasing" not in reference:
        failures.append("docs/action.md: no release procedure naming ghcr.io/pgfence/action")
    tables = {}
    for heading, body in re.findall(r"^## (Inputs|Outputs)\n(.*?)(?=^## )", reference, re.S | re.M):
        tables[heading] = body
    for name in action.get("inputs", {}):
        if not re.search(r"^\| [^|]*`" + re.escape(name) + "`", tables.get("Inputs", ""), re.M):
            failures.append(f"docs/action.md: action input '{name}' is not in the inputs table")
    for name in action.get("outputs", {}):
        if not re.search(r"^\| [^|]*`" + re.escape(name) + "`", tables.get("Outputs", ""), re.M):
            failures.append(f"docs/action.md: action output '{name}' is not in the outputs table")
    for f in failures:
        print("FAIL " + f)
    print(f"workflows: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
