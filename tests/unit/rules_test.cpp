// Golden tests of every rule: tests/rules/<id>/<case>.sql with the whole of that rule's findings
// beside it in <case>.expected, so that a change to any message, fix or recipe shows in review.
// Per finding: "line:column RISK message", then indented "fix: ..." and "recipe: <summary>" when
// there are some, and for each recipe step "-- step <title> (in transaction|outside a
// transaction)" with its SQL indented below, and "edit: <label> (line N)" with the lines as the
// edit leaves them. Cases named ok_* must produce none. Every recipe is re-analysed and must not
// raise the rule it fixes; every edit is applied and the file analysed again must raise the rule
// fewer times.
// PGFENCE_UPDATE_GOLDEN=1 rewrites the .expected files from the current output;
// PGFENCE_UPDATE_GOLDEN=<rule-id> only that rule's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "fix_claims.hpp"
#include "analyze/analyzer.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/base/civil_date.hpp"
#include "analyze/history.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/model/text_edit.hpp"

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

const fs::path k_root = fs::path(PGFENCE_SOURCE_DIR);

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// First line "-- pgfence-test: path=db/up.sql pg-version=11 enable=id,id" sets up a case;
// today=YYYY-MM-DD is the day suppressions' until= dates are compared with (default 2026-06-01,
// so that no case depends on the real date);
// sibling-metadata=run_in_transaction=false is the metadata.toml beside it (one line);
// direction=down|both reads those halves of up/down migrations (default up);
// not-a-file=link|submodule makes the path a link or submodule whose target is the rest of the
// case (after the first line, less its last line break), analysed with analyze_not_a_file;
// settings-base=<name>|none reads the case as a migration tool's settings file (path=flyway.conf)
// whose merge-base version is the file <name> beside the case (none: a new file), analysed with
// analyze_tool_settings;
// schema=<name> replays the schema file <name> beside the case (not named *.sql) as the schema
// earlier migrations built (--schema): its tables exist, with their columns.
struct CaseSetup {
    std::string path = "case.sql";
    std::string sibling_metadata;  // sibling-metadata=key=value: a diesel metadata.toml line
    AnalyzeOptions options;
    std::optional<NotAFile::Kind> not_a_file;
    bool settings = false;                     // settings-base=: a settings file's changes
    std::optional<std::string> settings_base;  // its merge-base text
};

CaseSetup setup_of(const std::string& text, const fs::path& dir) {
    CaseSetup setup;
    setup.options.rules.today = CivilDate{2026, 6, 1};
    setup.options.rules.strict = true;  // each case renders one rule's findings: the strict ones too
    const std::string marker = "-- pgfence-test:";
    if (text.rfind(marker, 0) != 0) return setup;
    std::istringstream words(text.substr(marker.size(), text.find('\n') - marker.size()));
    for (std::string w; words >> w;) {
        auto eq = w.find('=');
        std::string key = w.substr(0, eq), value = eq == std::string::npos ? "" : w.substr(eq + 1);
        if (key == "path") setup.path = value;
        else if (key == "sibling-metadata") setup.sibling_metadata = value + "\n";
        else if (key == "pg-version") setup.options.pg_version = std::stoi(value);
        else if (key == "direction") {
            setup.options.direction = value == "down" ? Direction::Down : value == "both" ? Direction::Both : Direction::Up;
        }
        else if (key == "enable" || key == "disable") {
            std::stringstream ids(value);
            for (std::string id; std::getline(ids, id, ',');) {
                (key == "enable" ? setup.options.rules.enabled : setup.options.rules.disabled).insert(id);
            }
        } else if (key == "max-lock-timeout-ms") {
            setup.options.rules.max_lock_timeout_ms = std::stoi(value);
        } else if (key == "max-statement-timeout-ms") {
            setup.options.rules.max_statement_timeout_ms = std::stoi(value);
        } else if (key == "not-a-file") {
            REQUIRE((value == "link" || value == "submodule"));
            setup.not_a_file = value == "link" ? NotAFile::Kind::link : NotAFile::Kind::submodule;
        } else if (key == "settings-base") {
            setup.settings = true;
            if (value != "none") setup.settings_base = read(dir / value);
        } else if (key == "schema") {
            Replay replay(setup.options);
            replay.replay_schema_file((dir / value).string());
            setup.options.history = replay.snapshot();
        } else if (key == "today") {
            setup.options.rules.today = parse_civil_date(value);
            REQUIRE(setup.options.rules.today);
        } else {
            FAIL("unknown pgfence-test key " << key);
        }
    }
    return setup;
}

