// Composer::defer_column_drops (plan_composer.hpp): a file that drops a table and columns of
// another (a feature removed) has the columns dropped after the release, as the table is.
#include "analyze/plan/plan_composer.hpp"

namespace pgfence::analyze::plan_detail {
namespace {

// The columns an `ALTER TABLE t DROP COLUMN a, DROP COLUMN IF EXISTS b;` drops; none when the
// statement does anything else, or a name cannot be read.
std::vector<std::string> dropped_columns(const std::string& sql) {
    std::string body = rules::trim(without_comments(sql));
    if (!starts_with_ci(body, "ALTER TABLE ") || count_statements(body) != 1 || !contains_ci(body, "DROP COLUMN")) return {};
    for (std::string_view other : {" ADD ", "ALTER COLUMN", " SET ", "RENAME", " TYPE ", "CONSTRAINT", "VALIDATE", "CASCADE", "$"}) {
        if (contains_ci(body, other)) return {};
    }
    std::vector<std::string> out;
    std::string upper = body;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (std::size_t at = upper.find("DROP COLUMN "); at != std::string::npos; at = upper.find("DROP COLUMN ", at)) {
        at += 12;
        while (at < body.size() && std::isspace(static_cast<unsigned char>(body[at]))) ++at;
        if (upper.compare(at, 10, "IF EXISTS ") == 0) at += 10;
        while (at < body.size() && std::isspace(static_cast<unsigned char>(body[at]))) ++at;
        std::size_t end = at;
        if (end < body.size() && body[end] == '"') {
            end = body.find('"', end + 1);
            if (end == std::string::npos || body.find('"', at + 1) != end) return {};  // "" inside a name: not read
            out.push_back(body.substr(at + 1, end - at - 1));
            at = end + 1;
            continue;
        }
        while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) || body[end] == '_')) ++end;
        if (end == at) return {};
        std::string name = body.substr(at, end - at);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.push_back(std::move(name));
        at = end;
    }
    return out;
}

}  // namespace

std::vector<std::string> Composer::defer_column_drops() {
    std::vector<std::string> names;
    const bool table_later = std::any_of(m_later.begin(), m_later.end(), [](const Unit& u) {
        return contains_ci(without_comments(u.sql), "DROP TABLE");
    });
    if (!table_later) return names;
    std::vector<Unit> kept;
    std::vector<Unit> moved;
    for (std::size_t k = 0; k < m_now.size(); ++k) {
        std::vector<std::string> columns = dropped_columns(m_now[k].sql);
        bool named_elsewhere = columns.empty();
        for (const std::vector<Unit>* stage : {&m_before, &m_now, &m_backfill, &m_settle, &m_validate, &m_finish, &m_release, &m_later}) {
            for (std::size_t j = 0; j < stage->size() && !named_elsewhere; ++j) {
                if (stage == &m_now && j == k) continue;
                std::string text = without_comments((*stage)[j].sql);
                for (const auto& c : columns) named_elsewhere = named_elsewhere || has_word(text, c);
            }
        }
        if (named_elsewhere) {
            kept.push_back(std::move(m_now[k]));
            continue;
        }
        for (auto& c : columns) names.push_back(std::move(c));
        moved.push_back(std::move(m_now[k]));
    }
    m_now = std::move(kept);
    for (auto& u : moved) push_unit(m_later, std::move(u));
    if (!moved.empty()) {
        m_notes.push_back("the plan drops the file's columns after the release, with the table it drops then: the old release "
                          "reads and writes them until it is gone");
    }
    return names;
}

}  // namespace pgfence::analyze::plan_detail
