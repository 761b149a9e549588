#pragma once
// Which rows a row-security policy's USING admits, as far as the SQL shows: every row (USING
// literally true), or a filter, described for the finding that names it. Enabling row security on
// a table in use hides from every role but the owner the rows no policy admits: a filter that
// depends on session state (current_setting(), current_user, a function) admits none in a session
// that does not set it (red team F1 P_POLTOPUB: USING (user_id = current_setting('app.uid',
// true)::bigint), PostgreSQL 15: the application's role read 2 rows, then 0). A FOR ALL policy
// without USING admits no row to SELECT (checked on PostgreSQL 15: 2 rows, then 0).
#include <set>
#include <string>
#include <string_view>

#include "analyze/model/function_calls.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/model/policy_reads.hpp"

namespace pgfence::analyze {

// "" when USING admits every row; else what the filter depends on.
[[nodiscard]] inline std::string policy_filter(const pg::Node* qual) {
    if (qual == nullptr) return "no USING condition: it admits no row to a query";
    if (literal_truth(qual) == Truth::True) return {};
    std::set<std::string> calls;
    bool session = false;
    auto visit = [&](auto&& self, const pg::Node* n, int depth) -> void {
        if (n == nullptr || depth > 200 || calls.size() > 8) return;
        if (const auto* call = pg::as<FuncCall>(n)) {
            const std::string name(pg::last_name(call->funcname));
            calls.insert(name + "()");
            // current_setting() reads the session; a function PostgreSQL does not ship (auth.uid(),
            // a tenant lookup) may read anything the session holds.
            session = session || name == "current_setting" || !is_known_function(name);
        }
        if (const auto* v = pg::as<SQLValueFunction>(n)) {
            session = session || v->op == SVFOP_CURRENT_USER || v->op == SVFOP_CURRENT_ROLE || v->op == SVFOP_SESSION_USER ||
                      v->op == SVFOP_USER || v->op == SVFOP_CURRENT_CATALOG || v->op == SVFOP_CURRENT_SCHEMA;
            calls.insert(v->op == SVFOP_SESSION_USER ? "session_user" : v->op == SVFOP_CURRENT_SCHEMA ? "current_schema"
                         : v->op == SVFOP_CURRENT_CATALOG ? "current_catalog" : "current_user");
        }
        if (pg::is<SubLink>(n)) calls.insert("a subquery");
        pg::each_child(n, [&](const pg::Node* child) { self(self, child, depth + 1); });
    };
    visit(visit, qual, 0);
    if (calls.empty()) return "USING a condition on the row's values: it admits only the rows it holds for";
    std::string list;
    for (const std::string& c : calls) list += (list.empty() ? "" : ", ") + c;
    return "USING a condition on " + list +
           (session ? ": which rows it admits depends on who is connected and what the session set (a session it does not match sees none)"
                    : ": it admits only the rows it holds for");
}

// Does a policy admit every row to every role's reads: permissive, FOR ALL or SELECT, to PUBLIC,
// USING literally true? `roles` as PolicyInfo::roles keeps it ("" for PUBLIC).
[[nodiscard]] inline bool admits_every_row(bool permissive, std::string_view command, std::string_view roles,
                                           std::string_view filter) {
    return permissive && (command == "all" || command == "select") && roles.empty() && filter.empty();
}

// Does a restrictive policy narrow every role's reads (FOR ALL or SELECT, a filter)?
[[nodiscard]] inline bool restricts_reads(bool permissive, std::string_view command, std::string_view filter) {
    return !permissive && (command == "all" || command == "select") && !filter.empty();
}

}  // namespace pgfence::analyze
