"""Migration projects written for the capture tests, run by the real tools from Debian's packages
(python3-alembic 1.8, python3-django 3.2 with python3-psycopg2)."""
import os
import textwrap


def write(root, name, text):
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text).lstrip())
    return path


def alembic_project(root):
    """Three revisions: a table (safe), an index built without CONCURRENTLY on it (dangerous:
    SHARE lock on an existing table), and a column added as nullable (safe)."""
    write(root, "alembic.ini", """
        [alembic]
        script_location = migrations
    """)
    write(root, "migrations/env.py", """
        import os
        from alembic import context
        from sqlalchemy import create_engine

        def run():
            engine = create_engine(os.environ["DATABASE_URL"])
            with engine.connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()

        run()
    """)
    write(root, "migrations/script.py.mako", "")
    write(root, "migrations/versions/a1_create_items.py", """
        from alembic import op
        import sqlalchemy as sa

        revision = 'a1b2c3d4e5f6'
        down_revision = None

        def upgrade():
            op.create_table('items', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.Text))
    """)
    write(root, "migrations/versions/b2_index_items.py", """
        from alembic import op

        revision = 'b2c3d4e5f6a1'
        down_revision = 'a1b2c3d4e5f6'

        def upgrade():
            op.create_index('ix_items_name', 'items', ['name'])
    """)
    write(root, "migrations/versions/c3_add_note.py", """
        from alembic import op
        import sqlalchemy as sa

        revision: str = "c3d4e5f6a1b2"
        down_revision = 'b2c3d4e5f6a1'

        def upgrade():
            op.add_column('items', sa.Column('note', sa.Text, nullable=True))
    """)
    return ["/usr/bin/python3", "-m", "alembic", "upgrade", "head"]


def django_project(root, failing=False):
    """An app `shop` with three migrations: a model (safe), an index added to it (dangerous: a
    plain CREATE INDEX on an existing table), a nullable field (safe). With `failing`, a fourth
    one whose RunSQL the server rejects."""
    write(root, "manage.py", """
        import os, sys
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings")
        from django.core.management import execute_from_command_line
        execute_from_command_line(sys.argv)
    """)
    write(root, "site_settings.py", """
        import os
        SECRET_KEY = "capture-test"
        INSTALLED_APPS = ["shop"]
        USE_TZ = True
        DATABASES = {"default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["PGDATABASE"], "USER": os.environ["PGUSER"],
            "PASSWORD": os.environ["PGPASSWORD"], "HOST": os.environ["PGHOST"], "PORT": os.environ["PGPORT"],
        }}
        DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
    """)
    write(root, "shop/__init__.py", "")
    write(root, "shop/migrations/__init__.py", "")
    write(root, "shop/migrations/0001_initial.py", """
        from django.db import migrations, models

        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(name="Order", fields=[
                    ("id", models.AutoField(primary_key=True)),
                    ("reference", models.CharField(max_length=40)),
                ]),
            ]
    """)
    write(root, "shop/migrations/0002_order_reference_index.py", """
        from django.db import migrations, models

        class Migration(migrations.Migration):
            dependencies = [("shop", "0001_initial")]
            operations = [
                migrations.AddIndex(model_name="order", index=models.Index(fields=["reference"], name="order_ref_idx")),
            ]
    """)
    write(root, "shop/migrations/0003_order_note.py", """
        from django.db import migrations, models

        class Migration(migrations.Migration):
            dependencies = [("shop", "0002_order_reference_index")]
            operations = [
                migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
            ]
    """)
    if failing:
        write(root, "shop/migrations/0004_broken.py", """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0003_order_note")]
                operations = [migrations.RunSQL("ALTER TABLE shop_order ADD COLUMN note text")]
        """)
    return ["/usr/bin/python3", "manage.py", "migrate", "--noinput"]


def rails_project(root):
    """ActiveRecord 6.1's migrator (the one `bin/rails db:migrate` runs) over three migrations: a
    table (safe), add_index without `algorithm:` (dangerous), and add_index with
    `algorithm: :concurrently` under `disable_ddl_transaction!` (no plain CREATE INDEX)."""
    write(root, "migrate.rb", """
        require "active_record"
        ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))
        ActiveRecord::MigrationContext.new(File.expand_path("db/migrate", __dir__), ActiveRecord::SchemaMigration).migrate
    """)
    write(root, "db/migrate/20240101000000_create_orders.rb", """
        class CreateOrders < ActiveRecord::Migration[6.1]
          def change
            create_table :orders do |t|
              t.string :reference
              t.string :customer
            end
          end
        end
    """)
    write(root, "db/migrate/20240102000000_add_index_to_orders_reference.rb", """
        class AddIndexToOrdersReference < ActiveRecord::Migration[6.1]
          def change
            add_index :orders, :reference
          end
        end
    """)
    write(root, "db/migrate/20240103000000_add_index_to_orders_customer.rb", """
        class AddIndexToOrdersCustomer < ActiveRecord::Migration[6.1]
          disable_ddl_transaction!

          def change
            add_index :orders, :customer, algorithm: :concurrently
          end
        end
    """)
    return ["/usr/bin/ruby", "migrate.rb"]
