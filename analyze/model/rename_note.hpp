#pragma once
// The note the lock model leaves on ALTER TABLE t RENAME TO b of a table whose columns the
// migrations show (analyze/model/rename.cpp), for the rules that judge a copy-and-swap (ALTER
// TABLE t RENAME TO b; CREATE TABLE t; INSERT INTO t SELECT ... FROM b): whether the new t keeps
// every column the running code may name (analyze/rules/renamed_aside.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_renamed_columns_prefix = "RENAME of ";

// "RENAME of <relation>: its columns, as the migrations show them: a, b, c"
[[nodiscard]] inline std::string renamed_columns_note(std::string_view relation, const std::vector<std::string>& columns) {
    std::string out = std::string(k_renamed_columns_prefix) + std::string(relation) + ": its columns, as the migrations show them: ";
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i == 0 ? "" : ", ") + columns[i];
    return out;
}

// The items of the first note of `statement` that starts with `head`, split at `separator`, or
// nothing when it has none.
[[nodiscard]] inline std::optional<std::vector<std::string>> read_note_list(const StatementFacts& statement, std::string_view head,
                                                                          std::string_view separator) {
    for (const auto& n : statement.notes) {
        if (!n.starts_with(head)) continue;
        std::vector<std::string> items;
        std::string_view rest = std::string_view(n).substr(head.size());
        while (!rest.empty()) {
            const std::size_t at = rest.find(separator);
            items.emplace_back(rest.substr(0, at));
            rest = at == std::string_view::npos ? std::string_view{} : rest.substr(at + separator.size());
        }
        return items;
    }
    return std::nullopt;
}

// The columns the note names for `relation` (as written in the note), or nothing when the
// statement has none (the migrations do not show the table's columns).
[[nodiscard]] inline std::optional<std::vector<std::string>> read_renamed_columns_note(const StatementFacts& statement,
                                                                                     std::string_view relation) {
    return read_note_list(statement, renamed_columns_note(relation, {}), ", ");
}

// "RENAME of <relation>: its column types, as the migrations show them: int8; text; varchar(20)",
// in the columns' order (the catalog's canonical_type; "" where not known), for a copy-and-swap's
// new table to take each column's values unchanged (red team R75 F9).
[[nodiscard]] inline std::string renamed_column_types_note(std::string_view relation, const std::vector<std::string>& types) {
    std::string out = std::string(k_renamed_columns_prefix) + std::string(relation) + ": its column types, as the migrations show them: ";
    for (std::size_t i = 0; i < types.size(); ++i) out += (i == 0 ? "" : "; ") + types[i];
    return out;
}

// The types the note names for `relation`, or nothing when the statement has none.
[[nodiscard]] inline std::optional<std::vector<std::string>> read_renamed_column_types_note(const StatementFacts& statement,
                                                                                          std::string_view relation) {
    return read_note_list(statement, renamed_column_types_note(relation, {}), "; ");
}

// "RENAME of <relation>: its column types' names may stand for other types in a new table: <why>",
// when what the migrations made, set or left unread before it may put another type of such a name
// before pg_catalog's (model/rename.cpp type_names_unsure; red team R77 S2, S3): a copy-and-swap's
// new table, whose types are compared by name, may then not take the old values unchanged.
inline constexpr std::string_view k_renamed_types_unsure = ": its column types' names may stand for other types in a new table: ";
[[nodiscard]] inline std::string renamed_types_unsure_note(std::string_view relation, std::string_view why) {
    return std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_renamed_types_unsure) + std::string(why);
}
[[nodiscard]] inline bool has_renamed_types_unsure_note(const StatementFacts& statement, std::string_view relation) {
    const std::string head = std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_renamed_types_unsure);
    for (const auto& n : statement.notes) {
        if (n.starts_with(head)) return true;
    }
    return false;
}

// "RENAME of <relation>: it has what a new table under its name would not have: ..." on a rename of
// a table other tables' foreign keys point at: they stay with it, and no statement on the new table
// makes them again (red team R69 C11), so the rules never take it as a copy-and-swap. (What the
// new table can be given again, its privileges, row-level security, policies and triggers, is
// compared: table_swap.hpp.)
inline constexpr std::string_view k_renamed_protections = ": it has what a new table under its name would not have: ";
[[nodiscard]] inline std::string renamed_protections_note(std::string_view relation, std::string_view what) {
    return std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_renamed_protections) + std::string(what);
}
[[nodiscard]] inline bool has_renamed_protections_note(const StatementFacts& statement, std::string_view relation) {
    const std::string head = std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_renamed_protections);
    for (const auto& n : statement.notes) {
        if (n.starts_with(head)) return true;
    }
    return false;
}

}  // namespace pgfence::analyze
