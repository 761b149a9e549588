"""Migrations of more tools pgfence does not read (issue #53, red team h2 addendum B): Ecto's
priv/repo/migrations/<version>_<name>.exs, Laravel's database/migrations/*_*.php and EF Core's
Migrations/*.cs are unknown statements at the line that makes them migrations, so the pull request
fails `pgfence pr` (against the GitHub double) instead of passing as "0 files"; a PHP or C# file
that is no migration adds nothing (foreign_control).

    test_foreign_more.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_link_targets import gated, repository  # noqa: E402
from test_tool_reach import pr_findings  # noqa: E402

HEAD = {
    "priv/repo/migrations/20240102000000_cleanup.exs":
        "defmodule App.Repo.Migrations.Cleanup do\n  use Ecto.Migration\n  def change do\n    drop table(:users)\n  end\nend\n",
    "database/migrations/2024_01_02_000000_cleanup.php":
        "<?php\nuse Illuminate\\Database\\Migrations\\Migration;\nreturn new class extends Migration {\n"
        "    public function up(): void { Schema::drop('users'); }\n};\n",
    "Migrations/20240102000000_Cleanup.cs":
        "using Microsoft.EntityFrameworkCore.Migrations;\npublic partial class Cleanup : Migration\n{\n"
        "    protected override void Up(MigrationBuilder migrationBuilder) { migrationBuilder.DropTable(name: \"users\"); }\n}\n",
}


def foreign_more(s):
    gated(s, {"README.md": "app\n"}, {}, HEAD, {
        ("priv/repo/migrations/20240102000000_cleanup.exs", "unknown-statement", 2),
        ("database/migrations/2024_01_02_000000_cleanup.php", "unknown-statement", 3),
        ("Migrations/20240102000000_Cleanup.cs", "unknown-statement", 2),
    })


def foreign_more_control(s):
    repository(s, {"README.md": "app\n"}, {}, {
        "app/Http/Controllers/UserController.php": "<?php\nclass UserController extends Controller {}\n",
        "src/Program.cs": "public static class Program { public static void Main() {} }\n",
        "lib/app.exs": "IO.puts(\"hi\")\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(not pr_findings(s), f"no findings: {pr_findings(s)}")


SCENARIOS = {f.__name__: f for f in (foreign_more, foreign_more_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
