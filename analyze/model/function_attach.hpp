#pragma once
// Functions run indirectly (issue #32). A statement can attach a function to an object without
// calling it: a column DEFAULT, a generated column, a CHECK (or a domain's), an index expression or
// predicate, a trigger, a view's or materialized view's query; or create an object that runs it
// wherever it is used: an operator, a cast, an aggregate, a type, an event trigger, a policy.
// The attachments with a relation are kept in the catalog (RelationInfo::attached), and the
// statements that later write, read or rebuild the relation fire them; CallFollower
// (function_calls.hpp) runs their bodies there, as it runs a direct call's.
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// One function a statement attaches.
struct Attachment {
    std::string relname;       // the relation whose writes or reads run it; "" when none is known
    AttachedFunction function;
    // The attaching statement itself runs it: CREATE INDEX over the table's rows, a validated
    // ALTER DOMAIN ... ADD CHECK, ADD COLUMN of a checked domain, an event trigger (on the DDL
    // that follows). Operators, casts, aggregates, types and policies, whose uses cannot be
    // located, have the body judged apart where they are created (stored_calls.hpp).
    bool runs_now = false;
    std::string domain;        // a domain whose CHECK calls it (CREATE / ALTER DOMAIN)
};

// What `stmt` attaches, read after the lock model has run it (its relation is in `catalog`).
[[nodiscard]] std::vector<Attachment> attachments_of(const pg::Node* stmt, const Catalog& catalog);

// Keeps `attachments` (of `stmt`) in the catalog; DROP TRIGGER and ALTER TRIGGER ... RENAME
// update what a trigger left there.
void record_attachments(const pg::Node* stmt, const std::vector<Attachment>& attachments, Catalog& catalog);

// What ALTER TABLE ... ENABLE / DISABLE TRIGGER name | ALL | USER does (tablecmds.c
// ATExecEnableDisableTrigger; ALL and USER name every trigger the migrations made, none of them
// internal): whether the triggers it names fire after it in the migration's and the application's
// sessions (ENABLE REPLICA fires only when session_replication_role is replica, trigger.c
// TriggerEnabled), and whether it names them all. Nothing for another subcommand.
struct TriggerSwitch {
    bool fires = true;
    bool every = false;
};
[[nodiscard]] std::optional<TriggerSwitch> trigger_switch(const AlterTableCmd* cmd);

// At most this many attachments are kept per relation; past it, each statement that fires the
// relation's functions is unknown (a hostile file stays linear).
inline constexpr std::size_t k_max_attached = 100;

// What a statement fires when it runs: the attached functions of the tables it writes
// (INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE), of the views it reads or writes
// through, of the materialized view it refreshes, of the table a rewriting ALTER TABLE rebuilds.
struct Fired {
    std::vector<AttachedFunction> functions;
    std::vector<std::string> written;     // relnames of the tables it writes (their triggers fire)
    std::vector<std::string> overflowed;  // displays of relations past k_max_attached
};
// The functions named `name` (schema as written, "" for any) that the relations of `catalog`
// run on the application's writes or reads (a trigger, a DEFAULT, a CHECK, a view...), each with
// how: "trigger users_audit on users, which runs it on every INSERT into users". CREATE OR
// REPLACE FUNCTION gives them all its new body from the moment it commits.
[[nodiscard]] std::vector<std::string> standing_uses(const Catalog& catalog, const std::string& name, const std::string& schema);

// The objects made before the migration that call function `name` (schema as written, "" for
// any) to guard or fill a table's rows: a CHECK (a table's or a domain's), a column DEFAULT (a
// table's or a domain's), a generated column, an index expression or predicate, a trigger, a
// row-level security policy. Each as "CHECK \"c\" on t", "policy \"p\" on t"; at most
// k_max_attached of them. A CREATE OR REPLACE of the function changes what each does with no
// statement touching it (replaced-function-in-use).
[[nodiscard]] std::vector<std::string> guarding_uses(const Catalog& catalog, const std::string& name, const std::string& schema);

[[nodiscard]] Fired fired_by(const pg::Node* stmt, const StatementFacts& facts, const Catalog& catalog);

}  // namespace pgfence::analyze
