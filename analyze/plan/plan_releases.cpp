#include "analyze/plan/plan_releases.hpp"

#include <cctype>
#include <string_view>

namespace pgfence::analyze::plan_releases {
namespace {

std::string folded(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c != '"') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool same_table(std::string_view a, std::string_view b) {
    std::string x = folded(a), y = folded(b);
    auto bare = [](const std::string& s) { return s.substr(s.rfind('.') == std::string::npos ? 0 : s.rfind('.') + 1); };
    return x == y || (bare(x) == bare(y) && (x.find('.') == std::string::npos || y.find('.') == std::string::npos));
}

// What the statement adds that code could read: a column, a table, a view, a type ("" none).
std::string adds(const pg::Node* node) {
    if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr) {
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
                return "adds the column " + pg::display_name(alter->relation) + "." + std::string(pg::text(def->colname));
            }
        }
        return "";
    }
    if (const auto* create = pg::as<CreateStmt>(node); create != nullptr && create->relation != nullptr) {
        return "creates the table " + pg::display_name(create->relation);
    }
    if (const auto* view = pg::as<ViewStmt>(node); view != nullptr && view->view != nullptr) {
        return "creates the view " + pg::display_name(view->view);
    }
    return "";
}

}  // namespace

std::string release_first_conflict(const std::vector<StatementFacts>& facts, const std::vector<const pg::Node*>& nodes,
                                   const std::string& table, std::size_t drop) {
    for (std::size_t i = 0; i < facts.size() && i < nodes.size(); ++i) {
        if (i == drop) continue;
        std::string what = adds(nodes[i]);
        if (what.empty()) {
            // A fill from the table the release stops writing (a read of its rows, not DDL on it).
            for (const LockFact& l : facts[i].locks) {
                if (l.kind == "table" && !l.is_new && l.mode <= LockMode::RowExclusive && same_table(l.relation, table) &&
                    (facts[i].tag == "UPDATE" || facts[i].tag == "INSERT" || facts[i].tag == "DO" || facts[i].tag == "MERGE")) {
                    what = "fills rows from " + table;
                    break;
                }
            }
        }
        if (what.empty()) continue;
        return "line " + std::to_string(facts[i].span.start.line) + " " + what + ", which the release the plan would deploy first "
               "(code that no longer reads or writes " + table + ", line " + std::to_string(facts[drop].span.start.line) +
               ") needs: before it, the new code reads what does not exist yet, or rows it writes meanwhile get no value from " +
               table + " (the oracle cannot see what a release does); by hand: add and fill the new column or table in one "
               "release, deploy code that writes it and stops using " + table + ", fill the rows written in between, then drop " +
               table + " in a later release";
    }
    return "";
}

}  // namespace pgfence::analyze::plan_releases
