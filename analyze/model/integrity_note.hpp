#pragma once
// The notes the lock model leaves for the integrity-not-enforced rule on a table the migrations
// show: what a dropped constraint was (ALTER TABLE ... DROP CONSTRAINT, analyze/model/alter_table.cpp),
// what a dropped index enforced (DROP INDEX, analyze/model/drop.cpp), and whether a trigger that
// ALTER TABLE ... DISABLE TRIGGER names is one the migrations created.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/model/lock_mode.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_dropped_constraint_prefix = "integrity: ";

// What PostgreSQL stops enforcing: kind is "primary key", "unique", "exclusion", "foreign key",
// "check", "not-null check" (a CHECK (c IS NOT NULL) whose column is NOT NULL by then: nothing is
// lost) or "unknown" (the table is known, the constraint is not); columns as "a, b" ("" when not known).
struct DroppedConstraint {
    std::string kind;
    std::string columns;
};

// "integrity: <object> of <relation> is a <kind> (<columns>)" ("an exclusion (...)")
[[nodiscard]] inline std::string dropped_constraint_note(std::string_view relation, std::string_view object,
                                                         const DroppedConstraint& what) {
    return std::string(k_dropped_constraint_prefix) + std::string(object) + " of " + std::string(relation) + " is " +
           with_article(what.kind) + " (" + what.columns + ")";
}

// What the note on the statement says of `object` (quoted as in the note) of `relation`.
[[nodiscard]] inline std::optional<DroppedConstraint> read_dropped_constraint_note(const StatementFacts& statement,
                                                                                  std::string_view relation,
                                                                                  std::string_view object) {
    const std::string head = std::string(k_dropped_constraint_prefix) + std::string(object) + " of " + std::string(relation) + " is ";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(head) || !note.ends_with(")")) continue;
        if (std::string_view(note).substr(head.size()).starts_with("a unique one still enforced by ")) continue;  // still_enforced_note
        std::string rest = note.substr(head.size(), note.size() - head.size() - 1);
        rest.erase(0, rest.starts_with("an ") ? 3 : rest.starts_with("a ") ? 2 : 0);
        const auto open = rest.find(" (");
        if (open == std::string::npos) continue;
        return DroppedConstraint{rest.substr(0, open), rest.substr(open + 2)};
    }
    return std::nullopt;
}

// "integrity: <object> of <relation> is a unique one still enforced by <other> (<columns>)": a
// unique index or constraint dropped beside another (<other>, quoted, as the catalog had it before
// the statement) that refuses every duplicate it refused (model/integrity.cpp still_enforced_by).
[[nodiscard]] inline std::string still_enforced_note(std::string_view relation, std::string_view object, std::string_view other) {
    return std::string(k_dropped_constraint_prefix) + std::string(object) + " of " + std::string(relation) +
           " is a unique one still enforced by " + std::string(other);
}
// The <other> of that note for `object`, "" when there is none.
[[nodiscard]] inline std::string read_still_enforced_note(const StatementFacts& statement, std::string_view relation,
                                                          std::string_view object) {
    const std::string head = still_enforced_note(relation, object, "");
    for (const auto& note : statement.notes) {
        if (!note.starts_with(head)) continue;
        const auto open = note.rfind(" (");
        if (open != std::string::npos && open > head.size()) return note.substr(head.size(), open - head.size());
    }
    return {};
}

// "integrity: trigger <name> of <relation> was created by the migrations" (quoted as quote_ident does)
[[nodiscard]] inline std::string known_trigger_note(std::string_view relation, std::string_view trigger) {
    return std::string(k_dropped_constraint_prefix) + "trigger " + std::string(trigger) + " of " + std::string(relation) +
           " was created by the migrations";
}

