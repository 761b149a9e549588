#pragma once
// What the database has before the migration runs, known from outside the migration (a stats
// snapshot). With it, ALTER COLUMN ... TYPE on a column the migration did not create is
// decided exactly instead of "may rewrite", SET NOT NULL on a column that already is NOT NULL
// is known to check nothing, and DROP INDEX / REINDEX INDEX name the index's table.
#include <optional>
#include <string>

namespace pgfence::analyze {

struct CurrentColumn {
    std::string type;    // as canonical_type() writes it: "varchar(50)"
    std::string shown;   // the type as the source has it, for messages: "character varying(50)"
    bool not_null = false;
    std::string source;  // where it comes from, for messages: "the stats snapshot"
};

struct IndexOwner {
    std::string relname;      // the table's name, unqualified, as PostgreSQL stores it
    std::string display;      // as the migration would write it: qualified like the index was
    bool partitioned = false;  // a partitioned table (its partitions' indexes go with it)
    std::string source;
};

// Called from the analysis threads at once: implementations must be safe for concurrent
// const calls. Names are as the SQL wrote them (quote_ident form, "schema.name" or "name").
class KnownSchema {
public:
    virtual ~KnownSchema() = default;
    [[nodiscard]] virtual std::optional<CurrentColumn> current_column(const std::string& relation,
                                                                      const std::string& column) const = 0;
    [[nodiscard]] virtual std::optional<IndexOwner> index_owner(const std::string& index) const = 0;
};

}  // namespace pgfence::analyze
