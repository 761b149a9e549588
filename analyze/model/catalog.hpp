#pragma once
// What the migration itself has created or changed so far: relations, their columns and
// types, partitions and foreign keys. Lets later statements be decided exactly (a type
// change on a known column, locks on known partitions) and marks relations as new.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyze/base/few.hpp"
#include "analyze/base/few_map.hpp"
#include "analyze/model/lock_mode.hpp"
#include "analyze/base/persistent_map.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

struct ColumnInfo {
    std::string name;
    std::string type;  // canonical, e.g. "varchar(20)", "int4", "numeric(10,2)", "text[]"
    bool not_null = false;
    bool has_not_null_check = false;  // a validated CHECK (col IS NOT NULL) exists
    bool virtual_generated = false;   // GENERATED ... VIRTUAL (PostgreSQL 18): computed when read, not stored
    // Whether the column has a default (pg_attrdef): set by DEFAULT (not DEFAULT NULL, which stores
    // none), serial and identity, SET DEFAULT; cleared by DROP DEFAULT. Empty: not known.
    std::optional<bool> has_default;
    // The collation its COLLATE clause (or its domain's) names, last name only; "": the type's
    // default collation.
    std::string collation;
};

// A foreign key, as pg_constraint would hold it.
struct ForeignKey {
    std::string name;
    std::vector<std::string> columns;         // referencing columns
    std::string target;                       // referenced table (relname)
    std::vector<std::string> target_columns;  // empty: the referenced table's primary key
    char on_delete = 'a';                     // pg_constraint.confdeltype: a, r, c, n, d
    char on_update = 'a';
    std::string source;                       // as RelationInfo::source: where it was added
};

// What an index covers, for the decisions that depend on its columns: which indexes a type
// change rebuilds or DROP COLUMN drops, and whether a foreign key's columns lead an index.
struct IndexDef {
    std::vector<std::string> keys;  // key columns in order; "" for an expression
    std::set<std::string> uses;     // every column it depends on: keys, expressions, INCLUDE, WHERE
    std::string method = "btree";
    bool partial = false;           // has a WHERE clause
    bool unique = false;            // UNIQUE, or a PRIMARY KEY's, UNIQUE or EXCLUDE constraint's
    // No key names a COLLATE or an operator class: each compares as its column does (a constraint's
    // index always does; PostgreSQL refuses USING INDEX of one that does not, "does not have default
    // sorting behavior", parse_utilcmd.c transformIndexConstraint).
    bool plain = true;
    bool nulls_not_distinct = false;  // UNIQUE NULLS NOT DISTINCT: two rows of NULL keys are duplicates too
    bool primary = false;             // a PRIMARY KEY's index
};

// Does the index serve equality lookups by these columns (a foreign key's referential
// actions): a full B-tree whose leading keys are exactly them, in any order, or a hash index on the one column?
[[nodiscard]] bool index_leads_with(const IndexDef& index, const std::vector<std::string>& columns);

// A CHECK constraint, as pg_constraint holds what later statements need of it.
struct CheckInfo {
    bool validated = false;            // not NOT VALID, or validated since
    std::vector<std::string> columns;  // the columns its expression names, sorted, once each
    // Its expression as written, without the parentheses ("" when not known): a column default
    // is tested against it (model/check_constraints.hpp).
    std::string expression;
};

// A rule on INSERT, UPDATE or DELETE: the rewriter adds its actions to every such statement
// on the table, and they open their relations when it runs (AcquireRewriteLocks).
struct RuleInfo {
    CmdType event = CMD_UNKNOWN;
    struct Lock {
        std::string relname;
        std::string display;
        LockMode mode = LockMode::AccessShare;
    };
    std::vector<Lock> locks;  // what the actions (and the rule's WHERE) lock, as of CREATE RULE
};

