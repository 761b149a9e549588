#pragma once
// The lock model: what PostgreSQL does for each kind of statement. One file per family;
// `model_statement` dispatches on the parse node. Facts come from PostgreSQL's source and
// documentation and are proven by tests/conformance against a real server.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/known_schema.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::model {

struct Context {
    int pg_version = 15;
    Catalog& catalog;
    // What the database has before the migration (see known_schema.hpp), or none.
    const KnownSchema* known_schema = nullptr;
    // The relations (column "") and columns this migration has changed so far: renamed (either
    // name), dropped, added, retyped or made nullable. What the known schema says of them no
    // longer holds.
    std::set<std::pair<std::string, std::string>> reshaped;
    // The schemas of the search_path the migration SET, in order (empty: the database's own):
    // where the known schema is asked for a relation the SQL names without a schema.
    std::vector<std::string> search_path;
    // Existing tables proven empty in the transaction now open, whose ACCESS EXCLUSIVE lock it
    // still holds, by relname: how that was proven ("the ALTER TABLE at line 3 (ADD COLUMN ...)").
    // add_lock marks their locks LockFact::empty; the analyzer keeps the map (empty_tables.hpp).
    std::map<std::string, std::string> empty_tables;
    // What the statement being modelled proves empty (relname, how), kept by the analyzer only
    // while a transaction is open after it.
    std::vector<std::pair<std::string, std::string>> proven_empty;
    // The relations (as LockFact::relation writes them) the open transaction holds ACCESS
    // EXCLUSIVE on, and the tables a DELETE without WHERE emptied while it did not: another
    // session may have added rows between that DELETE and the next lock, relname -> its line.
    std::set<std::string> exclusive_held;
    std::map<std::string, int> deleted_all;

    void reshape(const std::string& relname, const std::string& column = {}) { reshaped.insert({relname, column}); }
    [[nodiscard]] bool is_reshaped(const std::string& relname, const std::string& column = {}) const {
        return reshaped.count({relname, {}}) > 0 || (!column.empty() && reshaped.count({relname, column}) > 0);
    }
};

// Fills facts.locks/rewrites/scans/tag/... for one parsed statement; sets status Unknown
// when the model has no entry for it. `stmt` is the statement as PostgreSQL's parser built it
// (pg_tree.hpp).
void model_statement(const pg::Node* stmt, StatementFacts& facts, Context& ctx);
// A data-modifying statement wrapped in COPY (...) TO or CREATE TABLE AS, and a write into a
// system catalog: the statement becomes unknown (hidden_writes.cpp).
void note_hidden_writes(const pg::Node* stmt, StatementFacts& facts, Context& ctx);
// A CREATE TABLE / INDEX / [MATERIALIZED] VIEW the parser rejected still creates its relation
// when it runs on the server (a newer grammar, an extension's syntax): its name, read from the
// text with the tokenizer, goes into the catalog as new.
void register_unparsed_create(std::string_view sql, StatementFacts& facts, Context& ctx);
// Any statement (also CREATE SCHEMA's elements); false when the model does not know it.
bool model_node(const pg::Node* stmt, StatementFacts& facts, Context& ctx);
// One element of CREATE SCHEMA `schema`: a relation it names without a schema is created in
// `schema` (null: none given, as in CREATE SCHEMA AUTHORIZATION role).
bool model_schema_element(const pg::Node* element, const char* schema, StatementFacts& facts, Context& ctx);

