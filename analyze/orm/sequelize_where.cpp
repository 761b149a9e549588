// Sequelize's where arguments to queryInterface.bulkDelete() and bulkUpdate() (sequelize.cpp):
// whether they keep some rows, every row, or are not read.
#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {

// A where argument that selects every row: missing, undefined, null, {} or '' (getWhereConditions()
// returns "" for them: sequelize/src/dialects/abstract/query-generator.js whereQuery()), [] (deleteQuery
// sends `WHERE 1=1`, updateQuery no WHERE), and `{ [Op.and]: [] }` / `{ [Op.and]: {} }` /
// `{ [Op.and]: [{}, ...] }`: whereItemsQuery() joins the items of an AND with " AND " and drops
// the empty ones, leaving nothing (checked against Sequelize 6.37's queryGenerator.deleteQuery()
// and updateQuery(); `[Op.or]` of nothing is `0 = 1`, no row, and keeps its WHERE here).
bool sequelize_no_where(const Node* where, const Emitter& e) {
    if (where == nullptr) return true;
    if (where->kind == NodeKind::Ident) return where->name == "null" || where->name == "undefined";
    if (where->kind == NodeKind::Array) return where->kids.empty();
    if (where->kind == NodeKind::String) return e.string_of(*where).value_or("x").empty();
    if (where->kind != NodeKind::Object) return false;
    for (std::size_t i = 0; i < where->kids.size(); ++i) {
        const std::string& key = i < where->keys.size() ? where->keys[i] : std::string();
        if (key != "[computed]Op.and" && !key.ends_with(".Op.and")) return false;
        const Node& items = where->kids[i];
        if (items.kind == NodeKind::Object && sequelize_no_where(&items, e)) continue;
        if (items.kind != NodeKind::Array) return false;
        for (const Node& item : items.kids) {
            if (item.kind != NodeKind::Object || !sequelize_no_where(&item, e)) return false;
        }
    }
    return true;
}

// What a bulkDelete/bulkUpdate where argument keeps: some rows, every row (no WHERE), or what
// pgfence does not read (a variable that is not a const of a literal, a spread of one, a call):
// it may keep every row.
namespace {

SequelizeWhere object_where(const Node& object, const Emitter& e, int depth) {
    bool some = false;
    for (std::size_t i = 0; i < object.kids.size(); ++i) {
        const std::string& key = i < object.keys.size() ? object.keys[i] : std::string();
        if (key == "...") {
            const Node* spread = depth < 8 ? e.literal_of(object.kids[i]) : nullptr;
            if (spread != nullptr && spread->kind == NodeKind::Ident && (spread->name == "null" || spread->name == "undefined")) continue;
            if (spread == nullptr || spread->kind != NodeKind::Object) return SequelizeWhere::Unresolved;
            SequelizeWhere inner = object_where(*spread, e, depth + 1);
            if (inner == SequelizeWhere::Unresolved) return inner;
            some = some || inner == SequelizeWhere::Some;
            continue;
        }
        Node one;  // the key alone, judged as sequelize_no_where() judges it
        one.kind = NodeKind::Object;
        one.keys.push_back(key);
        one.kids.push_back(object.kids[i]);
        some = some || !sequelize_no_where(&one, e);
    }
    return some ? SequelizeWhere::Some : SequelizeWhere::None;
}

}  // namespace

SequelizeWhere sequelize_where(const Node* where, const Emitter& e) {
    if (where == nullptr) return SequelizeWhere::None;
    if (where->kind == NodeKind::String || where->kind == NodeKind::Template) {
        auto sql = e.string_of(*where);
        return !sql ? SequelizeWhere::Unresolved : sql->empty() ? SequelizeWhere::None : SequelizeWhere::Some;
    }
    const Node* value = e.literal_of(*where);
    if (value == nullptr) return SequelizeWhere::Unresolved;
    if (value->kind == NodeKind::Object) return object_where(*value, e, 0);
    if (value->kind == NodeKind::Array) return value->kids.empty() ? SequelizeWhere::None : SequelizeWhere::Some;
    if (value->kind == NodeKind::Ident && (value->name == "null" || value->name == "undefined")) return SequelizeWhere::None;
    return SequelizeWhere::Unresolved;
}

const char* const k_sequelize_unresolved_where = "its where argument is not known statically (a variable, a spread, a call): it may keep every row, so it "
                                 "is analysed without a WHERE clause";

}  // namespace pgfence::analyze::orm
