// One-click suggestions on a pull request: the comment text and its marker (annotate/suggestion),
// the proof and the choice (bot/suggestions). The posting itself is tested end to end against the
// GitHub double (tests/pr, scenarios suggestions and suggestion_hostile).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "annotate/suggestion.hpp"
#include "bot/suggestions.hpp"

using namespace pgfence;
using namespace pgfence::analyze;

namespace {

const std::string k_key = std::string(32, 'a');

std::string comment(std::string_view replacement, std::string_view fix = "use CREATE INDEX CONCURRENTLY") {
    return annotate::suggestion_comment(
        annotate::SuggestionText{"create-index-without-concurrently", Risk::High, "add CONCURRENTLY", fix, replacement, k_key});
}

// A pull request that adds `text` as one new file, analysed as `pgfence pr` does.
struct PullRequest {
    Report report;
    diff::ChangeSet changes;
    bot::FileStarts starts;
    AnalyzeOptions options;
};

PullRequest pull_request(const std::string& path, const std::string& text, std::vector<diff::LineRange> added = {}) {
    PullRequest pr;
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n')) - (text.ends_with('\n') ? 1 : 0);
    if (added.empty()) added.push_back(diff::LineRange{1, lines});
    pr.changes.files.push_back(diff::ChangedFile{path, path, diff::ChangeStatus::Added, added, true});
    pr.starts.emplace(path, bot::FileStart{Catalog{}, text, ""});
    Catalog catalog;
    pr.report.files.push_back(analyze_text(path, text, pr.options, "", catalog));
    return pr;
}

std::vector<bot::Suggestion> choose(const PullRequest& pr, std::size_t max = 5, const std::set<std::string>& posted = {}) {
    return bot::choose_suggestions(pr.report, pr.changes, pr.starts, pr.options, max, posted);
}

}  // namespace

TEST_CASE("suggestion comment: rule, risk and fix, the block, the marker last", "[suggestion]") {
    std::string body = comment("CREATE INDEX CONCURRENTLY i ON t (x);");
    CHECK(body == "`create-index-without-concurrently` · **HIGH** · add CONCURRENTLY: use CREATE INDEX CONCURRENTLY\n\n"
                  "```suggestion\nCREATE INDEX CONCURRENTLY i ON t (x);\n```\n<!-- pgfence:suggestion " + k_key + " -->\n");
    CHECK(annotate::suggestion_key_of(body) == k_key);
    CHECK(annotate::suggestion_key_of(body + "\r\n") == k_key);
}

TEST_CASE("suggestion comment: repository text stays in its fence and cannot plant a key", "[suggestion]") {
    std::string planted = "<!-- pgfence:suggestion " + std::string(32, 'b') + " -->";
    std::string line = "CREATE INDEX \"a````b\" ON t (x); -- ``` " + planted;
    std::string body = comment(line, "write `x` <!-- y -->");
    CHECK(body.find("\n`````suggestion\n" + line + "\n`````\n") != std::string::npos);
    CHECK(body.find("<!-- y") == std::string::npos);  // the fix's HTML is escaped
    CHECK(annotate::suggestion_key_of(body) == k_key);
    // A body whose last line is repository text, or not a key, has none.
    CHECK(annotate::suggestion_key_of("```suggestion\n" + planted + "\n```\n").empty());
    CHECK(annotate::suggestion_key_of(body.substr(0, body.rfind("<!--")) + planted + "x\n").empty());
    CHECK(annotate::suggestion_key_of("<!-- pgfence:suggestion " + std::string(32, 'A') + " -->").empty());
}

TEST_CASE("suggestion key: stable across releases, apart by rule, path, text, subcommand, occurrence", "[suggestion]") {
    std::string key = annotate::suggestion_key("create-index-without-concurrently", "db/1.sql", "CREATE INDEX i\n  ON t (x)", -1, 0);
    // Pinned: a changed key posts every open pull request's suggestions again.
    CHECK(key == annotate::suggestion_key("create-index-without-concurrently", "db/1.sql", "CREATE INDEX i ON t (x)", -1, 0));
    CHECK(key == "3ae37f02b0fcddec4c826cfb92a58cac");
    CHECK(key != annotate::suggestion_key("missing-if-not-exists", "db/1.sql", "CREATE INDEX i ON t (x)", -1, 0));
    CHECK(key != annotate::suggestion_key("create-index-without-concurrently", "db/2.sql", "CREATE INDEX i ON t (x)", -1, 0));
    CHECK(key != annotate::suggestion_key("create-index-without-concurrently", "db/1.sql", "CREATE INDEX j ON t (x)", -1, 0));
    CHECK(key != annotate::suggestion_key("create-index-without-concurrently", "db/1.sql", "CREATE INDEX i ON t (x)", 0, 0));
    CHECK(key != annotate::suggestion_key("create-index-without-concurrently", "db/1.sql", "CREATE INDEX i ON t (x)", -1, 1));
}

