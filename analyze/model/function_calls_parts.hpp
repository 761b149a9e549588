// Internal to analyze/model/function_calls.cpp, analyze/model/function_calls_follow.cpp, analyze/model/function_calls_attached.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "analyze/model/function_calls.hpp"

#include "analyze/model/event_triggers.hpp"
#include "analyze/model/rule_actions.hpp"

#include <algorithm>
#include <optional>
#include <cctype>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "analyze/model/function_attach.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/model/volatile_builtins.hpp"

namespace pgfence::analyze {

// The hooks a PL/pgSQL body is walked with: the calls in its statements and expressions are
// followed; its statements are kept for the rules, those of a function as run by its call, those of
// a DO block at their own line.
class BodyWalk : public BodyHooks {
public:
    explicit BodyWalk(CallFollower& follower) : m_follower(follower) {}
    const std::shared_ptr<void>& arena() const override { return m_follower.m_arena; }
    void statement(const pg::Node* stmt, StatementFacts& inner, int line, bool branch) override {
        ++m_follower.m_body_statements;
        // DDL of the body into the catalog as at top level (analyzer.cpp: model, record_function,
        // follow), so that a CREATE OR REPLACE FUNCTION in a DO block, through EXECUTE or in a
        // called function is judged as the same statement alone (replaced-function-in-use,
        // stored-call-writes, the function_uses callers).
        if (!inner.sql.empty()) record_function(stmt, inner.sql, m_follower.m_ctx->catalog);
        m_follower.follow(stmt, inner, *m_follower.m_ctx);
        if (m_follower.m_out == nullptr) return;
        if (m_follower.m_stack.empty()) {
            m_follower.m_out->push_back(rules::CalledStatement{inner.index, "DO block", inner, stmt, line, false, branch});
        } else {
            m_follower.m_out->push_back(rules::CalledStatement{inner.index, m_follower.m_stack.back().chain, inner, stmt});
        }
    }
    void expression(const pg::Node* stmt, StatementFacts& body) override { m_follower.follow_calls(stmt, body); }
    void variable(const std::string& type, const std::string& name, StatementFacts& body) override {
        m_follower.follow_domain_checks(type, body, "variable " + name);
    }

private:
    CallFollower& m_follower;
};

namespace function_calls_detail {

using calls::facts_inside;
using calls::matching;
void absorb(StatementFacts& facts, const StatementFacts& inner, bool conditional);
bool runs_sql_text(std::string_view name);
std::string signature_of(const List* parameters);
std::string signature_of_types(const List* types);
std::string schema_of(const List* names);
void language_and_body(const CreateFunctionStmt* stmt, std::string& language, std::string& body);
std::string as_plain_function(std::string_view body);
bool returns_trigger(const CreateFunctionStmt* create);
bool is_rule_actions(const FunctionInfo& f);
std::string display(const FunctionInfo& f);
void add_note_once(StatementFacts& facts, std::string note);
bool only_reads(const StatementFacts& facts, const std::vector<rules::CalledStatement>* out, std::size_t from);
std::vector<FunctionInfo> named_overloads(const ObjectWithArgs* o, const Catalog& catalog);

std::string inlining(const CreateFunctionStmt* create, const std::string& language, const std::string& body,
                     const Catalog& catalog);

bool replaces_existing_body(const CreateFunctionStmt* create, FunctionInfo& info, const std::string& body, const Catalog& catalog);
unsigned write_events(const pg::Node* stmt);
}  // namespace function_calls_detail
using namespace function_calls_detail;

}  // namespace pgfence::analyze