// A function the migrations created or named, attached to a relation: PostgreSQL runs it when
// the relation is written (a column DEFAULT, a generated column, a CHECK, a domain's CHECK, an
// index expression, a trigger) or, for a view, read (analyze/function_attach.hpp).
struct AttachedFunction {
    enum Event : unsigned { Insert = 1, Update = 2, Delete = 4, Truncate = 8, Read = 16, Refresh = 32, Rewrite = 64 };
    std::string name;      // unqualified
    std::string schema;    // as written; "" when unqualified
    std::string via;       // "trigger trg on t", "DEFAULT of t.x": how it is reached
    std::string trigger;   // the trigger's name, for a trigger (DROP TRIGGER removes it)
    std::string constraint;  // the CHECK's name, when given (VALIDATE CONSTRAINT runs it, DROP CONSTRAINT removes it)
    std::string index;       // the index's name, for an index expression or predicate (DROP INDEX removes it)
    unsigned events = 0;   // Event bits: what runs it
    bool before_row = false;  // a BEFORE ... FOR EACH ROW trigger: a NULL from it skips the row
    // A trigger's UPDATE OF columns: it fires on an UPDATE only when the SET list names one of them
    // (PostgreSQL trigger.c TriggerEnabled: tgattr against the updated columns); empty: every UPDATE.
    std::vector<std::string> update_columns;
    // ALTER TABLE ... DISABLE TRIGGER name | USER | ALL (or ENABLE REPLICA, which fires only under
    // session_replication_role = replica) since: it does not fire until enabled again.
    bool disabled = false;
};

// A row-level security policy (CREATE POLICY), as pg_policy holds what DROP POLICY needs to know.
struct PolicyInfo {
    std::string source;       // as RelationInfo::source: "" for the analysed migration itself
    bool permissive = true;   // AS PERMISSIVE (the default) or AS RESTRICTIVE
    std::string command = "all";  // FOR ALL (the default), select, insert, update, delete
    std::string roles;        // TO ...: "" for PUBLIC (the default), else the names, sorted, comma-separated
    std::string filter;       // which rows its USING admits: "" for every row (policy_filter.hpp)
    friend bool operator==(const PolicyInfo&, const PolicyInfo&) = default;
};

// One value every row of a column was given, and by what: an ADD COLUMN with a constant DEFAULT,
// or an UPDATE without WHERE setting it to a constant. Kept until a statement may write the
// column otherwise (Catalog::clear_fills); a WHERE testing the value then holds for every row
// the fill reached (analyze/model/column_fills.hpp).
struct ColumnFill {
    std::string value;   // the constant as SQL text: 'eu', 42, true
    std::string source;  // as RelationInfo::source: "" for the analysed migration itself
    int line = 0;        // the statement's line in `source` (0: not known)
};

// A table's privileges by role (the role's name, "public" for PUBLIC), as GRANT and REVOKE leave
// them: one bit per privilege (model/grants.hpp).
using TableAcl = std::map<std::string, unsigned>;

