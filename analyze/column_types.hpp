#pragma once
// A column's type before the migration runs, known from outside the migration (a stats
// snapshot written with `extract-stats --schema`). With it, ALTER COLUMN ... TYPE on a
// column the migration did not create is decided exactly instead of "may rewrite".
#include <optional>
#include <string>

namespace pgfence::analyze {

struct CurrentType {
    std::string canonical;  // as canonical_type() writes it: "varchar(50)"
    std::string shown;      // as the source has it, for messages: "character varying(50)"
    std::string source;     // where it comes from, for messages: "the stats snapshot"
};

// Called from the analysis threads at once: implementations must be safe for concurrent
// const calls.
class ColumnTypeSource {
public:
    virtual ~ColumnTypeSource() = default;
    // `relation` as the SQL wrote it (quote_ident form, "schema.name" or "name").
    [[nodiscard]] virtual std::optional<CurrentType> current_type(const std::string& relation,
                                                                  const std::string& column) const = 0;
};

}  // namespace pgfence::analyze
