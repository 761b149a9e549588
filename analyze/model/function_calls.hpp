#pragma once
// Calls of functions and procedures. A function the migrations create (this file, the files
// before it in its set, the replayed history) runs its body where it is called: the body's
// statements (SQL parsed with PostgreSQL's parser; PL/pgSQL through plpgsql.hpp) are modelled at
// the call, their locks join the calling statement's, and the rules check them there
// (rules::CalledStatement). A function PostgreSQL ships (known_functions.txt: pg_catalog and the
// contrib extensions) runs none of the migration's SQL, except the few that run SQL given as text
// (dblink_exec, query_to_xml, ...). Any other call, of a function whose body is not shown or is
// in another language, makes the statement unknown: never read as safe.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/function_attach.hpp"
#include "analyze/model/function_uses.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/model/stored_calls.hpp"

namespace pgfence::analyze {

// CREATE FUNCTION / PROCEDURE (with `sql`, the statement's text, kept to be parsed again where
// it is called), DROP FUNCTION / PROCEDURE / ROUTINE and ALTER FUNCTION ... RENAME, into the
// catalog. Other statements: nothing.
void record_function(const pg::Node* stmt, std::string_view sql, Catalog& catalog);

// Whether PostgreSQL 15 ships a function of this name (known_functions.txt).
[[nodiscard]] bool is_known_function(std::string_view name);

// Follows the calls of one file's statements. Parse trees of bodies go into `arena` (the file's);
// each body statement reached is added to `out` (null: not kept, as when replaying history).
class CallFollower {
public:
    CallFollower(std::shared_ptr<void> arena, std::vector<rules::CalledStatement>* out);
    ~CallFollower();

    // The calls `stmt` (a top-level statement, already modelled into `facts`) makes when it
    // runs: each known body is analysed into `facts`; an unknown one makes `facts` Unknown.
    // Expressions that are only stored (a column DEFAULT, a view, a function's own body) are
    // not calls.
    void follow(const pg::Node* stmt, StatementFacts& facts, model::Context& ctx);
    // Hooks for a DO block's body: the calls in its statements and expressions are followed.
    [[nodiscard]] BodyHooks& do_block_hooks(model::Context& ctx);
    // The catalog as the file began (null: not known): an object made again under a name that
    // existed then is one the application uses (stored_calls.hpp).
    void set_start(const Catalog* start) { m_start = start; }

