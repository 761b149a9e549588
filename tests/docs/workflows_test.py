"""action.yml and every workflow the README shows (the complete workflow, the safe
pull_request_target one) validate against SchemaStore's schemas for actions and workflows
(../shared/schemas/actions/), so a user who copies them gets a file GitHub accepts; the action's
inputs that the entrypoint reads are all declared.

    workflows_test.py --root REPO --schemas DIR
"""
import argparse
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
    with open(os.path.join(args.root, "bot", "entrypoint.sh")) as f:
        read = set(re.findall(r'input ([a-z-]+)\)', f.read()))
    for name in sorted(read - set(action.get("inputs", {}))):
        failures.append(f"the entrypoint reads input '{name}', which action.yml does not declare")
    with open(os.path.join(args.root, "README.md")) as f:
        readme = f.read()
    workflows = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if re.search(r"^jobs:", b, re.M)]
    if len(workflows) < 2:
        failures.append(f"README: expected the complete workflow and the pull_request_target one, found {len(workflows)}")
    for n, block in enumerate(workflows, 1):
        doc = load_yaml(block)
        failures += [f"README workflow {n}: {e}" for e in errors(workflow_schema, doc)]
        steps = [s for job in doc.get("jobs", {}).values() for s in job.get("steps", [])]
        if not any(str(s.get("uses", "")).startswith("pgfence/action@") for s in steps):
            failures.append(f"README workflow {n}: no pgfence/action step")
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
    if "ghcr.io/pgfence/action" not in readme or "### Releasing" not in readme:
        failures.append("README: no release procedure naming ghcr.io/pgfence/action")
    for name in action.get("inputs", {}):
        if not re.search(r"^\| [^|]*`" + re.escape(name) + "`", readme, re.M):
            failures.append(f"README: action input '{name}' is not in the inputs table")
    for name in action.get("outputs", {}):
        if f"`{name}`" not in readme:
            failures.append(f"README: action output '{name}' is not documented")
    for f in failures:
        print("FAIL " + f)
    print(f"workflows: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
