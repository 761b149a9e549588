"""`pgfence init --config` and the configuration's JSON schema (docs/pgfence-config.schema.json):
the file it writes loads, validates against the schema, finds the migration folders, is never
written over or through a link without --force; docs/configuration.md's example validates too;
`$schema` is accepted and a mistyped key gets the nearest one.

    config_file_test.py --binary PATH --root REPO
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402


check = Checks("config_file")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    binary = os.path.abspath(a.binary)
    with open(os.path.join(a.root, "docs/pgfence-config.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    run = lambda cwd, *args: subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "db/migrations"))
        with open(os.path.join(tmp, "db/migrations/001_init.sql"), "w") as f:
            f.write("CREATE TABLE users (id int);\n")
        with open(os.path.join(tmp, "db/migrations/002_idx.sql"), "w") as f:
            f.write("CREATE INDEX users_id_idx ON users (id);\n")
        r = run(tmp, "init", "--config")
        path = os.path.join(tmp, ".pgfence.toml")
        check(r.returncode == 0 and os.path.isfile(path), f"init --config writes .pgfence.toml: {r.returncode} {r.stderr}")
        text = open(path).read()
        doc = tomllib.loads(text)
        check(doc.get("paths") == ["db/migrations"], f"paths are the migration folder found: {doc.get('paths')}")
        errors = [e.message for e in validator.iter_errors(doc)]
        check(not errors, f"the written file validates against the schema: {errors}")
        # Every commented setting, uncommented, is a valid setting too (of pgfence and the schema).
        full = re.sub(r"(?m)^# (?=\[?[a-z_.\-]+\]?( =|$))", "", text)
        full_doc = tomllib.loads(full)
        errors = [e.message for e in validator.iter_errors(full_doc)]
        check(not errors and "pg_version" in full_doc and "risk" in full_doc["rules"]["create-index-without-concurrently"],
              f"uncommented, every setting validates: {errors} {sorted(full_doc)}")
        with open(os.path.join(tmp, "full.toml"), "w") as f:
            # stats_file names a snapshot this project does not have: the rest is read.
            f.write(re.sub(r"(?m)^stats_file = .*$", "", full))
        r = run(tmp, "analyze", "--config", "full.toml", "--format", "json")
        check(r.returncode in (0, 1) and json.loads(r.stdout)["files"], f"pgfence reads every setting uncommented: {r.stderr}")
        r = run(tmp, "analyze", "--format", "json")
        report = json.loads(r.stdout) if r.stdout else {}
        check(r.returncode == 0 and len(report.get("files", [])) == 2, f"analyze without a path reads the paths: {r.stderr}")
        # Not over an existing file, nor through a link, without --force.
        r = run(tmp, "init", "--config")
        check(r.returncode == 2 and r.stderr.startswith("error:") and open(path).read() == text, f"not written over: {r.stderr}")
        os.remove(path)
        target = os.path.join(tmp, "elsewhere.txt")
        with open(target, "w") as f:
            f.write("mine\n")
        os.symlink(target, path)
        r = run(tmp, "init", "--config")
        check(r.returncode == 2 and open(target).read() == "mine\n", f"a link at .pgfence.toml: refused: {r.stderr}")
        r = run(tmp, "init", "--config", "--force")
        check(r.returncode == 0 and open(target).read() == "mine\n" and not os.path.islink(path),
              f"--force replaces the link, not what it names: {r.stderr}")
        # $schema in a JSON configuration; a mistyped key.
        os.remove(path)
        with open(os.path.join(tmp, ".pgfence.json"), "w") as f:
            json.dump({"$schema": "https://example.invalid/pgfence-config.schema.json", "max_risk": "high"}, f)
        r = run(tmp, "analyze", "db/migrations")
        check(r.returncode == 0 and "error" not in r.stderr, f"$schema is accepted: {r.stderr}")
        with open(os.path.join(tmp, ".pgfence.json"), "w") as f:
            f.write('{\n  "max_rsk": "high"\n}\n')
        r = run(tmp, "analyze", "db/migrations")
        check(r.returncode == 2 and "did you mean 'max_risk'?" in r.stderr and ".pgfence.json:2" in r.stderr,
              f"a mistyped key: {r.stderr}")
    # docs/configuration.md's example validates against the schema.
    with open(os.path.join(a.root, "docs/configuration.md")) as f:
        block = f.read().split("```toml\n", 1)[1].split("```", 1)[0]
    doc = tomllib.loads(block)
    errors = [e.message for e in validator.iter_errors(doc)]
    check(not errors and "rules" in doc, f"docs/configuration.md's example validates: {errors}")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
