"""`pgfence pr --capture` cannot be talked into "clean" by the migration it captures (red team r84a,
issue #53).

Each hostile scenario is a pull request whose new migration drops a table on a database with rows
but not in the capture (or hides where it dropped it), run through the real tool: ActiveRecord 6.1
(Debian's ruby-activerecord, /usr/bin/ruby), Django 3.2 and Alembic 1.8 (Debian's python3-django,
python3-alembic, /usr/bin/python3), captured by `pgfence capture --record` on PostgreSQL 15
(/usr/lib/postgresql/15/bin), then `pgfence pr --capture ... --ci --unknown block`, which must fail:

- forged bookkeeping: the migration writes the tool's own record naming a base-branch version, so
  that its DROP is attributed to history (F1);
- a direct connection to the server's own port, which the record must say (F2);
- code that branches on data past the old denylist: a Ruby ternary, a Python tuple indexed by a
  test, a RunSQL whose argument is on the next line (F3); a project-local helper module (F4);
- a background process that outlives the migrate command (F5).

The `*_plain` scenarios are the controls: an ordinary generated migration of each tool stays free of
unknown statements. Without a tool a scenario is skipped (77).

    test_capture_forgery.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from test_tool_reach import pr_findings  # noqa: E402
from real_tools import PYTHON, SKIP, run_capture  # noqa: E402

RUBY = "/usr/bin/ruby"


def need(command, what):
    if subprocess.run(command, capture_output=True).returncode != 0:
        print(f"SKIP: {what} is not installed")
        sys.exit(SKIP)


def capture(s, *command, options=()):
    """`pgfence capture --record` of `command` in the head checkout; its exit status is not judged
    here (it is kept as s.captured)."""
    proc, record = run_capture(s, command, options=options)
    check(os.path.isfile(record), f"capture wrote its record: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    s.captured = proc
    return record


def pr(s, record, max_risk="medium"):
    s.start_double()
    return s.run_pr("--capture", record, "--ci", "--unknown", "block", "--max-risk", max_risk,
                    "--format", f"json={os.path.join(s.tmp, 'pr.json')}")


def fails(s, proc, why):
    check(proc.returncode == 1, f"pr fails ({why}): exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return pr_findings(s)


# -- the tools' projects ----------------------------------------------------------------------

RAILS_BASE = {
    "migrate.rb": 'require "active_record"\nActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))\n'
                  'ActiveRecord::MigrationContext.new(File.expand_path("db/migrate", __dir__), ActiveRecord::SchemaMigration).migrate\n',
    "db/migrate/20240101000000_create_orders.rb": "class CreateOrders < ActiveRecord::Migration[6.1]\n  def change\n"
                                                  "    create_table :orders do |t|\n      t.string :reference\n    end\n  end\nend\n",
}
DJANGO_BASE = {
    "manage.py": 'import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")\n'
                 "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
    "site_settings.py": 'import os\nSECRET_KEY = "x"\nINSTALLED_APPS = ["shop"]\nUSE_TZ = True\n'
                        'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PGDATABASE"], '
                        '"USER": os.environ["PGUSER"], "PASSWORD": os.environ.get("PGPASSWORD", ""), "HOST": os.environ["PGHOST"], '
                        '"PORT": os.environ["PGPORT"]}}\nDEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n',
    "shop/__init__.py": "",
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n"
                                       "    initial = True\n    dependencies = []\n    operations = [\n"
                                       '        migrations.CreateModel(name="Order", fields=[("id", models.AutoField(primary_key=True)), '
                                       '("reference", models.CharField(max_length=40))]),\n    ]\n',
}
ALEMBIC_BASE = {
    "alembic.ini": "[alembic]\nscript_location = migrations\n",
    "migrations/env.py": "import os\nfrom alembic import context\nfrom sqlalchemy import create_engine\n"
                         'engine = create_engine(os.environ["DATABASE_URL"])\nwith engine.connect() as connection:\n'
                         "    context.configure(connection=connection, target_metadata=None)\n"
                         "    with context.begin_transaction():\n        context.run_migrations()\n",
    "migrations/script.py.mako": "\n",
    "migrations/versions/a1_create_items.py": 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "a1b2c3d4e5f6"\n'
                                              "down_revision = None\n\ndef upgrade():\n"
                                              '    op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))\n',
}


def rails(s, head):
    need([RUBY, "-e", 'require "active_record"; require "pg"'], "ruby-activerecord with ruby-pg")
    repository(s, RAILS_BASE, {}, head)
    return capture(s, RUBY, "migrate.rb")


def django(s, head):
    need([PYTHON, "-c", "import django, psycopg2"], "python3-django with python3-psycopg2")
    repository(s, DJANGO_BASE, {}, head)
    return capture(s, PYTHON, "manage.py", "migrate", "--noinput")


def alembic(s, head):
    need([PYTHON, "-c", "import alembic, sqlalchemy, psycopg2"], "python3-alembic with python3-psycopg2")
    repository(s, ALEMBIC_BASE, {}, head)
    return capture(s, PYTHON, "-m", "alembic", "upgrade", "head")


def dropped_reported(found, table_rule="drop-table"):
    return any(rule == table_rule for _, rule, _ in found)


# -- F1: forged bookkeeping ---------------------------------------------------------------------

RAILS_FORGED = ("class TidyOrders < ActiveRecord::Migration[6.1]\n  def up\n"
                '    execute "DROP TABLE orders CASCADE"\n'
                "    execute \"DELETE FROM schema_migrations WHERE version = '20240101000000'\"\n"
                "    execute \"INSERT INTO schema_migrations (version) VALUES ('20240101000000')\"\n  end\nend\n")


def rails_forged_bookkeeping(s):
    """The DROP is not given to the base branch's 20240101000000: it is reported, with an unknown."""
    found = fails(s, pr(s, rails(s, {"db/migrate/20240105000000_tidy_orders.rb": RAILS_FORGED})), "forged schema_migrations")
    check(dropped_reported(found), f"the captured DROP TABLE is reported: {sorted(found)}")
    check(("<capture>", "unknown-statement", 1) in found, f"the forgery is an unknown under <capture>: {sorted(found)}")


