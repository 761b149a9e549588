// The pull-request comment body: the digest first (every new HIGH finding with its line and
// fix), detail folded per file without statements that have no finding, repeated findings
// grouped, what changed since the last push, and a cut by value under GitHub's size limit.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "annotate/markdown.hpp"
#include "annotate/review_state.hpp"

using namespace pgfence;
using namespace pgfence::analyze;

namespace {

const char* k_risky =
    "SET lock_timeout = '2s';\n"
    "CREATE INDEX ledger_amount_idx ON ledger_entries (amount);\n"
    "ALTER TABLE ledger_entries DROP COLUMN memo;\n";

std::string render(const Report& report, annotate::MarkdownOptions options = {}) {
    std::ostringstream out;
    annotate::render_markdown(report, out, options);
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// A Prisma project's pull request: three generated migrations and a dangerous hand-written
// one after the applied first migration (the same project as tests/pr/review_fixture.py).
const char* k_init =
    "CREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"email\" TEXT NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n"
    "CREATE TABLE \"Order\" (\n    \"id\" SERIAL NOT NULL,\n    \"customerId\" INTEGER NOT NULL,\n    \"total\" INTEGER NOT NULL,\n"
    "    \"note\" TEXT,\n    CONSTRAINT \"Order_pkey\" PRIMARY KEY (\"id\")\n);\n";
const char* k_profiles =
    "-- CreateTable\nCREATE TABLE \"Profile\" (\n    \"id\" SERIAL NOT NULL,\n    \"userId\" INTEGER NOT NULL,\n"
    "    \"bio\" VARCHAR(280),\n    \"website\" VARCHAR(255),\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
    "    \"updatedAt\" TIMESTAMP(3) NOT NULL,\n    \"expiresAt\" TIMESTAMP(3),\n\n    CONSTRAINT \"Profile_pkey\" PRIMARY KEY (\"id\")\n);\n\n"
    "-- CreateIndex\nCREATE UNIQUE INDEX \"Profile_userId_key\" ON \"Profile\"(\"userId\");\n\n"
    "-- AddForeignKey\nALTER TABLE \"Profile\" ADD CONSTRAINT \"Profile_userId_fkey\" FOREIGN KEY (\"userId\") REFERENCES \"User\"(\"id\") "
    "ON DELETE RESTRICT ON UPDATE CASCADE;\n";
const char* k_audit =
    "-- CreateEnum\nCREATE TYPE \"AuditAction\" AS ENUM ('CREATE', 'UPDATE', 'DELETE');\n\n"
    "-- CreateTable\nCREATE TABLE \"AuditLog\" (\n    \"id\" BIGSERIAL NOT NULL,\n    \"action\" \"AuditAction\" NOT NULL,\n"
    "    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    CONSTRAINT \"AuditLog_pkey\" PRIMARY KEY (\"id\")\n);\n\n"
    "-- CreateIndex\nCREATE INDEX \"AuditLog_createdAt_idx\" ON \"AuditLog\"(\"createdAt\");\n";
const char* k_settings = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"lastSeenAt\" TIMESTAMP(3),\nADD COLUMN     \"settings\" JSONB;\n";
// CRLF line ends and a non-ASCII comment: neither may come out as U+FFFD.
const char* k_hand =
    "-- Orders get a status (état) and a customer key; written by hand.\r\n"
    "ALTER TABLE \"Order\"\r\n    ADD CONSTRAINT \"Order_customerId_fkey\" FOREIGN KEY (\"customerId\") REFERENCES \"User\"(\"id\"),\r\n"
    "    ADD CONSTRAINT \"Order_total_check\" CHECK (\"total\" >= 0);\r\n\r\n"
    "CREATE INDEX \"Order_status_idx\" ON \"Order\"(\"total\");\r\n";
const char* k_hand_fixed =
    "-- Orders get a status (état) and a customer key; written by hand.\r\n"
    "SET lock_timeout = '2s';\r\n"
    "ALTER TABLE \"Order\"\r\n    ADD CONSTRAINT \"Order_customerId_fkey\" FOREIGN KEY (\"customerId\") REFERENCES \"User\"(\"id\") NOT VALID,\r\n"
    "    ADD CONSTRAINT \"Order_total_check\" CHECK (\"total\" >= 0) NOT VALID;\r\n";

const std::string k_dir = "prisma/migrations/";

// The pull request as `pgfence pr` analyses it: the applied migration replayed first, the
// changed files in order, each starting from the schema the ones before it built.
Report pull_request(const char* hand) {
    AnalyzeOptions options;
    options.rules.strict = true;  // the style rules too: the digest's repeated LOW findings are what it folds
    Catalog catalog;
    (void)analyze_text(k_dir + "20240101000000_init/migration.sql", k_init, options, {}, catalog);
    catalog.mark_existing();
    Report report;
    report.pg_version = 15;
    for (auto [name, text] : {std::pair{"20240301000000_add_profiles", k_profiles}, {"20240302000000_add_audit", k_audit},
                              {"20240303000000_user_settings", k_settings}, {"20240304000000_order_status", hand}}) {
        report.files.push_back(analyze_text(k_dir + name + "/migration.sql", text, options, {}, catalog));
    }
    return report;
}

annotate::MarkdownOptions comment_options(const std::string& sha) {
    annotate::MarkdownOptions options;
    options.marker = "pgfence:sticky-comment";
    options.links.server = "https://github.com";
    options.links.repository = "octo/app";
    options.links.sha = sha;
    options.links.run_url = "https://github.com/octo/app/actions/runs/42";
    options.with_state = true;
    return options;
}

const std::string k_sha1 = std::string(40, 'a'), k_sha2 = std::string(40, 'b');

}  // namespace

TEST_CASE("markdown: without findings the same comment says nothing risky is left") {
    Report report;
    AnalyzeOptions options;
    report.files.push_back(analyze_text("a.sql", "SET lock_timeout = '2s';\nCREATE TABLE t (id bigint);\n", options));
    report.files.push_back(analyze_text("b.sql", "SELECT 1;\n", options));
    annotate::MarkdownOptions markdown;
    markdown.marker = "pgfence-comment";
    std::string body = render(report, markdown);
    CHECK(body.rfind("<!-- pgfence-comment -->\n", 0) == 0);
    CHECK(contains(body, "pgfence found nothing risky in 2 migration files (3 statements, PostgreSQL 15)."));
    CHECK_FALSE(contains(body, "<details"));
}

TEST_CASE("markdown: the review of a realistic pull request puts every HIGH finding, its line and fix first") {
    Report report = pull_request(k_hand);
    std::string body = render(report, comment_options(k_sha1));
    const FileReport& hand = report.files.back();
    REQUIRE(hand.risk >= Risk::High);

    // The first 1,500 characters name each new HIGH finding's file, line (as a link into the
    // head commit) and fix.
    std::string first = body.substr(0, 1500);
    CHECK(first.rfind("<!-- pgfence:sticky-comment -->\n## pgfence: 🔴 HIGH — ", 0) == 0);
    CHECK(contains(first, "`" + hand.path + "`"));
    std::size_t high = 0;
    for (const auto& f : hand.findings) {
        if (f.risk < Risk::High) continue;
        ++high;
        INFO(f.rule);
        CHECK(contains(first, "**[" + f.rule + "]**"));
        CHECK(contains(first, f.fix.substr(0, 40)));
        CHECK(contains(body, "https://github.com/octo/app/blob/" + k_sha1 + "/" + hand.path + "#L" + std::to_string(f.start.line)));
    }
    CHECK(high >= 3);
    // MEDIUM: one line per rule, with its count; LOW: one line.
    CHECK(contains(first, "**Also consider:**"));
    CHECK(contains(first, "**[lock-timeout-missing]** ×"));
    CHECK(count(first, "LOW: ") == 1);

    // Only statements with findings: the enum, the generated index and the unique index have none.
    CHECK_FALSE(contains(body, "CREATE TYPE"));
    CHECK_FALSE(contains(body, "AuditLog_createdAt_idx"));
    CHECK_FALSE(contains(body, "Profile_userId_key"));
    // Repeated findings of one rule are one item naming what differs.
    CHECK(contains(body, "**[prefer-timestamptz]** ×3: `\"createdAt\"` (line 7), `\"updatedAt\"` (line 8), `\"expiresAt\"` (line 9)"));
    // Riskiest file first, folded detail, its plan folded too.
    CHECK(body.find("<details open><summary>🔴 <code>" + hand.path) < body.find("<code>" + report.files[0].path));
    CHECK(contains(body, "<details><summary>Migration plan: "));
    // Rule ids link to their pages at the release; every reference is defined.
    CHECK(contains(body, "\n[add-foreign-key-without-not-valid]: https://github.com/pgfence/action/blob/v" PGFENCE_VERSION
                         "/docs/rules/add-foreign-key-without-not-valid.md\n"));
    for (std::size_t at = body.find("][L"); at != std::string::npos; at = body.find("][L", at + 1)) {
        std::string label = body.substr(at + 1, body.find(']', at + 2) - at);
        CHECK(contains(body, "\n" + label + ": https://"));
    }
    // Narrow enough for a comment: no tables, no replacement characters, well under the limit.
    CHECK_FALSE(contains(body, "\n|"));
    CHECK_FALSE(contains(body, "\xEF\xBF\xBD"));
    CHECK(body.size() < 16000);
}

TEST_CASE("markdown: after a fix the comment lists what was resolved, from the state the previous comment carried") {
    std::string before = render(pull_request(k_hand), comment_options(k_sha1));
    auto state = annotate::decode_state(before);
    REQUIRE(state);
    CHECK(state->sha == k_sha1);
    CHECK(state->complete());

    annotate::MarkdownOptions options = comment_options(k_sha2);
    options.previous = state;
    Report fixed = pull_request(k_hand_fixed);
    std::string after = render(fixed, options);
    CHECK(contains(after, "Since [`aaaaaaa`](https://github.com/octo/app/commit/" + k_sha1 + "): ✅ "));
    CHECK(contains(after, "**Resolved since [`aaaaaaa`]"));
    int fk_line = 0;
    Report first = pull_request(k_hand);
    for (const auto& f : first.files.back().findings) {
        if (f.rule == "add-foreign-key-without-not-valid") fk_line = f.start.line;
    }
    CHECK(contains(after, "- ✅ ~~HIGH **[add-foreign-key-without-not-valid]**~~ [`" + k_dir + "20240304000000_order_status/migration.sql:" +
                              std::to_string(fk_line) + "`](https://github.com/octo/app/blob/" + k_sha1 + "/"));
    CHECK(contains(after, "- ✅ ~~HIGH **[create-index-without-concurrently]**~~"));
    // Still open: the generated files' findings, unchanged and not new.
    CHECK(contains(after, " still open"));
    CHECK(contains(after, " · 🆕 0 new · "));
    CHECK_FALSE(contains(after, "** 🆕"));
    // Run again on the same commit, the comment is the same, changes included.
    annotate::MarkdownOptions rerun = comment_options(k_sha2);
    rerun.previous = annotate::decode_state(after);
    REQUIRE(rerun.previous);
    CHECK(rerun.previous->since == k_sha1);
    CHECK(render(fixed, rerun) == after);
    // With nothing left the short comment still lists what was resolved, its rules linked.
    Report clean;
    clean.files.push_back(analyze_text("a.sql", "SELECT 1;\n", AnalyzeOptions{}));
    std::string gone = render(clean, options);
    CHECK(contains(gone, "pgfence found nothing risky in 1 migration file"));
    CHECK(contains(gone, "- ✅ ~~HIGH **[create-index-without-concurrently]**~~"));
    CHECK(contains(gone, "\n[create-index-without-concurrently]: https://"));
    // A finding that appears is marked new.
    Report worse = pull_request(k_hand);
    worse.files[1] = analyze_text(k_dir + "20240302000000_add_audit/migration.sql",
                                  std::string(k_audit) + "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n", AnalyzeOptions{});
    std::string again = render(worse, options);
    CHECK(contains(again, " · 🆕 "));
    CHECK_FALSE(contains(again, " · 🆕 0 new"));
    CHECK(contains(again, "**[create-index-without-concurrently]** 🆕"));
}

TEST_CASE("markdown: a file's transaction findings are one line of the digest, not one per statement") {
    AnalyzeOptions options;
    Catalog catalog;
    (void)analyze_text("db/001_init.sql",
                       "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
                       "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, total numeric);\n"
                       "CREATE TABLE stats (account_id bigint PRIMARY KEY, n bigint);\n"
                       "CREATE TABLE audit (id bigint, account_id bigint, total numeric);\n",
                       options, {}, catalog);
    catalog.mark_existing();
    Report report;
    report.pg_version = 15;
    report.files.push_back(analyze_text("db/002_archive.sql",
                                        "SET lock_timeout = '2s';\n"
                                        "BEGIN;\n"
                                        "ALTER TABLE accounts ADD COLUMN archived boolean;\n"
                                        "INSERT INTO stats (account_id, n) SELECT account_id, 1 FROM orders;\n"
                                        "INSERT INTO audit SELECT id, account_id, total FROM orders;\n"
                                        "COMMIT;\n",
                                        options, {}, catalog));
    std::size_t held = 0;
    for (const auto& f : report.files[0].findings) held += f.rule == "work-under-held-lock" && f.risk >= Risk::High;
    REQUIRE(held == 2);
    std::string body = render(report, comment_options(k_sha1));
    std::string digest = body.substr(0, body.find("<details"));
    CHECK(count(digest, "work-under-held-lock") == 1);
    CHECK(contains(digest, "lines "));
    CHECK(contains(digest, " the transaction holds locks too long: "));
    CHECK(contains(digest, "×2"));
    // Its one fix: the plan splits the migration, or the findings say where.
    CHECK((contains(digest, "split this migration: see its plan below") ||
           contains(digest, "split this migration where the findings below say")));
}

TEST_CASE("markdown: pre-existing findings are folded last and do not set the headline risk") {
    Report report;
    AnalyzeOptions options;
    report.files.push_back(analyze_text("db/001_old.sql", k_risky, options));
    for (auto& f : report.files[0].findings) f.pre_existing = true;
    std::string body = render(report);
    CHECK(contains(body, "## pgfence: ✅ none"));
    CHECK(contains(body, "<details><summary>✅ <code>db/001_old.sql</code> — "));
    CHECK(contains(body, "**[create-index-without-concurrently]** _(pre-existing)_"));
    CHECK(contains(body, "pre-existing findings in 1 file (on lines this pull request did not touch; they do not count)"));
    CHECK_FALSE(contains(body, "Fix before merging"));

    report.files.push_back(analyze_text("db/002_new.sql", k_risky, options));
    std::string mixed = render(report);
    CHECK(contains(mixed, "## pgfence: 🔴 HIGH"));
    CHECK(mixed.find("<code>db/002_new.sql</code>") < mixed.find("<code>db/001_old.sql</code>"));
}

TEST_CASE("markdown: a huge report keeps the digest and the HIGH detail, leaving out LOW then MEDIUM detail first") {
    Report report;
    AnalyzeOptions options;
    // LOW-only files first in the report, one HIGH file last.
    options.rules.strict = true;  // varchar(20) and CREATE TABLE: the strict profile's LOW findings
    for (int i = 1; i <= 600; ++i) {
        std::string sql = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n";
        for (int k = 0; k < 5; ++k) sql += "CREATE TABLE IF NOT EXISTS t" + std::to_string(k) + " (v varchar(20));\n";
        report.files.push_back(analyze_text("db/" + std::to_string(1000 + i) + "_low.sql", sql, options));
    }
    // psql runs it (a deploy's `psql -f`): a runner known, so its plan is offered (plan_runner.hpp).
    const std::vector<PsqlRun> psql{PsqlRun{"db/9000_high.sql", {}}};
    options.psql_runs = &psql;
    report.files.push_back(analyze_text("db/9000_high.sql", k_risky, options));
    options.psql_runs = nullptr;
    REQUIRE(report.files[1].risk == Risk::Low);

    std::string body = render(report, comment_options(k_sha1));
    CHECK(body.size() <= annotate::k_comment_max_chars);
    CHECK(body.size() > annotate::k_comment_max_chars / 2);  // cut, not emptied
    CHECK(body.rfind("<!-- pgfence:sticky-comment -->\n## pgfence: 🔴 HIGH", 0) == 0);
    // The HIGH file comes first in the detail, with its finding and plan.
    CHECK(body.find("<code>db/9000_high.sql</code>") < body.find("<code>db/1001_low.sql</code>"));
    CHECK(body.find("<code>db/1001_low.sql</code>") != std::string::npos);
    CHECK(contains(body, "**[create-index-without-concurrently]**: CREATE INDEX ledger_amount_idx"));
    CHECK(contains(body, "<details><summary>Migration plan: "));
    // LOW detail went from the last files up, as much as needed; the note says so and where
    // the whole report is.
    CHECK(contains(body, "<code>db/1001_low.sql</code>"));
    CHECK_FALSE(contains(body, "<code>db/1600_low.sql</code>"));
    CHECK(contains(body, "_Shortened to fit GitHub's size limit. Left out: "));
    CHECK(contains(body, "LOW findings"));
    CHECK(contains(body, "The whole report is in the [job summary](https://github.com/octo/app/actions/runs/42)._"));
    // The hidden state survives the cut.
    CHECK(annotate::decode_state(body).has_value());
    CHECK(body.find('\x1b') == std::string::npos);

    // Tighter still: the digest stays whole, file detail goes from the least risky file on.
    annotate::MarkdownOptions tight = comment_options(k_sha1);
    tight.max_chars = 6000;
    std::string small = render(report, tight);
    CHECK(small.size() <= 6000);
    CHECK(contains(small, "**[create-index-without-concurrently]** — use CREATE INDEX CONCURRENTLY"));
    CHECK(contains(small, "the detail of "));
}

TEST_CASE("review state: read back only when it is well formed; repository text cannot end it") {
    annotate::ReviewState state;
    state.sha = k_sha1;
    state.findings.push_back({"0123456789abc", "db/--> <b>x</b>\n%.sql", 12, "create-index-without-concurrently", Risk::High, "\"a b\"-->"});
    state.total = 1;
    std::string block = annotate::encode_state(state);
    CHECK(count(block, "-->") == 1);  // only its own end
    CHECK(count(block, "\n") == 6);
    auto back = annotate::decode_state("text before\n" + block + "after");
    REQUIRE(back);
    CHECK(back->sha == k_sha1);
    REQUIRE(back->findings.size() == 1);
    CHECK(back->findings[0].path == state.findings[0].path);
    CHECK(back->findings[0].relation == state.findings[0].relation);
    CHECK(back->findings[0].line == 12);
    CHECK(back->findings[0].risk == Risk::High);

    CHECK_FALSE(annotate::decode_state("no state here"));
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\n"));  // never closed
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=x\n-->"));
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\np0=a\nr0=x\nk=ab f=9 l=1 r=0 x=H\n-->"));  // no such path
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\np0=a\nr0=x\nk=AB<script> f=0 l=1 r=0 x=H\n-->"));
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\np0=a%4\nr0=x\nk=ab f=0 l=1 r=0 x=H\n-->"));
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=0\np0=a\nr0=x\nk=ab f=0 l=1 r=0 x=H\n-->"));  // total too small
    CHECK(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\np0=a\nr0=x\nk=ab f=0 l=1 r=0 x=H\n-->"));
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v1\nsha=abc total=1\np0=a\nr0=x\nk=ab f=0 l=1 r=1 x=H\n-->"));  // no such rule
    CHECK_FALSE(annotate::decode_state("<!-- pgfence:state v2\nsha=abc total=0\n-->"));
    // Lines move, names do not: the same finding two lines lower has the same key.
    CHECK(annotate::finding_key("a.sql", "r", "index on line 2 of t", 0) == annotate::finding_key("a.sql", "r", "index on line 14 of t", 0));
    CHECK(annotate::finding_key("a.sql", "r", "index of t", 0) != annotate::finding_key("a.sql", "r", "index of u", 0));
    CHECK(annotate::finding_key("a.sql", "r", "x", 0) != annotate::finding_key("a.sql", "r", "x", 1));
}

TEST_CASE("markdown: repository text in paths and messages stays text in the folded detail") {
    Report report;
    AnalyzeOptions options;
    report.files.push_back(analyze_text("db/</code></summary><img src=x>`x`.sql", k_risky, options));
    std::string body = render(report, comment_options(k_sha1));
    // Outside code spans, the path's markup is escaped; in a code span it is text.
    CHECK(contains(body, "<summary>🔴 <code>db/&lt;/code&gt;&lt;/summary&gt;&lt;img src=x&gt;`x`.sql</code>"));
    CHECK(contains(body, "\n``db/</code></summary><img src=x>`x`.sql``\n"));
    for (std::size_t at = body.find("<img"); at != std::string::npos; at = body.find("<img", at + 1)) {
        std::size_t line = body.rfind('\n', at) + 1, end = body.find('\n', at);
        std::size_t open = body.rfind("``", at), close = body.find("``", at);
        CHECK((open != std::string::npos && open >= line && close < end));
    }
    // In the link the path is percent-encoded.
    CHECK(contains(body, "/blob/" + k_sha1 + "/db/%3C/code%3E%3C/summary%3E%3Cimg%20src%3Dx%3E%60x%60.sql#L2"));
    CHECK(annotate::decode_state(body)->findings.front().path == report.files[0].path);

    // A line break in a path cannot end the folded block's HTML and start Markdown or HTML of its own.
    Report broken;
    broken.files.push_back(analyze_text("db/a\n\n<img src=x>\n\n# All clear.sql", k_risky, options));
    std::string text = render(broken, comment_options(k_sha1));
    CHECK_FALSE(contains(text, "\n<img"));
    CHECK_FALSE(contains(text, "\n# All clear"));
    CHECK(contains(text, "<summary>🔴 <code>db/a  &lt;img src=x&gt;  # All clear.sql</code>"));
}

TEST_CASE("markdown: statements pgfence could not see are said plainly, apart from the risks (issue #53)") {
    Report report;
    AnalyzeOptions options;
    report.files.push_back(analyze_text("db/002_cleanup.sql",
                                        "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'DROP TABLE ' || current_setting('app.t'); END $$;\n",
                                        options));
    std::string md = render(report);
    INFO(md);
    CHECK(md.find(" — 1 statement pgfence could not see\n") != std::string::npos);
    auto section = md.find("**pgfence could not see what these statements do**");
    REQUIRE(section != std::string::npos);
    CHECK(md.find("`002_cleanup.sql` line 2 — pgfence could not see what this statement does", section) != std::string::npos);
    // Not also folded among the MEDIUM findings to consider.
    CHECK(md.find("**Also consider:**\n\n- 🟡 **unknown-statement**") == std::string::npos);
}