// Each line of `text` behind `indent`; an empty line stays empty (no trailing blanks in a diff).
void add_lines(std::string& out, std::string_view text, std::string_view indent) {
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    for (std::size_t begin = 0; begin <= text.size();) {
        std::size_t end = std::min(text.find('\n', begin), text.size());
        std::string_view line = text.substr(begin, end - begin);
        if (!line.empty()) out.append(indent).append(line);
        out += '\n';
        begin = end + 1;
    }
}

std::string render(const std::vector<Finding>& findings, const std::string& rule, std::string_view text = {}) {
    std::string out;
    for (const auto& f : findings) {
        if (f.rule != rule) continue;
        out += std::to_string(f.start.line) + ":" + std::to_string(f.start.column) + " " +
               std::string(risk_name(f.risk)) + " " + f.message + "\n";
        if (!f.fix.empty()) add_lines(out, "fix: " + f.fix, "  ");
        if (f.edit) {
            EditedLines lines = edited_lines(text, *f.edit);
            out += "  edit: " + f.edit->label + " (line " + std::to_string(lines.first) + ")\n";
            add_lines(out, lines.replacement, "    ");
        }
        if (!f.recipe) continue;
        add_lines(out, "recipe: " + f.recipe->summary, "  ");
        for (const auto& step : f.recipe->steps) {
            out += "  -- step " + step.title + (step.in_transaction ? " (in transaction)" : " (outside a transaction)") + "\n";
            add_lines(out, step.sql, "    ");
        }
    }
    return out;
}

std::vector<fs::path> cases_of(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".sql") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("every rule has a docs page and golden cases that fire and that stay quiet") {
    for (const auto& rule : rules::all_rules()) {
        std::string id(rule.id);
        INFO("rule " << id);
        CHECK(fs::exists(k_root / "docs" / "rules" / (id + ".md")));
        bool fires = false, quiet = false;
        for (const auto& c : cases_of(k_root / "tests" / "rules" / id)) {
            bool ok_case = c.stem().string().rfind("ok_", 0) == 0;
            quiet = quiet || ok_case;
            fs::path expected = c;
            expected.replace_extension(".expected");
            fires = fires || (!ok_case && fs::exists(expected) && !read(expected).empty());
        }
        CHECK(fires);
        CHECK(quiet);
    }
}

// A rule is four things: analyze/rules/<id>.cpp defining it (PGFENCE_RULE, which the build
// lists for all_rules()), docs/rules/<id>.md and tests/rules/<id>/. None may exist without the
// others; helper files under analyze/rules define no rule and are not counted.
TEST_CASE("rule files, docs pages and golden folders are exactly the registered rules") {
    std::set<std::string> registered;
    for (const auto& rule : rules::all_rules()) registered.insert(std::string(rule.id));
    const std::regex k_definition(R"((^|\n)PGFENCE_RULE\(([a-z0-9_]+)\))");
    std::set<std::string> defined, docs, golden;
    for (const auto& entry : fs::directory_iterator(k_root / "analyze" / "rules")) {
        if (entry.path().extension() != ".cpp") continue;
        std::string text = read(entry.path()), stem = entry.path().stem().string();
        int count = 0;
        for (std::sregex_iterator it(text.begin(), text.end(), k_definition), end; it != end; ++it, ++count) {
            std::string id = (*it)[2].str();
            std::replace(id.begin(), id.end(), '_', '-');
            INFO(entry.path().filename().string() << " defines " << id);
            CHECK(id == stem);
            defined.insert(id);
        }
        INFO(entry.path().filename().string());
        CHECK(count <= 1);
    }
    for (const auto& entry : fs::directory_iterator(k_root / "docs" / "rules")) {
        if (entry.path().extension() == ".md") docs.insert(entry.path().stem().string());
    }
    for (const auto& entry : fs::directory_iterator(k_root / "tests" / "rules")) {
        if (entry.is_directory()) golden.insert(entry.path().filename().string());
    }
    CHECK(defined == registered);
    CHECK(docs == registered);
    CHECK(golden == registered);
}

