// CallFollower: triggers and rules attached to the tables a statement writes, and running a function's body (split from function_calls.cpp).
#include "analyze/model/function_calls_parts.hpp"
#include "analyze/model/attached_settings.hpp"
#include "analyze/model/body_settings.hpp"
#include "analyze/model/query_column_types.hpp"
#include <utility>

namespace pgfence::analyze {

void CallFollower::follow_attached(const pg::Node* stmt, StatementFacts& facts) {
    if (stmt == nullptr) return;
    // What it fires first: a CHECK this ALTER TABLE adds is run by follow_calls already.
    Fired fired = fired_by(stmt, facts, m_ctx->catalog);
    // The event triggers of the catalog a DDL statement fires (event_triggers.hpp), with their
    // functions' bodies as they are now; taken before a CREATE or DROP EVENT TRIGGER is recorded.
    // Past k_max_attached event triggers, a DDL statement is unknown (a hostile file stays linear).
    const bool too_many_events = m_ctx->catalog.event_triggers().size() > k_max_attached && fires_event_triggers(stmt);
    const std::vector<FiredEventTrigger> events =
        too_many_events ? std::vector<FiredEventTrigger>{} : event_triggers_fired(stmt, facts.tag, m_ctx->catalog);
    if (too_many_events) {
        unknown(facts, "fires the database's event triggers, more than " + std::to_string(k_max_attached) + ": not followed");
    }
    std::vector<Attachment> attached = attachments_of(stmt, m_ctx->catalog);
    if (auto why = model::unknown_query_column_domain(stmt, m_ctx->catalog)) unknown(facts, *why);
    m_attached = attached;
    record_attachments(stmt, attached, m_ctx->catalog);
    keep_outside(stmt, attached);
    for (const std::string& relname : fired.written) {
        auto outside = m_outside.find(relname);
        if (outside == m_outside.end() || std::as_const(m_ctx->catalog).find(relname) != nullptr) continue;
        const unsigned events = write_events(stmt);
        for (const AttachedFunction& f : outside->second) {
            if ((f.events & events) != 0) fired.functions.push_back(f);
        }
    }
    // What a body reads may now run something else (a view replaced, a function created): bodies
    // that only read are read again.
    if (pg::is<CreateFunctionStmt>(stmt) || pg::is<ViewStmt>(stmt) || pg::is<RenameStmt>(stmt) || pg::is<DropStmt>(stmt)) {
        m_only_reads.clear();
    }
    // Past the budget of body statements, one note says so (not one per function).
    auto budget_left = [&] {
        if (m_body_statements < k_max_body_statements) return true;
        unknown(facts, "runs functions attached to what it writes or reads after " + std::to_string(k_max_body_statements) +
                           " function-body statements in this file: not followed");
        return false;
    };
    std::set<const FunctionInfo*> ran;  // each body once per statement
    // set_config() kept in an expression (attached_settings.hpp): each once per statement, and
    // none where PostgreSQL restores the settings after it.
    std::set<std::string> settings_ran;
    const bool restores = restores_settings(stmt);
    auto setting = [&](const AttachedFunction& f, bool runs) {
        if (!is_attached_setting(f.name)) return false;
        if (runs && !restores && settings_ran.insert(f.name + '\n' + f.via).second) run_attached_setting(f.name, f.via, facts);
        return true;
    };
    for (const Attachment& a : attached) {
        const AttachedFunction& f = a.function;
        if (setting(f, a.runs_now)) continue;
        std::string shown = (f.schema.empty() ? "" : f.schema + ".") + f.name + "()";
        auto functions = matching(m_ctx->catalog, f.name, f.schema);
        if (functions.empty()) {
            if (f.schema == "pg_catalog" || (is_known_function(f.name) && !runs_sql_text(f.name))) continue;
            unknown(facts, "attaches " + shown + " (" + f.via + "), a function not created in these migrations or their history, "
                           "so the body it runs is not known");
            continue;
        }
        if (!a.runs_now) continue;
        for (const auto& function : functions) {
            if (!ran.insert(function.get()).second) continue;
            if (!budget_left()) return;
            run_indirect(function, facts, f.via);
        }
    }
    // CREATE [OR REPLACE] FUNCTION of a name existing objects call (function_uses.hpp): the
    // triggers, defaults, views, operators, casts, policies and earlier functions that call it may
    // run the new body from the moment it commits, without the migration touching them (a new
    // overload of a closer argument type, or one in a schema earlier on the path, wins PostgreSQL's
    // resolution). The body is analysed apart (its locks are not this statement's) and its
    // statements are judged here, each with how it is reached. Linear: a file's first 1,000
    // such statements are looked up, past them each is unknown.
    if (const CreateFunctionStmt* create = pg::as<CreateFunctionStmt>(stmt); create != nullptr && pg::length(create->funcname) > 0) {
        const std::string name(pg::last_name(create->funcname));
        const std::string schema = pg::length(create->funcname) > 1 ? std::string(pg::text(pg::nth(create->funcname, pg::length(create->funcname) - 2))) : std::string();
        if (++m_replaced > 1000) {
            unknown(facts, "creates " + name + "(), past 1000 created functions in this file: the triggers and defaults that run it are not looked up");
        } else {
            const std::vector<std::string> uses = m_uses.of(m_ctx->catalog, name, schema);
            // A name PostgreSQL ships: which of the two an existing call runs depends on its
            // argument types and search_path, which pgfence does not resolve.
            if (!uses.empty() && schema != "pg_catalog" && is_known_function(name)) {
                unknown(facts, "creates " + (schema.empty() ? "" : schema + ".") + name + "(), a name PostgreSQL ships, called by the " + uses.front() +
                                   ": PostgreSQL may run this function there instead of its own (a closer match for the argument types, "
                                   "or a schema earlier on the search_path), which pgfence does not decide");
            }
            // The function this statement made (record_function added it last), else every overload.
            const auto& added = m_ctx->catalog.functions_added();
            std::vector<std::shared_ptr<const FunctionInfo>> made;
            if (!added.empty() && added.back()->name == name) made.push_back(added.back());
            else made = matching(m_ctx->catalog, name, schema);
            // Another body for a function that CHECKs, defaults, indexes, triggers or policies
            // made before the migration call: they run it from the moment it commits.
            if (!added.empty() && added.back()->name == name && added.back()->replaced_existing) {
                std::vector<std::string> guards = guarding_uses(m_ctx->catalog, name, schema);
                // Triggers last, BEFORE ROW ones before the others: the note names a trigger first only
                // when triggers are all that call it, and a plain "trigger" first only when none of them
                // is BEFORE ROW (replaced-function-in-use weighs the new body by that).
                const auto rank = [](const std::string& via) { return via.starts_with("trigger ") ? 2 : via.starts_with("BEFORE ROW trigger ") ? 1 : 0; };
                std::stable_sort(guards.begin(), guards.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
                if (!guards.empty()) {
                    facts.notes.push_back(replaced_function_note(
                        display(*added.back()), guards.front() + (guards.size() > 1 ? " (and " + std::to_string(guards.size() - 1) + " more)" : "")));
                }
            }
            for (const std::string& via : uses) {
                for (const auto& function : made) {
                    if (!budget_left()) return;
                    StatementFacts apart = facts_inside(facts);
                    m_only_reads.erase(function.get());
                    const std::size_t first = m_out != nullptr ? m_out->size() : 0;
                    run_indirect(function, apart, via);
                    // Its statements run at the callers, in the application's transactions,
                    // not in the migration's (rules::CalledStatement::apart).
                    std::size_t writes = 0;
                    std::string first_write;
                    if (m_out != nullptr) {
                        for (std::size_t k = first; k < m_out->size(); ++k) {
                            (*m_out)[k].apart = true;
                            if (!writes_or_ddl((*m_out)[k].stmt) || writes++ > 0) continue;
                            first_write = (*m_out)[k].facts.sql.empty() ? std::string(pg::kind_name((*m_out)[k].stmt)) : (*m_out)[k].facts.sql;
                        }
                    }
                    if (apart.status == StatementStatus::Unknown) unknown(facts, "the new body of " + name + "() runs where the " + via + ", and pgfence cannot read all of it");
                    // A body that writes, behind a view, DEFAULT, CHECK, policy... (not a trigger,
                    // whose function is meant to run on writes): the stored-call-writes rule.
                    // A function that calls it is judged where that function runs (as a
                    // trigger's, usually): one note per statement.
                    if (writes > 0 && !via.starts_with("trigger ") && !via.starts_with("function ") &&
                        std::none_of(facts.notes.begin(), facts.notes.end(), [](const std::string& n) { return n.starts_with(k_stored_write_note); })) {
                        facts.notes.push_back(std::string(k_stored_write_note) + "the new body of " + display(*function) +
                                              " writes or runs DDL (`" + first_write.substr(0, 120) + (first_write.size() > 120 ? "..." : "") + "`" +
                                              (writes > 1 ? " and " + std::to_string(writes - 1) + " more" : std::string()) + ") and runs where the " +
                                              via + ", in the application's transactions and with its locks");
                    }
                }
            }
        }
    }
    if (std::string change; const ObjectWithArgs* altered = altered_function(stmt, change)) {
        const std::string name(pg::last_name(altered->objname));
        const std::string schema = pg::length(altered->objname) > 1 ? std::string(pg::text(pg::nth(altered->objname, pg::length(altered->objname) - 2))) : std::string();
        std::vector<std::string> uses = ++m_replaced > 1000 ? std::vector<std::string>{"objects not looked up (past 1000 in this file)"}
                                                            : m_uses.of(m_ctx->catalog, name, schema);
        // A trigger calls its function by OID (pg_trigger.tgfoid; CREATE TRIGGER resolves the name
        // once, commands/trigger.c CreateTriggerFiringOn): a new name changes nothing it runs
        // (lemmy's split_user_table_2, stranger review 85 class H). A caller by name still breaks.
        if (change == "RENAME") {
            std::erase_if(uses, [](const std::string& via) { return via.starts_with("trigger ") || via.starts_with("BEFORE ROW trigger "); });
        }
        // A new owner changes what a SECURITY DEFINER body may do, and nothing of an invoker's
        // function (its body, what its names resolve to and the rights it runs with stay).
        bool matters = true;
        if (change == "OWNER TO") {
            const auto functions = matching(m_ctx->catalog, name, schema);
            matters = functions.empty() ||
                      std::any_of(functions.begin(), functions.end(), [](const auto& f) { return f->security_definer; });
        }
        if (!uses.empty() && matters) {
            unknown(facts, change + " of " + name + "() changes what runs where the " + uses.front() +
                               (uses.size() > 1 ? " (and " + std::to_string(uses.size() - 1) + " more)" : "") +
                               ": the functions its body then resolves, the rights it runs with, or whether it is found at all; not judged");
        }
    }
    for (const FiredEventTrigger& e : events) {
        auto functions = matching(m_ctx->catalog, e.function, e.schema);
        if (functions.empty() && !(e.schema == "pg_catalog" || (is_known_function(e.function) && !runs_sql_text(e.function)))) {
            unknown(facts, "runs " + e.function + "() (" + e.via + "), a function whose body is not known");
        }
        for (const auto& function : functions) {
            if (!ran.insert(function.get()).second) continue;
            if (!budget_left()) return;
            run_indirect(function, facts, e.via);
        }
    }
    for (const std::string& relation : fired.overflowed) {
        unknown(facts, "runs the functions attached to " + relation + ", more than " + std::to_string(k_max_attached) +
                           ": not followed");
    }
    for (const AttachedFunction& f : fired.functions) {
        if (setting(f, true)) continue;
        // A function not known was reported where it was attached.
        for (const auto& function : matching(m_ctx->catalog, f.name, f.schema)) {
            if (!ran.insert(function.get()).second) continue;
            if (auto known = m_only_reads.find(function.get()); known != m_only_reads.end()) {
                absorb(facts, known->second.reads, true);
                continue;
            }
            if (!budget_left()) return;
            run_indirect(function, facts, f.via);
        }
    }
    // The model's "fires the table's triggers; locks their functions take are not shown" gives
    // way when every trigger's function was followed.
    for (const std::string& relname : fired.written) {
        const RelationInfo* rel = std::as_const(m_ctx->catalog).find(relname);
        if (rel == nullptr || rel->triggers.empty() || rel->triggers.size() > k_max_attached) continue;
        bool all = std::all_of(rel->triggers.begin(), rel->triggers.end(), [&](const auto& t) {
            return m_ctx->catalog.functions(t.second) != nullptr || is_known_function(t.second);
        });
        if (all) erase_if(facts.notes, [](const std::string& n) { return n.ends_with(" fires the table's triggers; locks their functions take are not shown"); });
    }
}

void CallFollower::run_indirect(const std::shared_ptr<const FunctionInfo>& function, StatementFacts& facts,
                                const std::string& via) {
    if (auto known = m_only_reads.find(function.get()); known != m_only_reads.end()) {
        absorb(facts, known->second.reads, true);
        return;
    }
    std::string name = display(*function);
    for (const Frame& frame : m_stack) {
        if (frame.function == function.get() ||
            (frame.function->name == function->name && frame.function->schema == function->schema &&
             frame.function->signature == function->signature)) {
            unknown(facts, "runs " + name + " again (" + via + ") while it runs: the recursion is not followed");
            return;
        }
    }
    StatementFacts scratch = facts_inside(facts);
    std::size_t from = m_out != nullptr ? m_out->size() : 0;
    run_body(*function, scratch, via);
    // Before a body that only reads gives its statements back: a built-in they call that the
    // definition's text does not show (stored_builtins.cpp).
    note_body_builtins(function, from);
    const bool sets_timeout = std::any_of(scratch.notes.begin(), scratch.notes.end(),
                                          [](const std::string& n) { return read_body_setting_note(n).has_value(); });
    if (!sets_timeout && only_reads(scratch, m_out, from)) {
        if (m_out != nullptr) m_out->erase(m_out->begin() + static_cast<long>(from), m_out->end());
        StatementFacts reads;
        reads.locks = scratch.locks;
        absorb(facts, reads, true);
        m_only_reads.emplace(function.get(), OnlyReads{function, std::move(reads)});
        return;
    }
    // Triggers, defaults, index expressions, checks: run for the rows written or read.
    absorb(facts, scratch, true);
}

void CallFollower::run_body(const FunctionInfo& function, StatementFacts& facts, const std::string& via) {
    if (m_stack.size() == m_ran_depth) m_ran_here.push_back(&function);
    std::string name = display(function);
    std::string chain = (m_stack.empty() ? name : m_stack.back().chain + " -> " + name) +
                        (via.empty() || is_rule_actions(function) ? "" : " (" + via + ")");
    for (const Frame& frame : m_stack) {
        if (frame.function->name == function.name && frame.function->schema == function.schema &&
            frame.function->signature == function.signature) {
            add_note_once(facts, "recursive call of " + name + ": its body is analysed once");
            return;
        }
    }
    if (m_stack.size() >= static_cast<std::size_t>(k_max_depth)) {
        unknown(facts, "calls " + name + ", nested deeper than " + std::to_string(k_max_depth) + " calls: not followed");
        return;
    }
    if (m_body_statements >= k_max_body_statements) {
        unknown(facts, "calls " + name + " after " + std::to_string(k_max_body_statements) +
                           " function-body statements in this file: not followed");
        return;
    }
    ParsedStatement parsed = parse_statement(function.definition, m_arena);
    const CreateFunctionStmt* create = pg::as<CreateFunctionStmt>(parsed.stmt);
    if (create == nullptr) {
        unknown(facts, "calls " + name + ", whose definition could not be read again");
        return;
    }
    std::string language, body;
    language_and_body(create, language, body);
    std::string from = function.source.empty() ? "" : " (created in " + function.source + ")";
    if (language != "sql" && language != "plpgsql") {
        unknown(facts, "calls " + name + from + ", a LANGUAGE " + (language.empty() ? "?" : language) +
                           " function whose body is not SQL");
        return;
    }
    // Its SET clauses hold while it runs (body_settings.hpp); SET ... FROM CURRENT takes the value
    // the session had at CREATE or ALTER, which pgfence does not keep.
    const std::vector<BodySetting> clauses = routine_settings(create);
    for (const BodySetting& s : clauses) {
        if (!s.known) {
            unknown(facts, "calls " + name + from + ", whose SET " + s.name + " clause takes a value pgfence cannot read");
            continue;
        }
        facts.notes.push_back(body_setting_note(s, "the SET clause of " + chain + from));
    }
    m_stack.push_back(Frame{&function, chain});
    struct Pop {
        std::vector<Frame>& stack;
        StatementFacts& facts;
        std::size_t from;
        const std::vector<BodySetting>& clauses;
        ~Pop() {
            stack.pop_back();
            if (!clauses.empty()) confine_to_routine(facts, from, clauses);
        }
    } pop{m_stack, facts, facts.notes.size(), clauses};
    // A result, an argument or an OUT parameter of a domain is converted to it on each call: its
    // CHECKs run (domain_checks.cpp); a PL/pgSQL body's variables too (plpgsql.hpp).
    follow_domain_checks(create->returnType, facts, "the value " + name + " returns");
    for (const FunctionParameter* p : pg::each<FunctionParameter>(create->parameters)) {
        follow_domain_checks(p->argType, facts, "a parameter of " + name);
    }
    // A parameter's DEFAULT is evaluated for each call that leaves the argument out (PostgreSQL
    // adds it to the call's arguments, funcapi.c expand_function_arguments): its calls are
    // followed with the body's, for every call (which arguments a call leaves out is not judged).
    for (const FunctionParameter* p : pg::each<FunctionParameter>(create->parameters)) {
        auto walk = [&](auto&& self, const pg::Node* n) -> void {
            if (n == nullptr) return;
            if (const FuncCall* call = pg::as<FuncCall>(n)) follow_call(call, facts, false);
            pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
        };
        walk(walk, p->defexpr);
    }
    if (create->sql_body != nullptr) {
        // BEGIN ATOMIC ... END: a list holding the list of statements; RETURN expr: one statement.
        std::size_t count = 0;
        auto each = [&](auto&& self, const pg::Node* n) -> void {
            if (const List* list = pg::as<List>(n)) {
                for (const pg::Node* item : pg::each(list)) self(self, item);
            } else if (n != nullptr) {
                ++count;
                run_statement(n, {}, facts);
            }
        };
        each(each, create->sql_body);
        facts.notes.push_back("calls " + chain + from + ": its body's " + std::to_string(count) +
                              (count == 1 ? " statement is" : " statements are") + " analysed here");
    } else if (language == "sql") {
        std::size_t count = 0;
        for (const RawStatement& raw : split_statements(body, Region{0, body.size(), false, false})) {
            std::string_view text = std::string_view(body).substr(raw.begin, raw.end - raw.begin);
            ParsedStatement statement = parse_statement(text, m_arena);
            ++count;
            if (statement.failure) {
                unknown(facts, "a statement of its body does not parse: " + statement.failure->message);
                continue;
            }
            run_statement(statement.stmt, text, facts);
        }
        facts.notes.push_back("calls " + chain + from + ": its body's " + std::to_string(count) +
                              (count == 1 ? " statement is" : " statements are") + " analysed here");
    } else {
        StatementFacts inner = facts_inside(facts);
        BodyWalk hooks(*this);
        model_plpgsql_body(body, chain + from, inner, *m_ctx, 1, &hooks,
                           returns_trigger(create) ? as_plain_function(body) : function.definition);
        absorb(facts, inner, false);
    }
}

void CallFollower::run_attached_setting(const std::string& name, const std::string& via, StatementFacts& facts) {
    const std::string what = (m_stack.empty() ? std::string() : m_stack.back().chain + " -> ") + "set_config() (" + via + ")";
    std::optional<BodySetting> s = attached_setting(name);
    if (!s) {
        unknown(facts, "runs " + what + " of a setting whose name pgfence cannot fold: it may set lock_timeout or "
                       "statement_timeout, and what they are from here on is not known");
        return;
    }
    facts.notes.push_back(body_setting_note(*s, what));
}

void CallFollower::run_statement(const pg::Node* stmt, std::string_view sql, StatementFacts& facts) {
    ++m_body_statements;
    // A timeout the body sets for the statement that called it and the session (body_settings.hpp).
    for (const BodySetting& s : body_settings_of(stmt)) facts.notes.push_back(body_setting_note(s, m_stack.back().chain));
    StatementFacts inner = facts_inside(facts);
    inner.sql = std::string(sql);
    model::model_statement(stmt, inner, *m_ctx);
    if (!sql.empty()) record_function(stmt, sql, m_ctx->catalog);
    follow_statement(stmt, inner);
    const std::string& chain = m_stack.back().chain;
    std::string what = inner.tag.empty() ? std::string(pg::kind_name(stmt)) : inner.tag;
    if (inner.status == StatementStatus::Unknown) {
        facts.status = StatementStatus::Unknown;
        facts.runs_user_code = true;
        add_note_once(facts, "not visible to static analysis: " + what + " inside " + chain);
    }
    if (inner.no_transaction_block) {
        add_note_once(facts, what + " inside " + chain + " cannot run: a function always runs in a transaction");
    }
    merge_facts(facts, inner);
    if (m_out != nullptr) m_out->push_back(rules::CalledStatement{facts.index, chain, std::move(inner), stmt});
}

}  // namespace pgfence::analyze
