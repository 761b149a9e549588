#pragma once
// What a column is before the migration runs, known from outside the migration (a stats
// snapshot written with `extract-stats --schema`). With it, ALTER COLUMN ... TYPE on a
// column the migration did not create is decided exactly instead of "may rewrite", and SET
// NOT NULL on a column that already is NOT NULL is known to check nothing.
#include <optional>
#include <string>

namespace pgfence::analyze {

struct CurrentColumn {
    std::string type;    // as canonical_type() writes it: "varchar(50)"
    std::string shown;   // the type as the source has it, for messages: "character varying(50)"
    bool not_null = false;
    std::string source;  // where it comes from, for messages: "the stats snapshot"
};

// Called from the analysis threads at once: implementations must be safe for concurrent
// const calls.
class CurrentColumns {
public:
    virtual ~CurrentColumns() = default;
    // `relation` as the SQL wrote it (quote_ident form, "schema.name" or "name").
    [[nodiscard]] virtual std::optional<CurrentColumn> current_column(const std::string& relation,
                                                                      const std::string& column) const = 0;
};

}  // namespace pgfence::analyze
