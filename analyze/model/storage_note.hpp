#pragma once
// The note the lock model leaves on ALTER TABLE ... ALTER COLUMN c SET STORAGE of a column the
// migrations show (analyze/model/column_storage.cpp), for the set-storage-plain rule: the column's
// type, as the catalog keeps it (canonical: "text", "varchar(20)", "int4", "jsonb[]").
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_storage_note_tail = ", as the migrations show it";

// "SET STORAGE on <column> of <relation>: the column's type is <type>, as the migrations show it"
[[nodiscard]] inline std::string storage_note(std::string_view relation, std::string_view column, std::string_view type) {
    return "SET STORAGE on " + std::string(column) + " of " + std::string(relation) + ": the column's type is " +
           std::string(type) + std::string(k_storage_note_tail);
}

// The type such a note gives `column` (quoted as in the note), or nothing.
[[nodiscard]] inline std::optional<std::string> read_storage_note(const StatementFacts& statement, std::string_view relation,
                                                                  std::string_view column) {
    const std::string head = "SET STORAGE on " + std::string(column) + " of " + std::string(relation) + ": the column's type is ";
    for (const auto& note : statement.notes) {
        if (note.starts_with(head) && note.ends_with(k_storage_note_tail)) {
            return note.substr(head.size(), note.size() - head.size() - k_storage_note_tail.size());
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