TEST_CASE("rule ids are unique, kebab-case, and documented with a PostgreSQL link") {
    std::set<std::string> seen;
    for (const auto& rule : rules::all_rules()) {
        std::string id(rule.id);
        INFO("rule " << id);
        CHECK(seen.insert(id).second);
        CHECK(std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }));
        std::string doc = read(k_root / "docs" / "rules" / (id + ".md"));
        if (!doc.empty()) CHECK(doc.find("https://www.postgresql.org/docs/") != std::string::npos);
        CHECK_FALSE(rule.summary.empty());
    }
}

// A rule's category (SARIF's tags) names its kind of harm: "data-loss" only where rows or values
// are gone. Code that names an object by a name it no longer has fails, and nothing is lost: the
// rename rules' category; writes refused while what is stored stays: read-only-default's.
TEST_CASE("rules that break code or refuse writes are not data-loss") {
    const auto category = [](std::string_view id) {
        const rules::Rule* rule = rules::find_rule(id);
        REQUIRE(rule != nullptr);
        return std::string(rule->category);
    };
    for (std::string_view id : {"rename-table", "rename-schema", "rename-type", "rename-enum-value", "rename-view",
                                "rename-function", "move-extension", "drop-view", "drop-function"}) {
        INFO("rule " << id);
        CHECK(category(id) == category("rename-column"));
    }
    CHECK(category("set-storage-plain") == category("read-only-default"));
    CHECK(category("rename-column") != "data-loss");
    CHECK(category("read-only-default") != "data-loss");
    for (std::string_view id : {"drop-table", "drop-column", "truncate", "alter-type-attribute-in-use"}) {
        INFO("rule " << id);
        CHECK(category(id) == "data-loss");
    }
}