def django_forged_bookkeeping(s):
    head = {"shop/migrations/0002_tidy.py": "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                                            '    dependencies = [("shop", "0001_initial")]\n    operations = [\n'
                                            '        migrations.RunSQL("DROP TABLE shop_order CASCADE"),\n'
                                            "        migrations.RunSQL(\"INSERT INTO django_migrations (app, name, applied) "
                                            "VALUES ('shop', '0001_initial', now())\"),\n    ]\n"}
    found = fails(s, pr(s, django(s, head)), "a second record of shop.0001_initial")
    check(dropped_reported(found), f"the captured DROP TABLE is reported: {sorted(found)}")


def alembic_forged_bookkeeping(s):
    head = {"migrations/versions/b2_tidy_items.py": 'from alembic import op\n\nrevision = "b2c3d4e5f6a1"\n'
                                                    'down_revision = "a1b2c3d4e5f6"\n\ndef upgrade():\n    op.execute("DROP TABLE items")\n'
                                                    "    op.execute(\"UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'\")\n"}
    found = fails(s, pr(s, alembic(s, head)), "alembic_version set back to a1")
    check(dropped_reported(found), f"the captured DROP TABLE is reported: {sorted(found)}")


def rails_closed_elsewhere(s, version, base_extra=None, deleted=None):
    """A new migration drops orders, then records `version`, which no migration file of the head
    holds: the close is unreadable in `capture --ci` and in `pr --capture`."""
    need([RUBY, "-e", 'require "active_record"; require "pg"'], "ruby-activerecord with ruby-pg")
    head = {"db/migrate/20240105000000_tidy_orders.rb":
            "class TidyOrders < ActiveRecord::Migration[6.1]\n  def up\n"
            '    execute "DROP TABLE orders CASCADE"\n'
            f"    execute \"INSERT INTO schema_migrations (version) VALUES ('{version}')\"\n  end\nend\n"}
    repository(s, {**RAILS_BASE, **(base_extra or {})}, {}, head)
    if deleted:
        git(s.repo, "rm", "-q", deleted)
        git(s.repo, "commit", "-q", "--amend", "--no-edit")
        s.head = git(s.repo, "rev-parse", "HEAD")
        s.write_event()
    record = capture(s, RUBY, "migrate.rb", options=("--ci",))
    said = s.captured.stdout + s.captured.stderr
    check(s.captured.returncode != 0 and "<capture>" in said and version in said,
          f"capture --ci fails on the close of {version}: exit {s.captured.returncode}\n{said[-1500:]}")
    found = fails(s, pr(s, record, "critical"), f"a record of {version}, which no file holds")
    check(("<capture>", "unknown-statement", 1) in found, f"the close is an unknown under <capture>: {sorted(found)}")


def rails_made_up_version(s):
    rails_closed_elsewhere(s, "20231231000000")


def rails_deleted_version(s):
    """The base branch's 20240102000000, which the pull request deletes, is recorded by the new file."""
    note = ("class AddNote < ActiveRecord::Migration[6.1]\n  def change\n    add_column :orders, :note, :text\n  end\nend\n")
    path = "db/migrate/20240102000000_add_note.rb"
    rails_closed_elsewhere(s, "20240102000000", {path: note}, path)


# -- F2: a session that bypassed the proxy ------------------------------------------------------