// Kept for every relation the catalog knows, indexes included: the lists and maps most relations
// leave empty are one pointer each until they hold something (analyze/few.hpp, few_map.hpp).
struct RelationInfo {
    std::string relname;  // unqualified, as PostgreSQL stores it
    std::string display;  // as first written
    std::string kind;     // "table", "partitioned table", "view", "materialized view", "sequence", "index"
    bool is_new = false;  // created in this migration
    // A temporary table (CREATE TEMP TABLE, SELECT INTO TEMP): only its own session sees it, and
    // it is gone when that session ends, so the next migration file does not find it.
    bool temporary = false;
    // Row-level security as ALTER TABLE last set it (pg_class.relrowsecurity, relforcerowsecurity).
    bool row_security = false;
    bool force_row_security = false;
    // Sequences: their data type's size, 2, 4 or 8 (smallint, integer, bigint: CREATE SEQUENCE ...
    // AS, a serial or identity column's type; analyze/model/sequence_types.hpp); 0: not known.
    std::uint8_t sequence_bytes = 0;
    // Columns the catalog does not list are nullable: a table made by CREATE TABLE AS or SELECT
    // INTO (whose columns take no NOT NULL) or CREATE TABLE OF a type (whose attributes take none;
    // WITH OPTIONS NOT NULL columns are listed). ADD PRIMARY KEY USING INDEX then sets NOT NULL.
    bool columns_nullable = false;
    // For a new relation, how the CREATE named it (model::name_scope, as Catalog::scope_id keeps
    // it; 0: not known): a later statement names this very relation only when it names it alike
    // (the same schema written, or none under the same search_path); otherwise the name may stand
    // for an earlier relation of that relname in another schema. (In the bools' padding: the size
    // of RelationInfo counts, tests/unit/few_map_test.cpp.)
    std::uint32_t created_as = 0;
    std::vector<ColumnInfo> columns;        // changed only through Catalog (add_columns, ...)
    FewMap<std::unordered_map<std::string, std::size_t>> column_index;  // name -> its first position in columns
    Few<std::string> primary_key;           // its columns, when known
    Few<std::string> children;              // partitions and inheritance children (relnames)
    Few<std::string> references;            // tables its foreign keys point to
    Few<std::string> referenced_by;         // tables whose foreign keys point here
    std::string index_table;                // for indexes: the table
    std::optional<IndexDef> index;          // for indexes, when known (created in the migration)
    std::string parent;                     // partitions and inheritance children: the (first) parent
    FewMap<std::map<std::string, ForeignKey>> foreign_keys;         // by constraint name
    FewMap<std::map<std::string, std::string>> not_null_checks;     // CHECK (col IS NOT NULL), valid or not: name -> column
    FewMap<std::map<std::string, CheckInfo>> checks;                // CHECK constraints by name
    std::string default_partition;          // its DEFAULT partition, if known
    Few<std::pair<std::string, std::string>> sources;  // views: relname, display of what they read
    FewMap<std::set<std::string>> source_columns;  // views: the column names their query mentions, "*" for a star
    std::string tablespace;     // as given by TABLESPACE; "" for the database's default
    std::string access_method;  // as given by USING; "" for the default (heap)
    FewMap<std::map<std::string, std::string>> triggers;  // trigger name -> function name
    FewMap<std::map<std::string, RuleInfo>> rules;        // by rule name: rules on INSERT, UPDATE, DELETE
    // Row-level security policies (CREATE POLICY) that grant rows, by name; a permissive one whose
    // USING is plainly false is not kept (it grants none). Its source is "" for the analysed
    // migration itself, until Catalog::hand_on names its file.
    FewMap<std::map<std::string, PolicyInfo>> policies;
    FewMap<std::map<std::string, ColumnFill>> fills;      // by column name (Catalog::set_fill)
    Few<AttachedFunction> attached;               // functions its writes or reads run
    Few<std::string> default_sequences;           // sequences its column defaults call nextval() on
    // The privileges a GRANT ... ON [TABLE] it (or ON ALL TABLES IN SCHEMA) gave roles on it, as a
    // REVOKE left them. A new table under its name gets none of them (only the default
    // privileges): a copy-and-swap's (model/table_swap.hpp).
    FewMap<TableAcl> grantees;
    std::string owned_by;  // sequences: the table whose column owns it; indexes: the table whose constraint it backs
    // Where its definition came from: a --history or --schema file's path, "the stats snapshot",
    // or "" for the analysed migration itself (README "Schema context").
    std::string source;
};

// A function or procedure the migrations created (CREATE FUNCTION / PROCEDURE), kept so that a
// later call of it is analysed as its body (analyze/function_calls.hpp).
struct FunctionInfo {
    std::string name;        // unqualified, as PostgreSQL stores it
    std::string schema;      // as written; "" when unqualified
    std::string signature;   // its argument types, canonical: "int4,text" (an overload replaces the same one)
    std::string language;    // "sql", "plpgsql", "c", ...
    std::string definition;  // the whole CREATE statement's text, parsed again where it is called
    std::string source;      // as RelationInfo::source: where it was created
    // As CREATE FUNCTION (or a later ALTER FUNCTION) declared it: "immutable", "stable" or
    // "volatile" (PostgreSQL's default when none is written).
    std::string volatility = "volatile";
    // How a call is planned where PostgreSQL inlines SQL functions (a DEFAULT's expression is
    // planned so): "inlined-not-volatile" or "inlined-volatile" for a LANGUAGE sql body of one
    // SELECT expression that it inlines (its body's volatility then counts, not the declared
    // one), "not-inlined" for a function it runs as declared (PL/pgSQL, SECURITY DEFINER, SET,
    // STRICT, SETOF, a body of another shape), "" when the body's volatility is not known.
    std::string inlining;
    // SECURITY DEFINER, as CREATE FUNCTION or a later ALTER FUNCTION declared it: the body runs
    // with its owner's rights, so a new owner changes what it may do.
    bool security_definer = false;
    // Roles GRANT EXECUTE (or ALL) ON FUNCTION | PROCEDURE | ROUTINE it gave its EXECUTE to, as
    // written lower-case (PUBLIC not among them), and whether a REVOKE took it from PUBLIC (which a
    // new routine has): a CREATE OR REPLACE keeps them (PostgreSQL keeps proacl), a DROP and CREATE
    // loses them (function-options-changed).
    std::vector<std::string> grantees;
    bool public_revoked = false;
    // Made by a CREATE OR REPLACE that gave another body to a function earlier migrations (or the
    // history) made (function_calls.cpp replaces_existing_body): the objects that call it run the
    // new body from the moment it commits (replaced-function-in-use).
    bool replaced_existing = false;
    // Its name and argument types were a function's before the migration analysed (made by an
    // earlier one, and maybe replaced since): whatever called that one calls this one.
    bool pre_existing = false;
    // Its place in Catalog::functions_added(), which add_function gives it: below
    // functions_existing(), it was made before the migration analysed.
    std::size_t order = 0;
};
using FunctionMap = std::map<std::string, std::vector<std::shared_ptr<const FunctionInfo>>>;  // by name

