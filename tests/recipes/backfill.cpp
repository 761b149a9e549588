#include "tests/recipes/backfill.hpp"

#include <sstream>

namespace pgfence::tests::recipes {
namespace {

constexpr const char* k_last_id = ":last_id";

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

bool starts_batch(const std::string& text) {
    return text.starts_with("UPDATE ") || text.starts_with("DELETE ") || text.starts_with("WITH ");
}

analyze::Result<BatchLoop> finish(std::string sql, const std::map<std::string, std::string>& values) {
    if (sql.back() != ';') return analyze::Error{"the commented batch does not end with ';': " + sql, "", std::nullopt};
    for (const auto& [placeholder, value] : values) replace_all(sql, placeholder, value);
    std::size_t open = sql.find('<');
    std::size_t close = open == std::string::npos ? open : sql.find('>', open);
    if (close != std::string::npos && close - open < 40 && sql.find(' ', open) > close) {
        return analyze::Error{"the commented batch has a placeholder the test does not fill: " +
                                  sql.substr(open, close - open + 1),
                              "", std::nullopt};
    }
    bool walks = sql.find(k_last_id) != std::string::npos;
    return BatchLoop{std::move(sql), walks};
}

}  // namespace

analyze::Result<std::vector<BatchLoop>> commented_batches(const std::string& step_sql,
                                                          const std::map<std::string, std::string>& values) {
    std::istringstream in(step_sql);
    std::vector<BatchLoop> out;
    std::string line;
    std::string text;
    std::string sql;
    while (std::getline(in, line)) {
        if (!uncomment(line, text)) {
            if (!sql.empty()) return analyze::Error{"the commented batch does not end with ';': " + sql, "", std::nullopt};
            continue;
        }
        if (sql.empty() && !starts_batch(text)) continue;
        sql += (sql.empty() ? "" : "\n") + text;
        if (text.empty() || text.back() != ';') continue;
        auto batch = finish(std::move(sql), values);
        if (!batch) return batch.error();
        out.push_back(std::move(*batch));
        sql.clear();
    }
    if (!sql.empty()) return analyze::Error{"the commented batch does not end with ';': " + sql, "", std::nullopt};
    return out;
}

std::string fill_placeholders(std::string sql, const std::map<std::string, std::string>& values) {
    for (const auto& [placeholder, value] : values) replace_all(sql, placeholder, value);
    return sql;
}

std::string with_last_id(const std::string& sql, const std::string& last_id) {
    std::string out = sql;
    replace_all(out, k_last_id, last_id);
    return out;
}

}  // namespace pgfence::tests::recipes
