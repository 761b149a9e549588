#pragma once
// DO blocks: the static SQL inside a PL/pgSQL body is analysed like the statements of the
// file, so the common idempotent patterns (IF NOT EXISTS ... THEN ALTER TABLE ...; or
// EXCEPTION WHEN duplicate_object) get real lock facts. Dynamic SQL stays unknown.
#include "analyze/model/model.hpp"

#include <memory>
#include <string_view>

namespace pgfence::analyze {

// What is done with a body's SQL besides the lock model (function_calls.cpp follows the calls in
// it). Statements and expressions are parsed into arena(), so that their trees outlive the walk.
class BodyHooks {
public:
    virtual ~BodyHooks() = default;
    [[nodiscard]] virtual const std::shared_ptr<void>& arena() const = 0;
    // A statement of the body, modelled into `inner` (its own facts, before they join the body's);
    // `line` is its line in the file when the body is a DO block's, 0 when unknown; `branch`: it is in
    // a branch of an IF or CASE, so it runs only when the condition holds.
    virtual void statement(const pg::Node* stmt, StatementFacts& inner, int line, bool branch) = 0;
    // An expression of the body (a condition, PERFORM, an assignment), parsed as a statement;
    // what it does goes into `body`, the facts of the whole body.
    virtual void expression(const pg::Node* stmt, StatementFacts& body) = 0;
    // A variable (or parameter) of the body declared of type `type` (as the body writes it, last
    // name only): its DECLARE converts its first value, NULL too, to that type.
    virtual void variable(const std::string& type, const std::string& name, StatementFacts& body) {
        (void)type, (void)name, (void)body;
    }
};

// Fills `facts` for a DoStmt; `body_line` is the file line where the body's text starts.
void model_do_block(const DoStmt* stmt, StatementFacts& facts, model::Context& ctx, int body_line,
                    BodyHooks* hooks = nullptr);

// A PL/pgSQL body (a DO block's, a function's) into `facts`: the locks of every statement it
// holds, over every branch; what it hides (dynamic SQL) makes `facts` Unknown. `what` names the
// body in notes ("DO block", "f()"). False when the body does not parse (a note says why).
// `definition`: the whole CREATE FUNCTION statement the body is from, parsed instead of the body
// alone (which is parsed as a DO block's).
bool model_plpgsql_body(std::string_view body, std::string_view what, StatementFacts& facts, model::Context& ctx,
                        int body_line, BodyHooks* hooks, std::string_view definition = {});

// Adds an inner statement's facts to those of the statement that runs it: the strongest mode per
// relation, rewrites, scans, notes.
// `index`, when given, is kept with `into`'s locks for the next merge (model::LockIndex).
void merge_facts(StatementFacts& into, const StatementFacts& inner, bool conditional = false,
                 model::LockIndex* index = nullptr);

// Whether a PL/pgSQL trigger function's body returns NULL whatever its rows: its first top-level
// RETURN is RETURN NULL and nothing before it returns (rules/create-trigger.cpp).
[[nodiscard]] bool trigger_returns_null_always(std::string_view body);

}  // namespace pgfence::analyze
