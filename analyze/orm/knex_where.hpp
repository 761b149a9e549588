#pragma once
// Knex's where conditions on a write, as knex 3 compiles them (knex_where.cpp), for the query
// builder's reader (knex_query.cpp).
#include <optional>
#include <string>
#include <vector>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm::knex_where {

// One link of a query chain: knex("users").where(...).del() is knex(), where(), del().
struct Link {
    std::string name;
    const Node* call = nullptr;  // the call on this link, if it is called
};

// What a where link does to the rows a delete or update reaches.
enum class Filter { Narrow, EveryRow, Unresolved };

// `<x>.raw(sql, bindings?)`, not knex.schema.raw.
bool raw_value(const Node& v);
Filter where_filter(const Link& l, const Emitter& e);
// A where value knex binds as a parameter (`roots`: the runner's names, for values read from rows).
bool bound_value(const Node& v, const Emitter& e, const std::vector<std::string>* roots = nullptr);
// A column as knex wraps it; nullopt for one with an alias, a space or a quote.
std::optional<std::string> column_sql(const Node* n, const Emitter& e);
// A whereRaw / where(knex.raw()) / whereNot(knex.raw()) link: its SQL and bindings arguments.
bool raw_link(const Link& l, const Node*& sql, const Node*& bindings, bool* negated = nullptr);
// A raw condition's text as knex writes it, its `?` bindings $n from `next`; nullopt when not placed.
std::optional<std::string> raw_condition(const Node* sql, const Node* bindings, const Emitter& e, int& next);
// One where link as knex compiles it; sets `raw_unplaced` for a knex.raw() it does not write in place.
std::string condition_sql(const Link& l, Filter f, const Emitter& e, int& next, bool& raw_unplaced, const std::vector<std::string>& roots);

}  // namespace pgfence::analyze::orm::knex_where
