#pragma once
// What the migration itself has created or changed so far: relations, their columns and
// types, partitions and foreign keys. Lets later statements be decided exactly (a type
// change on a known column, locks on known partitions) and marks relations as new.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyze/pg_tree.hpp"

namespace pgfence::analyze {

struct ColumnInfo {
    std::string name;
    std::string type;  // canonical, e.g. "varchar(20)", "int4", "numeric(10,2)", "text[]"
    bool not_null = false;
    bool has_not_null_check = false;  // a validated CHECK (col IS NOT NULL) exists
    bool virtual_generated = false;   // GENERATED ... VIRTUAL (PostgreSQL 18): computed when read, not stored
};

// A foreign key, as pg_constraint would hold it.
struct ForeignKey {
    std::string name;
    std::vector<std::string> columns;         // referencing columns
    std::string target;                       // referenced table (relname)
    std::vector<std::string> target_columns;  // empty: the referenced table's primary key
    char on_delete = 'a';                     // pg_constraint.confdeltype: a, r, c, n, d
    char on_update = 'a';
};

// What an index covers, for the decisions that depend on its columns: which indexes a type
// change rebuilds or DROP COLUMN drops, and whether a foreign key's columns lead an index.
struct IndexDef {
    std::vector<std::string> keys;  // key columns in order; "" for an expression
    std::set<std::string> uses;     // every column it depends on: keys, expressions, INCLUDE, WHERE
    std::string method = "btree";
    bool partial = false;           // has a WHERE clause
};

// Does the index serve equality lookups by these columns (a foreign key's referential
// actions): a full B-tree whose leading keys are exactly them, in any order, or a hash index on the one column?
[[nodiscard]] bool index_leads_with(const IndexDef& index, const std::vector<std::string>& columns);

struct RelationInfo {
    std::string relname;  // unqualified, as PostgreSQL stores it
    std::string display;  // as first written
    std::string kind;     // "table", "partitioned table", "view", "materialized view", "sequence", "index"
    bool is_new = false;  // created in this migration
    std::vector<ColumnInfo> columns;        // changed only through Catalog (add_columns, ...)
    std::unordered_map<std::string, std::size_t> column_index;  // name -> its first position in columns
    std::vector<std::string> primary_key;   // its columns, when known
    std::vector<std::string> children;      // partitions and inheritance children (relnames)
    std::vector<std::string> references;    // tables its foreign keys point to
    std::vector<std::string> referenced_by; // tables whose foreign keys point here
    std::string index_table;                // for indexes: the table
    std::optional<IndexDef> index;          // for indexes, when known (created in the migration)
    std::string parent;                     // partitions and inheritance children: the (first) parent
    std::map<std::string, ForeignKey> foreign_keys;         // by constraint name
    std::map<std::string, std::string> not_null_checks;     // NOT VALID CHECK (col IS NOT NULL): name -> column
    std::string default_partition;          // its DEFAULT partition, if known
    std::vector<std::pair<std::string, std::string>> sources;  // views: relname, display of what they read
    // Views: the columns of each relation (by relname) the query uses, on each of which PostgreSQL
    // records a dependency; "*" for every column of a relation whose columns are not known.
    std::map<std::string, std::set<std::string>> column_uses;
    std::string tablespace;     // as given by TABLESPACE; "" for the database's default
    std::string access_method;  // as given by USING; "" for the default (heap)
    std::map<std::string, std::string> triggers;  // trigger name -> function name
    std::vector<std::string> default_sequences;   // sequences its column defaults call nextval() on
    std::string owned_by;                         // sequences: the table whose column owns it
};

class Catalog {
public:
    [[nodiscard]] RelationInfo* find(const std::string& relname);
    [[nodiscard]] const RelationInfo* find(const std::string& relname) const;
    RelationInfo& add(const std::string& relname, const std::string& display, const std::string& kind);
    void remove(const std::string& relname);
    // Every relation as existing before the migration (is_new false): the schema earlier
    // migrations built, as the next one finds it.
    void mark_existing();
    void rename(const std::string& from, const std::string& to);
    [[nodiscard]] ColumnInfo* column(const std::string& relname, const std::string& column);
    // The column list changes through these, which keep column_index: a lookup is then O(1),
    // not a scan (a table of 100,000 columns, or as many ADD COLUMNs, stays linear).
    void add_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns);
    void set_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns);
    void drop_column(const std::string& relname, const std::string& column);
    void rename_column(const std::string& relname, const std::string& from, const std::string& to);
    // Views and materialized views whose query uses the column (or every column) of relname.
    [[nodiscard]] std::vector<const RelationInfo*> views_using_column(const std::string& relname,
                                                                      const std::string& column) const;
    // Tables that have a column of this (canonical) type name.
    [[nodiscard]] std::vector<std::string> tables_using_type(const std::string& type) const;
    // Every partition/child below relname, depth first.
    [[nodiscard]] std::vector<std::string> descendants(const std::string& relname) const;
    // The indexes of `table` the catalog knows, by name.
    [[nodiscard]] std::vector<const RelationInfo*> indexes_of(const std::string& table) const;
    // Foreign keys that point at `target`, copied out (with their table's relname and display),
    // so a caller may change the catalog while it goes through them.
    struct ForeignKeyRef {
        std::string relname;
        std::string display;
        std::string constraint;
        ForeignKey key;
    };
    [[nodiscard]] std::vector<ForeignKeyRef> foreign_keys_to(const std::string& target) const;
    // Every relation, for lookups by property (schema, trigger function, sequence use).
    [[nodiscard]] const std::map<std::string, RelationInfo>& relations() const { return m_relations; }

    // Domains created in the migration, and whether they have constraints (CHECK, NOT NULL):
    // a column of such a domain needs every row checked when it is added.
    void add_domain(const std::string& name, bool has_constraints);
    void remove_domain(const std::string& name);
    [[nodiscard]] std::optional<bool> domain_has_constraints(const std::string& name) const;
    // Other types created in the migration (enums, composites, ranges): known not to be domains.
    void add_type(const std::string& name);
    [[nodiscard]] bool is_known_type(const std::string& name) const;

private:
    std::map<std::string, RelationInfo> m_relations;
    std::map<std::string, bool> m_domains;
    std::set<std::string> m_types;
};

// Canonical type text of a TypeName node: aliases folded (integer -> int4), pg_catalog
// dropped, type modifiers kept ("varchar(20)"), array bounds as "[]".
[[nodiscard]] std::string canonical_type(const TypeName* type_name);
// The base name of a canonical type without modifiers or array marker ("varchar").
[[nodiscard]] std::string type_base(const std::string& canonical);

}  // namespace pgfence::analyze
