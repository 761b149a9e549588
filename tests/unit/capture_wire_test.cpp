// Capture's wire-protocol reading (capture/wire.hpp, capture/recorder.hpp): messages split in any
// chunks, the extended protocol's statements and parameters, errors and ReadyForQuery's status,
// and garbage (short, oversized, truncated, random messages) read without a crash, within bounds.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "capture/bookkeeping.hpp"
#include "capture/migrations.hpp"
#include "capture/recorder.hpp"
#include "capture/server_url.hpp"
#include "capture/wire.hpp"

using namespace pgfence::capture;

namespace {

std::string cstr(const std::string& s) { return s + std::string(1, '\0'); }
std::string i16(int v) { return std::string{static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
std::string i32(std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    return std::string{static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xff), static_cast<char>((u >> 8) & 0xff),
                       static_cast<char>(u & 0xff)};
}

std::string startup(const std::string& user, const std::string& db) {
    return untyped_message(k_protocol_3, cstr("user") + cstr(user) + cstr("database") + cstr(db) + std::string(1, '\0'));
}
std::string query(const std::string& sql) { return typed_message('Q', cstr(sql)); }
std::string parse(const std::string& name, const std::string& sql) { return typed_message('P', cstr(name) + cstr(sql) + i16(0)); }
std::string bind(const std::string& portal, const std::string& stmt, const std::vector<std::optional<std::string>>& values) {
    std::string body = cstr(portal) + cstr(stmt) + i16(0) + i16(static_cast<int>(values.size()));
    for (const auto& v : values) body += v ? i32(static_cast<std::int32_t>(v->size())) + *v : i32(-1);
    return typed_message('B', body + i16(0));
}
std::string execute(const std::string& portal) { return typed_message('E', cstr(portal) + i32(0)); }
std::string sync_message() { return typed_message('S', ""); }
std::string ready(char status) { return typed_message('Z', std::string(1, status)); }
std::string complete(const std::string& tag) { return typed_message('C', cstr(tag)); }
std::string error(const std::string& message, const std::string& sqlstate) {
    return typed_message('E', std::string("SERROR") + '\0' + "VERROR" + '\0' + "C" + sqlstate + '\0' + "M" + message + '\0' + '\0');
}

// Feeds `bytes` in chunks of `chunk` bytes; the messages in order.
std::vector<Message> split(Splitter& s, const std::string& bytes, std::size_t chunk, bool& ok) {
    std::vector<Message> out;
    ok = true;
    for (std::size_t at = 0; at < bytes.size() && ok; at += chunk) ok = s.feed(std::string_view(bytes).substr(at, chunk), out);
    return out;
}

Session record(const std::string& frontend, const std::string& backend) {
    Recorder r(1);
    Splitter f(true, 1 << 20), b(false, 1 << 20);
    bool ok = false;
    for (const auto& m : split(f, frontend, 3, ok)) r.frontend(m);
    for (const auto& m : split(b, backend, 7, ok)) r.backend(m);
    return r.take();
}

}  // namespace

TEST_CASE("capture: messages are split the same whatever the chunks") {
    const std::string bytes = startup("app", "db") + query("SELECT 1") + parse("", "SELECT $1") + sync_message();
    for (std::size_t chunk : {1, 2, 5, 64, 4096}) {
        Splitter s(true, 1 << 20);
        bool ok = false;
        auto messages = split(s, bytes, chunk, ok);
        REQUIRE(ok);
        REQUIRE(messages.size() == 4);
        CHECK(messages[0].type == 0);
        CHECK(decode_startup(messages[0])->parameter("user") == "app");
        CHECK(messages[1].type == 'Q');
        CHECK(*decode_string(messages[1]) == "SELECT 1");
        CHECK(decode_parse(messages[2])->query == "SELECT $1");
        CHECK(messages[3].type == 'S');
    }
}

TEST_CASE("capture: the extended protocol's statements, parameters and transaction status are recorded in order") {
    const std::string frontend = startup("app", "db") + query("BEGIN") + parse("s1", "INSERT INTO \"schema_migrations\" (\"version\") VALUES ($1)") +
                                 bind("", "s1", {std::string("20240101000000")}) + execute("") + parse("", "SELECT $1, $2") +
                                 bind("p", "", {std::nullopt, std::string("x")}) + execute("p") + sync_message() + query("COMMIT");
    const std::string backend = typed_message('R', i32(0)) + ready('I') + complete("BEGIN") + ready('T') +
                                typed_message('1', "") + typed_message('2', "") + complete("INSERT 0 1") + typed_message('1', "") +
                                typed_message('2', "") + complete("SELECT 1") + ready('T') + complete("COMMIT") + ready('I');
    Session s = record(frontend, backend);
    CHECK(s.user == "app");
    CHECK(s.database == "db");
    CHECK(s.authenticated);
    REQUIRE(s.events.size() == 4);
    CHECK(s.events[0].sql == "BEGIN");
    CHECK(s.events[0].status_before == 'I');
    CHECK(s.events[0].status_after == 'T');
    CHECK(s.events[1].kind == Event::Kind::execute);
    CHECK(s.events[1].parameters.size() == 1);
    CHECK(*s.events[1].parameters[0].value == "20240101000000");
    CHECK(s.events[1].tags == std::vector<std::string>{"INSERT 0 1"});
    CHECK(s.events[2].parameters.size() == 2);
    CHECK_FALSE(s.events[2].parameters[0].value.has_value());
    CHECK(s.events[2].status_after == 'T');
    CHECK(s.events[3].status_after == 'I');
    auto applied = applied_by(s.events[1]);
    REQUIRE(applied);
    CHECK(applied->tool == Tool::rails);
    CHECK(applied->version == "20240101000000");
}

TEST_CASE("capture: an error in a Sync skips the Executes after it, and the error is the statement's") {
    const std::string frontend = startup("app", "db") + parse("", "CREATE INDEX i ON t (a)") + bind("", "", {}) + execute("") +
                                 parse("", "SELECT 2") + bind("", "", {}) + execute("") + sync_message();
    const std::string backend = ready('I') + error("relation \"t\" does not exist", "42P01") + ready('I');
    Session s = record(frontend, backend);
    REQUIRE(s.events.size() == 2);
    REQUIRE(s.events[0].error);
    CHECK(s.events[0].error->sqlstate == "42P01");
    CHECK(s.events[0].error->message == "relation \"t\" does not exist");
    CHECK(s.events[1].skipped);
    CHECK_FALSE(s.events[1].error);
}

TEST_CASE("capture: lengths that lie and oversized messages are refused or truncated, never read past") {
    SECTION("a length under 4") {
        Splitter s(false, 1024);
        std::vector<Message> out;
        CHECK_FALSE(s.feed(std::string("Q\0\0\0\2", 5), out));
        CHECK_FALSE(s.error().empty());
        CHECK_FALSE(s.feed("more", out));  // nothing more is read
    }
    SECTION("a startup packet over PostgreSQL's limit") {
        Splitter s(true, 1024);
        std::vector<Message> out;
        CHECK_FALSE(s.feed(i32(1 << 30), out));
    }
    SECTION("a message over the kept size is counted, kept only up to the bound, and unreadable") {
        Splitter s(false, 16);
        std::vector<Message> out;
        const std::string big = query(std::string(100000, 'x'));
        REQUIRE(s.feed(big, out));
        REQUIRE(out.size() == 1);
        CHECK(out[0].truncated);
        CHECK(out[0].body.size() == 16);
        CHECK(out[0].length == 100001);
        Recorder r(1);
        r.frontend(out[0]);
        REQUIRE(r.session().events.size() == 1);
        CHECK(r.session().events[0].unreadable.find("over the capture's limit") != std::string::npos);
    }
    SECTION("a Bind whose counts run past its end") {
        Message m{'B', 0, cstr("") + cstr("") + i16(0) + i16(3) + i32(1000) + "ab", false};
        m.length = static_cast<std::uint32_t>(m.body.size());
        CHECK_FALSE(decode_bind(m));
        Message negative{'B', 0, cstr("") + cstr("") + i16(-5), false};
        CHECK_FALSE(decode_bind(negative));
    }
}

TEST_CASE("capture: random and truncated bytes never crash the splitter or the recorder") {
    std::mt19937 random(56);
    const std::string valid = startup("app", "db") + query("SELECT 1") + parse("a", "SELECT $1") + bind("", "a", {std::string("v")}) +
                              execute("") + sync_message();
    for (int round = 0; round < 3000; ++round) {
        std::string bytes = valid;
        // Cut it short, flip bytes, or append garbage.
        switch (round % 3) {
            case 0: bytes.resize(random() % bytes.size()); break;
            case 1:
                for (int k = 0; k < 4; ++k) bytes[random() % bytes.size()] = static_cast<char>(random());
                break;
            default:
                for (int k = 0; k < 64; ++k) bytes += static_cast<char>(random());
        }
        Recorder r(1);
        Splitter f(true, 256), b(false, 256);
        bool ok = false;
        for (const auto& m : split(f, bytes, 1 + random() % 9, ok)) {
            r.frontend(m);
            CHECK(m.body.size() <= 256);
        }
        for (const auto& m : split(b, bytes.substr(bytes.size() / 2), 5, ok)) r.backend(m);
        for (const auto& e : r.session().events) (void)applied_by(e);
    }
}

TEST_CASE("capture: each tool's bookkeeping write closes its migration, and its own statements are left out") {
    auto event = [](std::string sql, char after = 'I') {
        Event e;
        e.sql = std::move(sql);
        e.status_after = after;
        return e;
    };
    auto django = applied_by(event(
        R"(INSERT INTO "django_migrations" ("app", "name", "applied") VALUES ('shop', '0002_idx', '2026-01-01T00:00:00+00:00'::timestamptz) RETURNING "django_migrations"."id")"));
    REQUIRE(django);
    CHECK(django->tool == Tool::django);
    CHECK(django->app == "shop");
    CHECK(django->version == "0002_idx");
    auto alembic = applied_by(event("UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1'"));
    REQUIRE(alembic);
    CHECK(alembic->version == "b2");
    Event knex = event(R"(insert into "knex_migrations" ("batch", "migration_time", "name") values ($1, $2, $3))");
    knex.parameters = {{std::string("1")}, {std::string("2026-01-01")}, {std::string("20240101_add_index.js")}};
    REQUIRE(applied_by(knex));
    CHECK(applied_by(knex)->version == "20240101_add_index.js");
    CHECK_FALSE(applied_by(event("INSERT INTO orders (app, name) VALUES ('a', 'b')")));
    CHECK(is_bookkeeping("CREATE TABLE \"django_migrations\" (\"id\" serial)"));
    CHECK_FALSE(is_bookkeeping("CREATE TABLE orders (id int)"));
    // The tools' own shapes (their sources' statements) are theirs...
    CHECK(is_bookkeeping(R"(CREATE TABLE "django_migrations" ("id" serial NOT NULL PRIMARY KEY, "app" varchar(255) NOT NULL, )"
                         R"("applied" timestamp with time zone NOT NULL))"));
    CHECK(is_bookkeeping("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"));
    CHECK(is_bookkeeping(R"(select max("batch") as "max_batch" from "knex_migrations")"));
    CHECK(is_bookkeeping(R"(SELECT "ar_internal_metadata"."value" FROM "ar_internal_metadata" WHERE "ar_internal_metadata"."key" = $1 LIMIT $2)"));
    // ...anything else that names their tables is the application's (red team H1's shapes).
    CHECK_FALSE(is_bookkeeping("DROP TABLE shop_order; SELECT count(*) FROM django_migrations;"));
    CHECK_FALSE(is_bookkeeping("SELECT count(*) FROM django_migrations; DROP TABLE shop_order"));
    CHECK_FALSE(is_bookkeeping("WITH alembic_version AS (SELECT 1) DELETE FROM shop_order WHERE EXISTS (SELECT 1 FROM alembic_version)"));
    CHECK_FALSE(is_bookkeeping("DELETE FROM shop_order WHERE NOT EXISTS (SELECT 1 FROM django_migrations)"));
    CHECK_FALSE(is_bookkeeping("DROP TABLE IF EXISTS shop_order, ar_internal_metadata"));
    CHECK_FALSE(is_bookkeeping("CREATE TRIGGER t AFTER INSERT ON django_migrations FOR EACH ROW EXECUTE FUNCTION wipe()"));
    CHECK_FALSE(is_bookkeeping("SELECT wipe() FROM schema_migrations"));
    CHECK_FALSE(is_bookkeeping("SELECT public.wipe(version) FROM schema_migrations"));
    CHECK_FALSE(is_bookkeeping("SELECT version FROM schema_migrations JOIN orders ON true"));
    CHECK_FALSE(is_bookkeeping("CREATE TABLE schema_migrations (version varchar DEFAULT wipe())"));
    CHECK_FALSE(applied_by(event("INSERT INTO schema_migrations (version) VALUES ('1'); DROP TABLE orders")));
    // psycopg2 under standard_conforming_strings off writes E'' strings: still Django's record.
    auto escaped = applied_by(event(R"(INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (E'shop', E'0004_x', E'2026-01-01'::timestamptz))"));
    REQUIRE(escaped);
    CHECK(escaped->version == "0004_x");

    // Alembic's one transaction over two revisions: each migration gets its part, BEGIN and COMMIT.
    Session s;
    s.id = 1;
    s.events = {event("BEGIN", 'T'), event("CREATE TABLE alembic_version (version_num varchar(32))", 'T'),
                event("CREATE TABLE items (id int)", 'T'), event("INSERT INTO alembic_version (version_num) VALUES ('a1')", 'T'),
                event("CREATE INDEX ix ON items (id)", 'T'),
                event("UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1'", 'T'),
                event("COMMIT", 'I')};
    auto migrations = split_migrations({s});
    REQUIRE(migrations.size() == 2);
    CHECK(migrations[0].applied->version == "a1");
    CHECK(migrations[0].statements == std::vector<std::string>{"BEGIN", "CREATE TABLE items (id int)", "COMMIT"});
    CHECK(migrations[0].bookkeeping == 2);
    CHECK(migrations[1].statements == std::vector<std::string>{"BEGIN", "CREATE INDEX ix ON items (id)", "COMMIT"});
    CHECK_FALSE(migrations[1].leaves_transaction_open);

    // A simple Query of two statements outside a transaction: PostgreSQL's implicit transaction.
    Session q;
    q.id = 2;
    Event two = event("CREATE TABLE a (id int); CREATE INDEX ON a (id);", 'I');
    two.tags = {"CREATE TABLE", "CREATE INDEX"};
    q.events = {two, event("INSERT INTO \"django_migrations\" (\"app\", \"name\", \"applied\") VALUES ('s', '0001_a', now())")};
    auto implicit = split_migrations({q});
    REQUIRE(implicit.size() == 1);
    CHECK(implicit[0].statements == std::vector<std::string>{"BEGIN", "CREATE TABLE a (id int); CREATE INDEX ON a (id)", "COMMIT"});
}

TEST_CASE("capture: --server URLs name the host and port the proxy connects to") {
    CHECK(upstream_of("postgresql://u:p@db.example:6543/app")->host == "db.example");
    CHECK(upstream_of("postgresql://u:p@db.example:6543/app")->port == 6543);
    CHECK(upstream_of("postgres://[::1]:5433/x")->host == "::1");
    CHECK(upstream_of("postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql&port=5999")->host == "/var/run/postgresql");
    CHECK(upstream_of("postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql&port=5999")->port == 5999);
    CHECK(upstream_of("host=127.0.0.1 port=5444 dbname=x")->port == 5444);
    CHECK_FALSE(upstream_of("postgresql://h:99999/x"));
}
