#pragma once
// Rename chains: a name given up by one rename and taken by another later in the same file
// (`RENAME description TO summary`, then `RENAME sidebar TO description`). Code that still names
// `description` reads the other object's data with no error. Read by rename-column and
// rename-table (the finding) and by the plan and the split recipe (never split a chain).
#include <cstddef>
#include <string>
#include <vector>

#include "analyze/parse/pg_tree.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {

struct RenameChain {
    bool column = false;          // a column of `table`; else a table, view or materialized view
    std::size_t vacated = 0;      // the statement that renamed `name` away (to `moved_to`)
    std::size_t taken = 0;        // the later statement that renamed `taker` to `name`
    schema::QualifiedName table;  // columns: the table, as the taking statement names it
    std::string name;             // the name that changes meaning
    std::string moved_to;         // what the first rename called the original
    std::string taker;            // the name of what now takes `name`
    // Part of a swap (a -> tmp, b -> a, tmp -> b): reported as a swap, at this statement; 0 if not.
    std::size_t swap_end = 0;
    // `taker` is named after `name` (age_new, orders_v2, new_orders): a replacement built for it,
    // as alter-column-type-rewrite's recipe and a copy-and-swap do, not a different object.
    bool replacement = false;
};

// Every chain of `stmts` (parse trees in file order; null entries are skipped).
[[nodiscard]] std::vector<RenameChain> rename_chains(const std::vector<const pg::Node*>& stmts);

// Is `taker` named after `name`: `name` with a prefix or suffix after "_", or with digits?
[[nodiscard]] bool named_after(const std::string& taker, const std::string& name);

}  // namespace pgfence::analyze::rules