RAILS_DIRECT = ("class TidyOrders < ActiveRecord::Migration[6.1]\n  def up\n"
                "    info = connection.raw_connection.conninfo_hash\n"
                '    port = select_value("SELECT inet_server_port()")\n'
                '    side = PG.connect(host: "127.0.0.1", port: port, dbname: info[:dbname], user: info[:user], password: info[:password])\n'
                '    side.exec("DROP TABLE orders CASCADE")\n  end\nend\n')


def rails_direct_connection(s):
    """The record says a session bypassed the proxy, and pr --capture reports it under <capture>."""
    record = rails(s, {"db/migrate/20240105000000_tidy_orders.rb": RAILS_DIRECT})
    found = fails(s, pr(s, record), "a direct connection")
    check(json.load(open(record)).get("bypassed_sessions", 0) >= 1, "the record counts the session that bypassed the proxy")
    check(("<capture>", "unknown-statement", 1) in found, f"the bypass is an unknown under <capture>: {sorted(found)}")
    # An older record, without the run's facts, is refused.
    old = json.load(open(record))
    old = {"sessions": old["sessions"]}
    with open(record, "w") as f:
        json.dump(old, f)
    proc = s.run_pr("--capture", record, "--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr2.json')}")
    check(proc.returncode == 2 and "error:" in proc.stderr, f"a record without the run's facts is refused: {proc.returncode}\n{proc.stderr[-800:]}")


# -- F3: code that branches past the old denylist; F4: a helper module ---------------------------

def rails_ternary(s):
    head = {"db/migrate/20240105000000_tidy_orders.rb":
            "class TidyOrders < ActiveRecord::Migration[6.1]\n  def up\n"
            '    execute(select_value("SELECT count(*) FROM orders").to_i > 0 ? "DROP TABLE orders CASCADE" : "SELECT 1")\n  end\nend\n'}
    found = fails(s, pr(s, rails(s, head)), "a ternary on a count")
    check(("db/migrate/20240105000000_tidy_orders.rb", "unknown-statement", 3) in found, f"unknown at line 3: {sorted(found)}")


def alembic_data_branch(s):
    head = {"migrations/versions/b2_tidy_items.py":
            'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "b2c3d4e5f6a1"\ndown_revision = "a1b2c3d4e5f6"\n\n'
            "def upgrade():\n"
            '    rows = op.get_bind().execute(sa.text("SELECT count(*) FROM items")).scalar()\n'
            '    op.execute(("SELECT 1", "DROP TABLE items")[rows > 0])\n'}
    found = fails(s, pr(s, alembic(s, head)), "a tuple indexed by a count")
    path = "migrations/versions/b2_tidy_items.py"
    check((path, "unknown-statement", 8) in found and (path, "unknown-statement", 9) in found, f"unknown at lines 8 and 9: {sorted(found)}")


def django_runsql_multiline(s):
    head = {"shop/migrations/0002_tidy.py":
            "from django.db import connection, migrations\n\n"
            'SQL = ("SELECT 1", "DROP TABLE shop_order CASCADE")[not connection.settings_dict["NAME"].startswith(("capture", "pgfence_capture"))]\n\n'
            "class Migration(migrations.Migration):\n"
            '    dependencies = [("shop", "0001_initial")]\n'
            "    operations = [\n        migrations.RunSQL(\n            SQL,\n        ),\n    ]\n"}
    found = fails(s, pr(s, django(s, head)), "a RunSQL of a name on its next line")
    path = "shop/migrations/0002_tidy.py"
    check((path, "unknown-statement", 3) in found and (path, "unknown-statement", 9) in found, f"unknown at lines 3 and 9: {sorted(found)}")


def django_helper_operation(s):
    head = {"shop/ops.py": "from django.db import migrations as m\n\nclass Tidy(m.RunSQL):\n    def __init__(self):\n"
                           '        super().__init__("SELECT 1", reverse_sql="SELECT 1")\n'
                           "    def database_forwards(self, app_label, schema_editor, from_state, to_state):\n"
                           '        if schema_editor.connection.settings_dict["NAME"].startswith(("capture", "pgfence_capture")):\n'
                           "            return\n"
                           '        schema_editor.execute("DROP TABLE shop_order CASCADE")\n',
            "shop/migrations/0002_tidy.py": "from django.db import migrations\nfrom shop.ops import Tidy\n\n"
                                            "class Migration(migrations.Migration):\n"
                                            '    dependencies = [("shop", "0001_initial")]\n    operations = [Tidy()]\n'}
    found = fails(s, pr(s, django(s, head)), "a project-local helper")
    check(("shop/migrations/0002_tidy.py", "unknown-statement", 2) in found, f"the import is unknown at line 2: {sorted(found)}")


# -- F5: a process that outlives the command ----------------------------------------------------

