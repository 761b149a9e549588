#include "tests/recipes/backfill.hpp"

#include <sstream>

namespace pgfence::tests::recipes {
namespace {

// The text of a "-- ..." line without its marker, or nothing for other lines.
bool uncomment(const std::string& line, std::string& text) {
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, 2, "--") != 0) return false;
    text = line.substr(start + 2);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    return true;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

}  // namespace

analyze::Result<std::string> commented_update(const std::string& step_sql,
                                              const std::map<std::string, std::string>& values) {
    std::istringstream in(step_sql);
    std::string line;
    std::string text;
    std::string sql;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!uncomment(line, text)) {
            inside = false;
            continue;
        }
        if (!inside && !text.starts_with("UPDATE ")) continue;
        inside = true;
        sql += (sql.empty() ? "" : "\n") + text;
        if (!text.empty() && text.back() == ';') break;
    }
    if (sql.empty()) return std::string();
    if (sql.back() != ';') return analyze::Error{"the commented backfill does not end with ';': " + sql, "", std::nullopt};
    for (const auto& [placeholder, value] : values) replace_all(sql, placeholder, value);
    std::size_t open = sql.find('<');
    std::size_t close = open == std::string::npos ? open : sql.find('>', open);
    if (close != std::string::npos && close - open < 40 && sql.find(' ', open) > close) {
        return analyze::Error{"the commented backfill has a placeholder the test does not fill: " +
                                  sql.substr(open, close - open + 1),
                              "", std::nullopt};
    }
    return sql;
}

}  // namespace pgfence::tests::recipes
