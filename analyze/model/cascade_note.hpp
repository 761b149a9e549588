#pragma once
// The notes by which DROP TYPE, DROP DOMAIN and DROP EXTENSION ... CASCADE say which columns they
// drop (PostgreSQL drops every column whose type depends on the dropped object, with its data):
// written by the lock model (model/drop.cpp), read by the drop-cascade-columns rule, as
// recreated_note is (facts.hpp). Only the prefix is matched; what follows is shown as it is.
#include <string>
#include <string_view>

namespace pgfence::analyze {

inline constexpr std::string_view k_cascade_column_note = "CASCADE drops column with its data: ";
inline constexpr std::string_view k_cascade_unknown_note = "CASCADE drops columns pgfence does not know, of: ";

// ALTER TABLE ... DROP CONSTRAINT / DROP INDEX ... CASCADE (model/alter_column_dependents.cpp):
// each foreign key of another table it drops ("orders.orders_user_id_fkey"), or, on a table the
// catalog does not know, what the unknown foreign keys depend on.
inline constexpr std::string_view k_cascade_fk_note = "CASCADE drops foreign key: ";
inline constexpr std::string_view k_cascade_unknown_fk_note = "CASCADE drops foreign keys pgfence does not know, on: ";

// DROP FUNCTION ... CASCADE of functions the catalog knows all RETURNS trigger (model/drop.cpp):
// PostgreSQL lets nothing but a trigger call such a function (parse_func.c: "trigger functions can
// only be called as triggers"), so CASCADE drops only triggers; what follows: the triggers the
// catalog knows it drops ("trigger t on post"), comma-separated, or "" for none.
inline constexpr std::string_view k_cascade_triggers_only_note = "CASCADE drops only triggers: ";

// `shown`: "users.mood (mood)", as the note and the finding show it.
[[nodiscard]] inline std::string cascade_column_note(std::string_view shown) {
    return std::string(k_cascade_column_note) + std::string(shown);
}
// `what`: the type (or extension) whose columns are not known.
[[nodiscard]] inline std::string cascade_unknown_note(std::string_view what) {
    return std::string(k_cascade_unknown_note) + std::string(what);
}
// What follows `prefix` in `note`, or nullopt-like empty view when the note is another.
[[nodiscard]] inline std::string_view after_prefix(std::string_view note, std::string_view prefix) {
    return note.starts_with(prefix) ? note.substr(prefix.size()) : std::string_view();
}

}  // namespace pgfence::analyze
