#include "analyze/plan/plan_fills.hpp"

#include <cctype>
#include <string_view>

namespace pgfence::analyze::plan_fills {
namespace {

std::string folded(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c != '"') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// "public.t" and "t" name the same table here (the file's own spelling, search_path as written).
bool same_table(std::string_view a, std::string_view b) {
    std::string x = folded(a), y = folded(b);
    auto bare = [](const std::string& s) { return s.substr(s.rfind('.') == std::string::npos ? 0 : s.rfind('.') + 1); };
    return x == y || (bare(x) == bare(y) && (x.find('.') == std::string::npos || y.find('.') == std::string::npos));
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool has_word_ci(std::string_view text, std::string_view word) {
    std::string t = folded(text), w = folded(word);
    for (std::size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
        bool left = at == 0 || !word_char(t[at - 1]);
        bool right = at + w.size() >= t.size() || !word_char(t[at + w.size()]);
        if (left && right) return true;
    }
    return false;
}

bool writes_rows(const StatementFacts& s, const pg::Node* node, const std::string& table) {
    for (const LockFact& l : s.locks) {
        if (l.kind == "table" && !l.is_new && l.mode == LockMode::RowExclusive && same_table(l.relation, table)) return true;
    }
    // A DO block the lock model could not read, that names the table and writes rows.
    if (pg::is<DoStmt>(node) && s.status != StatementStatus::Analyzed) {
        std::string bare = table.substr(table.rfind('.') == std::string::npos ? 0 : table.rfind('.') + 1);
        return has_word_ci(s.sql, bare) && (has_word_ci(s.sql, "UPDATE") || has_word_ci(s.sql, "INSERT"));
    }
    return false;
}

bool adds_column(const pg::Node* node, const std::string& table) {
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr || !same_table(pg::display_name(alter->relation), table)) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AddColumn) return true;
    }
    return false;
}

}  // namespace

std::string fills_kept_not_null(const std::vector<StatementFacts>& facts, const std::vector<const pg::Node*>& nodes,
                                std::size_t i, const std::map<std::size_t, std::string>& keep_not_null) {
    if (i >= nodes.size() || i >= facts.size()) return "";
    const auto* update = pg::as<UpdateStmt>(nodes[i]);
    if (update != nullptr && update->withClause == nullptr) return "";  // a plain UPDATE joins by the survey (update_joins)
    for (auto it = keep_not_null.upper_bound(i); it != keep_not_null.end(); ++it) {
        if (it->first >= nodes.size()) break;
        const auto* alter = pg::as<AlterTableStmt>(nodes[it->first]);
        if (alter == nullptr || alter->relation == nullptr) continue;
        const std::string table = pg::display_name(alter->relation);
        if (!writes_rows(facts[i], nodes[i], table)) continue;
        for (std::size_t k = 0; k < i; ++k) {
            if (adds_column(nodes[k], table)) return table;
        }
    }
    return "";
}

}  // namespace pgfence::analyze::plan_fills
