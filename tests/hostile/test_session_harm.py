"""Settings, roles, built-in names, scheduled SQL and whole-table deletes (red team E's PRELOAD,
ROLESETROLE, ARRAYNULLS, SCSCONCAT, SRRSETCONFIG, CRONINSERT, DELNE, OPSHADOW, FNSHADOW): a pull
request on a real git repository adds a migration that stops the application's connections, runs
its queries as another role, changes what its values mean, hides a DROP TABLE behind a setting named
by a computed expression, schedules SQL pgfence does not read, may delete every row, or shadows a
built-in the application calls. Each must fail `pgfence analyze --ci --changed-since main` with the
named rule's finding (the DELETE and the shadowing at HIGH, so `pr`'s default --max-risk medium stops
them); the control, the harmless neighbours of each, must pass.

    test_session_harm.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared
from schema_pull_requests import analyze_report, check


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"

INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(100) NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, total int);
CREATE INDEX orders_user_id ON orders (user_id);
"""

HIGH = ("high", "critical")
# scenario: {name: (the pull request's migration, rule, risks it may have, a word its message holds, extra options)}
PULL_REQUESTS = {
    "pull_requests": {
        "preload": ("ALTER ROLE app SET local_preload_libraries = 'nosuch';\n", "harmful-session-default", HIGH,
                    "cannot connect", ()),
        "set_role": ("CREATE ROLE nobody NOLOGIN;\nGRANT nobody TO app;\nALTER ROLE app SET role = nobody;\n",
                     "harmful-session-default", HIGH, "another role", ()),
        "array_nulls": ("ALTER ROLE app IN DATABASE appdb SET array_nulls = off;\n", "harmful-session-default", HIGH,
                        "array_nulls", ()),
        "datestyle": ("ALTER DATABASE appdb SET DateStyle = 'SQL', 'DMY';\n", "harmful-session-default", HIGH,
                      "datestyle", ()),
        "computed_setting_name": ("SELECT set_config('standard_' || 'conforming_strings', 'off', false);\n"
                                  "SELECT 'a\\''; DROP TABLE orders; --';\n", "unknown-statement", ("medium",) + HIGH,
                                  "set_config of a setting whose name pgfence cannot fold", ()),
        "replica_by_set_config": ("SELECT set_config('session_replication_role', 'replica', false);\n"
                                  "DELETE FROM users WHERE id = 1;\n", "session-replication-role-replica",
                                  HIGH, "orders_user_id_fkey", ()),
        "cron_insert": ("INSERT INTO cron.job (schedule, command) VALUES ('*/5 * * * *', 'TRUNCATE orders');\n",
                        "unknown-statement", ("medium",) + HIGH, "cron.job", ()),
        "delete_not_equal": ("DELETE FROM orders WHERE id <> -1;\n", "backfill-in-migration", HIGH,
                             "may delete every row", ()),
        "operator_shadow": ("CREATE FUNCTION public.vc_eq(varchar, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE "
                            "AS $$ SELECT false $$;\nCREATE OPERATOR public.= (LEFTARG = varchar, RIGHTARG = varchar, "
                            "FUNCTION = public.vc_eq);\n", "shadows-builtin", HIGH, "pg_catalog.=", ()),
        "function_shadow": ("CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql IMMUTABLE "
                            "AS $$ SELECT '' $$;\n", "shadows-builtin", HIGH, "pg_catalog.lower", ()),
    },
}

# The harmless neighbours: settings on the allowlist, a constant set_config name, the scheduler's
# run log, a delete by key, names of the application's own.
CONTROL = """ALTER ROLE app SET work_mem = '64MB';
ALTER ROLE app SET log_min_duration_statement = 250;
ALTER ROLE app RESET array_nulls;
SELECT set_config('app.tenant', '42', false);
SELECT 'C:\\dir';
DELETE FROM orders WHERE id = 7;
DELETE FROM orders WHERE id IN (1, 2);
CREATE FUNCTION public.app_lower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
"""


def analyze(binary, repo, options):
    code, report = analyze_report(binary, repo, "--changed-since", "main", *options)
    paths = [file["path"] for file in report["files"]]
    check(all(p.endswith("002_change.sql") for p in paths), f"analysed {paths}, not only the pull request's file")
    return code, [f for file in report["files"] for f in file["findings"]]


def run(binary, tmp, scenario):
    repo = shared.repository(tmp, PREAMBLE + INIT)
    failures = []
    for name, (sql, rule, risks, word, options) in PULL_REQUESTS[scenario].items():
        shared.pull_request(repo, name, PREAMBLE + sql)
        code, found = analyze(binary, repo, options)
        hits = [f for f in found if f["rule"] == rule and f["risk"].lower() in risks and word in f["message"]]
        if code != 1 or not hits:
            failures.append(f"{name}: exit {code}, findings {[(f['rule'], f['risk'], f['message'][:120]) for f in found]}")
    check(not failures, "pull requests passed --ci:\n" + "\n".join(failures))
    shared.pull_request(repo, "control", PREAMBLE + CONTROL)
    code, found = analyze(binary, repo, ("--max-risk", "low"))
    check(code == 0, f"the control failed --ci --max-risk low: {[(f['rule'], f['risk'], f['message'][:160]) for f in found]}")


if __name__ == "__main__":
    sys.exit(shared.main({"pull_requests": lambda binary, tmp: run(binary, tmp, "pull_requests")}))