TEST_CASE("golden findings per rule, and recipes that come back clean") {
    const char* update_env = std::getenv("PGFENCE_UPDATE_GOLDEN");
    std::set<std::string> proven_fix;                          // rules with a fix followed and analysed again
    std::map<std::string, std::set<std::string>> unproven_fix;  // rule -> fix texts nothing could follow
    for (const auto& rule : rules::all_rules()) {
        std::string id(rule.id);
        bool update = update_env != nullptr && (std::string(update_env) == "1" || id == update_env);
        for (const auto& c : cases_of(k_root / "tests" / "rules" / id)) {
            INFO("case " << c.string());
            std::string text = read(c);
            CaseSetup setup = setup_of(text, c.parent_path());
            FileReport report = analyze_text(setup.path, text, setup.options, setup.sibling_metadata);
            if (setup.not_a_file) {
                std::string target = text.substr(text.find('\n') + 1);
                if (!target.empty() && target.back() == '\n') target.pop_back();
                report = analyze_not_a_file(setup.path, NotAFile{*setup.not_a_file, target}, setup.options);
            }
            if (setup.settings) {
                report = analyze_tool_settings(
                    setup.path, tools::flyway_setting_changes(fs::path(setup.path).filename().string(), setup.settings_base, text),
                    setup.options);
            }
            std::string got = render(report.findings, id, text);
            // A schema file's path appears where a fact came from it: relative to the checkout.
            const std::string root = (k_root / "").string();
            for (std::size_t at = got.find(root); at != std::string::npos; at = got.find(root, at)) got.erase(at, root.size());
            fs::path expected_path = c;
            expected_path.replace_extension(".expected");
            bool ok_case = c.stem().string().rfind("ok_", 0) == 0;
            if (ok_case) {
                CHECK(got.empty());
            } else if (update) {
                std::ofstream(expected_path, std::ios::binary) << got;
            } else {
                CHECK(got == read(expected_path));
                CHECK_FALSE(got.empty());
            }
            auto count = [&](const FileReport& r) { return std::count_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.rule == id; }); };
            for (const auto& f : report.findings) {
                if (f.rule != id || !f.edit) continue;
                std::string edited = apply_edit(text, *f.edit);
                INFO("edited:\n" << edited);
                FileReport again = analyze_text(setup.path, edited, setup.options, setup.sibling_metadata);
                CHECK(count(again) < count(report));
                auto unparsable = [](const FileReport& r) {
                    return std::count_if(r.statements.begin(), r.statements.end(),
                                         [](const StatementFacts& s) { return s.status == StatementStatus::Unparsable; });
                };
                CHECK(unparsable(again) == unparsable(report));
            }
            // The fix text itself, followed as written: the finding ends, nothing serious is added.
            for (const auto& f : report.findings) {
                if (f.rule != id) continue;
                if (f.edit || f.recipe) {
                    proven_fix.insert(id);
                    continue;
                }
                pgfence::tests::FixCheck claim = pgfence::tests::check_fix_claim(setup.path, text, setup.sibling_metadata, setup.options, report, f);
                if (!claim.checked) {
                    unproven_fix[id].insert(f.fix);
                    continue;
                }
                INFO("fix: " << f.fix << "\ndone: " << claim.how);
                CHECK(claim.problem == "");
                proven_fix.insert(id);
            }
            for (const auto& f : report.findings) {
                if (f.rule != id || !f.recipe) continue;
                for (const auto& step : f.recipe->steps) {
                    INFO("recipe step " << step.title << ":\n" << step.sql);
                    AnalyzeOptions options = setup.options;
                    FileReport again = analyze_text("recipe.sql", step.sql, options);
                    CHECK(render(again.findings, id).empty());
                    for (const auto& s : again.statements) CHECK(s.status != StatementStatus::Unparsable);
                }
            }
        }
    }
    // A rule none of whose golden fixes could be followed and analysed again says here why: its
    // fix is a release order, a choice only the author can make, or work by hand.
    static const std::map<std::string, std::string> by_hand = {
        {"add-exclusion-constraint", "no online form: while the table is small, or in a maintenance window"},
        {"alter-table-rewrite", "no online form: while the table is small, or in a maintenance window"},
        {"set-logged-unlogged", "no online form: while the table is small, or in a maintenance window"},
        {"concurrently-in-transaction", "the statement in a migration of its own, in its tool's form: the plan writes it, the oracle proves it"},
        {"create-rule", "the rule is the author's choice: the fix is a review of what every write will do"},
        {"create-trigger", "the trigger is wanted: the fix bounds its lock wait and its cost"},
        {"drop-trigger", "the drop is wanted: the fix bounds its lock wait"},
        {"drop-view", "a release order: deploy code that no longer reads the view first"},
        {"drop-function", "a release order: deploy code that no longer calls the routine first"},
        {"detach-partition-hides-rows", "a release order: retire the code that reads the range, archive its rows, then detach"},
        {"sequence-reset", "set from the table's own keys, which only the author can name"},
        {"drop-column", "a release order: deploy code that no longer uses it first"},
        {"drop-not-null", "a release order: deploy readers that handle NULL first"},
        {"rename-enum-value", "a release order: add the new value, move the code, then drop the old one"},
        {"rename-schema", "a release order: deploy code that finds its tables another way first"},
        {"rename-type", "a release order: keep the name, or deploy code that names the new one first"},
        {"move-extension", "a release order: the new schema on the application's search_path first, then the move"},
        {"drop-database", "by hand, never in a migration"},
        {"drop-cascade-columns", "a release order: change or drop each column first, then drop without CASCADE"},
        {"drop-role", "a release order: reassign what the role owns, retire it once no code connects as it"},
        {"read-only-default", "by hand, never in a migration"},
        {"revoke-privileges", "a release order: grant the application's own role first, then revoke"},
        {"role-row-security-applies", "a release order: the policies the role needs first, then the attribute removed"},
        {"row-locks-held", "which rows the migration must lock, and for how long, is the author's choice: short transactions of their own"},
        {"inherit-adds-rows", "keeping a copy out of the hierarchy, or reading FROM ONLY, is the author's choice"},
        {"role-login-removed", "a release order: retire the role once no code connects as it"},
        {"row-security-without-policy", "the policies are the author's: which rows each role may see"},
        {"default-timeout-too-short", "configuration, not a migration: the migration's own SET instead"},
        {"harmful-session-default", "configuration, not a migration: the migration's own SET instead"},
        {"sequence-limit-lowered", "a headroom only the live sequence shows: check it, keep the bound far above"},
        {"set-storage-plain", "keep the column's strategy (EXTENDED or MAIN): nothing to rewrite, the statement goes"},
        {"drop-column-default", "a release order: deploy code that always writes the column first"},
        {"integrity-not-enforced", "the constraint is the author's: keep it, or add its replacement before the drop"},
        {"default-breaks-inserts", "the key's generator or the domain's default is the author's choice"},
        {"rename-view", "a release order: the new view beside the old one, then drop the old one"},
        {"rename-function", "a release order: the routine under its new name beside the old one, then drop the old one"},
        {"rename-constraint", "a release order: deploy code that names the columns (ON CONFLICT (...)) or the new name first"},
        {"function-options-changed", "a release order: the routine with the new options under a new name, then the callers moved"},
        {"view-returns-no-rows", "a release order: deploy code that no longer reads the view first"},
        {"view-options-changed", "who the view's reads run as is the author's choice: a review with SET ROLE"},
        {"constraint-rejects-inserts", "a condition the application's rows meet is the author's choice"},
        {"constraint-deferred", "when its errors are raised is the author's choice: SET CONSTRAINTS in the transactions that need it"},
        {"schema-shadows-role-path", "a schema's name, or a role's search_path, is the author's choice"},
        {"alter-type-attribute-in-use", "a release order: code that reads and writes the new shape deployed first"},
        {"text-search-config-changed", "a release order: a new configuration, its indexes rebuilt, then the queries switched"},
        {"collation-equality-change", "which rows may become equal, and what the queries expect, is the author's to check: a new column, its rows checked, the queries moved"},
        {"replaced-function-in-use", "a review by hand: what the new body returns for every row is not in the SQL"},
        {"replica-identity-missing", "a replica identity is the author's choice: a primary key, FULL or an index"},
        {"terminate-backends", "by hand, out of band: which sessions may go is not in the SQL"},
        {"shadows-builtin", "a name of its own is the author's choice, and its callers (the application's) change with it"},
        {"replication-stopped", "by hand, out of band, with whoever consumes the replication"},
        {"identifier-too-long", "a shorter name is the author's choice"},
        {"syntax-newer-than-target", "rewriting it or naming the server's version is the author's choice"},
        {"stored-call-writes", "what the function should do, and where, is the author's choice"},
        {"stored-builtin-side-effect", "what the expression should do instead is the author's choice"},
        {"drop-extension-members", "which objects leave the extension first is the author's choice"},
        {"create-event-trigger", "a review by hand: when the function fails is not in the SQL"},
        {"commit-in-migrator-transaction", "removing the file's BEGIN and COMMIT is the author's edit: whether a statement needs to run outside a transaction is not in the SQL"},
        {"prepare-transaction", "COMMIT in its place is the author's change: whether a transaction manager needs two-phase commit is not in the SQL"},
        {"session-setting-outlives-migration", "SET LOCAL or a RESET at the end is the author's edit: where the setting must end is not in the SQL"},
        {"unknown-statement", "a review by hand"},
        {"unparsable-statement", "a review by hand"},
        {"migration-not-a-file", "the file itself committed in place of the link"},
        {"migration-tool-settings-changed", "a review of what runs under the new settings, and a sign-off"},
        {"expired-suppression", "a comment's review"},
        {"invalid-suppression", "a comment's own text"},
        {"old-suppression-syntax", "a comment's own text"},
        {"suppression-missing-owner", "a comment's own text"},
        {"unused-suppression", "a comment's own text"},
        {"prefer-bigint", "a type chosen for a new column (strict profile)"},
        {"prefer-identity", "a type chosen for a new column (strict profile)"},
        {"prefer-jsonb", "a type chosen for a new column (strict profile)"},
        {"prefer-numeric-over-money", "a type chosen for a new column (strict profile)"},
        {"prefer-text-over-char", "a type chosen for a new column (strict profile)"},
        {"prefer-text-over-varchar", "a type chosen for a new column (strict profile)"},
        {"prefer-timestamptz", "a type chosen for a new column (strict profile)"},
    };
    for (const auto& [rule, fixes] : unproven_fix) {
        if (proven_fix.count(rule) > 0) continue;
        INFO("rule " << rule << ", fix: " << *fixes.begin());
        CHECK(by_hand.count(rule) == 1);  // follow its fix in fix_claims.cpp, or say here why it cannot be
    }
    for (const auto& [rule, why] : by_hand) {
        INFO("rule " << rule);
        CHECK(proven_fix.count(rule) == 0);  // a fix followed now: the entry is stale
    }
}