def rails_detached_job(s):
    head = {"db/migrate/20240105000000_tidy_orders.rb":
            "class TidyOrders < ActiveRecord::Migration[6.1]\n  def up\n"
            '    Process.detach(Process.spawn("sleep 4; psql \\"$DATABASE_URL\\" -qc \\"DROP TABLE orders CASCADE\\"", '
            "pgroup: true, [:out, :err] => File::NULL))\n  end\nend\n"}
    record = rails(s, head)
    found = fails(s, pr(s, record), "a detached job")
    check(json.load(open(record)).get("outlived_by", 0) >= 1, "the record says a process outlived the command")
    check(("<capture>", "unknown-statement", 1) in found, f"the incomplete capture is an unknown under <capture>: {sorted(found)}")


# -- controls -------------------------------------------------------------------------------------

RAILS_PLAIN = ("# frozen_string_literal: true\n\nclass AddNoteToOrders < ActiveRecord::Migration[6.1]\n"
               "  disable_ddl_transaction!\n\n  def change\n"
               "    add_column :orders, :note, :text, null: true\n"
               "    add_index :orders, :reference, unique: true, algorithm: :concurrently\n"
               "    create_table :customers do |t|\n      t.string :name, null: false, limit: 80\n"
               "      t.references :order, foreign_key: true, index: { unique: false }\n      t.timestamps\n    end\n"
               "    execute <<~SQL\n      COMMENT ON TABLE customers IS 'buyers'\n    SQL\n  end\nend\n")
DJANGO_PLAIN = ("# Generated by Django 3.2.19 on 2024-01-02 10:00\n\nfrom django.db import migrations, models\n"
                "import django.db.models.deletion\n\n\nclass Migration(migrations.Migration):\n\n"
                "    dependencies = [\n        ('shop', '0001_initial'),\n    ]\n\n    operations = [\n"
                "        migrations.CreateModel(\n            name='Customer',\n            fields=[\n"
                "                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),\n"
                "                ('name', models.CharField(max_length=80)),\n"
                "                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='shop.order')),\n"
                "            ],\n            options={'ordering': ['name']},\n        ),\n"
                "        migrations.AddField(\n            model_name='order',\n            name='note',\n"
                "            field=models.TextField(null=True),\n        ),\n    ]\n")
ALEMBIC_PLAIN = ('"""add customers\n\nRevision ID: b2c3d4e5f6a1\nRevises: a1b2c3d4e5f6\nCreate Date: 2024-01-02 10:00:00.000000\n\n"""\n'
                 "from alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\n"
                 "revision = 'b2c3d4e5f6a1'\ndown_revision = 'a1b2c3d4e5f6'\nbranch_labels = None\ndepends_on = None\n\n\n"
                 "def upgrade():\n    # ### commands auto generated by Alembic - please adjust! ###\n"
                 "    op.create_table('customers',\n    sa.Column('id', sa.Integer(), nullable=False),\n"
                 "    sa.Column('name', sa.String(length=80), nullable=True),\n    sa.PrimaryKeyConstraint('id')\n    )\n"
                 "    op.create_index(op.f('ix_customers_name'), 'customers', ['name'], unique=False)\n"
                 "    op.add_column('items', sa.Column('note', sa.Text(), nullable=True))\n    # ### end Alembic commands ###\n\n\n"
                 "def downgrade():\n    # ### commands auto generated by Alembic - please adjust! ###\n"
                 "    op.drop_index(op.f('ix_customers_name'), table_name='customers')\n    op.drop_table('customers')\n"
                 "    # ### end Alembic commands ###\n")


def no_unknown(s, proc):
    found = pr_findings(s)
    check(not any(rule == "unknown-statement" for _, rule, _ in found), f"no unknown statement: {sorted(found)}\n{proc.stderr[-1500:]}")
    check(proc.returncode in (0, 1), f"pr ran: exit {proc.returncode}\n{proc.stderr[-1500:]}")


def rails_plain(s):
    no_unknown(s, pr(s, rails(s, {"db/migrate/20240105000000_add_note_to_orders.rb": RAILS_PLAIN}), "critical"))


def django_plain(s):
    no_unknown(s, pr(s, django(s, {"shop/migrations/0002_customer.py": DJANGO_PLAIN}), "critical"))


def alembic_plain(s):
    no_unknown(s, pr(s, alembic(s, {"migrations/versions/b2_customers.py": ALEMBIC_PLAIN}), "critical"))


SCENARIOS = {f.__name__: f for f in (rails_forged_bookkeeping, django_forged_bookkeeping, alembic_forged_bookkeeping,
                                     rails_made_up_version, rails_deleted_version,
                                     rails_direct_connection, rails_ternary, alembic_data_branch, django_runsql_multiline,
                                     django_helper_operation, rails_detached_job, rails_plain, django_plain, alembic_plain)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