// Family handlers; each returns false when it does not know the statement.
bool model_alter_table(const AlterTableStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_rename(const RenameStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_create_table(const CreateStmt* stmt, StatementFacts& facts, Context& ctx, bool foreign = false);
bool model_create_table_as(const CreateTableAsStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_view(const ViewStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_index(const IndexStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_reindex(const ReindexStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_drop(const DropStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_truncate(const TruncateStmt* stmt, StatementFacts& facts, Context& ctx);
// SELECT, INSERT, UPDATE, DELETE, MERGE, COPY, LOCK.
bool model_dml(const pg::Node* stmt, StatementFacts& facts, Context& ctx);
bool model_misc(const pg::Node* stmt, StatementFacts& facts, Context& ctx);

// ---- what CREATE TABLE and ALTER TABLE teach the catalog (create.cpp) ----

bool is_serial_type(const ColumnDef* column_def);
// A column: its type, NOT NULL, owned sequence (serial, identity), nextval() defaults, constraints.
void record_column(Context& ctx, const std::string& table, const ColumnDef* column_def);
// A constraint of `table` (`column` for column constraints): foreign keys, and the indexes
// PRIMARY KEY, UNIQUE and EXCLUDE create, under the names PostgreSQL gives them.
// Returns the name of the index it registers for a UNIQUE, PRIMARY KEY or EXCLUDE constraint
// (for one without a name, as PostgreSQL chooses it: a number after the label while the name is
// taken), else "". `usual_name_taken`, when given, is set to the usual name when it was taken.
std::string record_constraint(Context& ctx, const std::string& table, const std::string& column, const Constraint* constraint,
                              std::string* usual_name_taken = nullptr);

// ---- foreign keys and their indexes (foreign_keys.cpp) ----

// The foreign keys a CREATE TABLE or ALTER TABLE statement's table has before it runs.
struct ForeignKeyWatch {
    std::string table;  // relname; "" for other statements
    std::set<std::string> before;
};
ForeignKeyWatch watch_foreign_keys(const pg::Node* stmt, const Context& ctx);
// The foreign keys the statement added whose columns lead no index the catalog knows, into
// facts.unindexed_foreign_keys; nothing when the catalog does not know the table.
void check_foreign_key_indexes(const ForeignKeyWatch& watch, StatementFacts& facts, const Context& ctx);
// A partition joining or leaving partitioned table `parent` (PARTITION OF, ATTACH, DETACH)
// takes part in the foreign keys of the parent and in those pointing at it: the tables on
// their other side are locked as PostgreSQL does when it clones or detaches their triggers.
void partition_foreign_keys(const std::string& parent, bool joining, const std::string& what, StatementFacts& facts,
                            Context& ctx);

// ---- shared helpers (model.cpp) ----

// How a statement names a relation, for telling whether it is the one a CREATE made: "s:" and
// the schema as written, or for a name without one "p:" and the search_path the migration SET
// ("": the database's own, not known). PostgreSQL resolves an unqualified name through the
// search_path in force, so a name written otherwise may be another relation of the same relname.
// With no search_path SET (the default "$user", public) or one whose first schema is public, an
// unqualified name is "s:public" like `public.name` (a temporary relation's is not: pg_temp).
[[nodiscard]] std::string name_scope(const Context& ctx, const std::string& relname, const std::string& display,
                                     bool temporary = false);
// Whether `display` (of `relname`) names the relation the migration created: `info` is new and was
// created under the same name_scope. Otherwise it may be an existing relation (PostgreSQL would
// find another schema's first), which is the one judged.
[[nodiscard]] bool names_new(const Context& ctx, const RelationInfo* info, const std::string& relname, const std::string& display);
// `info`, just added, as the migration's own new relation, named as info.display names it.
void mark_new(Context& ctx, RelationInfo& info, bool temporary = false);
// Adds or strengthens the lock on `relation`; is_new comes from the catalog (names_new).
LockFact& add_lock(StatementFacts& facts, Context& ctx, const std::string& relname,
                   const std::string& display, LockMode mode, const std::string& kind,
                   const std::string& reason);
// A lock taken only when the statement writes rows (a foreign key's check or action), kept
// apart from what the statement takes whatever the data (LockFact::conditional).
LockFact& add_conditional_lock(StatementFacts& facts, Context& ctx, const std::string& relname,
                               const std::string& display, LockMode mode, const std::string& reason);
// The locks from index `from` on are taken only if the object exists (IF EXISTS) or a block
// that catches errors keeps them.
void make_conditional(StatementFacts& facts, std::size_t from);
// Makes the locks a statement adds from now on conditional when `on` (IF EXISTS of a relation
// the history does not show), as it goes out of scope.
struct ConditionalFrom {
    StatementFacts& facts;
    std::size_t from;
    bool on;
    ~ConditionalFrom() {
        if (on) make_conditional(facts, from);
    }
};
// `l` (from a body, a branch, a trigger) into `into`: the stronger mode and its reason; with
// `conditional`, what it takes counts as taken only when that part runs.
void merge_lock(StatementFacts& into, const LockFact& l, bool conditional);
// merge_lock for many merges into one statement's facts (a DO block's, from each of its
// statements): where each relation's lock is in the list, so that each merge costs the same
// however many locks the list holds. It follows the locks appended to the list by other means
// between merges; the list gives it, and the result is merge_lock's.
class LockIndex {
public:
    void merge(StatementFacts& into, const LockFact& l, bool conditional);

private:
    std::unordered_map<std::string, std::size_t> m_at;  // relation -> its first lock in the list
    std::size_t m_seen = 0;                              // the list's locks indexed so far
};
// The same, from a RangeVar.
LockFact& lock_range_var(StatementFacts& facts, Context& ctx, const RangeVar* range_var, LockMode mode,
                         const std::string& reason, const std::string& kind = "");
// Takes `mode` on every known partition/child of relname too (PostgreSQL locks them all).
void lock_descendants(StatementFacts& facts, Context& ctx, const std::string& relname, LockMode mode,
                      const std::string& reason);
void add_rewrite(StatementFacts& facts, const std::string& relation, const std::string& reason, bool certain = true);
void add_scan(StatementFacts& facts, const std::string& relation, const std::string& reason, bool certain = true,
              bool filtered = false);

// How far PostgreSQL takes a query a statement contains.
enum class QueryUse {
    Parse,    // parse analysis only (CREATE VIEW, rules, policies): the relations it names
    Rewrite,  // parsed and rewritten (SQL function bodies): views opened down to their tables
    Execute,  // planned and run: views opened, and every partition or inheritance child too
};

// Locks what a statement tree opens: targets of INSERT/UPDATE/DELETE/MERGE (also inside
// WITH) ROW EXCLUSIVE, rows of FOR UPDATE/SHARE ROW SHARE, all else read ACCESS SHARE; when
// executed, also the foreign key checks and actions the writes run. CTE names are skipped.
// `node` is a statement, a list of them, or an expression.
void lock_query(StatementFacts& facts, Context& ctx, const pg::Node* node, QueryUse use, const std::string& reason);

// One relation a query opens in `mode`, with what opening it entails for `use` (views
// down to their tables; when executed, partitions and children).
void lock_relation(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                   LockMode mode, QueryUse use, const std::string& reason);

// The table INSERT, UPDATE, DELETE or MERGE writes; nullptr for other nodes.
const RangeVar* target_relation(const pg::Node* stmt);

// A RangeVar's inh flag: false for ONLY.
bool range_var_inh(const RangeVar* range_var);
// A note on a lock the model cannot name because what decides it predates the migration:
// `what`, and the context that would make the lock list exact (`snapshot_knows`: any stats
// snapshot holds it, as it holds index owners; else only one taken with --schema).
std::string needs_context(const std::string& what, bool snapshot_knows = false);
// " (from SOURCE)" for a fact the schema context gave (RelationInfo::source: a --history or
// --schema file, the stats snapshot); "" for one from the migration itself.
std::string from_source(const std::string& source);
// add_lock for a lock decided by a fact from `source`: the reason says where it came from and
// LockFact::source names it.
LockFact& add_context_lock(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                           LockMode mode, const std::string& reason, const std::string& source);
// The catalog's display name for relname, or relname quoted.
std::string display_of(Context& ctx, const std::string& relname);
// A column as it was before the migration, from the known schema (a stats snapshot), when
// this migration has not created its table or changed it or the column.
std::optional<CurrentColumn> outside_column(const Context& ctx, const std::string& relname, const std::string& display,
                                           const std::string& column);
// The table of an index the catalog does not know, from the known schema (a stats snapshot),
// when this migration has not dropped or renamed the index; nullopt for the index of a
// partitioned table (its partitions' indexes are not known by name).
std::optional<IndexOwner> outside_index_owner(const Context& ctx, const std::string& index, const std::string& display);
// A rewrite of relname and of every partition/child below it (each has its own storage).
void add_rewrite_tree(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                      const std::string& reason, bool certain = true);

// The RangeVar nodes a query reads, minus references to its CTEs.
std::vector<const RangeVar*> query_range_vars(const pg::Node* query);
// Does a scan of `table` under `where` read every row whatever the WHERE keeps: the catalog knows
// each of the table's indexes and none can select rows by it (no condition on an indexed
// column's leading key, a ctid, or an expression an index may hold)? `sole`: the query reads no
// other table, so unqualified columns are the table's. False when it cannot tell.
bool reads_whole_table(const pg::Node* where, const RangeVar* table, bool sole, const Context& ctx);
// The one table a query reads every row of: a plain SELECT from one table (not a view or a
// CTE) with no WHERE, LIMIT or set operation; nullptr for any other query.
const RangeVar* whole_table_read(const pg::Node* query, Context& ctx);

// CTE scoping. A WITH clause's names hide unqualified tables of the same name inside the
// statement that has the clause (and its sub-queries), nowhere else. `stmt` is a SELECT,
// INSERT, UPDATE, DELETE or MERGE; its names are appended to `scope`.
void push_cte_names(const pg::Node* stmt, std::vector<std::string>& scope);
bool names_cte(const RangeVar* range_var, const std::vector<std::string>& scope);

// An index or sequence that `table`'s column or constraint creates, named `name` in the
// table's schema; new when the table is. `index` describes an index, when known.
void register_relation(Context& ctx, const std::string& table, const std::string& name, const std::string& kind,
                       std::optional<IndexDef> index = std::nullopt);
// What CREATE INDEX's elements, INCLUDE list and WHERE clause cover.
IndexDef index_def(const List* elements, const List* including, const pg::Node* where, const char* method);
// Every column name a raw expression refers to (the last field of each ColumnRef).
void referenced_columns(const pg::Node* expr, std::set<std::string>& out);

// Relation kind known to the catalog, or `fallback`.
std::string relation_kind(Context& ctx, const std::string& relname, const std::string& fallback);

// Volatility of a default or generated expression: true when it must be evaluated per row.
// `why` names the function that decides it.
// A function the migrations created (in `catalog`) and declared STABLE or IMMUTABLE is not.
// A relation only its session sees: TEMP, or made in pg_temp (CREATE TABLE pg_temp.x).
bool is_temporary(const RangeVar* rv);
bool expression_is_volatile(const pg::Node* expr, std::string& why, const Catalog* catalog = nullptr);
// A function's volatility as pg_proc has it, for the functions defaults commonly call.
enum class Volatility { NotVolatile, Volatile, Unknown };
Volatility function_volatility(const std::string& name);
// The volatility of an expression as expression_is_volatile decides it; `why` names the
// function that decides it.
Volatility expression_volatility(const pg::Node* expr, const Catalog* catalog);
Volatility expression_volatility(const pg::Node* expr, const Catalog* catalog, std::string& why);

}  // namespace pgfence::analyze::model