// "integrity: SET DEFAULT on <column> of <relation>, its <kind>; its own sequences: a b"
// (unqualified sequence names, space-separated).
[[nodiscard]] inline std::string key_default_note(std::string_view relation, std::string_view column, std::string_view kind,
                                                  const std::vector<std::string>& sequences) {
    std::string note = std::string(k_dropped_constraint_prefix) + "SET DEFAULT on " + std::string(column) + " of " +
                       std::string(relation) + ", its " + std::string(kind) + "; its own sequences:";
    for (const auto& s : sequences) note += " " + s;
    return note;
}

// "integrity: SET DEFAULT on <column> of <relation>, of domain <domain> with constraints": the
// column's type is a domain the migrations made with a CHECK or NOT NULL, which each inserted
// default is checked against.
[[nodiscard]] inline std::string domain_default_note(std::string_view relation, std::string_view column, std::string_view domain) {
    return std::string(k_dropped_constraint_prefix) + "SET DEFAULT on " + std::string(column) + " of " + std::string(relation) +
           ", of domain " + std::string(domain) + " with constraints";
}
// "integrity: SET DEFAULT on <column> of <relation>: the column is NOT NULL" (or "may be NULL"),
// as the migrations show it, and "...: in a foreign key to <table>" for a column of a one-column
// foreign key: what a new default must satisfy on each insert that leaves the column out
// (default-breaks-inserts).
[[nodiscard]] inline std::string default_target_note(std::string_view relation, std::string_view column, std::string_view what) {
    return std::string(k_dropped_constraint_prefix) + "SET DEFAULT on " + std::string(column) + " of " + std::string(relation) +
           ": " + std::string(what);
}
// Every <what> of such notes for `column`.
[[nodiscard]] inline std::vector<std::string> read_default_target_notes(const StatementFacts& statement, std::string_view relation,
                                                                        std::string_view column) {
    const std::string head = default_target_note(relation, column, "");
    std::vector<std::string> out;
    for (const auto& note : statement.notes) {
        if (note.starts_with(head)) out.push_back(note.substr(head.size()));
    }
    return out;
}

// The domain domain_default_note names for `column`, or "".
[[nodiscard]] inline std::string read_domain_default_note(const StatementFacts& statement, std::string_view relation,
                                                          std::string_view column) {
    const std::string head = std::string(k_dropped_constraint_prefix) + "SET DEFAULT on " + std::string(column) + " of " +
                             std::string(relation) + ", of domain ";
    constexpr std::string_view tail = " with constraints";
    for (const auto& note : statement.notes) {
        if (note.starts_with(head) && note.ends_with(tail)) return note.substr(head.size(), note.size() - head.size() - tail.size());
    }
    return {};
}

// What the key_default_note of the statement says of `column`: its kind ("primary key", "unique")
// and own sequences; nothing when it is not a key the migrations show.
struct KeyDefault {
    std::string kind;
    std::vector<std::string> sequences;
};
[[nodiscard]] inline std::optional<KeyDefault> read_key_default_note(const StatementFacts& statement, std::string_view relation,
                                                                    std::string_view column) {
    const std::string head = std::string(k_dropped_constraint_prefix) + "SET DEFAULT on " + std::string(column) + " of " +
                             std::string(relation) + ", its ";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(head)) continue;
        const auto semi = note.find("; its own sequences:", head.size());
        if (semi == std::string::npos) continue;
        KeyDefault out{note.substr(head.size(), semi - head.size()), {}};
        std::string rest = note.substr(semi + 20);
        std::size_t at = 0;
        while (at < rest.size()) {
            const std::size_t space = rest.find(' ', at + 1);
            const std::string word = rest.substr(at + 1, space == std::string::npos ? std::string::npos : space - at - 1);
            if (!word.empty()) out.sequences.push_back(word);
            if (space == std::string::npos) break;
            at = space;
        }
        return out;
    }
    return std::nullopt;
}

[[nodiscard]] inline bool has_note(const StatementFacts& statement, const std::string& note) {
    for (const auto& n : statement.notes) {
        if (n == note) return true;
    }
    return false;
}

}  // namespace pgfence::analyze
