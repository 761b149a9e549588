#pragma once
// An UPDATE's or DELETE's WHERE that pins a column to a constant (`resource_type_id = 2`) when no
// conjunct pins a key: the lock model says so in the scan's likely_every_row (facts.hpp), which
// backfill-in-migration reads as it reads a column fill's, and work-under-held-lock counts as work.
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {
namespace model {
struct Context;

// The column the WHERE pins to one constant (c = 2, c IN (1, 2)) when no conjunct pins a key the
// migrations show (every column of the primary key or of a full unique index; a foreign key's
// columns are none: one parent's rows, most of the table for a lookup table's status_id): one
// value of such a column may be most of the table, whatever index finds it.
// "" when a key is pinned, nothing is, or the catalog cannot tell (the table's columns or an
// index's definition not known).
// `foreign_key`, when given, is set when the pinned columns cover a foreign key's.
[[nodiscard]] std::string pinned_non_key(const pg::Node* where, const RangeVar* table, const Context& ctx,
                                         bool* foreign_key = nullptr);
}  // namespace model

inline constexpr std::string_view k_pinned_non_key_tail = ": one value of it may be most of its rows";
inline constexpr std::string_view k_pinned_foreign_key_tail = ": one parent's rows, most of them for a lookup table's";

// The scan's likely_every_row for such a WHERE.
[[nodiscard]] inline std::string pinned_non_key_reason(std::string_view column, std::string_view table, bool foreign_key = false) {
    if (foreign_key) return quote_ident(column) + " is a foreign key of " + std::string(table) + std::string(k_pinned_foreign_key_tail);
    return quote_ident(column) + " is no key of " + std::string(table) + std::string(k_pinned_non_key_tail);
}

// Does the scan say so (rather than that a fill makes the WHERE hold for most rows)?
[[nodiscard]] inline bool is_pinned_foreign_key(const TableEffect& e) { return e.likely_every_row.ends_with(k_pinned_foreign_key_tail); }
[[nodiscard]] inline bool is_pinned_non_key(const TableEffect& e) {
    return e.likely_every_row.ends_with(k_pinned_non_key_tail) || is_pinned_foreign_key(e);
}

}  // namespace pgfence::analyze
