#include "trace/contention_plan.hpp"

#include <algorithm>
#include <set>

#include "trace/compare.hpp"

namespace pgfence::trace {
namespace {

std::string quote_ident(const std::string& part) {
    std::string out = "\"";
    for (char c : part) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// The relation and, for tables, every partition or inheritance child below it.
constexpr const char* k_family_sql =
    "WITH RECURSIVE family(oid) AS ("
    "  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "   WHERE n.nspname = $1 AND c.relname = $2"
    "  UNION SELECT i.inhrelid FROM pg_inherits i JOIN family f ON i.inhparent = f.oid) "
    "SELECT n.nspname, c.relname, c.relkind FROM family JOIN pg_class c ON c.oid = family.oid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace";

constexpr const char* k_indexes_of_sql =
    "SELECT n.nspname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class t ON t.oid = i.indrelid "
    "JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE tn.nspname = $1 AND t.relname = $2";

bool is_table_kind(const std::string& k) { return k == "r" || k == "p" || k == "v" || k == "m" || k == "f"; }
bool is_index_kind(const std::string& k) { return k == "i" || k == "I"; }

void add_unique(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

std::string quoted_name(const std::string& normalised) {
    auto dot = normalised.find('.');
    return quote_ident(normalised.substr(0, dot)) + "." + quote_ident(normalised.substr(dot + 1));
}

Result<Contention> plan_contention(const analyze::StatementFacts& facts, Connection& observer) {
    Contention out;
    const bool reindex = facts.kind == "ReindexStmt";
    std::set<std::string> tables;
    for (const auto& lock : facts.locks) {
        std::string key = normalise_name(lock.relation);
        if (key.ends_with(".*")) continue;
        auto dot = key.find('.');
        auto rows = observer.query(k_family_sql, {key.substr(0, dot), key.substr(dot + 1)});
        if (!rows) return rows.error();
        if (rows->rows() == 0) {
            if (lock.kind == "index" && lock.is_new) add_unique(out.squats, quoted_name(key));
            continue;
        }
        for (int r = 0; r < rows->rows(); ++r) {
            std::string name = rows->value(r, 0) + "." + rows->value(r, 1);
            std::string kind = rows->value(r, 2);
            if (is_table_kind(kind)) {
                add_unique(out.tables, quoted_name(name));
                tables.insert(name);
            } else if (is_index_kind(kind)) {
                add_unique(out.pins, quoted_name(name));
                // REINDEX INDEX CONCURRENTLY builds "<index>_ccnew" first.
                if (reindex && lock.kind == "index") add_unique(out.squats, quoted_name(name + "_ccnew"));
            }
        }
    }
    if (reindex) {
        // REINDEX TABLE ... CONCURRENTLY swaps and drops every index of the table.
        for (const auto& t : tables) {
            auto dot = t.find('.');
            auto rows = observer.query(k_indexes_of_sql, {t.substr(0, dot), t.substr(dot + 1)});
            if (!rows) return rows.error();
            for (int r = 0; r < rows->rows(); ++r) add_unique(out.pins, quoted_name(rows->value(r, 0) + "." + rows->value(r, 1)));
        }
    }
    return out;
}

}  // namespace pgfence::trace
