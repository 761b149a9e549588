#include "analyze/plan/plan_down.hpp"

#include <algorithm>
#include <string_view>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze::plan_down {

std::optional<std::vector<std::string>> down_units(const std::vector<std::string>& units) {
    std::vector<std::string> out;
    for (const std::string& unit : units) {
        for (const RawStatement& raw : split_statements(unit, Region{0, unit.size(), false, false})) {
            if (raw.unterminated_quote) return std::nullopt;
            std::string_view text = std::string_view(unit).substr(raw.begin, raw.end - raw.begin);
            while (!text.empty() && (text.back() == ';' || text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
            const ParsedStatement parsed = parse_statement(text);
            if (parsed.stmt == nullptr) return std::nullopt;
            if (pg::is<VariableSetStmt>(parsed.stmt)) continue;  // SET / RESET lock_timeout: nothing to undo
            const auto* index = pg::as<IndexStmt>(parsed.stmt);
            if (index == nullptr || index->idxname == nullptr || index->if_not_exists) return std::nullopt;
            std::string name = quote_ident(index->idxname);
            if (index->relation != nullptr && index->relation->schemaname != nullptr) {
                name = quote_ident(index->relation->schemaname) + "." + name;
            }
            // Outside a transaction as the build was (DROP INDEX CONCURRENTLY cannot run in one).
            out.push_back(std::string("DROP INDEX ") + (index->concurrent ? "CONCURRENTLY " : "") + "IF EXISTS " + name + ";");
        }
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace pgfence::analyze::plan_down
