"""The application's writes harmed with no lock to show it (red team E, "SQL" items 3-7, 9, 15, 21-23 and
TRIGTSV): a pull request on a real git repository changes how the inserts of tables the main branch's
earlier migrations made get their values (a sequence or identity counting back, a default dropped or
made a constant on a key, a domain's default) or are checked (a primary key, unique, foreign key or
check dropped, triggers disabled, the foreign key's only index dropped, a tsvector trigger that does
not fit the table). Each must fail `pgfence analyze --ci --max-risk low --changed-since main` with a
finding of the named rule, at the named risk, whose message holds the named words; the controls, the
same shapes made harmless (on tables the pull request makes, replaced in the same file, a key's own
generator), must pass `--ci` (nothing above MEDIUM).

    test_write_integrity.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared
from schema_pull_requests import analyze_report, check


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"

# red team E's base (cases/*/base/migrations/001_init.sql), with its richer additions.
INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(200) NOT NULL, name text, balance numeric);
CREATE TABLE audit_log (at timestamptz, msg text);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total numeric);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE things (id bigserial PRIMARY KEY, qty posint);
CREATE UNIQUE INDEX users_email_key ON users (email);
"""

# scenario: {name: (the pull request's migration, rule, risk, words its message must hold)}
PULL_REQUESTS = {
    "sequences": {
        "seqneg": ("ALTER SEQUENCE users_id_seq INCREMENT BY -1;\n", "sequence-reset", "high", "count down"),
        "seqneg_minvalue": ("ALTER SEQUENCE users_id_seq INCREMENT BY -5 MINVALUE -100;\n", "sequence-reset", "high",
                            "users_id_seq"),
        "idrestart": ("ALTER TABLE items ALTER COLUMN id RESTART WITH 1;\n", "sequence-reset", "high", "RESTART"),
        "idrestart_start": ("ALTER TABLE items ALTER COLUMN id SET START WITH 1 RESTART;\n", "sequence-reset", "high",
                            "items.id"),
        "idneg": ("ALTER TABLE items ALTER COLUMN id SET INCREMENT BY -1;\n", "sequence-reset", "high", "negative"),
    },
    "defaults": {
        "iddrop": ("ALTER TABLE items ALTER COLUMN id DROP IDENTITY;\n", "drop-column-default", "high", "DROP IDENTITY"),
        "setdefnull": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT NULL;\n", "drop-column-default", "high",
                       "SET DEFAULT NULL"),
        "setdefnull_cast": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT NULL::bigint;\n", "drop-column-default",
                            "high", "users.id"),
        "setdef1": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT 1;\n", "default-breaks-inserts", "high",
                    "primary key"),
        "setdef_minus1": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT -1;\n", "default-breaks-inserts", "high",
                          "users.id"),
        "setdef_other_sequence": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('orders_id_seq');\n",
                                  "default-breaks-inserts", "high", "orders_id_seq"),
        "setdef_currval": ("ALTER TABLE users ALTER COLUMN id SET DEFAULT currval('users_id_seq');\n",
                           "default-breaks-inserts", "high", "currval"),
        "setdef_unique": ("ALTER TABLE users ALTER COLUMN email SET DEFAULT '';\n", "default-breaks-inserts", "high",
                          "unique"),
        "domdef": ("ALTER DOMAIN posint SET DEFAULT 0;\n", "default-breaks-inserts", "high", "posint"),
    },
    "integrity": {
        "droppk": ("ALTER TABLE orders DROP CONSTRAINT orders_pkey;\n", "integrity-not-enforced", "high", "primary key"),
        "dropfk": ("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\n", "integrity-not-enforced", "high",
                   "foreign key"),
        "drop_unique_index": ("DROP INDEX CONCURRENTLY users_email_key;\n", "integrity-not-enforced", "high", "unique"),
        "domain_drop_check": ("ALTER DOMAIN posint DROP CONSTRAINT posint_check;\n", "integrity-not-enforced", "high",
                              "posint"),
        "fkoff": ("ALTER TABLE orders DISABLE TRIGGER ALL;\n", "integrity-not-enforced", "high", "foreign keys"),
        "trigger_user": ("ALTER TABLE orders DISABLE TRIGGER USER;\n", "integrity-not-enforced", "high", "USER"),
        "ri_trigger": ('ALTER TABLE orders DISABLE TRIGGER "RI_ConstraintTrigger_c_17074";\n', "integrity-not-enforced",
                       "high", "RI_ConstraintTrigger"),
        "ri_trigger_replica": ('ALTER TABLE orders ENABLE REPLICA TRIGGER "RI_ConstraintTrigger_c_17074";\n',
                               "integrity-not-enforced", "high", "replica"),
        "dropfkidx": ("DROP INDEX CONCURRENTLY orders_user_id_idx;\n", "foreign-key-without-index", "medium",
                      "orders_user_id_idx"),
        "trigtsv": ("CREATE TRIGGER t BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION "
                    "tsvector_update_trigger(name, 'pg_catalog.english', email);\n", "create-trigger", "high",
                    "tsvector type"),
    },
}

