#include "stats/column_types.hpp"

#include <algorithm>

#include "analyze/catalog.hpp"
#include "analyze/json_access.hpp"
#include "analyze/model/types.hpp"
#include "analyze/names.hpp"
#include "analyze/pg_parser.hpp"

namespace pgfence::stats {
namespace {

using namespace pgfence::analyze;
using json = analyze::Node;

const ColumnStats* column_of(const TableStats& table, const std::string& name) {
    for (const auto& c : table.columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

bool is_type_finding(const Finding& f, int statement, const std::string& column) {
    return f.rule == "alter-column-type-rewrite" && f.statement == statement &&
           f.message.starts_with("ALTER COLUMN " + column + " TYPE ");
}

// The analyzer's hedge ("rewrites the table unless ... (the current type is not in this
// migration)") replaced by what the snapshot decided.
std::string replace_guess(const std::string& text, const std::string& decided) {
    const std::string begin = "rewrites the table unless the current type";
    const std::string end = "(the current type is not in this migration)";
    auto b = text.find(begin);
    auto e = text.find(end, b == std::string::npos ? 0 : b);
    if (b == std::string::npos || e == std::string::npos) return text + " — " + decided;
    return text.substr(0, b) + decided + text.substr(e + end.size());
}

// One ALTER COLUMN c TYPE t of the statement against the snapshot's current type.
bool decide(FileReport& file, StatementFacts& s, const TableStats& table, const json& cmd, int pg_version) {
    std::string name = cmd.value("name", std::string());
    const json& def = member(member(cmd, "def"), "ColumnDef");
    if (def.contains("raw_default")) return false;  // USING: the analyzer already knows it rewrites
    const ColumnStats* current = column_of(table, name);
    if (current == nullptr) return false;
    std::string from = canonical_from_format_type(current->type);
    std::string to = canonical_type(member(def, "typeName"));
    if (from.empty() || to.empty()) return false;
    std::string quoted = quote_ident(name);
    auto finding = std::find_if(file.findings.begin(), file.findings.end(),
                                [&](const Finding& f) { return is_type_finding(f, s.index, quoted); });
    if (finding == file.findings.end() || finding->risk > Risk::Medium) return false;  // already certain

    std::string why;
    model::TypeChange change = model::classify_type_change(from, to, false, pg_version, why);
    std::string prefix = "ALTER COLUMN " + quoted + " TYPE ";
    auto is_effect = [&](const TableEffect& e) { return e.reason.starts_with(prefix) && !e.certain; };
    if (change == model::TypeChange::NoRewrite) {
        std::erase_if(s.rewrites, is_effect);
        s.notes.push_back(prefix + to + ": no rewrite, " + why + " (current type " + current->type +
                          " from the stats snapshot)");
        file.findings.erase(finding);
        return true;
    }
    if (change == model::TypeChange::Rewrite) {
        std::string decided = why + " (the stats snapshot has " + quoted + " as " + current->type + ")";
        for (auto& e : s.rewrites) {
            if (!is_effect(e)) continue;
            e.certain = true;
            e.reason = replace_guess(e.reason, decided);
        }
        finding->risk = Risk::High;
        if (auto at = finding->message.find(" may rewrite "); at != std::string::npos) {
            finding->message.replace(at, 13, " rewrites ");
        }
        if (auto at = finding->message.find(" and rebuild "); at != std::string::npos) {
            finding->message.replace(at, 13, " and rebuilds ");
        }
        finding->message = replace_guess(finding->message, decided);
        return true;
    }
    return false;
}

}  // namespace

std::string canonical_from_format_type(const std::string& type) {
    ParsedStatement parsed = parse_statement("CREATE TABLE pgfence_probe (c " + type + ")");
    if (parsed.kind != "CreateStmt") return {};
    const json& elements = member(member(parsed.node, "CreateStmt"), "tableElts");
    if (!elements.is_array() || elements.empty()) return {};
    return canonical_type(member(member(elements[0], "ColumnDef"), "typeName"));
}

int decide_type_changes(FileReport& file, const SnapshotIndex& index, int pg_version) {
    int decided = 0;
    for (auto& s : file.statements) {
        if (s.kind != "AlterTableStmt") continue;
        bool uncertain = std::any_of(s.rewrites.begin(), s.rewrites.end(), [](const TableEffect& e) { return !e.certain; });
        if (!uncertain) continue;
        ParsedStatement parsed = parse_statement(s.sql);
        const json& stmt = member(parsed.node, "AlterTableStmt");
        const TableStats* table = index.find(range_var_name(member(stmt, "relation")));
        if (table == nullptr) continue;
        for (const auto& item : member(stmt, "cmds")) {
            const json& cmd = member(item, "AlterTableCmd");
            if (cmd.value("subtype", std::string()) != "AT_AlterColumnType") continue;
            decided += decide(file, s, *table, cmd, pg_version);
        }
    }
    return decided;
}

}  // namespace pgfence::stats
