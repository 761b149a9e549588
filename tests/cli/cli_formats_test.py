"""End-to-end tests of the GitHub-facing formats of `pgfence analyze`: --format sarif (valid
SARIF 2.1.0 with stable fingerprints), markdown (the PR comment body) and github (workflow
commands). Run: cli_formats_test.py SUITE --binary pgfence --schema sarif-schema-2.1.0.json
--fixtures tests/cli/fixtures"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile

from harness import ESC, Abort, Harness

RISKY = (
    "SET lock_timeout = '2s';\n"
    "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
    "ALTER TABLE ledger_entries\n"
    "  ADD CONSTRAINT ledger_account_fk FOREIGN KEY (account_id) REFERENCES ledger_accounts (id);\n"
    "ALTER TABLE ledger_entries DROP COLUMN memo;\n"
)
LEVELS = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note"}
COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


class Suite(Harness):
    def sarif_validator(self):
        import jsonschema  # Debian: python3-jsonschema

        with open(self.schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)  # draft-04, from its $schema
        return cls(schema)

    def sarif_of(self, *args, cwd=None):
        code, out, err = self.run("analyze", "--no-config", "--format", "sarif", *args, cwd=cwd)
        try:
            return code, json.loads(out), err
        except ValueError as e:
            self.check(False, f"sarif {args}: not JSON ({e}): {out[:200]!r} {err[:200]!r}")
            raise Abort() from e

    def json_of_dir(self, cwd, *args):
        code, out, err = self.run("analyze", "--no-config", "--format", "json", *args, cwd=cwd)
        return json.loads(out)

    # -- suites -----------------------------------------------------------------

    def suite_sarif(self):
        """Every fixture's SARIF validates; results match the JSON report's findings."""
        v = self.sarif_validator()
        work = tempfile.mkdtemp()
        try:
            shutil.copytree(self.fixtures, os.path.join(work, "migrations"))
            code, sarif, err = self.sarif_of("--unparsable", "warn", "migrations", cwd=work)
            self.check(code == 0, f"sarif exit code {code}: {err[:300]!r}")
            errors = list(v.iter_errors(sarif))
            self.check(not errors, f"SARIF schema violations: {[e.message[:200] for e in errors[:5]]}")
            report = self.json_of_dir(work, "--unparsable", "warn", "migrations")
            run = sarif["runs"][0]
            findings = [(f["path"], x) for f in report["files"] for x in f["findings"]]
            self.check(len(run["results"]) == len(findings), "one result per finding")
            rules = run["tool"]["driver"]["rules"]
            for result, (path, finding) in zip(run["results"], findings):
                loc = result["locations"][0]["physicalLocation"]
                self.check(result["ruleId"] == finding["rule"], f"{path}: result rule {result['ruleId']}")
                self.check(rules[result["ruleIndex"]]["id"] == finding["rule"], "ruleIndex points at the rule")
                self.check(result["level"] == LEVELS[finding["risk"]], f"{finding['rule']}: level by risk")
                self.check(loc["artifactLocation"]["uri"] == path.replace(" ", "%20"), f"relative URI for {path}")
                self.check(loc["region"]["startLine"] == finding["start"]["line"], "region starts at the statement")
                self.check(loc["region"]["endLine"] == finding["end"]["line"], "region ends at the statement")
            self.check(run["automationDetails"]["id"] == "pgfence/", "automationDetails.id")
            self.check(len({r["id"] for r in rules}) == len(rules), "one descriptor per rule")
        finally:
            shutil.rmtree(work)

    def suite_sarif_fingerprints(self):
        """Lines inserted above a statement keep its fingerprint; a changed statement gets a new one."""
        work = tempfile.mkdtemp()
        try:
            path = os.path.join(work, "001.sql")

            def prints(text):
                with open(path, "w") as f:
                    f.write(text)
                _, sarif, _ = self.sarif_of("001.sql", cwd=work)
                return {(r["ruleId"], r["partialFingerprints"]["pgfence/v1"]) for r in sarif["runs"][0]["results"]}

            before = prints(RISKY)
            after = prints("-- a comment\n\n\n" + RISKY)
            self.check(before and before == after, "fingerprints survive inserted lines")
            changed = prints(RISKY.replace("DROP COLUMN memo", "DROP COLUMN notes"))
            self.check(len(before - changed) >= 1 and len(before & changed) >= 1,
                       "only the changed statement's fingerprint changes")
        finally:
            shutil.rmtree(work)

    def suite_markdown(self):
        """The comment body: the digest, the folded detail and the plan; a clean run says nothing is risky."""
        work = tempfile.mkdtemp()
        try:
            with open(os.path.join(work, "001.sql"), "w") as f:
                f.write(RISKY)
            with open(os.path.join(work, "002.sql"), "w") as f:
                f.write("SET lock_timeout = '2s';\nSELECT 1;\n")
            # psql -f runs the files (`tool = "psql"`): a plain folder's CONCURRENTLY plan needs its runner known.
            with open(os.path.join(work, ".pgfence.toml"), "w") as f:
                f.write('tool = "psql"\n')
            code, out, err = self.run("analyze", "--format", "markdown", "001.sql", cwd=work)
            text = out.decode()
            self.check(code == 0, f"markdown exit code {code}")
            self.check(text.startswith("## pgfence: 🔴 HIGH") and "**Fix before merging:**" in text, "the digest first")
            self.check("<details open><summary>🔴 <code>001.sql</code>" in text, "the file's detail, folded")
            self.check("<details><summary>Migration plan: " in text and "\nCREATE INDEX CONCURRENTLY" in text,
                       "the plan as an sql block")
            self.check(ESC not in out, "no escapes")
            code, out, err = self.run("analyze", "--no-config", "--format", "markdown", "002.sql", cwd=work)
            self.check("pgfence found nothing risky in 1 migration file" in out.decode(), f"clean: {out[:200]!r}")
        finally:
            shutil.rmtree(work)

    def suite_declined_plan(self):
        """A declined plan (no plan offered: a renamed column's table changed again) says why in
        text and markdown, and --format plan writes none of its files and says so."""
        work = tempfile.mkdtemp()
        try:
            with open(os.path.join(work, "0120_customers.sql"), "w") as f:
                f.write("SET lock_timeout = '2s';\n"
                        "ALTER TABLE customers RENAME COLUMN name TO full_name;\n"
                        "ALTER TABLE customers ADD COLUMN nickname text;\n")
            with open(os.path.join(work, "schema.sql"), "w") as f:
                f.write("CREATE TABLE customers (id bigint PRIMARY KEY, name text);\n")
            why = "changes that table again"
            code, out, err = self.run("analyze", "--no-config", "--color", "never", "--schema", "schema.sql", "0120_customers.sql",
                                      cwd=work)
            text = out.decode()
            self.check("plan: none offered: line 2 renames a column of customers" in text and why in text,
                       f"text says the plan is declined and why: {text[-600:]!r}")
            self.check("RENAME TO customers_base" not in text, "no view recipe in the plan")
            code, out, err = self.run("analyze", "--no-config", "--format", "markdown", "--schema", "schema.sql",
                                      "0120_customers.sql", cwd=work)
            text = out.decode()
            self.check("**Migration plan:** none offered: " in text and why in text, f"markdown says so: {text[-600:]!r}")
            code, out, err = self.run("analyze", "--no-config", "--format", "plan", "-o", "plans", "--schema", "schema.sql",
                                      "0120_customers.sql", cwd=work)
            text = out.decode()
            self.check("0120_customers.sql: no plan offered, no file written: " in text, f"--format plan says so: {text!r}")
            self.check("; 1 declined (no files written)" in text, f"and counts it: {text!r}")
            written = [n for _, _, names in os.walk(os.path.join(work, "plans")) for n in names]
            self.check(written == [], f"no plan file written: {written}")
        finally:
            shutil.rmtree(work)

    def suite_github(self):
        """Workflow commands: one per finding, escaped, exit code still from --ci."""
        work = tempfile.mkdtemp()
        try:
            with open(os.path.join(work, "a,b:c.sql"), "w") as f:
                f.write(RISKY)
            code, out, err = self.run("analyze", "--no-config", "--ci", "--format", "github", "a,b:c.sql", cwd=work)
            self.check(code == 1, f"--ci with a HIGH finding exits 1, got {code}")
            report = self.json_of_dir(work, "a,b:c.sql")
            findings = report["files"][0]["findings"]
            lines = out.decode().splitlines()
            self.check(len(lines) == len(findings), f"one line per finding: {len(lines)} vs {len(findings)}")
            pattern = re.compile(r"^::(error|warning|notice) file=a%2Cb%3Ac\.sql,line=(\d+),endLine=(\d+)(,col=\d+,endColumn=\d+)?,title=([^:]+)::(.+)$")
            for line, finding in zip(lines, findings):
                m = pattern.match(line)
                if not self.check(m, f"command syntax: {line[:200]}"):
                    continue
                self.check(m.group(1) == COMMANDS[LEVELS[finding["risk"]]], f"{finding['rule']}: level {m.group(1)}")
                self.check(int(m.group(2)) == finding["start"]["line"] and int(m.group(3)) == finding["end"]["line"],
                           f"{finding['rule']}: lines")
                self.check(bool(m.group(4)) == (finding["start"]["line"] == finding["end"]["line"]),
                           "columns only on one-line statements")
                self.check(m.group(6).startswith(finding["message"].replace("%", "%25")), "message first")
        finally:
            shutil.rmtree(work)

    def suite_format_errors(self):
        code, out, err = self.run("analyze", "--format", "yaml", self.fixture("plain/clean.sql"))
        self.check(code == 2, f"unknown format exits 2, got {code}")
        self.check(self.error_lines(err) == ["error: --format takes text, compact, json, markdown, sarif, github, gitlab, rdjson or plan, not 'yaml'"],
                   f"one error line: {err!r}")
        code, out, err = self.run("analyze", "--format", "sarif", self.fixture("plain/no-such-file.sql"))
        self.check(code == 2, "a missing input still exits 2 with SARIF")

    def suite_ci_formats(self):
        """GitLab Code Quality and reviewdog's rdjson, checked against their documented fields."""
        import jsonschema
        gitlab_schema = {  # docs.gitlab.com: "Code Quality report format"
            "type": "array",
            "items": {"type": "object",
                      "required": ["description", "check_name", "fingerprint", "severity", "location"],
                      "properties": {
                          "description": {"type": "string", "minLength": 1},
                          "check_name": {"type": "string", "minLength": 1},
                          "fingerprint": {"type": "string", "minLength": 1},
                          "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
                          "location": {"type": "object", "required": ["path", "lines"],
                                       "properties": {"path": {"type": "string", "pattern": "^[^/]"},
                                                      "lines": {"type": "object", "required": ["begin"],
                                                                "properties": {"begin": {"type": "integer", "minimum": 1},
                                                                               "end": {"type": "integer", "minimum": 1}}}}}}}}
        position = {"type": "object", "required": ["line"],
                    "properties": {"line": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1}}}
        rdjson_schema = {  # reviewdog's rdf/proto/rdf.proto: DiagnosticResult
            "type": "object", "required": ["diagnostics"],
            "properties": {
                "source": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
                "diagnostics": {"type": "array", "items": {
                    "type": "object", "required": ["message", "location"],
                    "properties": {
                        "message": {"type": "string"},
                        "location": {"type": "object", "required": ["path"],
                                     "properties": {"path": {"type": "string"},
                                                    "range": {"type": "object", "required": ["start"],
                                                              "properties": {"start": position, "end": position}}}},
                        "severity": {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]},
                        "code": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}, "url": {"type": "string"}}},
                        "original_output": {"type": "string"}}}}}}
        work = tempfile.mkdtemp()
        try:
            with open(os.path.join(work, "001.sql"), "w") as f:
                f.write(RISKY)
            code, out, err = self.run("analyze", "--no-config", "--format", "json", "001.sql", cwd=work)
            findings = json.loads(out)["files"][0]["findings"]
            code, out, err = self.run("analyze", "--no-config", "--format", "gitlab", "001.sql", cwd=work)
            issues = json.loads(out)
            errors = list(jsonschema.Draft7Validator(gitlab_schema).iter_errors(issues))
            self.check(code == 0 and not errors, f"gitlab: valid: {errors[:1]} {err!r}")
            self.check([i["check_name"] for i in issues] == [f["rule"] for f in findings], "gitlab: one issue per finding")
            self.check(len({i["fingerprint"] for i in issues}) == len(issues), "gitlab: fingerprints unique (GitLab drops repeats)")
            self.check([i["location"]["lines"]["begin"] for i in issues] == [f["start"]["line"] for f in findings], "gitlab: lines")
            high = [i for i, f in zip(issues, findings) if f["risk"] == "HIGH"]
            self.check(high and all(i["severity"] == "critical" for i in high), "gitlab: HIGH is critical")
            code, out, err = self.run("analyze", "--no-config", "--format", "rdjson", "001.sql", cwd=work)
            doc = json.loads(out)
            errors = list(jsonschema.Draft7Validator(rdjson_schema).iter_errors(doc))
            self.check(code == 0 and not errors, f"rdjson: valid: {errors[:1]} {err!r}")
            diags = doc["diagnostics"]
            self.check([d["code"]["value"] for d in diags] == [f["rule"] for f in findings], "rdjson: one diagnostic per finding")
            self.check(all(d["location"]["range"]["start"]["line"] == f["start"]["line"] for d, f in zip(diags, findings)),
                       "rdjson: lines")
            self.check(all(d["severity"] == "ERROR" for d, f in zip(diags, findings) if f["risk"] == "HIGH"), "rdjson: HIGH is ERROR")
            # The same fingerprints as SARIF's.
            code, out, err = self.run("analyze", "--no-config", "--format", "sarif", "001.sql", cwd=work)
            sarif = [r["partialFingerprints"]["pgfence/v1"] for r in json.loads(out)["runs"][0]["results"]]
            self.check(sarif == [i["fingerprint"] for i in issues] == [d["original_output"] for d in diags], "fingerprints as SARIF's")
        finally:
            shutil.rmtree(work)

    def suite_original_flags(self):
        """The original pgfence's flags, as its users wrote them: --format names the input kind,
        --output names the output format; a format's name is never taken for a file name."""
        work = tempfile.mkdtemp()
        try:
            with open(os.path.join(work, "001.sql"), "w") as f:
                f.write(RISKY)
            code, out, err = self.run("analyze", "--no-config", "--output", "json", "001.sql", cwd=work)
            self.check(code == 0 and json.loads(out)["files"][0]["path"] == "001.sql", f"--output json: JSON on stdout {err!r}")
            self.check(not os.path.exists(os.path.join(work, "json")), "no file named json")
            code, out, err = self.run("analyze", "--no-config", "-o", "sarif", "001.sql", cwd=work)
            self.check(code == 0 and json.loads(out)["version"] == "2.1.0", "-o sarif: SARIF on stdout")
            code, out, err = self.run("analyze", "--no-config", "-o", "./json", "001.sql", cwd=work)
            self.check(code == 0 and os.path.getsize(os.path.join(work, "json")) > 0, "-o ./json is a file")
            code, out, err = self.run("analyze", "--no-config", "--format", "sarif", "--output", "json", "001.sql", cwd=work)
            self.check(code == 2 and self.error_lines(err) ==
                       ["error: --output json names a format, and --format says sarif: give one (a file: -o ./json)"],
                       f"two formats: one error line, exit 2: {err!r}")
            # The original's --output github is its PR comment: our markdown, not --format github's
            # workflow commands.
            code, out, err = self.run("analyze", "--no-config", "--output", "github", "001.sql", cwd=work)
            _, markdown, _ = self.run("analyze", "--no-config", "--format", "markdown", "001.sql", cwd=work)
            _, annotations, _ = self.run("analyze", "--no-config", "--format", "github", "001.sql", cwd=work)
            self.check(code == 0 and out == markdown and not out.startswith(b"::") and annotations.startswith(b"::"),
                       f"--output github: the markdown comment: {out[:200]!r}")
            self.check(not os.path.exists(os.path.join(work, "github")), "no file named github")
            code, out, err = self.run("analyze", "--no-config", "--format", "github", "--output", "github", "001.sql", cwd=work)
            self.check(code == 2 and self.error_lines(err) ==
                       ["error: --output github (the PR comment, markdown) names a format, and --format says github: "
                        "give one (a file: -o ./github)"], f"--output github with --format github: {err!r}")
            ts = os.path.join(work, "1700000000000-AddIndex.ts")
            with open(ts, "w") as f:
                f.write("export class AddIndex1700000000000 {\n  async up(queryRunner) {\n"
                        "    await queryRunner.query(`CREATE INDEX users_email_idx ON users (email)`);\n  }\n}\n")
            code, out, err = self.run("analyze", "--no-config", "--format", "typeorm", "--output", "json", ts, cwd=work)
            report = json.loads(out) if code in (0, 1) else {}
            rules = [f["rule"] for f in report.get("files", [{}])[0].get("findings", [])]
            self.check("create-index-without-concurrently" in rules, f"--format typeorm reads the migration: {rules} {err!r}")
            code, out, err = self.run("analyze", "--no-config", "--format", "prisma", "001.sql", cwd=work)
            self.check(code == 0 and b"CREATE INDEX" in out, "--format prisma: SQL files as they are")
        finally:
            shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--schema", required=True, help="sarif-schema-2.1.0.json")
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--doc")
    args = parser.parse_args()
    suite = Suite(args)
    method = getattr(suite, "suite_" + args.suite, None)
    if method is None:
        print(f"unknown suite {args.suite}", file=sys.stderr)
        return 2
    try:
        method()
    except Abort:
        suite.check(False, "stopped: the output could not be checked further")
    for failure in suite.failures:
        print("FAILED:", failure)
    print(f"{args.suite}: {suite.checks - len(suite.failures)}/{suite.checks} checks passed")
    return 1 if suite.failures or suite.checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
