// The pull request's migration files, from real repositories built with the git CLI.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "diff/changes.hpp"
#include "analyze/base/error.hpp"
#include "diff/event.hpp"
#include "diff/glob.hpp"

namespace fs = std::filesystem;
using namespace pgfence;
using diff::ChangeStatus;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device random;
        path = fs::temp_directory_path() /
               ("pgfence-diff-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

struct Shell {
    int code;
    std::string out;
};

// Runs `command` in `cwd` with git's system and global configuration shut out, so the
// machine's settings (safe.directory, diff.renames, hooks) cannot change the outcome.
Shell shell(const fs::path& cwd, const std::string& command) {
    std::string full = "cd '" + cwd.string() +
                       "' && export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null && { " +
                       command + "; } 2>&1";
    FILE* pipe = ::popen(full.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    int status = ::pclose(pipe);
    return Shell{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string git(const fs::path& cwd, const std::string& args) {
    Shell result = shell(cwd, "git " + args);
    INFO("git " << args << "\n" << result.out);
    REQUIRE(result.code == 0);
    while (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
    return result.out;
}

// A repository in a temporary directory with one commit on `main`.
struct GitRepo {
    TempDir tmp;
    fs::path dir = tmp.path / "repo";

    GitRepo() {
        fs::create_directories(dir);
        git(dir, "init -q -b main .");
        git(dir, "config user.name 'pgfence test'");
        git(dir, "config user.email test@example.com");
        git(dir, "config commit.gpgsign false");
        write("README.md", "project\n");
        commit("initial");
    }
    void write(const std::string& path, const std::string& text) const {
        fs::path file = dir / path;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
    }
    std::string commit(const std::string& message) const {
        git(dir, "add -A");
        git(dir, "commit -q -m '" + message + "'");
        return git(dir, "rev-parse HEAD");
    }
    std::string repo() const { return dir.string(); }
};

// Ten distinct lines, enough for rename detection to pair the files.
std::string ten_statements() {
    std::string text;
    for (int i = 1; i <= 10; ++i) text += "ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int;\n";
    return text;
}

std::vector<std::string> paths(const diff::ChangeSet& set) {
    std::vector<std::string> out;
    for (const auto& file : set.files) out.push_back(file.path);
    return out;
}

template <typename T>
std::string error_of(const analyze::Result<T>& result) {
    return result ? "(no error)" : result.error().message;
}

// The value of a call expected to succeed; the error's message when it does not.
template <typename T>
T must(analyze::Result<T> result) {
    INFO((result ? std::string() : result.error().message));
    REQUIRE(result.has_value());
    return std::move(*result);
}

}  // namespace

TEST_CASE("glob_match: segments, any depth, alternatives", "[diff][glob]") {
    struct Case {
        const char* pattern;
        const char* path;
        bool expected;
    };
    const Case cases[] = {
        {"migrations/*.sql", "migrations/001.sql", true},
        {"migrations/*.sql", "migrations/sub/001.sql", false},  // * stays in one segment
        {"migrations/*.sql", "db/migrations/001.sql", false},   // anchored at the root
        {"**/migrations/**/*.sql", "migrations/001.sql", true},  // ** matches zero segments
        {"**/migrations/**/*.sql", "a/b/migrations/x/y/001.sql", true},
        {"**/migrations/**/*.sql", "migrations.sql", false},
        {"**/migrations/**/*.sql", "xmigrations/001.sql", false},
        {"**/*.sql", "schema.sql", true},
        {"V?__*.sql", "V1__init.sql", true},
        {"V?__*.sql", "V10__init.sql", false},
        {"*.{ts,js}", "a.ts", true},
        {"*.{ts,js}", "a.js", true},
        {"*.{ts,js}", "a.tsx", false},
        {"{db/{migrate,migration},drizzle}/*.sql", "db/migration/V1.sql", true},
        {"{db/{migrate,migration},drizzle}/*.sql", "drizzle/0000.sql", true},
        {"{db/{migrate,migration},drizzle}/*.sql", "db/migrations/1.sql", false},
        {"[0-9]*.sql", "001.sql", true},
        {"[!0-9]*.sql", "001.sql", false},
        {"migrations/", "migrations", true},  // a directory (diff::selects then takes what is below)
        {"migrations/", "migrations/a/b.sql", false},
        {"./migrations/*.sql", "migrations/1.sql", true},
        {"migrations/*.sql", "./migrations/1.sql", true},
        {"a{b", "a{b", true},  // an unclosed brace is literal
        {"*", "schema.sql", true},
        {"*", "db/schema.sql", false},
        {"**", "any/depth/at/all", true},
    };
    for (const Case& c : cases) {
        INFO(c.pattern << " vs " << c.path);
        CHECK(diff::glob_match(c.pattern, c.path) == c.expected);
    }
}

TEST_CASE("default globs: the common migration layouts, nothing outside them", "[diff][glob]") {
    const auto& globs = diff::default_migration_globs();
    for (const char* path : {"migrations/001_init.sql", "db/migrations/20240101_add.sql",
                             "supabase/migrations/20240101000000_x.sql",
                             "prisma/migrations/20240101_init/migration.sql",
                             "db/migrate/001.sql", "drizzle/0000_cool_name.sql",
                             "src/main/resources/db/migration/V1__init.sql",
                             "services/api/migrations/2/up.sql", "migrations/1700000000-Add.ts",
                             "src/migrations/20240101_add.js"}) {
        INFO(path);
        CHECK(diff::matches_any(globs, path));
    }
    for (const char* path : {"schema.sql", "sql/seed.sql", "src/app.ts", "db/schema.sql",
                             "migrations/README.md", "migrations.sql", "db/migrate/001_add.rb",
                             "prisma/schema.prisma"}) {
        INFO(path);
        CHECK_FALSE(diff::matches_any(globs, path));
    }
}

TEST_CASE("selects: directories in the paths setting, as `pgfence analyze` reads them", "[diff][glob]") {
    const std::vector<std::string> paths = {"db/migrations/", "services/*/migrations", "sql/seed.sql", "db/changes"};
    for (const char* path : {"db/migrations/001.sql", "db/migrations/sub/002.sql",
                             "db/migrations/1700000000-AddUsers.ts", "services/api/migrations/1.sql",
                             "sql/seed.sql", "db/changes/0001.sql"}) {
        INFO(path);
        CHECK(diff::selects(paths, path));
    }
    for (const char* path : {"db/migrations/README.md", "db/migrationsX/1.sql", "db/001.sql",
                             "db/changes/helpers.ts",  // a script not named as a migration
                             "db/migrations/node_modules/x/migration.js", "sql/other.sql"}) {
        INFO(path);
        CHECK_FALSE(diff::selects(paths, path));
    }
    // Defaults: declaration files and vendored packages are never migrations.
    const auto& defaults = diff::default_migration_globs();
    CHECK(diff::selects(defaults, "src/migrations/1700-Add.ts"));
    CHECK_FALSE(diff::selects(defaults, "src/migrations/index.d.ts"));
    CHECK_FALSE(diff::selects(defaults, "node_modules/pkg/migrations/1.js"));
}

TEST_CASE("may_hold: folders a link or submodule could stand for among the migrations", "[diff][glob]") {
    const auto& defaults = diff::default_migration_globs();
    for (const char* dir : {"prisma/migrations/20240102_seed", "migrations/vendor", "migrations", "db/migrate",
                            "src/main/resources/db/migration", "drizzle", "a/migrations/b/c"}) {
        INFO(dir);
        CHECK(diff::may_hold(defaults, dir));
    }
    for (const char* dir : {"tools/seed", "tools", "prisma", "docs/current", "node_modules/x/migrations/y", "db/other"}) {
        INFO(dir);
        CHECK_FALSE(diff::may_hold(defaults, dir));
    }
    const std::vector<std::string> paths = {"db/migrations/*.sql", "services/*/sql"};
    CHECK(diff::may_hold(paths, "db"));                // db -> elsewhere holds migrations/*.sql
    CHECK(diff::may_hold(paths, "db/migrations"));
    CHECK_FALSE(diff::may_hold(paths, "db/migrations/sub"));  // *.sql is one level
    CHECK(diff::may_hold(paths, "services/api"));
    CHECK(diff::may_hold(paths, "services/api/sql/v2"));      // a folder the setting names: all below
    CHECK_FALSE(diff::may_hold(paths, "docs"));
    CHECK(diff::may_hold({"**/*.pgsql"}, "anything/at/all"));  // any folder may hold one
}

TEST_CASE("changed_migrations: added, modified, deleted, ignored files", "[diff]") {
    GitRepo repo;
    repo.write("migrations/001_init.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
                                          "CREATE TABLE c (id int);\nCREATE TABLE d (id int);\n"
                                          "CREATE TABLE e (id int);\n");
    repo.write("migrations/002_gone.sql", "CREATE TABLE gone (id int);\n");
    repo.write("schema.sql", "CREATE TABLE s (id int);\n");
    std::string base = repo.commit("base migrations");
    git(repo.dir, "checkout -q -b feature");
    // A line inserted in the middle (after line 2) and one appended: head lines 3 and 7.
    repo.write("migrations/001_init.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
                                          "CREATE INDEX b_id ON b (id);\n"
                                          "CREATE TABLE c (id int);\nCREATE TABLE d (id int);\n"
                                          "CREATE TABLE e (id int);\nCREATE TABLE f (id int);\n");
    repo.write("migrations/003_new.sql", "ALTER TABLE a ADD COLUMN x int;\n");
    fs::remove(repo.dir / "migrations/002_gone.sql");
    repo.write("schema.sql", "CREATE TABLE s (id int, x int);\n");
    repo.write("src/app.ts", "export {};\n");
    std::string head = repo.commit("feature work");

    diff::ChangeSet set = must(diff::changed_migrations(repo.repo(), "main", "feature", {}));
    CHECK(set.base_sha == base);
    CHECK(set.head_sha == head);
    CHECK(set.merge_base_sha == base);
    REQUIRE(paths(set) == std::vector<std::string>{"migrations/001_init.sql", "migrations/002_gone.sql",
                                                   "migrations/003_new.sql"});

    const diff::ChangedFile& modified = set.files[0];
    CHECK(modified.status == ChangeStatus::Modified);
    CHECK_FALSE(modified.all_lines_new);
    REQUIRE(modified.added.size() == 2);
    CHECK(modified.added[0].first == 3);
    CHECK(modified.added[0].last == 3);
    CHECK(modified.added[1].first == 7);
    CHECK(modified.added[1].last == 7);
    CHECK_FALSE(modified.touches(1, 2));
    CHECK(modified.touches(3, 3));
    CHECK(modified.touches(2, 4));
    CHECK_FALSE(modified.touches(4, 6));
    CHECK(modified.touches(6, 7));

    const diff::ChangedFile& deleted = set.files[1];
    CHECK(deleted.status == ChangeStatus::Deleted);
    CHECK(deleted.old_path == "migrations/002_gone.sql");
    CHECK_FALSE(deleted.touches(1, 1));

    const diff::ChangedFile& added = set.files[2];
    CHECK(added.status == ChangeStatus::Added);
    CHECK(added.all_lines_new);
    CHECK(added.touches(1, 1));

    SECTION("the caller's globs replace the defaults") {
        diff::ChangeSet only_schema = must(diff::changed_migrations(repo.repo(), base, head, {"*.sql"}));
        CHECK(paths(only_schema) == std::vector<std::string>{"schema.sql"});
        CHECK(only_schema.files[0].status == ChangeStatus::Modified);
        diff::ChangeSet directory = must(diff::changed_migrations(repo.repo(), base, head, {"migrations"}));
        CHECK(paths(directory) == paths(set));
    }
}

TEST_CASE("changed_migrations: renames with and without edits", "[diff]") {
    GitRepo repo;
    repo.write("migrations/001_same.sql", ten_statements());
    repo.write("migrations/002_edit.sql", ten_statements() + "-- second\n");
    repo.write("migrations/003_out.sql", ten_statements() + "-- third\n");
    repo.write("drafts/004_in.sql", ten_statements() + "-- fourth\n");
    repo.commit("base");
    git(repo.dir, "checkout -q -b feature");
    git(repo.dir, "mv migrations/001_same.sql migrations/001_renamed.sql");
    git(repo.dir, "mv migrations/002_edit.sql migrations/002_edited.sql");
    std::string edited = ten_statements();
    edited.replace(edited.find("c5 int"), 6, "c5 bigint");
    repo.write("migrations/002_edited.sql", edited + "-- second\n");
    fs::create_directories(repo.dir / "archive");
    git(repo.dir, "mv migrations/003_out.sql archive/003_out.sql");
    git(repo.dir, "mv drafts/004_in.sql migrations/004_in.sql");
    repo.commit("renames");

    diff::ChangeSet set = must(diff::changed_migrations(repo.repo(), "main", "HEAD", {}));
    REQUIRE(paths(set) == std::vector<std::string>{"migrations/001_renamed.sql",
                                                   "migrations/002_edited.sql",
                                                   "migrations/003_out.sql",
                                                   "migrations/004_in.sql"});
    const auto& pure = set.files[0];
    CHECK(pure.status == ChangeStatus::Renamed);
    CHECK(pure.old_path == "migrations/001_same.sql");
    CHECK(pure.added.empty());
    CHECK_FALSE(pure.touches(1, 10));  // every finding in a pure rename is pre-existing

    const auto& with_edit = set.files[1];
    CHECK(with_edit.status == ChangeStatus::Renamed);
    CHECK(with_edit.old_path == "migrations/002_edit.sql");
    REQUIRE(with_edit.added.size() == 1);
    CHECK(with_edit.added[0].first == 5);
    CHECK(with_edit.added[0].last == 5);
    CHECK(with_edit.touches(5, 5));
    CHECK_FALSE(with_edit.touches(1, 4));

    // Moved out of the migration directories: it no longer runs, so it reads as deleted.
    CHECK(set.files[2].status == ChangeStatus::Deleted);
    // Moved in: it runs now, so all of it is new to the pull request.
    const auto& moved_in = set.files[3];
    CHECK(moved_in.status == ChangeStatus::Renamed);
    CHECK(moved_in.old_path == "drafts/004_in.sql");
    CHECK(moved_in.all_lines_new);
    CHECK(moved_in.touches(1, 1));
}

TEST_CASE("changed_migrations: the diff starts at the merge base, not at the base tip", "[diff]") {
    GitRepo repo;
    repo.write("migrations/001.sql", "CREATE TABLE a (id int);\n");
    std::string branch_point = repo.commit("first migration");
    git(repo.dir, "checkout -q -b feature");
    repo.write("migrations/002_feature.sql", "CREATE TABLE f (id int);\n");
    std::string head = repo.commit("feature migration");
    git(repo.dir, "checkout -q main");
    repo.write("migrations/001.sql", "CREATE TABLE a (id int);\nCREATE TABLE a2 (id int);\n");
    repo.write("migrations/002_main_only.sql", "CREATE TABLE m (id int);\n");
    std::string base = repo.commit("main moves on");

    diff::ChangeSet set = must(diff::changed_migrations(repo.repo(), base, head, {}));
    CHECK(set.merge_base_sha == branch_point);
    CHECK(paths(set) == std::vector<std::string>{"migrations/002_feature.sql"});
}

TEST_CASE("read_file_at: the head version, whatever is checked out", "[diff]") {
    GitRepo repo;
    repo.write("migrations/001.sql", "-- base\n");
    repo.commit("base");
    git(repo.dir, "checkout -q -b feature");
    repo.write("migrations/001.sql", "-- head\nCREATE TABLE t (id int);\n");
    std::string head = repo.commit("head");
    git(repo.dir, "checkout -q main");

    CHECK(must(diff::read_file_at(repo.repo(), head, "migrations/001.sql")) ==
          std::optional<std::string>("-- head\nCREATE TABLE t (id int);\n"));
    CHECK(must(diff::read_file_at(repo.repo(), "main", "migrations/001.sql")) ==
          std::optional<std::string>("-- base\n"));
    CHECK_FALSE(must(diff::read_file_at(repo.repo(), head, "migrations/missing.sql")).has_value());
    CHECK_FALSE(must(diff::read_file_at(repo.repo(), head, "migrations")).has_value());  // a directory

    diff::Repository opened = must(diff::Repository::open(repo.repo()));
    CHECK(must(opened.read_file("feature", "README.md")) == std::optional<std::string>("project\n"));
}

TEST_CASE("list_index, list_blobs, read_blob: the staged files, sizes before loading", "[diff]") {
    GitRepo repo;
    repo.write("migrations/001.sql", "CREATE TABLE a (id int);\n");
    repo.write("migrations/002_wip.sql", "ALTER TABLE a ALTER COLUMN id SET NOT NULL;\n");
    repo.commit("base");
    git(repo.dir, "rm -q migrations/002_wip.sql");
    repo.write("migrations/003.sql", "CREATE TABLE c (id int);\n");
    git(repo.dir, "add migrations/003.sql");
    repo.write("migrations/004_unstaged.sql", "CREATE TABLE d (id int);\n");
    diff::Repository opened = must(diff::Repository::open(repo.repo()));
    auto in_migrations = [](std::string_view p) { return p.starts_with("migrations/"); };

    std::vector<std::string> staged;
    for (const auto& f : must(opened.list_index(in_migrations))) staged.push_back(f.path);
    CHECK(staged == std::vector<std::string>{"migrations/001.sql", "migrations/003.sql"});
    std::vector<diff::StoredFile> committed = must(opened.list_blobs("HEAD", in_migrations));
    REQUIRE(committed.size() == 2);
    CHECK(committed[1].path == "migrations/002_wip.sql");
    CHECK(committed[1].id == must(diff::Repository::blob_id("ALTER TABLE a ALTER COLUMN id SET NOT NULL;\n")));

    diff::StoredBlob whole = must(opened.read_blob(committed[1].id, 1000));
    CHECK(whole.text == std::optional<std::string>("ALTER TABLE a ALTER COLUMN id SET NOT NULL;\n"));
    diff::StoredBlob over = must(opened.read_blob(committed[1].id, 10));
    CHECK_FALSE(over.text.has_value());
    CHECK(over.size == 44);
    CHECK(error_of(opened.read_blob(std::string(40, '1'), 10)) != "(no error)");
}

TEST_CASE("changed_migrations: clear errors", "[diff]") {
    SECTION("not a git repository") {
        TempDir plain;
        std::string message = error_of(diff::changed_migrations(plain.path.string(), "a", "b", {}));
        CHECK(message.find("not a git repository: " + plain.path.string()) != std::string::npos);
        std::string missing = (plain.path / "nowhere").string();
        CHECK(error_of(diff::read_file_at(missing, "HEAD", "x")).find("not a git repository") !=
              std::string::npos);
    }
    SECTION("unknown base commit in a full clone") {
        GitRepo repo;
        std::string message = error_of(diff::changed_migrations(repo.repo(), "0123456789abcdef0123456789abcdef01234567", "HEAD", {}));
        CHECK(message.find("base commit '0123456789abcdef0123456789abcdef01234567' not found") !=
              std::string::npos);
        CHECK(error_of(diff::changed_migrations(repo.repo(), "main", "no-such-branch", {}))
                  .find("head commit 'no-such-branch' not found") != std::string::npos);
    }
    SECTION("unrelated histories") {
        GitRepo repo;
        git(repo.dir, "checkout -q --orphan other");
        repo.write("migrations/1.sql", "SELECT 1;\n");
        repo.commit("unrelated root");
        std::string message = error_of(diff::changed_migrations(repo.repo(), "main", "other", {}));
        CHECK(message.find("no common ancestor") != std::string::npos);
    }
}

TEST_CASE("changed_migrations: a shallow checkout says to fetch the whole history", "[diff]") {
    GitRepo origin;
    origin.write("migrations/001.sql", "CREATE TABLE a (id int);\n");
    origin.commit("one");
    git(origin.dir, "checkout -q -b feature");
    origin.write("migrations/002.sql", "CREATE TABLE b (id int);\n");
    origin.commit("two");
    git(origin.dir, "checkout -q main");
    origin.write("migrations/003.sql", "CREATE TABLE c (id int);\n");
    std::string base = origin.commit("three");
    fs::path clone = origin.tmp.path / "clone";

    SECTION("the base commit is missing") {
        git(origin.tmp.path, "clone -q --depth 1 --branch feature file://" + origin.repo() + " clone");
        std::string message = error_of(diff::changed_migrations(clone.string(), base, "HEAD", {}));
        CHECK(message.find("is not in the clone") != std::string::npos);
        CHECK(message.find("use `fetch-depth: 0` in actions/checkout") != std::string::npos);
    }
    SECTION("both tips are there, the history joining them is not") {
        git(origin.tmp.path, "clone -q --depth 1 --no-single-branch file://" + origin.repo() + " clone");
        std::string message = error_of(diff::changed_migrations(clone.string(), "origin/main", "origin/feature", {}));
        CHECK(message.find("no merge base") != std::string::npos);
        CHECK(message.find("the checkout is shallow: use `fetch-depth: 0`") != std::string::npos);
    }
    SECTION("a full clone works") {
        git(origin.tmp.path, "clone -q file://" + origin.repo() + " clone");
        diff::ChangeSet set = must(diff::changed_migrations(clone.string(), "origin/main", "origin/feature", {}));
        CHECK(paths(set) == std::vector<std::string>{"migrations/002.sql"});
    }
}

TEST_CASE("changed_migrations: a workspace owned by another user opens", "[diff]") {
    if (::geteuid() != 0) {
        WARN("needs root to hand the repository to another user; skipped");
        return;
    }
    GitRepo repo;
    git(repo.dir, "checkout -q -b feature");
    repo.write("migrations/001.sql", "CREATE TABLE a (id int);\n");
    repo.commit("migration");
    REQUIRE(shell(repo.tmp.path, "chown -R nobody repo").code == 0);
    // git itself now refuses the repository: the situation inside the action's container.
    Shell refused = shell(repo.dir, "git status");
    INFO(refused.out);
    REQUIRE(refused.code != 0);
    REQUIRE(refused.out.find("dubious ownership") != std::string::npos);

    diff::ChangeSet set = must(diff::changed_migrations(repo.repo(), "main", "feature", {}));
    CHECK(paths(set) == std::vector<std::string>{"migrations/001.sql"});
    CHECK(must(diff::read_file_at(repo.repo(), "feature", "migrations/001.sql")).has_value());
}

TEST_CASE("pull_request_shas: base and head from the event payload", "[diff][event]") {
    auto pr = nlohmann::json::parse(R"({"action":"synchronize","number":7,
        "pull_request":{"base":{"ref":"main","sha":"aaa111"},"head":{"ref":"f","sha":"bbb222"}}})");
    auto shas = diff::pull_request_shas(pr);
    REQUIRE(shas.has_value());
    CHECK(shas->first == "aaa111");
    CHECK(shas->second == "bbb222");

    auto queue = nlohmann::json::parse(R"({"merge_group":{"base_sha":"ccc","head_sha":"ddd"}})");
    CHECK(diff::pull_request_shas(queue) == std::make_optional(std::make_pair(std::string("ccc"), std::string("ddd"))));

    CHECK_FALSE(diff::pull_request_shas(nlohmann::json::parse(R"({"ref":"refs/heads/main","after":"x"})")));
    CHECK_FALSE(diff::pull_request_shas(nlohmann::json::parse(R"({"pull_request":{"base":{"sha":7}}})")));
    CHECK_FALSE(diff::pull_request_shas(nlohmann::json::parse("[1,2]")));

    TempDir tmp;
    std::ofstream(tmp.path / "event.json") << pr.dump();
    CHECK(must(diff::pull_request_shas_from_file((tmp.path / "event.json").string())) == shas);
    std::ofstream(tmp.path / "bad.json") << "{not json";
    CHECK(error_of(diff::pull_request_shas_from_file((tmp.path / "bad.json").string()))
              .find("not valid JSON") != std::string::npos);
    CHECK(error_of(diff::pull_request_shas_from_file((tmp.path / "none.json").string()))
              .find("cannot read") != std::string::npos);
}
