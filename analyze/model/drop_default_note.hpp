#pragma once
// The note the lock model leaves on ALTER TABLE ... ALTER COLUMN c DROP DEFAULT of a column the
// migrations show (analyze/model/alter_table.cpp), for the drop-column-default rule: whether the
// column is NOT NULL (declared so, or part of the primary key) and whether its default called
// nextval(), as far as the migrations show it.
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

struct DroppedDefault {
    bool not_null = false;
};

// "DROP DEFAULT on <column> of <relation>: the column is NOT NULL, as the migrations show it"
[[nodiscard]] inline std::string drop_default_note(std::string_view relation, std::string_view column, bool not_null) {
    return "DROP DEFAULT on " + std::string(column) + " of " + std::string(relation) + ": the column " +
           (not_null ? "is NOT NULL" : "may be NULL") + ", as the migrations show it";
}

// "DROP DEFAULT on <column> of <relation>: the column has no default, as the migrations show it"
[[nodiscard]] inline std::string no_default_note(std::string_view relation, std::string_view column) {
    return "DROP DEFAULT on " + std::string(column) + " of " + std::string(relation) +
           ": the column has no default, as the migrations show it: nothing changes";
}

// Does the statement say that `column` (quoted as in the note) has no default?
[[nodiscard]] inline bool read_no_default_note(const StatementFacts& statement, std::string_view relation, std::string_view column) {
    const std::string note = no_default_note(relation, column);
    for (const auto& n : statement.notes) {
        if (n == note) return true;
    }
    return false;
}

// What the note says of `column` (quoted as in the note), or nothing when the statement has none.
[[nodiscard]] inline std::optional<DroppedDefault> read_drop_default_note(const StatementFacts& statement,
                                                                         std::string_view relation, std::string_view column) {
    for (const auto& note : statement.notes) {
        if (note == drop_default_note(relation, column, true)) return DroppedDefault{true};
        if (note == drop_default_note(relation, column, false)) return DroppedDefault{false};
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