# The same shapes made harmless: nothing above MEDIUM.
CONTROL = {
    "sequences": """ALTER SEQUENCE users_id_seq INCREMENT BY 10;
ALTER TABLE items ALTER COLUMN id SET START WITH 1000;
CREATE TABLE receipts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE receipts ALTER COLUMN id RESTART WITH 1;
""",
    "defaults": """ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous';
CREATE TABLE receipts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE receipts ALTER COLUMN id DROP IDENTITY;
CREATE DOMAIN qty AS int CHECK (VALUE >= 0);
ALTER DOMAIN qty SET DEFAULT 0;
""",
    "integrity": """ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID;
ALTER TABLE orders DISABLE TRIGGER ALL;
ALTER TABLE orders ENABLE TRIGGER ALL;
CREATE INDEX CONCURRENTLY orders_user_id_total_idx ON orders (user_id, total);
DROP INDEX CONCURRENTLY orders_user_id_idx;
CREATE TABLE drafts (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id));
ALTER TABLE drafts DROP CONSTRAINT drafts_pkey, DROP CONSTRAINT drafts_user_id_fkey;
ALTER TABLE users ADD COLUMN search tsvector;
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION
  tsvector_update_trigger(search, 'pg_catalog.english', email, name);
""",
}


def analyze(binary, repo):
    """`pgfence analyze --ci --max-risk low --changed-since main`: the pull request's file, on main's history."""
    code, report = analyze_report(binary, repo, "--max-risk", "low", "--changed-since", "main")
    paths = [file["path"] for file in report["files"]]
    check(all(p.endswith("002_change.sql") for p in paths), f"analysed {paths}, not only the pull request's file")
    return code, [f for file in report["files"] for f in file["findings"]]


def run(binary, tmp, scenario):
    repo = shared.repository(tmp, PREAMBLE + INIT)
    failures = []
    for name, (sql, rule, risk, word) in PULL_REQUESTS[scenario].items():
        shared.pull_request(repo, name, PREAMBLE + sql)
        code, found = analyze(binary, repo)
        hits = [f for f in found if f["rule"] == rule and f["risk"].lower() == risk and word in f["message"]]
        if code != 1 or not hits:
            failures.append(f"{name}: exit {code}, findings {[(f['rule'], f['risk'], f['message'][:140]) for f in found]}")
    check(not failures, "pull requests passed --ci:\n" + "\n".join(failures))
    shared.pull_request(repo, "control", PREAMBLE + CONTROL[scenario])
    code, report = analyze_report(binary, repo, "--changed-since", "main")
    serious = [f for file in report["files"] for f in file["findings"] if f["risk"].lower() in ("high", "critical")]
    check(code == 0 and not serious, f"the control failed --ci: {[(f['rule'], f['risk'], f['message'][:160]) for f in serious]}")


if __name__ == "__main__":
    sys.exit(shared.main({name: lambda binary, tmp, name=name: run(binary, tmp, name) for name in PULL_REQUESTS}))