    // Depth of nested calls followed; a deeper call is not followed (the statement is Unknown).
    static constexpr int k_max_depth = 16;
    // Body statements analysed per file, over all calls: a file calling a large function many
    // times, or functions that call each other many times, stays linear. Past it, calls are
    // not followed (Unknown).
    static constexpr std::size_t k_max_body_statements = 100000;

private:
    friend class BodyWalk;
    struct Frame {
        const FunctionInfo* function;
        std::string chain;  // "f() -> g()"
    };
    // The calls in `node` (a statement or expression), followed into `facts`.
    void follow_calls(const pg::Node* node, StatementFacts& facts);
    void follow_call(const FuncCall* call, StatementFacts& facts, bool per_row);
    // The CHECK functions of `type` when it is a domain (and of the domains under it), run as the
    // statement converts a value to it; `where` says what value ("a value cast to it"). Defined
    // in domain_checks.cpp.
    void follow_domain_checks(const TypeName* type, StatementFacts& facts, const std::string& where);
    void follow_domain_checks(const std::string& domain, StatementFacts& facts, const std::string& where);
    // The functions `stmt` attaches (kept in the catalog; run now when it runs them) and those
    // it fires (function_attach.hpp), followed into `facts`.
    void follow_attached(const pg::Node* stmt, StatementFacts& facts);
    // The calls `stmt` stores into an object the application uses (stored_calls.hpp): each
    // function's body analysed apart, and a note for the stored-call-writes rule when it writes.
    // Defined in stored_calls.cpp.
    void follow_stored(const pg::Node* stmt, StatementFacts& facts);
    void follow_stored_functions(const pg::Node* stmt, const StoredTarget& target, StatementFacts& facts);
    // The built-ins with side effects `stmt` stores for `target` (stored_builtins.hpp), directly or
    // through the migrations' functions: a note for the stored-builtin-side-effect rule each.
    // Defined in stored_builtins.cpp, as builtin_effect_of.
    void note_stored_builtins(const pg::Node* stmt, const StoredTarget& target, StatementFacts& facts);
    // "f() calls pg_sleep(), which ..." when `function`'s definition, or a function of the
    // migrations it calls, calls such a built-in; "" else. Each function read once (m_builtin_effects).
    // `trigger`: for a trigger's function, where pg_notify() is what LISTEN/NOTIFY triggers are for.
    std::string builtin_effect_of(const std::shared_ptr<const FunctionInfo>& function, bool trigger = false);
    // After `function`'s body ran (its statements in m_out from `first` on), from run_indirect: a
    // call of such a built-in that its definition's text does not show (SQL an EXECUTE folds to
    // constant text, a trigger it fires) becomes what builtin_effect_of says of it.
    void note_body_builtins(const std::shared_ptr<const FunctionInfo>& function, std::size_t first);
    // follow_calls, follow_attached and follow_stored of one statement, with the functions it runs now.
    void follow_statement(const pg::Node* stmt, StatementFacts& facts);
    // A function run indirectly, `via` a trigger, default, view...: its body is analysed apart
    // and adds to `facts` only when it does more than read (a body that only reads is
    // remembered, and not analysed again).
    void run_indirect(const std::shared_ptr<const FunctionInfo>& function, StatementFacts& facts, const std::string& via);
    void run_body(const FunctionInfo& function, StatementFacts& facts, const std::string& via = {});
    void run_statement(const pg::Node* stmt, std::string_view sql, StatementFacts& facts);
    // PostgreSQL's own set_config() kept in an expression (`name`: attached_settings.hpp), run `via`
    // a DEFAULT, CHECK, view...: the timeout it sets, as a body's (body_settings.hpp), or unknown.
    void run_attached_setting(const std::string& name, const std::string& via, StatementFacts& facts);
    void unknown(StatementFacts& facts, const std::string& why);

    model::Context* m_ctx = nullptr;
    std::shared_ptr<void> m_arena;
    std::vector<rules::CalledStatement>* m_out;
    std::vector<Frame> m_stack;       // the functions being run, outermost first
    std::size_t m_body_statements = 0;
    std::size_t m_replaced = 0;  // CREATE OR REPLACE FUNCTIONs whose standing uses were looked up (follow_replaced)
    // Functions whose body, run indirectly, only reads: not run again (held, so no other takes their address).
    // Bodies run indirectly that only read, each with the locks its reads take (added, as
    // conditional, to every statement that runs it: a trigger's SELECT locks what it reads).
    struct OnlyReads {
        std::shared_ptr<const FunctionInfo> function;
        StatementFacts reads;
    };
    std::map<const FunctionInfo*, OnlyReads> m_only_reads;
    // Triggers and rules attached in this file to tables the catalog does not know (made before
    // the migrations pgfence read): the catalog cannot keep them, this file's writes still fire them.
    std::map<std::string, std::vector<AttachedFunction>> m_outside;
    void keep_outside(const pg::Node* stmt, const std::vector<Attachment>& attached);
    std::unique_ptr<BodyHooks> m_do_hooks;
    FunctionUses m_uses;  // what existing objects call, for CREATE / ALTER FUNCTION (function_uses.hpp)
    const Catalog* m_start = nullptr;
    std::map<std::pair<const FunctionInfo*, bool>, std::pair<std::shared_ptr<const FunctionInfo>, std::string>> m_builtin_effects;
    std::vector<Attachment> m_attached;  // what the statement being followed attaches (follow_attached)
    // The functions the statement being followed runs itself (a call, an attachment it runs now),
    // and the depth of calls it stands at.
    std::vector<const FunctionInfo*> m_ran_here;
    std::size_t m_ran_depth = static_cast<std::size_t>(-1);
};

}  // namespace pgfence::analyze