// An event trigger (CREATE EVENT TRIGGER): PostgreSQL runs its function, whatever body the
// function has when the event happens, around every DDL statement its event and TAG filter match
// (analyze/event_triggers.hpp).
struct EventTriggerInfo {
    std::string event;     // ddl_command_start, ddl_command_end, sql_drop, table_rewrite
    std::string function;  // unqualified
    std::string schema;    // as written; "" when unqualified
    std::vector<std::string> tags;  // WHEN TAG IN (...), upper-cased; empty: every command
    bool enabled = true;   // ALTER EVENT TRIGGER ... DISABLE
};

// A publication (CREATE PUBLICATION), as ALTER PUBLICATION last changed it
// (analyze/model/publication_identity.cpp keeps it).
struct PublicationInfo {
    bool changes = true;     // publishes UPDATE or DELETE (pg_publication.pubupdate, pubdelete)
    bool all_tables = false;  // FOR ALL TABLES
    std::set<std::string> tables;   // FOR TABLE: relnames
    std::set<std::string> schemas;  // FOR TABLES IN SCHEMA
};

// Relations by relname. A copy of a catalog shares them until one is changed (copy on write), and
// shares the map's nodes too (analyze/persistent_map.hpp: a copy costs O(1), a change O(log n)):
// a migration's catalog starts as the history's, most of which it only reads.
using RelationMap = PersistentMap<std::string, std::shared_ptr<const RelationInfo>>;

