"""What follows from a statement pgfence could not read is that statement's to report (a DBA's review
of metriport): a Sequelize migration calls a helper module it does not read,
`shared.createTable(queryInterface, "patient_cohort", ...)`, then adds a unique constraint and an
index to patient_cohort. The helper made the table (new, empty), so the HIGH findings of a build on a
large table are consequences of the unread call: the call is reported unknown, and they are MEDIUM,
naming it. A table an earlier migration made (users), indexed after the same kind of call, stays HIGH.

    test_unknown_consequences.py SCENARIO --binary PGFENCE
"""
import json
import os
import subprocess
import sys
import tempfile

INIT = """import { DataTypes } from "sequelize";
export const up = async ({ context: queryInterface }) => {
  await queryInterface.createTable("users", { id: { type: DataTypes.UUID, primaryKey: true }, email: { type: DataTypes.STRING } });
};
export const down = async () => {};
"""

COHORT = """import { DataTypes } from "sequelize";
import * as shared from "../migrations-shared";

const patientCohortTableName = "patient_cohort";

export const up = async ({ context: queryInterface }) => {
  await queryInterface.sequelize.transaction(async transaction => {
    await shared.createTable(queryInterface, patientCohortTableName, {
      id: { type: DataTypes.UUID, primaryKey: true, allowNull: false },
      patientId: { type: DataTypes.STRING, allowNull: false, field: "patient_id" },
      cohortId: { type: DataTypes.UUID, allowNull: false, field: "cohort_id" },
    }, { transaction });
    await queryInterface.addConstraint(patientCohortTableName, {
      fields: ["patient_id", "cohort_id"], type: "unique", name: "patient_cohort_patient_id_cohort_id_unique", transaction,
    });
    await queryInterface.addIndex(patientCohortTableName, { name: "patient_cohort_cohort_id_idx", fields: ["cohort_id"], transaction });
    await queryInterface.addIndex("users", { name: "users_email_idx", fields: ["email"], transaction });
  });
};
export const down = async () => {};
"""


def run(binary):
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "migrations")
        os.mkdir(folder)
        for name, text in {"2025-01-01_00_init.ts": INIT, "2025-06-17_01_create-patient-cohort.ts": COHORT}.items():
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        done = subprocess.run([binary, "analyze", folder, "--format", "json"], capture_output=True, text=True, timeout=120)
        if done.returncode not in (0, 1):
            sys.exit("analyze failed (%d): %s" % (done.returncode, done.stderr))
        report = json.loads(done.stdout)
    out = []
    for f in report["files"]:
        for x in f["findings"]:
            out.append((os.path.basename(f["path"]), x["rule"], x["risk"], x.get("relation") or "", x["message"]))
    return out


def helper_created_table(binary):
    got = [g for g in run(binary) if g[0] == "2025-06-17_01_create-patient-cohort.ts"]
    if not any(g[1] == "unknown-statement" for g in got):
        sys.exit("FAIL: the unread helper call is not reported unknown: %r" % got)
    high = [g for g in got if g[2] in ("HIGH", "CRITICAL") and g[3].strip('"') == "patient_cohort"]
    if high:
        sys.exit("FAIL: consequences of the unread helper call reported HIGH: %r" % high)
    if not any(g[1] in ("add-unique-without-index", "create-index-without-concurrently") and g[3].strip('"') == "patient_cohort"
               and "could not read" in g[4] for g in got):
        sys.exit("FAIL: the findings on patient_cohort do not name the unread call: %r" % got)
    if not any(g[1] == "create-index-without-concurrently" and g[2] == "HIGH" and g[3].strip('"') == "users" for g in got):
        sys.exit("FAIL: the control (an index on users, made by an earlier migration) is not HIGH: %r" % got)
    print("ok: %d findings, none HIGH on patient_cohort, users' index HIGH" % len(got))


SCENARIOS = {"helper_created_table": helper_created_table}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in SCENARIOS or sys.argv[2] != "--binary":
        sys.exit("usage: test_unknown_consequences.py SCENARIO --binary PGFENCE")
    SCENARIOS[sys.argv[1]](sys.argv[3])