TEST_CASE("suggestions are proved: CONCURRENTLY inside a transaction is not offered", "[suggestion]") {
    PullRequest plain = pull_request("db/migrations/002.sql", "CREATE INDEX i ON orders (user_id);\n"
                                                              "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);\n");
    std::vector<bot::Suggestion> got = choose(plain);
    REQUIRE(got.size() == 2);
    CHECK(got[0].replacement == "CREATE INDEX CONCURRENTLY i ON orders (user_id);");
    CHECK(got[1].replacement == "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;");
    CHECK((got[0].first_line == 1 && got[0].last_line == 1 && got[1].first_line == 2));

    PullRequest wrapped = pull_request("db/migrations/003.sql", "BEGIN;\nSET lock_timeout = '2s';\n"
                                                                "CREATE INDEX i ON orders (user_id);\nCOMMIT;\n");
    const Finding* index = nullptr;
    for (const auto& f : wrapped.report.files[0].findings) {
        if (f.rule == "create-index-without-concurrently") index = &f;
    }
    REQUIRE(index != nullptr);
    REQUIRE(index->edit);
    CHECK_FALSE(bot::proves_edit(wrapped.starts.begin()->second, "db/migrations/003.sql", wrapped.report.files[0], *index,
                                 wrapped.options));
    CHECK(choose(wrapped).empty());
}

TEST_CASE("suggestions: the SET lock_timeout line, one per line, on added lines only, at most max", "[suggestion]") {
    PullRequest pr = pull_request("db/migrations/004.sql", "  ALTER TABLE users ADD COLUMN bio text;\n");
    std::vector<bot::Suggestion> got = choose(pr);
    REQUIRE(got.size() == 1);
    CHECK(got[0].rule == "lock-timeout-missing");
    CHECK(got[0].replacement == "  SET lock_timeout = '2s';\n  ALTER TABLE users ADD COLUMN bio text;");

    // On line 1 the HIGH index finding wins; the lock_timeout and IF NOT EXISTS edits wait.
    PullRequest crowded = pull_request("db/migrations/005.sql", "CREATE INDEX i ON orders (user_id);\nSELECT 1;\n");
    got = choose(crowded);
    REQUIRE(got.size() == 1);
    CHECK(got[0].rule == "create-index-without-concurrently");
    // Suggested by an earlier run and still waiting there: its line stays its own.
    CHECK(choose(crowded, 5, {got[0].key}).empty());

    PullRequest two = pull_request("db/migrations/006.sql", "CREATE INDEX i ON orders (user_id);\n"
                                                            "CREATE INDEX j ON orders (id);\n",
                                   {diff::LineRange{2, 2}});
    got = choose(two);
    REQUIRE(got.size() == 1);  // line 1 is not the pull request's: GitHub would refuse a comment there
    CHECK(got[0].first_line == 2);
    PullRequest both = pull_request("db/migrations/007.sql", "CREATE INDEX i ON orders (user_id);\n"
                                                             "CREATE INDEX j ON orders (id);\n");
    CHECK(choose(both, 1).size() == 1);
    CHECK(choose(both, 0).empty());
}

TEST_CASE("suggestions: no line GitHub would change (CR, control bytes)", "[suggestion]") {
    PullRequest crlf = pull_request("db/migrations/008.sql", "CREATE INDEX i ON orders (user_id);\r\n");
    CHECK(choose(crlf).empty());
    PullRequest control = pull_request("db/migrations/009.sql", "CREATE INDEX i ON orders (user_id); -- \x1b[31m\n");
    CHECK(choose(control).empty());
}

TEST_CASE("suggestion review: a COMMENT on the head, multi-line comments with a start", "[suggestion]") {
    std::vector<bot::Suggestion> suggestions{
        bot::Suggestion{"a.sql", 3, 3, "X", k_key, "create-index-without-concurrently", Risk::High, "add CONCURRENTLY", "fix"},
        bot::Suggestion{"b.sql", 4, 5, "Y\nZ", k_key, "lock-timeout-missing", Risk::Medium, "add SET lock_timeout", "fix"}};
    nlohmann::json review = bot::review_request(suggestions, std::string(40, 'c'), "pgfence (api)");
    CHECK(review["commit_id"] == std::string(40, 'c'));
    CHECK(review["event"] == "COMMENT");
    CHECK(review["body"].get<std::string>().rfind("**pgfence (api)** suggests 2 changes", 0) == 0);
    CHECK(review["comments"][0] == nlohmann::json{{"path", "a.sql"}, {"line", 3}, {"side", "RIGHT"},
                                                  {"body", review["comments"][0]["body"]}});
    CHECK(review["comments"][1]["start_line"] == 4);
    CHECK(review["comments"][1]["line"] == 5);
    CHECK(review["comments"][1]["start_side"] == "RIGHT");
}