class Catalog {
public:
    // The mutable find gives the relation its own copy first, if it is shared.
    [[nodiscard]] RelationInfo* find(const std::string& relname);
    [[nodiscard]] const RelationInfo* find(const std::string& relname) const;
    RelationInfo& add(const std::string& relname, const std::string& display, const std::string& kind);
    // The catalog keys relations by relname: a relation made with the relname of one in another
    // schema (billing.invoices beside invoices) puts the other aside, and a statement that names
    // one of them by its schema (`schema`, "" when unqualified: public's) brings that one back
    // first (red team R67 A16: ALTER TABLE billing.invoices was judged against public.invoices,
    // the one made last). A schema with no relation of that relname aside changes nothing.
    // True when the relation `relname` stands for now is that schema's, or none is aside.
    bool pick_schema(const std::string& relname, const std::string& schema);
    // The role the last ALTER ... OWNER TO of the migrations gave a relation ("" when none did, or
    // it was made again since: add() forgets it). Kept beside the relations, not in RelationInfo,
    // whose size counts; a rename forgets it too (pgfence then does not know the owner).
    [[nodiscard]] std::string owner(const std::string& relname) const {
        auto it = m_owners.find(relname);
        return it == m_owners.end() ? std::string() : it->second;
    }
    void set_owner(const std::string& relname, const std::string& role) {
        if (role.empty()) {
            m_owners.erase(relname);
        } else {
            m_owners[relname] = role;
        }
    }
    // For a view: the statement that made the query it has now (CREATE [OR REPLACE] VIEW's text;
    // null when not known), which a CREATE OR REPLACE compares its new query with
    // (analyze/view_rows.hpp). Kept beside the relations, as owner() is; it follows a rename.
    [[nodiscard]] const std::string* view_query(const std::string& relname) const {
        auto it = m_view_queries.find(relname);
        return it == m_view_queries.end() ? nullptr : &it->second;
    }
    void set_view_query(const std::string& relname, std::string sql) { m_view_queries[relname] = std::move(sql); }
    void remove(const std::string& relname);
    // Every relation as existing before the migration (is_new false): the schema earlier
    // migrations built, as the next one finds it.
    void mark_existing();
    // mark_existing, for the next file of a migration set: what `path` (the file just analysed)
    // added is then said to come from it.
    void hand_on(const std::string& path);
    // Removes the temporary relations (and their indexes): the next file's session has none.
    void forget_temporary();
    // A statement the lock model did not know (dynamic SQL, an unparsable one) ran: what the
    // catalog lacks may still exist.
    void mark_unknown() { m_unknown_seen = m_unread_seen = true; }
    [[nodiscard]] bool unknown_seen() const { return m_unknown_seen; }
    // A statement pgfence could not parse ran (PostgreSQL most likely refused it too, as a MySQL
    // `ALTER TABLE chart MODIFY ...` in a Sequelize history): it may have made or changed only a
    // relation its text names, so only those names are unsure (review88: one such statement made
    // every later CREATE TABLE IF NOT EXISTS of a table no migration made read as an existing one).
    // Words as PostgreSQL folds them and quoted names, compared without case (which only over-reports).
    void mark_named_unknown(std::string_view text);
    // May a statement pgfence did not follow have made or changed `relname`: one that may have made
    // anything (mark_unknown), or an unparsable one naming it (mark_named_unknown).
    [[nodiscard]] bool maybe_made(std::string_view relname) const;
    // Did any statement pgfence did not follow leave part of the schema unsure.
    [[nodiscard]] bool any_unknown() const { return m_unknown_seen || !m_named_unknown.empty(); }
    // Any statement the lock model did not read ran (mark_unknown's too, and those whose text
    // spells nothing unknown_may_create looks for): what it did, a type made or a role's
    // search_path set, is not known (a copy-and-swap's proof needs none; rules/renamed_aside.cpp).
    void mark_unread() { m_unread_seen = true; }
    [[nodiscard]] bool unread_seen() const { return m_unread_seen; }
    // A setting that changes how PostgreSQL reads text (lexing_settings.hpp) left in force on the
    // session by the file just analysed: what set it, with its file and line ("" when none). The
    // next file of the set runs on the same connection, so its statements are read otherwise too.
    // By setting (standard_conforming_strings, client_encoding).
    void set_relexed(std::map<std::string, std::string> what) { m_relexed = std::move(what); }
    [[nodiscard]] const std::map<std::string, std::string>& relexed() const { return m_relexed; }
    // Reading settings an ALTER DATABASE / ROLE / SYSTEM ... SET made the default of later sessions
    // (LexingChange::lasting): by whose default and setting ("database app\nstandard_conforming_strings"),
    // what set it with its file and line. Unlike relexed they outlast the connection: every later
    // file starts with them, the history's too (history.cpp), until the same ALTER ... RESET.
    void set_lasting_relexed(const std::string& who, const std::string& setting, std::string what) {
        m_lasting_relexed[who + "\n" + setting] = std::move(what);
    }
    // RESET of `setting` for `who`; "" for RESET ALL.
    void reset_lasting_relexed(const std::string& who, const std::string& setting) {
        std::erase_if(m_lasting_relexed, [&](const auto& kv) {
            return kv.first.starts_with(who + "\n") && (setting.empty() || kv.first.substr(who.size() + 1) == setting);
        });
    }
    [[nodiscard]] const std::map<std::string, std::string>& lasting_relexed() const { return m_lasting_relexed; }
    // What add() records as a new relation's source (RelationInfo::source); "" by default.
    void set_source(std::string source) { m_source = std::move(source); }
    [[nodiscard]] const std::string& source() const { return m_source; }
    // `over` takes precedence (README "Schema context"): each relation and type it defines replaces
    // this catalog's, keeping the links (children, referenced_by) from relations only this one has;
    // relations only this catalog has are kept.
    void overlay(const Catalog& over);
    void rename(const std::string& from, const std::string& to);
    [[nodiscard]] ColumnInfo* column(const std::string& relname, const std::string& column);
    // The column list changes through these, which keep column_index: a lookup is then O(1),
    // not a scan (a table of 100,000 columns, or as many ADD COLUMNs, stays linear).
    void add_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns);
    void set_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns);
    void drop_column(const std::string& relname, const std::string& column);
    void rename_column(const std::string& relname, const std::string& from, const std::string& to);
    // Column fills (ColumnFill): set_fill records one; clear_fills forgets the column's, or every
    // one of the table's when `column` is ""; clear_all_fills forgets them all (code that may
    // write anything ran). Dropping or renaming the column forgets its fill too.
    void set_fill(const std::string& relname, const std::string& column, ColumnFill fill);
    void clear_fills(const std::string& relname, const std::string& column = {});
    void clear_all_fills();
    [[nodiscard]] const ColumnFill* fill(const std::string& relname, const std::string& column) const;
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
    // A number for a name scope (model::name_scope), the same for the same text in this catalog
    // and its copies: scope_id adds it, find_scope_id gives 0 for one never added.
    std::uint32_t scope_id(const std::string& scope);
    [[nodiscard]] std::uint32_t find_scope_id(const std::string& scope) const;
    // The relnames add() was called with, in order, since the catalog was made (a copy starts
    // with none): what a part of a body that may not run created (the PL/pgSQL walk, plpgsql.cpp)
    // is found here, from the position the walk read before it, on the same catalog.
    [[nodiscard]] const std::vector<std::string>& added() const { return m_added.names; }
    // Every relation, for lookups by property (schema, trigger function, sequence use).
    [[nodiscard]] const RelationMap& relations() const { return m_relations; }

    // A trial: what changes from begin_trial() on is undone by undo_trial(), which brings back
    // the catalog as it was (a migration's down part is analysed on its up part's schema, and
    // what it changes is not what the next migration finds). Cheaper than a copy: only the
    // relations the trial touches are saved. One at a time; begin_trial() in a trial does nothing.
    void begin_trial();
    void undo_trial();
    // Ends the trial keeping what it changed (history's transaction block that commits).
    void keep_trial() { m_trial.reset(); }
    [[nodiscard]] bool in_trial() const { return m_trial.has_value(); }

    // Domains created in the migration, and whether they have constraints (CHECK, NOT NULL) of
    // their own, and the type they are over (canonical base name; "" when not a domain's): a column
    // of such a domain, or of one over it, needs every row checked when it is added.
    void add_domain(const std::string& name, bool has_constraints, const std::string& base = {});
    void remove_domain(const std::string& name);
    // Its own constraints or those of the domains below it (information_schema's included);
    // empty when `name` is no domain the catalog knows.
    [[nodiscard]] std::optional<bool> domain_has_constraints(const std::string& name) const;
    // `name` and the domains the catalog knows over it, directly or through others (a domain over
    // a domain): a constraint added to `name` is checked on their values too (typecmds.c
    // validateDomainCheckConstraint reads every column whose type has `name` below it).
    [[nodiscard]] std::vector<std::string> domains_over(const std::string& name) const;
    // The functions a domain's CHECK constraints call (schema-qualified names as written).
    void add_domain_functions(const std::string& name, const std::vector<std::string>& functions);
    [[nodiscard]] const std::vector<std::string>* domain_functions(const std::string& name) const;
    // The functions a value's coercion to type `name` runs through domain CHECKs: its own and
    // those of the domains below it (PostgreSQL checks the whole chain, typcache.c
    // load_domaintype_info), each once; none for a type that is no domain the catalog knows.
    // At most k_max_domain_checks: one past it means more (a hostile file stays linear).
    // A composite type's attributes or a range's subtype count as below it: converting a value to
    // the type converts its parts to theirs (record_in, ROW(...)::t, range_in; seen on PostgreSQL
    // 15.20 to run an attribute's domain CHECK), so theirs run too.
    [[nodiscard]] std::vector<std::string> domain_check_functions(const std::string& name) const;
    static constexpr std::size_t k_max_domain_checks = 100;
    // The types of a composite type's attributes or a range's subtype (type_base's names), for
    // domain_check_functions. ALTER TYPE ... ADD ATTRIBUTE adds one.
    void add_type_parts(const std::string& name, const std::vector<std::string>& parts);
    // Whether `name` is a domain the catalog knows (by last name).
    [[nodiscard]] bool is_domain(const std::string& name) const;
    // The privileges ALTER DEFAULT PRIVILEGES (without FOR ROLE) GRANT | REVOKE ... ON TABLES left
    // roles: a table created later gets them too.
    void set_default_table_privileges(TableAcl acl) { m_default_table_privileges = std::move(acl); }
    [[nodiscard]] const TableAcl& default_table_privileges() const { return m_default_table_privileges; }
    // Collations created in the migration (CREATE COLLATION), by last name: whether each is
    // deterministic (pg_collation.collisdeterministic). And the collation a domain's COLLATE names.
    void add_collation(const std::string& name, bool deterministic) { m_collations[name] = deterministic; }
    void remove_collation(const std::string& name) { m_collations.erase(name); }
    [[nodiscard]] std::optional<bool> collation_deterministic(const std::string& name) const {
        auto it = m_collations.find(name);
        return it == m_collations.end() ? std::nullopt : std::optional<bool>(it->second);
    }
    void set_domain_collation(const std::string& domain, const std::string& collation) {
        if (collation.empty()) m_domain_collations.erase(domain);
        else m_domain_collations[domain] = collation;
    }
    [[nodiscard]] std::string domain_collation(const std::string& domain) const {
        auto it = m_domain_collations.find(domain);
        return it == m_domain_collations.end() ? std::string() : it->second;
    }
    // Other types created in the migration (enums, composites, ranges): known not to be domains.
    void add_type(const std::string& name);
    [[nodiscard]] bool is_known_type(const std::string& name) const;

    // Functions created in the migrations: CREATE [OR REPLACE] replaces the overload of the same
    // name, schema and signature; DROP removes it (an empty signature: every overload of the name).
    void add_function(FunctionInfo info);
    void remove_function(const std::string& name, const std::string& schema, const std::optional<std::string>& signature);
    // Every overload of `name` (unqualified), in creation order; none: nullptr.
    [[nodiscard]] const std::vector<std::shared_ptr<const FunctionInfo>>* functions(const std::string& name) const;
    // Routines a DROP in the analysed migrations (not the history: Catalog::source() empty)
    // removed, as they were just before it, until a CREATE makes one of the same name, schema and
    // signature again (take_dropped_function): a DROP and CREATE is compared with the dropped
    // routine as a CREATE OR REPLACE is with the one it replaces (red team R71 F7). dropped_function
    // matches the schemas as PostgreSQL resolves them: an unqualified name ("") stands for
    // `unqualified`, the schema a CREATE makes it in (public by default; red team R72 F3).
    void add_dropped_function(const FunctionInfo& info);
    [[nodiscard]] std::shared_ptr<const FunctionInfo> dropped_function(const std::string& name, const std::string& schema,
                                                                       const std::string& signature,
                                                                       const std::string& unqualified) const;
    void take_dropped_function(const std::string& name, const std::string& schema, const std::string& signature);
    // ALTER DEFAULT PRIVILEGES [FOR ROLE ...] REVOKE EXECUTE ON FUNCTIONS | ROUTINES FROM PUBLIC (not IN
    // SCHEMA, which cannot take away the built-in default) in the migrations: a routine created later
    // gives PUBLIC no EXECUTE (a GRANT ... TO PUBLIC puts it back).
    void set_routines_public_by_default(bool on) { m_routines_public_by_default = on; }
    [[nodiscard]] bool routines_public_by_default() const { return m_routines_public_by_default; }

    // Every function add_function was given, in order (replaced and dropped ones too), and how
    // many of them were added before the last mark_existing / hand_on: those are the earlier
    // migrations' (analyze/function_uses.hpp reads their bodies for the names they call).
    [[nodiscard]] const std::vector<std::shared_ptr<const FunctionInfo>>& functions_added() const { return m_functions_added; }
    [[nodiscard]] std::size_t functions_existing() const { return m_functions_existing; }
    // Objects that call function `name` without a relation to fire them (an operator, a cast, a
    // policy, a domain's DEFAULT): how each reaches it, at most k_max_object_uses per name.
    void add_object_use(const std::string& name, const std::string& via);
    [[nodiscard]] const std::vector<std::string>* object_uses(const std::string& name) const;
    static constexpr std::size_t k_max_object_uses = 100;

    // Event triggers by name (analyze/event_triggers.hpp keeps them).
    void set_event_trigger(const std::string& name, EventTriggerInfo info) { m_event_triggers[name] = std::move(info); }
    void remove_event_trigger(const std::string& name) { m_event_triggers.erase(name); }
    [[nodiscard]] EventTriggerInfo* event_trigger(const std::string& name) {
        auto it = m_event_triggers.find(name);
        return it == m_event_triggers.end() ? nullptr : &it->second;
    }
    [[nodiscard]] const std::map<std::string, EventTriggerInfo>& event_triggers() const { return m_event_triggers; }

    // Publications by name; and each table's REPLICA IDENTITY as ALTER TABLE last set it
    // (pg_class.relreplident: 'd' default, 'n', 'f', 'i'; a table never given one: 'd').
    void set_publication(const std::string& name, PublicationInfo info) { m_publications[name] = std::move(info); }
    void remove_publication(const std::string& name) { m_publications.erase(name); }
    [[nodiscard]] PublicationInfo* publication(const std::string& name) {
        auto it = m_publications.find(name);
        return it == m_publications.end() ? nullptr : &it->second;
    }
    [[nodiscard]] const std::map<std::string, PublicationInfo>& publications() const { return m_publications; }
    void set_replica_identity(const std::string& relname, char identity) { m_replica_identities[relname] = identity; }
    [[nodiscard]] char replica_identity(const std::string& relname) const {
        auto it = m_replica_identities.find(relname);
        return it == m_replica_identities.end() ? 'd' : it->second;
    }

private:
    bool m_unknown_seen = false;
    bool m_unread_seen = false;
    PersistentMap<std::string, bool> m_named_unknown;  // mark_named_unknown's words, lower case
    // The slot of `relname`, to change: saved first in a trial, copied first when shared.
    RelationInfo& edit(const std::string& relname, std::shared_ptr<const RelationInfo>& slot);
    // The same for a relation the catalog holds.
    RelationInfo& edit(const std::string& relname);
    // In a trial: keeps what `relname` was (absent: null) before its first change.
    void remember(const std::string& relname);
    struct Trial {
        std::map<std::string, std::shared_ptr<const RelationInfo>> relations;  // as they were; null for one added in the trial
        std::map<std::string, bool> domains;
        std::map<std::string, std::vector<std::string>> domain_functions;
        std::map<std::string, std::string> domain_bases;
        std::map<std::string, std::vector<std::string>> type_parts;
        std::set<std::string> types;
        FunctionMap functions;
        FunctionMap dropped_functions;
        bool routines_public_by_default = true;
        std::map<std::string, EventTriggerInfo> event_triggers;
        std::map<std::string, PublicationInfo> publications;
        std::map<std::string, char> replica_identities;
        std::map<std::string, std::string> view_queries;
        std::map<std::string, bool> collations;
        std::map<std::string, std::string> domain_collations;
        TableAcl default_table_privileges;
    };
    std::optional<Trial> m_trial;
    // The relations added, changed, renamed or put back since the last hand_on (with repeats),
    // or all of them (m_touched_all) until the first: what the next hand_on looks at.
    [[nodiscard]] std::vector<std::string> touched_since_hand_on() const;
    std::vector<std::string> m_touched;
    // Not copied with the catalog: it grows with every relation the history made, and each file
    // of a chained run starts from a copy (a copy of it made the run quadratic in its files).
    struct AddedLog {
        AddedLog() = default;
        AddedLog(const AddedLog&) {}
        AddedLog(AddedLog&&) = default;
        AddedLog& operator=(const AddedLog&) {
            names.clear();
            return *this;
        }
        AddedLog& operator=(AddedLog&&) = default;
        std::vector<std::string> names;
    } m_added;
    std::map<std::string, std::uint32_t> m_scopes;
    // Relations put aside by add() for another schema's of the same relname: relname -> (schema as
    // written, "" for none; the relation). Empty in almost every project.
    std::map<std::string, std::vector<std::pair<std::string, std::shared_ptr<const RelationInfo>>>> m_aside;
    std::vector<std::shared_ptr<const FunctionInfo>> m_functions_added;
    std::size_t m_functions_existing = 0;
    std::map<std::string, std::vector<std::string>> m_object_uses;
    bool m_touched_all = true;
    RelationMap m_relations;
    std::map<std::string, std::string> m_owners;  // relname -> role, as owner() says
    std::map<std::string, std::string> m_view_queries;  // relname -> its query's statement, as view_query() says
    std::map<std::string, bool> m_domains;
    std::map<std::string, std::vector<std::string>> m_domain_functions;
    std::map<std::string, std::string> m_domain_bases;  // domain -> the type it is over, as add_domain says
    std::map<std::string, std::vector<std::string>> m_type_parts;  // add_type_parts
    std::map<std::string, bool> m_collations;                 // as collation_deterministic() says
    TableAcl m_default_table_privileges;                      // as default_table_privileges() says
    std::map<std::string, std::string> m_domain_collations;   // as domain_collation() says
    std::set<std::string> m_types;
    FunctionMap m_functions;
    FunctionMap m_dropped_functions;  // as dropped_function() says
    bool m_routines_public_by_default = true;
    std::map<std::string, EventTriggerInfo> m_event_triggers;
    std::map<std::string, PublicationInfo> m_publications;
    std::map<std::string, char> m_replica_identities;
    std::string m_source;
    std::map<std::string, std::string> m_relexed;
    std::map<std::string, std::string> m_lasting_relexed;
};

// Canonical type text of a TypeName node: aliases folded (integer -> int4), pg_catalog
// dropped, type modifiers kept ("varchar(20)"), array bounds as "[]".
[[nodiscard]] std::string canonical_type(const TypeName* type_name);
// The base name of a canonical type without modifiers or array marker ("varchar").
[[nodiscard]] std::string type_base(const std::string& canonical);

}  // namespace pgfence::analyze
