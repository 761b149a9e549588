// Issue #53 items 3 and 4: Flyway's settings files (analyze/tools/flyway_settings.hpp), its
// placeholder replacement (flyway_placeholders.hpp), and the upload's content hash covering them.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/flyway_placeholders.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "bot/governance_envelope.hpp"
#include "bot/tool_settings_review.hpp"
#include "diff/repository.hpp"

namespace fs = std::filesystem;
using namespace pgfence;
using namespace pgfence::analyze;
using namespace pgfence::analyze::tools;

namespace {

FileReport flyway(const std::string& sql, const std::vector<std::pair<std::string, std::string>>& settings,
                  const std::string& path = "db/migration/V2__note.sql") {
    AnalyzeOptions options;
    return analyze_text(path, sql, options, pack_flyway_files(settings));
}

bool has_rule(const FileReport& r, const std::string& rule) {
    for (const auto& f : r.findings) {
        if (f.rule == rule) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("flyway settings: flyway.conf as Java properties") {
    auto s = read_flyway_settings("flyway.conf",
                                  "# comment\n! also a comment\n"
                                  "flyway.locations = filesystem:db/migration,\\\n    filesystem:ops/sql\n"
                                  "flyway.placeholders.Users_Note: a\\tb\\u0041\n"
                                  "flyway.placeholders.env=${HOME}\n"
                                  "flyway.placeholderReplacement=true\n"
                                  "other.key=ignored\n");
    CHECK(s.locations == std::vector<std::string>{"filesystem:db/migration", "filesystem:ops/sql"});
    REQUIRE(s.placeholders.contains("users_note"));  // Flyway's names are case-insensitive
    // Flyway doubles every backslash before Properties.load (ConfigUtils.loadConfigurationFromString):
    // escapes stay as typed.
    CHECK(s.placeholders["users_note"] == std::optional<std::string>("a\\tb\\u0041"));
    CHECK_FALSE(s.placeholders["env"]);  // an environment variable: not known here
    CHECK(s.replacement);
    CHECK_FALSE(s.syntax_unknown);
    REQUIRE(s.lines.size() == 4);
    CHECK(s.lines[0].line == 3);
    CHECK(s.lines[1].line == 5);

    // A trailing backslash continues a line only onto one that is not empty and not a flyway.
    // setting; before one, and before the file's end, it is a backslash of the value. \: and \=
    // keep their backslash; a line's leading and trailing white space is trimmed.
    auto slashes = read_flyway_settings("flyway.conf",
                                        "flyway.placeholders.a=one \\\nflyway.placeholders.b=x\\:y\\=z  \n"
                                        "flyway.placeholders.c=true --\\n AND id = 42\n"
                                        "flyway.placeholders.d=first \\\n  second\n"
                                        "flyway.placeholders.e=end\\\n\nflyway.placeholders.f=last\\\n");
    CHECK(slashes.placeholders["a"] == std::optional<std::string>("one \\"));
    CHECK(slashes.placeholders["b"] == std::optional<std::string>("x\\:y\\=z"));
    CHECK(slashes.placeholders["c"] == std::optional<std::string>("true --\\n AND id = 42"));
    CHECK(slashes.placeholders["d"] == std::optional<std::string>("first second"));
    CHECK(slashes.placeholders["e"] == std::optional<std::string>("end\\"));
    CHECK(slashes.placeholders["f"] == std::optional<std::string>("last\\"));

    auto off = read_flyway_settings("flyway.conf", "flyway.placeholderReplacement=false\nflyway.placeholderPrefix=#[\n");
    CHECK_FALSE(off.replacement);
    CHECK(off.prefix == "#[");
}

TEST_CASE("flyway settings: flyway.toml, its environments, and files that disagree") {
    auto s = read_flyway_settings("flyway.toml",
                                  "[flyway]\nlocations = [\"filesystem:sql\", 'filesystem:more']\n"
                                  "[flyway.placeholders]\nschema = \"app\"\nnote = \"it\\\"s\"\n"
                                  "[environments.prod.flyway.placeholders]\nschema = \"prod_app\"\nnote = \"it\\\"s\"\n");
    CHECK(s.locations == std::vector<std::string>{"filesystem:sql", "filesystem:more"});
    CHECK_FALSE(s.placeholders["schema"]);  // which environment runs is not in the repository
    CHECK(s.placeholders["note"] == std::optional<std::string>("it\"s"));
    auto multi = read_flyway_settings("flyway.toml", "[flyway.placeholders]\nx = \"\"\"\nlong\n\"\"\"\n");
    CHECK_FALSE(multi.placeholders["x"]);

    auto packed = pack_flyway_files({{"flyway.conf", "flyway.placeholders.a=1\nflyway.placeholders.b=2\n"},
                                     {"conf/flyway.conf", "flyway.placeholders.a=1\nflyway.placeholders.b=3\n"}});
    auto both = unpack_flyway_files(packed);
    REQUIRE(both);
    CHECK(both->placeholders["a"] == std::optional<std::string>("1"));
    CHECK_FALSE(both->placeholders["b"]);
    CHECK(both->files == std::vector<std::string>{"flyway.conf", "conf/flyway.conf"});
    CHECK_FALSE(unpack_flyway_files("1 2\nab"));
    CHECK_FALSE(unpack_flyway_files(std::string("pgfence flyway settings\n") + "99 1\nx"));

    CHECK(location_folder("flyway.conf", "filesystem:db/migration/") == "db/migration");
    CHECK(location_folder("app/conf/flyway.conf", "filesystem:./sql") == "app/sql");
    CHECK(location_folder("flyway.conf", "classpath:db/migration").empty());
    CHECK(location_folder("flyway.conf", "filesystem:/etc").empty());
    CHECK(location_folder("flyway.conf", "filesystem:../x").empty());
}

TEST_CASE("flyway placeholders: a known value is put in as text, spans stay the file's") {
    const std::string sql = "SELECT 0;\nCOMMENT ON TABLE users IS '${users_note}';\nSELECT 1;\n";
    auto r = flyway(sql, {{"flyway.conf", "flyway.placeholders.users_note=x'; DROP TABLE users CASCADE; --\n"}});
    REQUIRE(r.statements.size() == 4);
    CHECK(r.statements[1].sql == "COMMENT ON TABLE users IS 'x'");
    CHECK(r.statements[2].sql == "DROP TABLE users CASCADE");
    CHECK(r.statements[2].span.start.line == 2);  // the placeholder's line
    CHECK(r.statements[2].span.start.column == 28);
    CHECK(r.statements[3].span.start.line == 3);  // after the value, the file's own lines again
    CHECK(r.statements[3].span.start.column == 1);
    CHECK(has_rule(r, "drop-table"));
    CHECK(r.settings_files == std::vector<std::string>{"flyway.conf"});
    REQUIRE(r.plan);  // declined: a plan would lose the placeholders
    CHECK(r.plan->declined.find("Flyway puts its placeholders") != std::string::npos);

    // A harmless value: the statement as it runs.
    auto ok = flyway("COMMENT ON TABLE users IS '${users_note}';\n", {{"flyway.conf", "flyway.placeholders.users_note=Accounts\n"}});
    REQUIRE(ok.statements.size() == 1);
    CHECK(ok.statements[0].status == StatementStatus::Analyzed);
    CHECK(ok.statements[0].sql == "COMMENT ON TABLE users IS 'Accounts'");
}

TEST_CASE("flyway placeholders: a value not known is unknown, wherever it stands") {
    for (const std::string sql : {"COMMENT ON TABLE users IS '${note}';\n", "-- ${note}\nSELECT 1;\n",
                                  "CREATE TABLE \"${note}\" (id int);\n", "CREATE TABLE ${schema}.t (id int);\n"}) {
        INFO(sql);
        auto r = flyway(sql, {});
        REQUIRE(r.statements.size() == 1);
        CHECK(r.statements[0].status == StatementStatus::Unknown);
        CHECK(has_rule(r, "unknown-statement"));
    }
    // Locks are still shown for a stand-in identifier.
    auto r = flyway("CREATE TABLE ${schema}.t (id int);\n", {});
    REQUIRE_FALSE(r.statements[0].locks.empty());
    CHECK(r.statements[0].locks[0].relation == "${schema}.t");
    // Flyway's own placeholders: a schema or user names an object in code, not in a literal.
    auto deployed = flyway("CREATE TABLE ${flyway:defaultSchema}.t (id int);\nSELECT '${flyway:user}', '${flyway:timestamp}';\n", {});
    REQUIRE(deployed.statements.size() == 2);
    CHECK(deployed.statements[0].status == StatementStatus::Analyzed);
    CHECK(deployed.statements[1].status == StatementStatus::Unknown);
    auto named = flyway("SELECT '${flyway:filename}';\n", {});
    CHECK(named.statements.at(0).sql == "SELECT 'V2__note.sql'");
    // placeholderReplacement=false: sent as written.
    auto off = flyway("SELECT '${note}';\n", {{"flyway.conf", "flyway.placeholderReplacement=false\n"}});
    CHECK(off.statements.at(0).status == StatementStatus::Analyzed);
    CHECK(off.statements.at(0).sql == "SELECT '${note}'");
    // An unclosed placeholder runs to the end of the file, linear in its length.
    std::string many(200000, '$');
    for (std::size_t i = 1; i < many.size(); i += 2) many[i] = '{';
    Replaced big = replace_flyway_placeholders(many, FlywaySettings{}, "V1__x.sql");
    CHECK(big.unknown.size() == 1);
    // A long value put in many times: the text stays within a bound linear in the file.
    FlywaySettings huge;
    huge.placeholders["v"] = std::string(100000, 'x');
    std::string uses;
    for (int i = 0; i < 1000; ++i) uses += "SELECT '${v}';\n";
    Replaced bounded = replace_flyway_placeholders(uses, huge, "V1__x.sql");
    CHECK(bounded.text.size() <= uses.size() * 5 + (1u << 20));  // the bound, and the rest of the file
    CHECK_FALSE(bounded.unknown.empty());
}

TEST_CASE("flyway settings: the changes of a pull request, at their lines") {
    auto changes = flyway_setting_changes("flyway.conf", std::string("# a\nflyway.locations=filesystem:sql\nflyway.url=jdbc:x\n"),
                                          "# b\nflyway.locations=filesystem:sql,filesystem:more\n\nflyway.placeholders.n=1\n");
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].line == 1);  // flyway.url removed
    CHECK(changes[0].what.find("flyway.url removed") != std::string::npos);
    CHECK(changes[1].line == 2);
    CHECK(changes[1].what.find("(was filesystem:sql)") != std::string::npos);
    CHECK(changes[2].line == 4);
    CHECK(flyway_setting_changes("flyway.conf", std::string("flyway.placeholders.n=1\n"), "# now with a comment\nflyway.placeholders.n = 1\n").empty());
    auto report = analyze_tool_settings("flyway.conf", changes, AnalyzeOptions{});
    CHECK(report.findings.size() == 3);
    CHECK(has_rule(report, "migration-tool-settings-changed"));
}

namespace {

struct Repo {
    fs::path dir;
    Repo() {
        std::random_device random;
        dir = fs::temp_directory_path() / ("pgfence-settings-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
        fs::create_directories(dir);
        run("git init -q -b main");
    }
    ~Repo() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    std::string run(const std::string& command) const {
        std::string full = "cd '" + dir.string() + "' && export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "
                           "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@x && " + command + " 2>&1";
        FILE* pipe = ::popen(full.c_str(), "r");
        REQUIRE(pipe != nullptr);
        std::string out;
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        REQUIRE(::pclose(pipe) == 0);
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }
    std::string commit(const std::string& path, const std::string& text) const {
        fs::create_directories((dir / path).parent_path());
        std::ofstream(dir / path, std::ios::binary) << text;
        run("git add -A && git commit -qm change");
        return run("git rev-parse HEAD");
    }
};

// The content hash `pr --upload` would send for `head`: the migration at `path` analysed with
// what that commit gives it (`metadata`: its Flyway settings), from the current folder, and the
// files the report then lists besides it (settings files, imported helpers) put in `dependencies`.
std::string upload_hash(const diff::Repository& repo, const std::string& base, const std::string& head, const std::string& path,
                        const std::string& metadata, std::vector<std::string>* dependencies = nullptr) {
    AnalyzeOptions options;
    auto text = repo.read_file(head, path);
    REQUIRE(text);
    REQUIRE(*text);
    Report report;
    report.files.push_back(analyze_text(path, **text, options, metadata));
    if (dependencies != nullptr) *dependencies = report.files.front().settings_files;
    diff::ChangeSet changes;
    changes.base_sha = changes.merge_base_sha = base;
    changes.head_sha = head;
    REQUIRE(bot::add_settings_reports(repo, changes, report, options));
    auto envelope = bot::governance::build_envelope(
        report, bot::governance::Subject{"octo/app", 7, head, base},
        [&](const std::string& p) { return repo.read_file(head, p); }, {}, false);
    REQUIRE(envelope);
    return envelope->content_hash;
}

// A Flyway migration's, with the settings of that commit.
std::string content_hash(const diff::Repository& repo, const std::string& base, const std::string& head) {
    const std::string path = "db/migration/V2__note.sql";
    auto metadata = bot::flyway_settings_at(repo, head, path, AnalyzeOptions{}.max_file_bytes);
    REQUIRE(metadata);
    return upload_hash(repo, base, head, path, *metadata);
}

}  // namespace

TEST_CASE("the upload's content hash covers the Flyway settings a migration was read with") {
    Repo git;
    const std::string base = git.commit("flyway.conf", "flyway.placeholders.users_note=Accounts\n");
    git.run("git checkout -qb feature");
    const std::string approved = git.commit("db/migration/V2__note.sql", "COMMENT ON TABLE users IS '${users_note}';\n");
    const std::string settings_only = git.commit("flyway.conf", "flyway.placeholders.users_note=x'; DROP TABLE users; --\n");
    auto repo = diff::Repository::open(git.dir.string());
    REQUIRE(repo);
    const std::string before = content_hash(*repo, base, approved);
    const std::string after = content_hash(*repo, base, settings_only);
    CHECK(before != after);  // an approval of `approved` does not hold for `settings_only`
    CHECK(content_hash(*repo, base, approved) == before);
}

namespace {

// An ORM migration's, analysed from the repository's top as pr is run there (an imported helper
// resolves from the working tree).
std::string script_hash(const diff::Repository& repo, const fs::path& top, const std::string& base, const std::string& head,
                        std::vector<std::string>* dependencies = nullptr) {
    const fs::path before = fs::current_path();
    fs::current_path(top);
    std::string hash = upload_hash(repo, base, head, "src/migrations/1700000000000-Cleanup.ts", "", dependencies);
    fs::current_path(before);
    return hash;
}

}  // namespace

TEST_CASE("the upload's content hash covers the helpers an ORM migration imports and pgfence followed") {
    Repo git;
    const std::string base = git.commit("README.md", "app\n");
    git.run("git checkout -qb feature");
    git.commit("src/lib/cleanup.ts", "export async function cleanup(qr) {\n  await qr.query('DELETE FROM sessions WHERE expired')\n}\n");
    const std::string approved = git.commit("src/migrations/1700000000000-Cleanup.ts",
                                            "import { MigrationInterface, QueryRunner } from 'typeorm'\n"
                                            "import { cleanup } from '../lib/cleanup'\n\n"
                                            "export class Cleanup1700000000000 implements MigrationInterface {\n"
                                            "    async up(queryRunner: QueryRunner): Promise<void> {\n"
                                            "        await cleanup(queryRunner)\n"
                                            "    }\n"
                                            "    async down(queryRunner: QueryRunner): Promise<void> {}\n"
                                            "}\n");
    const std::string helper_only =
        git.commit("src/lib/cleanup.ts", "export async function cleanup(qr) {\n  await qr.query('DROP TABLE users CASCADE')\n}\n");
    auto repo = diff::Repository::open(git.dir.string());
    REQUIRE(repo);
    std::vector<std::string> dependencies;
    const std::string before = script_hash(*repo, git.dir, base, approved, &dependencies);
    CHECK(dependencies == std::vector<std::string>{"src/lib/cleanup.ts"});
    const std::string after = script_hash(*repo, git.dir, base, helper_only);
    CHECK(before != after);  // an approval of `approved` does not hold once only the helper changed
    CHECK(script_hash(*repo, git.dir, base, approved) == before);
}

TEST_CASE("flyway settings: migration suffixes, encoding and naming, in flyway.conf and flyway.toml") {
    auto conf = read_flyway_settings("flyway.conf", "flyway.sqlMigrationSuffixes=.sql, .PgSQL\nflyway.encoding=UTF-8\n");
    CHECK(conf.migration_suffixes == std::vector<std::string>{".pgsql"});
    CHECK(conf.encoding.empty());
    CHECK(conf.naming.empty());
    auto toml = read_flyway_settings("flyway.toml", "[flyway]\nsqlMigrationSuffixes = [\".pgsql\"]\nencoding = \"ISO-8859-1\"\n");
    CHECK(toml.migration_suffixes == std::vector<std::string>{".pgsql"});
    CHECK(toml.encoding == "ISO-8859-1");
    CHECK(toml.naming.find("sqlMigrationSuffixes") != std::string::npos);  // .sql files no longer run
    auto prefix = read_flyway_settings("flyway.conf", "flyway.sqlMigrationPrefix=M\n");
    CHECK(prefix.naming == "flyway.sqlMigrationPrefix=M");
    CHECK(read_flyway_settings("flyway.conf", "flyway.sqlMigrationPrefix=V\nflyway.sqlMigrationSeparator=__\n").naming.empty());
    CHECK(pgfence::analyze::flyway_name_with_suffix("V2__drop.pgsql"));
    CHECK_FALSE(pgfence::analyze::flyway_name_with_suffix("V2__drop.sql"));
    CHECK_FALSE(pgfence::analyze::flyway_name_with_suffix("notes.pgsql"));
}
