// Whether the SQL of a `psql -c` is a read that changes nothing: a SELECT of no relation (`SELECT
// version()`), an EXPLAIN of one or a SHOW, as PostgreSQL parses them, or a new role or database (CREATE USER/ROLE,
// CREATE DATABASE: they take no lock on what exists). A text the shell computes ($, `) is not
// read: its value is not known.
#include <algorithm>
#include <array>
#include <string>

#include "analyze/migrations/psql_commands.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze::tools::psql_detail {
namespace {

// A query's tree that only reads: no INTO (a new table), no FOR UPDATE/SHARE (row locks), no
// WITH (where a data-changing statement may stand), no INSERT/UPDATE/DELETE/MERGE.
bool reads_only(const pg::Node* n, int depth) {
    if (n == nullptr) return true;
    if (depth > 256) return false;
    if (const auto* list = pg::as<List>(n)) {
        for (const pg::Node* item : pg::each(list)) {
            if (!reads_only(item, depth + 1)) return false;
        }
        return true;
    }
    if (pg::is<InsertStmt>(n) || pg::is<UpdateStmt>(n) || pg::is<DeleteStmt>(n) || pg::is<MergeStmt>(n) || pg::is<WithClause>(n)) return false;
    if (const auto* s = pg::as<SelectStmt>(n); s != nullptr && (s->intoClause != nullptr || s->lockingClause != nullptr || s->withClause != nullptr)) {
        return false;
    }
    bool ok = true;
    pg::each_child(n, [&](const pg::Node* child) { ok = ok && reads_only(child, depth + 1); });
    return ok;
}

// Functions a read may call: PostgreSQL's aggregates and functions that change nothing. Any other
// (a function of the project's, set_config, pg_terminate_backend) may write.
bool reading_function(const std::vector<std::string>& name) {
    static constexpr std::array<std::string_view, 17> k_reads = {
        "count", "sum", "min", "max", "avg", "lower", "upper", "length", "now", "version", "current_database",
        "pg_size_pretty", "pg_relation_size", "pg_total_relation_size", "pg_database_size", "to_char", "round"};
    if (name.empty() || name.size() > 2 || (name.size() == 2 && name[0] != "pg_catalog")) return false;
    return std::find(k_reads.begin(), k_reads.end(), name.back()) != k_reads.end();
}

// Whether the tree names a relation: a view runs its query's functions, and `u.f` or `(u).f` of a
// row `u` calls the function f(u) (PostgreSQL "Function Calls": attribute notation), so a SELECT
// from anything may write (red team R86b F1: 1,000 users rows deleted through both).
bool names_relation(const pg::Node* n, int depth) {
    if (n == nullptr) return false;
    if (depth > 256 || pg::is<RangeVar>(n) || pg::is<RangeFunction>(n)) return true;
    bool found = false;
    pg::each_child(n, [&](const pg::Node* child) { found = found || names_relation(child, depth + 1); });
    return found;
}

// Whether every operator the tree uses is one of PostgreSQL's comparisons or arithmetic, by an
// unqualified name (`OPERATOR(public.===)` or `1 === 1` runs the function a migration gave it).
bool builtin_operators(const pg::Node* n, int depth) {
    if (n == nullptr) return true;
    if (depth > 256) return false;
    if (const auto* e = pg::as<A_Expr>(n)) {
        static constexpr std::array<std::string_view, 24> k_ops = {
            "=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||", "~~", "!~~", "~~*", "!~~*",
            "~", "!~", "~*", "!~*", "BETWEEN", "NOT BETWEEN", "BETWEEN SYMMETRIC"};
        if (pg::length(e->name) != 1 || std::find(k_ops.begin(), k_ops.end(), pg::last_name(e->name)) == k_ops.end()) return false;
    }
    bool ok = true;
    pg::each_child(n, [&](const pg::Node* child) { ok = ok && builtin_operators(child, depth + 1); });
    return ok;
}

bool read_statement(const pg::Node* stmt) {
    if (pg::is<VariableShowStmt>(stmt) || pg::is<CreateRoleStmt>(stmt) || pg::is<CreatedbStmt>(stmt)) return true;
    if (const auto* e = pg::as<ExplainStmt>(stmt)) stmt = e->query;
    if (!pg::is<SelectStmt>(stmt) || !reads_only(stmt, 0) || names_relation(stmt, 0) || !builtin_operators(stmt, 0)) return false;
    const auto calls = function_calls_in(stmt);
    return calls && std::all_of(calls->begin(), calls->end(), reading_function);
}

}  // namespace

bool parsed_read_only(std::string_view sql) {
    if (sql.find_first_of("$`") != std::string_view::npos || sql.size() > 100000) return false;
    bool any = false, reads = true;
    for_each_statement(sql, Region{0, sql.size(), false, false}, [&](const RawStatement& s) {
        if (s.end <= s.begin) return true;
        const ParsedStatement p = parse_statement(sql.substr(s.begin, s.end - s.begin));
        any = true;
        reads = !p.failure && p.stmt != nullptr && read_statement(p.stmt);
        return reads;
    });
    return any && reads;
}

}  // namespace pgfence::analyze::tools::psql_detail
