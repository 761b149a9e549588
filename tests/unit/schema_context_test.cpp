// The three sources of the schema before a migration (README "Schema context"): history,
// --schema files and the stats snapshot's statements, their precedence, and the source each
// lock decided from context names.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "bot/analyze_history.hpp"

using namespace pgfence::analyze;
using pgfence::bot::add_schema_context;
using pgfence::bot::HistoryRun;
using pgfence::bot::SchemaContext;
namespace fs = std::filesystem;

namespace {

const LockFact* lock_on(const StatementFacts& statement, const std::string& relation) {
    for (const auto& lock : statement.locks) {
        if (lock.relation == relation) return &lock;
    }
    return nullptr;
}

bool has_note(const StatementFacts& statement, const std::string& part) {
    for (const auto& note : statement.notes) {
        if (note.find(part) != std::string::npos) return true;
    }
    return false;
}

// A --schema file in a folder of its own.
std::string schema_file(const std::string& name, const std::string& text) {
    fs::path dir = fs::temp_directory_path() / ("pgfence_schema_context_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

// The analysis of `sql` after `history` (one migration), `schema` (one file) and `snapshot`.
struct Sources {
    std::string history;
    std::string schema;
    std::vector<std::string> snapshot;
};

FileReport analyse_after(const Sources& sources, const std::string& sql, std::string* schema_path = nullptr,
                         bool rules = false) {
    AnalyzeOptions options;
    options.run_rules = rules;
    HistoryRun run;
    if (!sources.history.empty()) {
        run.replay.emplace(options);
        run.replay->replay_text("db/migrate/20240105000000_history.sql", sources.history);
        options.history = run.replay->snapshot();
    }
    SchemaContext context;
    if (!sources.schema.empty()) context.schema_files.push_back(schema_file("structure.sql", sources.schema));
    if (schema_path && !context.schema_files.empty()) *schema_path = context.schema_files[0];
    if (!sources.snapshot.empty()) context.snapshot_sql = &sources.snapshot;
    std::vector<Error> errors;
    add_schema_context(run, context, options, errors);
    REQUIRE(errors.empty());
    return analyze_text("db/migrate/20240301000000_change.sql", sql, options);
}

}  // namespace

TEST_CASE("a --schema file is the existing schema, named as the source of what it decides", "[schema-context]") {
    std::string path;
    FileReport report = analyse_after(
        {"", "CREATE TABLE public.users (id bigint NOT NULL, email character varying(255) NOT NULL);\n"
             "CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);\n", {}},
        "DROP INDEX index_users_on_email;\n", &path);
    const LockFact* users = lock_on(report.statements[0], "public.users");
    REQUIRE(users != nullptr);
    CHECK(users->mode == LockMode::AccessExclusive);
    CHECK_FALSE(users->is_new);
    CHECK(users->source == path);
    CHECK(users->reason == "DROP INDEX: the index's table (from " + path + ")");
}

TEST_CASE("a relation the snapshot defines replaces the one history built", "[schema-context]") {
    // History says the index is on users; production has it on customers (renamed since).
    FileReport report = analyse_after(
        {"CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);\n", "",
         {"CREATE TABLE public.customers (id bigint NOT NULL, email text)",
          "CREATE INDEX users_email_idx ON public.customers USING btree (email)"}},
        "DROP INDEX users_email_idx;\n");
    CHECK(lock_on(report.statements[0], "users") == nullptr);
    const LockFact* customers = lock_on(report.statements[0], "public.customers");
    REQUIRE(customers != nullptr);
    CHECK(customers->source == "the stats snapshot");
}

TEST_CASE("relations only history knows are kept beside the snapshot's", "[schema-context]") {
    // invoices comes from a migration not deployed yet: the snapshot does not have it.
    Sources sources{"CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), due_on date);\n"
                    "CREATE INDEX invoices_due_on_idx ON invoices (due_on);\n",
                    "",
                    {"CREATE TABLE public.users (id bigint NOT NULL)",
                     "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id)"}};
    FileReport dropped = analyse_after(sources, "DROP INDEX invoices_due_on_idx;\n");
    const LockFact* invoices = lock_on(dropped.statements[0], "invoices");
    REQUIRE(invoices != nullptr);
    CHECK(invoices->source == "db/migrate/20240105000000_history.sql");
    // The snapshot's users keeps the foreign key that history's invoices points at it with.
    FileReport cascade = analyse_after(sources, "DROP TABLE users CASCADE;\n");
    CHECK(lock_on(cascade.statements[0], "invoices") != nullptr);
}

TEST_CASE("a --schema file's relation replaces history's, the snapshot's replaces both", "[schema-context]") {
    std::string history = "CREATE TABLE events (id integer PRIMARY KEY, payload text);\n";
    std::string dump = "CREATE TABLE public.events (id bigint NOT NULL, payload text);\n";
    std::string path;
    // History: integer, so bigint rewrites; the dump says bigint already: nothing to rewrite.
    FileReport over_history = analyse_after({history, dump, {}}, "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n", &path);
    CHECK(over_history.statements[0].rewrites.empty());
    CHECK(has_note(over_history.statements[0], "from " + path));
    FileReport history_only = analyse_after({history, "", {}}, "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n");
    CHECK_FALSE(history_only.statements[0].rewrites.empty());
    // The snapshot: integer again (the dump is older than production), so it rewrites.
    FileReport over_dump = analyse_after({history, dump, {"CREATE TABLE public.events (id integer NOT NULL, payload text)"}},
                                         "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n");
    REQUIRE_FALSE(over_dump.statements[0].rewrites.empty());
    CHECK(over_dump.statements[0].rewrites[0].reason.find("from the stats snapshot") != std::string::npos);
}

TEST_CASE("a relation the migration creates has no source; locks it decides name none", "[schema-context]") {
    FileReport report = analyse_after({"CREATE TABLE users (id bigint PRIMARY KEY, email text);\n", "", {}},
                                      "CREATE INDEX users_email_idx ON users (email);\nDROP INDEX users_email_idx;\n");
    const LockFact* users = lock_on(report.statements[1], "users");
    REQUIRE(users != nullptr);
    CHECK(users->source.empty());
    CHECK(users->reason == "DROP INDEX: the index's table");
}

TEST_CASE("the earlier files of the analysed file's set are the source they are", "[schema-context]") {
    AnalyzeOptions options;
    Replay replay(options);
    replay.replay_text("db/migrate/20240101000000_create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
    replay.replay_text("db/migrate/20240102000000_index_users.sql", "CREATE INDEX users_id_idx ON users (id);\n");
    CHECK(replay.catalog().find("users")->source == "db/migrate/20240101000000_create_users.sql");
    CHECK(replay.catalog().find("users_id_idx")->source == "db/migrate/20240102000000_index_users.sql");
    // A catalog copied for the analysed file records what it adds as its own.
    Catalog next = *replay.snapshot();
    CHECK(next.add("orders", "orders", "table").source.empty());
}

TEST_CASE("drop-index-without-concurrently names the table and where it is known from", "[schema-context]") {
    FileReport report = analyse_after({"", "", {"CREATE TABLE public.users (id bigint NOT NULL, email text)",
                                                "CREATE INDEX users_email_idx ON public.users USING btree (email)"}},
                                      "SET lock_timeout = '5s';\nDROP INDEX users_email_idx;\n", nullptr, true);
    bool found = false;
    for (const Finding& f : report.findings) {
        if (f.rule != "drop-index-without-concurrently") continue;
        found = true;
        CHECK(f.message.find("locks its table public.users (known from the stats snapshot) too") != std::string::npos);
    }
    CHECK(found);
}

TEST_CASE("without context, a note says which sources would tell", "[schema-context]") {
    FileReport report = analyse_after({}, "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\n");
    CHECK(has_note(report.statements[0], "its earlier migrations (--history), a schema dump (--schema) or a "
                                         "--stats-file snapshot taken with --schema would make the lock list exact"));
}
