#include "analyze/migrations/foreign_migrations.hpp"

#include <cctype>
#include <string>

#include "analyze/base/ascii.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/model/lock_mode.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\f')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The first line whose text (trimmed, lower-cased when `fold`) starts with one of `starts`; 0 when none.
int first_line(std::string_view text, std::initializer_list<std::string_view> starts, bool fold = false) {
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        const std::string low = fold ? lowered(l) : std::string();
        for (std::string_view s : starts) {
            if ((fold ? std::string_view(low) : l).starts_with(s)) return n;
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return 0;
}

// The first line holding `needle`; 0 when none.
int line_holding(std::string_view text, std::string_view needle) {
    std::size_t at = text.find(needle);
    if (at == std::string_view::npos) return 0;
    int n = 1;
    for (std::size_t i = 0; i < at; ++i) n += text[i] == '\n';
    return n;
}

std::string joined(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

std::string why(std::string_view tool, std::string_view what) {
    return std::string(what) + ": " + with_article(tool) +
           " migration pgfence does not read: review it, or capture what the tool sends (a later release)";
}

// Liquibase formatted SQL: FormattedSqlChangeLogParser supports a file whose first line matches
// `--\s*liquibase formatted.*`, case-insensitive (liquibase/liquibase liquibase-standard
// src/main/java/liquibase/parser/core/sql/FormattedSqlChangeLogParser.java FIRST_LINE_PATTERN);
// each `--changeset author:id` starts a change set it runs.
std::optional<CodeMigration> liquibase_sql(std::string_view text) {
    std::size_t nl = text.find('\n');
    std::string first = lowered(trim(text.substr(0, nl)));
    if (first.starts_with("\xEF\xBB\xBF")) first.erase(0, 3);
    if (!first.starts_with("--")) return std::nullopt;
    if (!std::string_view(first).substr(2).starts_with("liquibase formatted") &&
        !trim(std::string_view(first).substr(2)).starts_with("liquibase formatted")) {
        return std::nullopt;
    }
    int line = first_line(text, {"--changeset", "-- changeset"}, true);
    return CodeMigration{"liquibase", line == 0 ? 1 : line, why("Liquibase", "a Liquibase formatted SQL changelog")};
}

// Liquibase's YAML, JSON and XML changelogs have the root databaseChangeLog (liquibase-standard
// parser/core/yaml/YamlChangeLogParser.java reads the `databaseChangeLog` key; the XML schema
// dbchangelog-*.xsd its root element), each changeSet run in order.
std::optional<CodeMigration> liquibase_changelog(std::string_view text) {
    if (text.find("databaseChangeLog") == std::string_view::npos) return std::nullopt;
    int line = line_holding(text, "changeSet");
    if (line == 0) line = line_holding(text, "include");  // includeAll / include: the files it names run
    if (line == 0) return std::nullopt;
    return CodeMigration{"liquibase", line, why("Liquibase", "a Liquibase changelog")};
}

// pgroll's migration files are JSON or YAML objects with `name` and `operations` (xataio/pgroll
// pkg/migrations/migrations.go: type Migration { Name, Operations `json:"operations"` }), run by
// `pgroll start` / `pgroll migrate DIR`.
std::optional<CodeMigration> pgroll(std::string_view text, bool yaml) {
    const int line = yaml ? first_line(text, {"operations:"}) : line_holding(text, "\"operations\"");
    if (line == 0) return std::nullopt;
    for (std::string_view op : {"create_table", "drop_table", "add_column", "drop_column", "alter_column", "create_index", "drop_index",
                                "rename_table", "rename_column", "sql", "raw_sql", "set_replica_identity", "create_constraint",
                                "drop_constraint", "drop_multicolumn_constraint", "rename_constraint"}) {
        const std::string key = yaml ? std::string(op) + ":" : "\"" + std::string(op) + "\"";
        if (text.find(key) != std::string_view::npos) return CodeMigration{"pgroll", line, why("pgroll", "a pgroll migration")};
    }
    return std::nullopt;
}

bool digits_then(std::string_view name, char after) {
    std::size_t i = 0;
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
    return i > 0 && i < name.size() && name[i] == after;
}

}  // namespace

bool foreign_migration_candidate(std::string_view path) {
    const std::string name = lowered(path_name(path));
    for (std::string_view ext : {".yaml", ".yml", ".json", ".xml", ".sql", ".rb", ".py", ".exs", ".php", ".cs"}) {
        if (name.ends_with(ext)) return name != "package.json" && name != "package-lock.json" && !name.starts_with("tsconfig");
    }
    return false;
}

std::optional<CodeMigration> read_foreign_migration(std::string_view path, std::string_view text, bool too_large, const ReadFile& read) {
    const std::string_view name = path_name(path);
    const std::string low = lowered(name);
    const std::string_view folder = path_folder(path);
    if (low.ends_with(".sql")) {
        if (!too_large) {
            if (auto l = liquibase_sql(text)) return l;
        }
        // Sqitch runs deploy/<change>.sql of the changes its plan lists, the plan beside the
        // deploy folder (sqitchtng/sqitch lib/App/Sqitch/Target.pm: plan_file top_dir/sqitch.plan,
        // deploy_dir top_dir/deploy).
        if (path_name(folder) == "deploy" && read) {
            const std::string top(path_folder(folder));
            if (auto plan = read(joined(top, "sqitch.plan"))) {
                const std::string change(name.substr(0, name.size() - 4));
                for (std::size_t at = plan->find(change); at != std::string::npos; at = plan->find(change, at + 1)) {
                    const bool starts = at == 0 || (*plan)[at - 1] == '\n';
                    const std::size_t end = at + change.size();
                    if (starts && (end == plan->size() || (*plan)[end] == ' ' || (*plan)[end] == '\t' || (*plan)[end] == '\n' ||
                                   (*plan)[end] == '\r' || (*plan)[end] == '@')) {
                        return CodeMigration{"sqitch", 1, why("Sqitch", "a Sqitch deploy script (" + joined(top, "sqitch.plan") + " lists it)")};
                    }
                }
            }
        }
        // Atlas applies the .sql files of the migration directory its project file names
        // (ariga/atlas cmd/atlas/internal/cmdapi: atlas.hcl `migration { dir = "file://..." }`,
        // relative to the folder atlas runs in, where atlas.hcl is).
        if (read) {
            for (std::string_view up = folder;; up = path_folder(up)) {
                if (auto hcl = read(joined(up, "atlas.hcl"))) {
                    for (std::size_t at = hcl->find("file://"); at != std::string::npos; at = hcl->find("file://", at + 7)) {
                        std::size_t end = hcl->find_first_of("\"?", at + 7);
                        if (end == std::string::npos) break;
                        std::string dir = hcl->substr(at + 7, end - at - 7);
                        while (dir.starts_with("./")) dir.erase(0, 2);
                        while (dir.ends_with("/")) dir.pop_back();
                        if (joined(up, dir) == folder || ((dir.empty() || dir == ".") && folder == up)) {
                            return CodeMigration{"atlas", 1, why("Atlas", "an Atlas migration file (" + joined(up, "atlas.hcl") + " names its directory)")};
                        }
                    }
                }
                if (up.empty()) break;
            }
        }
        return std::nullopt;
    }
    if (too_large) return std::nullopt;
    if (low.ends_with(".yaml") || low.ends_with(".yml") || low.ends_with(".json") || low.ends_with(".xml")) {
        if (auto l = liquibase_changelog(text)) return l;
        if (!low.ends_with(".xml")) return pgroll(text, !low.ends_with(".json"));
        return std::nullopt;
    }
    if (low.ends_with(".rb")) {
        // Active Record runs db/migrate/<version>_<name>.rb (rails/rails activerecord/lib/
        // active_record/migration.rb: MigrationFilenameRegexp /\A([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb\z/),
        // a subclass of ActiveRecord::Migration.
        if (!digits_then(name, '_')) return std::nullopt;
        const int line = line_holding(text, "ActiveRecord::Migration");
        if (line == 0) return std::nullopt;
        return CodeMigration{"rails", line, why("Rails (Active Record)", "an Active Record migration")};
    }
    if (low.ends_with(".exs")) {
        // Ecto runs the <version>_<name>.exs files of priv/repo/migrations, each a module that
        // uses Ecto.Migration (elixir-ecto/ecto_sql lib/ecto/migrator.ex migrations_for:
        // Path.wildcard of "*.exs", ~r"^(\d+)_([_a-z0-9]*).exs$").
        if (!digits_then(name, '_')) return std::nullopt;
        const int line = line_holding(text, "Ecto.Migration");
        if (line == 0) return std::nullopt;
        return CodeMigration{"ecto", line, why("Ecto", "an Ecto migration")};
    }
    if (low.ends_with(".php")) {
        // Laravel runs database/migrations/*_*.php, each returning or declaring a class that
        // extends Migration (laravel/framework src/Illuminate/Database/Migrations/Migrator.php
        // getMigrationFiles: glob "*_*.php").
        if (name.find('_') == std::string_view::npos || path_name(folder) != "migrations") return std::nullopt;
        const int line = line_holding(text, "extends Migration");
        if (line == 0) return std::nullopt;
        return CodeMigration{"laravel", line, why("Laravel", "a Laravel migration")};
    }
    if (low.ends_with(".cs")) {
        // EF Core runs the classes deriving from Migration with a [Migration("id")] attribute
        // (dotnet/efcore src/EFCore.Relational/Migrations/Internal/MigrationsAssembly.cs); the
        // .Designer.cs half holds the attribute, the other half Up().
        if (low.ends_with(".designer.cs") || low.ends_with("modelsnapshot.cs")) return std::nullopt;
        const int line = line_holding(text, ": Migration");
        if (line == 0 || text.find("override void Up(") == std::string_view::npos) return std::nullopt;
        return CodeMigration{"ef-core", line, why("EF Core", "an EF Core migration")};
    }
    if (low.ends_with(".py")) {
        // Django loads every module of an app's migrations package whose name does not start
        // with _ or ~ and requires its class Migration (django/django django/db/migrations/loader.py
        // MigrationLoader.load_disk).
        if (path_name(folder) == "migrations" && !name.starts_with('_') && !name.starts_with('~')) {
            if (int line = line_holding(text, "class Migration(")) return CodeMigration{"django", line, why("Django", "a Django migration")};
        }
        // Alembic reads each script of its versions folder as a module with `revision` and
        // `down_revision` (sqlalchemy/alembic alembic/script/base.py Script._from_filename) and runs
        // its upgrade().
        // The name is down_revision itself (harbor's config migrators set `down_revisions`, a
        // list no Alembic reads), and the module is Alembic's: it names alembic (`from alembic
        // import op`) or has the upgrade() Alembic calls (Script.module.upgrade, alembic/runtime/migration.py).
        const auto down_revision = [&] {
            for (std::size_t at = text.find("down_revision"); at != std::string_view::npos; at = text.find("down_revision", at + 1)) {
                const std::size_t after = at + std::string_view("down_revision").size();
                const bool word_before = at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 || text[at - 1] == '_');
                const bool word_after = after < text.size() && (std::isalnum(static_cast<unsigned char>(text[after])) != 0 || text[after] == '_');
                if (!word_before && !word_after) return true;
            }
            return false;
        };
        const bool alembic_module = text.find("alembic") != std::string_view::npos || first_line(text, {"def upgrade("}) != 0;
        const int revision = first_line(text, {"revision =", "revision=", "revision: str =", "revision:str ="});
        if (revision != 0 && alembic_module && down_revision()) {
            const int upgrade = first_line(text, {"def upgrade("});
            return CodeMigration{"alembic", upgrade != 0 ? upgrade : revision, why("Alembic", "an Alembic revision")};
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools
