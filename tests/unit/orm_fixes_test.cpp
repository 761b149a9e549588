// Each ORM fix proven (analyze/orm/fixes.hpp). A case is a folder tests/orm/fixes/<orm>/<case>/:
// before/ holds a migration set as written, after/ the same set edited as the fixes say (a call
// changed, a new migration added), `rules` names the rules whose fixes it proves, and
// fixes.expected snapshots those findings, fix included. Both sets are analysed in name order,
// each file after the ones before it, from tests/orm/fixes/schema.sql. Checked: every code span
// of a proven fix is in the edited scripts, and none is SQL to paste; the edited set has none of
// the rules' findings at the risk they had (enum-add-value-in-transaction keeps a LOW note on a
// value added in a migration of its own) and no rule at MEDIUM or above that the original did
// not have; no finding of a script carries a suggested edit. Every (rule, ORM) the fix table offers code for has a case.
// PGFENCE_UPDATE_GOLDEN=1 (or =orm-fixes) rewrites the fixes.expected files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "analyze/orm/fixes.hpp"

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

const fs::path k_fixes = fs::path(PGFENCE_SOURCE_DIR) / "tests" / "orm" / "fixes";
constexpr const char* k_orms[] = {"typeorm", "knex", "sequelize", "db-migrate"};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::set<std::string> words_of(const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;) out.insert(w);
    return out;
}

// Runs of white space as one space: a code span may be laid out on several lines in a script.
std::string squeezed(std::string_view text) {
    std::string out;
    for (char c : text) {
        bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    return out;
}

std::vector<std::string> code_spans(std::string_view fix) {
    std::vector<std::string> out;
    for (std::size_t open = fix.find('`'); open != std::string_view::npos;) {
        std::size_t close = fix.find('`', open + 1);
        if (close == std::string_view::npos) break;
        out.emplace_back(fix.substr(open + 1, close - open - 1));
        open = fix.find('`', close + 1);
    }
    return out;
}

// SQL to paste: a whole statement in a code span, `SET lock_timeout = '2s';`.
bool sql_statement(std::string_view span) {
    return span.size() > 3 && span.back() == ';' && std::isupper(static_cast<unsigned char>(span[0])) &&
           std::isupper(static_cast<unsigned char>(span[1]));
}

struct SetAnalysis {
    std::vector<FileReport> reports;
    std::string scripts;  // every file's text, for the code spans
};

SetAnalysis analyze_set(const fs::path& dir, const AnalyzeOptions& options) {
    SetAnalysis out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    Catalog catalog = *options.history;
    for (const auto& f : files) {
        std::string text = read(f);
        out.scripts += text + "\n";
        out.reports.push_back(analyze_text((dir.filename() / f.filename()).generic_string(), text, options, {}, catalog));
    }
    return out;
}

std::string render(const SetAnalysis& set, const std::set<std::string>& rules) {
    std::string out;
    for (const auto& r : set.reports) {
        for (const auto& f : r.findings) {
            if (rules.count(f.rule) == 0) continue;
            out += r.path + " " + std::to_string(f.start.line) + ":" + std::to_string(f.start.column) + " " +
                   std::string(risk_name(f.risk)) + " " + f.rule + "\n  fix: " + f.fix + "\n";
        }
    }
    return out;
}

std::vector<fs::path> cases_of(const std::string& orm) {
    std::vector<fs::path> out;
    if (!fs::is_directory(k_fixes / orm)) return out;
    for (const auto& e : fs::directory_iterator(k_fixes / orm)) {
        if (e.is_directory()) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("ORM fixes: each, applied to its script, removes its finding and adds none", "[orm-fixes]") {
    const char* env = std::getenv("PGFENCE_UPDATE_GOLDEN");
    const bool update = env != nullptr && (std::string(env) == "1" || std::string(env) == "orm-fixes");
    AnalyzeOptions base;
    base.threads = 1;
    base.rules.today = CivilDate{2026, 6, 1};
    Replay replay(base);
    replay.replay_schema_file((k_fixes / "schema.sql").string());
    base.history = replay.snapshot();
    int cases = 0;
    for (const char* orm : k_orms) {
        for (const fs::path& dir : cases_of(orm)) {
            INFO("case " << dir.string());
            ++cases;
            const std::set<std::string> rules = words_of(read(dir / "rules"));
            REQUIRE_FALSE(rules.empty());
            AnalyzeOptions options = base;
            for (const auto& r : rules) options.rules.enabled.insert(r);  // opt-in rules too
            const SetAnalysis before = analyze_set(dir / "before", options);
            const SetAnalysis after = analyze_set(dir / "after", options);
            std::set<std::string> before_serious;
            std::map<std::string, Risk> found;  // each rule's lowest risk before the fixes
            for (const SetAnalysis* set : {&before, &after}) {
                for (const auto& r : set->reports) {
                    INFO("file " << r.path);
                    REQUIRE_FALSE(r.error);
                    CHECK(r.source_kind == orm);
                    for (const auto* list : {&r.findings, &r.suppressed}) {
                        for (const auto& f : *list) CHECK_FALSE(f.edit);  // the SQL sits in a string literal
                    }
                }
            }
            for (const auto& r : before.reports) {
                for (const auto& f : r.findings) {
                    if (f.risk >= Risk::Medium) before_serious.insert(f.rule);
                    if (rules.count(f.rule) == 0) continue;
                    auto [at, added] = found.emplace(f.rule, f.risk);
                    if (!added) at->second = std::min(at->second, f.risk);
                    INFO("fix " << f.fix);
                    for (const std::string& span : code_spans(f.fix)) {
                        INFO("code " << span);
                        CHECK_FALSE(sql_statement(span));
                        CHECK(squeezed(after.scripts).find(squeezed(span)) != std::string::npos);
                    }
                }
            }
            std::set<std::string> found_rules;
            for (const auto& [rule, risk] : found) found_rules.insert(rule);
            CHECK(found_rules == rules);
            for (const auto& r : after.reports) {
                for (const auto& f : r.findings) {
                    INFO("after: " << r.path << " " << f.start.line << " " << f.rule << ": " << f.message);
                    // Gone, or (enum-add-value-in-transaction's note on a value added in a
                    // migration of its own) only below the risk the fix was about.
                    if (found.count(f.rule) == 1) CHECK(f.risk < found.at(f.rule));
                    if (f.risk >= Risk::Medium) CHECK(before_serious.count(f.rule) == 1);
                }
            }
            const std::string got = render(before, rules);
            if (update) std::ofstream(dir / "fixes.expected", std::ios::binary) << got;
            else CHECK(got == read(dir / "fixes.expected"));
        }
    }
    CHECK(cases >= 20);
}

TEST_CASE("ORM fixes: every fix offered as code has a case that proves it", "[orm-fixes]") {
    std::map<std::string, std::set<std::string>> proven;  // orm -> rules with a case
    for (const char* orm : k_orms) {
        for (const fs::path& dir : cases_of(orm)) {
            for (const auto& r : words_of(read(dir / "rules"))) proven[orm].insert(r);
        }
    }
    for (const auto& offered : pgfence::analyze::orm::offered_fixes()) {
        INFO(offered.orm << ": " << offered.rule);
        CHECK(proven[std::string(offered.orm)].count(std::string(offered.rule)) == 1);
    }
}
