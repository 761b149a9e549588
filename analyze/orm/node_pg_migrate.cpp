// node-pg-migrate: `exports.up = (pgm) => { ... }`. Only pgm.sql(text) with no arguments is
// read: it sends `text` as written, with a ';' added when it does not end with one
// (salsita/node-pg-migrate src/operations/sql.ts; src/utils/createTransformer.ts replaces the
// `{name}` placeholders only of the keys its second argument maps, so a call with one is
// unknown). Every other call on pgm (dropTable, addColumns, createIndex, noTransaction, db.query,
// ...) returns false here and the walker reports it unknown at its line: the SQL its
// src/operations/* emit is not modelled yet.
#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {

bool node_pg_migrate_call(const Node& call, Emitter& e) {
    const Node& callee = call.kids[0];
    if (callee.kind != NodeKind::Member || callee.name != "sql" || callee.kids.empty() || callee.kids[0].kind != NodeKind::Ident) return false;
    std::string name = dotted_name(callee);
    if (name.empty()) name = e.source(callee);
    if (arg_count(call) != 1) return false;  // placeholders substituted from an object: unknown
    e.raw(call, name, arg(call, 0));
    return true;
}

}  // namespace pgfence::analyze::orm
