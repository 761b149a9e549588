#include "analyze/plan/plan_walk.hpp"

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze::plan_walk {
namespace {

std::string joined(const std::vector<KeyColumn>& key, const std::string& prefix, const std::string& suffix) {
    std::string out;
    for (const auto& k : key) out += (out.empty() ? "" : ", ") + prefix + quote_ident(k.name) + suffix;
    return out;
}

std::string variables(std::size_t n) {
    std::string out;
    for (std::size_t i = 1; i <= n; ++i) out += (i == 1 ? "" : ", ") + std::string("pgfence_key_") + std::to_string(i);
    return out;
}

// `text` for a comment line: a quoted identifier may hold a line break, which would end the
// comment and make the rest of the name a statement.
std::string one_line(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return text;
}

}  // namespace

std::string keyset_walk(std::string_view update_sql, const UpdateStmt* update, const std::vector<KeyColumn>& key) {
    if (key.empty() || update == nullptr || update->relation == nullptr) return {};
    if (update_sql.find('$') != std::string_view::npos) return {};
    std::string sql(update_sql);
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n' || sql.back() == '\t')) sql.pop_back();
    std::size_t where = rules::find_keyword(sql, 0, sql.size(), "WHERE");
    std::size_t returning = rules::find_keyword(sql, where == std::string::npos ? 0 : where, sql.size(), "RETURNING");
    std::size_t end = returning == std::string::npos ? sql.size() : returning;
    std::string head = rules::trim(std::string_view(sql).substr(0, where == std::string::npos ? end : where));
    std::string condition = where == std::string::npos ? std::string() : rules::trim(std::string_view(sql).substr(where + 5, end - where - 5));
    if (head.empty() || head.find("--") != std::string::npos || condition.find("--") != std::string::npos) return {};
    std::string table = pg::display_name(update->relation);
    std::string ref = update->relation->alias != nullptr ? quote_ident(pg::text(update->relation->alias->aliasname))
                                                         : quote_ident(pg::relname(update->relation));
    std::string columns = joined(key, "", "");
    std::string vars = variables(key.size());
    std::string descending = joined(key, "", " DESC");
    std::string out;
    out += std::string(k_out_of_band_opening) + " It walks " + one_line(table) + " by its primary key (" +
           one_line(columns) + "),\n-- 5000 keys per batch: each batch's row locks end when it commits, and VACUUM can reclaim the\n"
           "-- old row versions between batches. It may be stopped and run again.\n";
    out += "DO $pgfence_walk$\nDECLARE\n    pgfence_first boolean := true;\n";
    for (std::size_t i = 0; i < key.size(); ++i) {
        out += "    pgfence_key_" + std::to_string(i + 1) + " " + key[i].type + ";\n";
    }
    out += "BEGIN\n    LOOP\n";
    out += "        WITH pgfence_batch AS (\n            SELECT " + columns + " FROM " + table + "\n";
    out += "             WHERE pgfence_first OR (" + columns + ") > (" + vars + ")\n";
    out += "             ORDER BY " + columns + " LIMIT 5000),\n";
    out += "        pgfence_changed AS (\n            " + head + "\n";
    out += "             WHERE " + (condition.empty() ? std::string() : "(" + condition + ")\n               AND ") + "(" +
           joined(key, ref + ".", "") + ") IN (SELECT " + columns + " FROM pgfence_batch))\n";
    out += "        SELECT " + columns + " INTO " + vars + " FROM pgfence_batch ORDER BY " + descending + " LIMIT 1;\n";
    out += "        EXIT WHEN NOT FOUND;\n        pgfence_first := false;\n        COMMIT;\n    END LOOP;\nEND\n$pgfence_walk$;";
    return out;
}

std::string violators_only(std::string_view update_sql, const UpdateStmt* update, std::string_view check) {
    if (update == nullptr || update->relation == nullptr || update->fromClause != nullptr || update->withClause != nullptr ||
        update->returningClause != nullptr || check.empty()) {
        return {};
    }
    if (update_sql.find('$') != std::string_view::npos) return {};
    std::string sql(update_sql);
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n' || sql.back() == '\t')) sql.pop_back();
    std::size_t where = rules::find_keyword(sql, 0, sql.size(), "WHERE");
    std::string head = rules::trim(std::string_view(sql).substr(0, where == std::string::npos ? sql.size() : where));
    std::string condition = where == std::string::npos ? std::string() : rules::trim(std::string_view(sql).substr(where + 5));
    if (head.empty() || head.find("--") != std::string::npos || condition.find("--") != std::string::npos ||
        check.find("--") != std::string_view::npos) {
        return {};
    }
    return head + "\n WHERE " + (condition.empty() ? std::string() : "(" + condition + ")\n   AND ") + std::string(check) + " IS FALSE;";
}

std::string in_prisma_folder(std::string walk) {
    std::size_t at = walk.find(k_out_of_band_opening);
    if (at == std::string::npos) return walk;
    walk.replace(at, k_out_of_band_opening.size(),
                 "-- Alone in its Prisma folder: `prisma migrate deploy` sends migration.sql as one query, and\n"
                 "-- PostgreSQL runs a query of one statement outside any transaction block, so the walk commits\n"
                 "-- after each batch (nothing may join it in this file: two statements are one implicit transaction,\n"
                 "-- where its COMMIT fails). Stopped part-way, it is a failed migration: every later deploy stops\n"
                 "-- with P3009 until `prisma migrate resolve --rolled-back <this folder's name>`, then deploy again.\n--");
    return walk;
}

}  // namespace pgfence::analyze::plan_walk
