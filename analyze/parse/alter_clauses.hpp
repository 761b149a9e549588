#pragma once
// Where each subcommand of an ALTER TABLE is in the statement's text. PostgreSQL's parser keeps
// no location for an AlterTableCmd, so the text after the relation's name is cut at its
// top-level commas (gram.y's alter_table_cmds; a partition_cmd is alone). The findings'
// positions and the migration plan's kept subcommands both come from this one cut.
#include <cstddef>
#include <string_view>
#include <vector>

struct AlterTableStmt;  // pg_tree.hpp

namespace pgfence::analyze {

struct AlterClause {
    std::size_t begin = 0;  // just after the relation's name or the comma before it
    std::size_t end = 0;    // the comma after it, a top-level ';' or the end of the text
    std::size_t first = 0;  // its first token that is not a comment
    std::size_t last = 0;   // the first byte of its last character outside comments
};

// The subcommands of `stmt` in `sql` (the text it was parsed from), in order; empty when the
// text does not cut into as many pieces as the parser found subcommands.
[[nodiscard]] std::vector<AlterClause> alter_clauses(std::string_view sql, const AlterTableStmt* stmt);

}  // namespace pgfence::analyze
