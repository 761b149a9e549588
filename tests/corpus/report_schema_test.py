"""Every report pgfence writes validates against docs/pgfence-report.schema.json (issue #32): the
JSON report over the whole shared corpus, one analyze run per project folder (each a migration set
of its own), and over the repository's own SQL (each FOLDER given: the rules' and conformance
cases, which reach statements the corpus does not, DROP SCHEMA ... CASCADE among them), checked
by python3-jsonschema, the validator the schema's $schema names. A report the service would
refuse is an upload that fails, so a mismatch here is a governance failure.
Skipped (exit 77) when python3-jsonschema is absent, or the corpus and every FOLDER are.

    report_schema_test.py PGFENCE CORPUS SCHEMA [FOLDER...]
"""
import json
import os
import subprocess
import sys

SKIP = 77


def main():
    binary, corpus, schema_path = sys.argv[1], sys.argv[2], sys.argv[3]
    folders = [f for f in sys.argv[4:] if os.path.isdir(f)]
    if os.path.isdir(corpus):
        folders += [os.path.join(corpus, d) for d in sorted(os.listdir(corpus)) if os.path.isdir(os.path.join(corpus, d))]
    else:
        print(f"no corpus at {corpus}: the repository's folders only")
    if not folders:
        print("skipped: nothing to analyse")
        return SKIP
    try:
        import jsonschema
    except ImportError:
        print("skipped: python3-jsonschema is not installed")
        return SKIP
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    failures = []
    files = 0
    for folder in folders:
        project = os.path.basename(folder)
        run = subprocess.run([binary, "analyze", "--no-config", "--unparsable", "warn", "--format", "json", folder],
                             capture_output=True, timeout=600)
        try:
            doc = json.loads(run.stdout)
        except json.JSONDecodeError as e:
            failures.append(f"{project}: the report is not JSON ({e}); exit {run.returncode}: {run.stderr[-300:]!r}")
            continue
        files += len(doc.get("files", []))
        for error in list(validator.iter_errors(doc))[:10]:
            where = list(error.absolute_path)
            path = doc["files"][where[1]]["path"] if len(where) > 1 and where[0] == "files" else ""
            failures.append(f"{project}: {path}: {error.message[:200]} at {where}")
    print(f"{len(folders)} reports, {files} files validated against {os.path.basename(schema_path)}")
    for f in failures:
        print("FAIL:", f)
    if files == 0:
        print("FAIL: no file analysed")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
