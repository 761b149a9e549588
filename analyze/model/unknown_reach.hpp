#pragma once
// What a statement the lock model could not follow may have done to the schema, read from its SQL
// text: only one that may have made or renamed relations, or changed what the catalog keeps of
// them (row security, partitions), leaves the catalog unsure (Catalog::mark_unknown), so that a
// CREATE TABLE IF NOT EXISTS after it judges its table as one that may exist already
// (analyze/model/create.cpp).
#include <cctype>
#include <span>
#include <string>
#include <string_view>

#include "analyze/model/catalog.hpp"

namespace pgfence::analyze::model {

namespace unknown_reach_detail {

// Words that make a relation, bring one under a new name, or change its row security or partitions.
inline constexpr std::string_view k_words[] = {"create", "into",     "rename", "schema", "call",   "import",
                                               "security", "policy", "force",  "attach", "inherit"};

// Functions of PostgreSQL's that run no SQL, and type names whose modifiers look like a call
// (varchar(255), numeric(10, 2), timestamp(3)): as functions they only convert. Unqualified, they
// resolve in pg_catalog, which the search path reads first unless it names pg_catalog later.
inline constexpr std::string_view k_quiet_functions[] = {
    "quote_ident", "quote_literal", "quote_nullable", "format", "concat", "lower", "upper", "coalesce", "current_setting",
    "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "gen_random_uuid", "uuid_generate_v4",
    "nextval", "length", "replace", "date_trunc", "to_char", "to_timestamp", "max", "min", "count",
    "varchar", "char", "character", "varying", "nchar", "numeric", "decimal", "dec", "bit", "varbit", "float",
    "time", "timetz", "timestamp", "timestamptz", "interval"};

// SQL's own words before a parenthesis: they call nothing. Condition and list words (IN (,
// EXISTS (, VALUES (, AND (...); a column's or a table's clauses (DEFAULT (, CHECK (, KEY (,
// INCLUDE (, EXCLUDE USING gist (, SET (fillfactor = 70), WITH (...), OPTIONS (...)); an identity
// column's sequence options (AS IDENTITY (START WITH 1000), ADD GENERATED ... AS IDENTITY (RESTART
// 1000)); partition bounds (PARTITION BY RANGE (, FROM (, TO (); the grammar's own function forms
// (CAST (, EXTRACT (, NULLIF (, ...), which run no SQL; PL/pgSQL's control words.
inline constexpr std::string_view k_keywords[] = {
    "in", "exists", "values", "and", "or", "not", "select", "where", "from", "on", "using", "as", "any", "all", "table",
    "key", "check", "unique", "references", "execute", "if", "then", "else", "when", "case", "begin", "end",
    "exception", "return", "perform", "loop", "by", "default", "identity", "with", "set", "reset", "include",
    "exclude", "options", "range", "list", "hash", "to", "distinct", "null", "over", "filter", "group", "having",
    "returning", "lateral", "like", "between", "is", "some", "row", "array", "cast", "extract", "nullif", "greatest",
    "least", "position", "update", "insert", "overlay", "substring", "trim", "btree", "gist", "spgist", "gin", "brin", "while", "elsif",
    "current_timestamp", "current_time", "localtimestamp", "localtime"};

// Words after which comes a relation's name, and then perhaps its columns' list: REFERENCES
// users (id), GRANT ... ON TABLE, ALTER PUBLICATION ... ADD TABLE t (a, b), COPY t (a) FROM.
inline constexpr std::string_view k_before_relation[] = {"references", "table", "copy"};

[[nodiscard]] inline bool is_one_of(const std::string& word, std::span<const std::string_view> list) {
    for (std::string_view w : list) {
        if (word == w) return true;
    }
    return false;
}

}  // namespace unknown_reach_detail

// May the SQL `text` make a relation, bring one under a new name, or change its row security or
// partitions? True when it spells any of CREATE, INTO (SELECT INTO), RENAME, SCHEMA (SET SCHEMA),
// CALL, IMPORT (IMPORT FOREIGN SCHEMA), SECURITY, POLICY, FORCE, ATTACH or INHERIT, or names a
// function it calls (`word(`) other than a few of PostgreSQL's that run no SQL: a function may run
// anything. SQL's own words before a parenthesis (`AS IDENTITY (RESTART 1000)`, `DEFAULT (`,
// `varchar(255)`) and a relation's name before its columns (`REFERENCES users (id)`) are no call;
// a keyword quoted or qualified (`"default"(`, `app.identity(`) names a function, as
// `DEFAULT make_thing()` does (a DBA's review of ente: one identity option list made 20 later
// files' CREATE TABLE IF NOT EXISTS read as existing tables). DSpace's DO block that EXECUTEs 'ALTER TABLE registrationdata DROP
// CONSTRAINT IF EXISTS ' || QUOTE_IDENT((SELECT ...)) spells none: it drops a constraint. Text built
// from pieces that spell none of them ('CRE' || 'ATE') is not seen: the statement is reported
// unknown all the same.
// `calls_only`: only the calls count, not the words (for a statement PostgreSQL refuses, whose
// words made nothing; Catalog::mark_named_unknown keeps the names it spells).
[[nodiscard]] inline bool unknown_may_create(std::string_view text, bool calls_only = false) {
    using namespace unknown_reach_detail;
    std::string word;
    std::string prev;  // the last word that was not a qualifier (`app` of app.users)
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : ' ';
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
            if (word.empty()) start = i;
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            continue;
        }
        if (word.empty()) continue;
        if (!calls_only && is_one_of(word, k_words)) return true;
        // Part of a quoted name ("my_function"(, "Make Thing"(), or of a qualified one (app.identity().
        const bool quoted = (start > 0 && text[start - 1] == '"') || (i < text.size() && text[i] == '"');
        std::size_t next = i;
        if (next < text.size() && text[next] == '"') ++next;
        while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
        if (next < text.size() && text[next] == '(' && !std::isdigit(static_cast<unsigned char>(word[0]))) {
            // A keyword is one only as written bare: "default"( and app.identity( name functions.
            const bool bare = !quoted && (start == 0 || text[start - 1] != '.');
            const bool quiet = is_one_of(word, k_quiet_functions) || (bare && is_one_of(word, k_keywords)) ||
                               is_one_of(prev, k_before_relation);
            if (!quiet) return true;
        }
        if (next >= text.size() || text[next] != '.') prev = std::move(word);
        word.clear();
    }
    return false;
}

// A statement pgfence could not parse ran. PostgreSQL most likely refused it too (a MySQL statement
// in a Sequelize history, review88), and then it made nothing; if it ran, it may have made or
// changed what its text names, or anything, where it calls a function (which may run any SQL).
// Text the server may read otherwise than pgfence parses it, a psql variable (`CREATE TABLE :name`,
// `:'name'`) or a template's placeholder (`{{name}}`, `${name}`), may name anything: as a call.
inline bool substituted(std::string_view sql) {
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            ++i;  // a cast
            continue;
        }
        if (sql[i] == ':' || (sql[i] == '{' && i + 1 < sql.size() && sql[i + 1] == '{') ||
            (sql[i] == '$' && i + 1 < sql.size() && sql[i + 1] == '{')) {
            return true;
        }
    }
    return false;
}

inline void mark_unparsable(std::string_view sql, Catalog& catalog) {
    if (unknown_may_create(sql, true) || substituted(sql)) catalog.mark_unknown();
    else catalog.mark_named_unknown(sql);
}

}  // namespace pgfence::analyze::model
