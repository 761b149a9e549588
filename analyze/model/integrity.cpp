// Integrity checks removed from existing tables: what the catalog says they were (integrity.hpp).
#include "analyze/model/integrity.hpp"
#include <utility>

#include <algorithm>
#include <optional>

#include "analyze/model/integrity_note.hpp"
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

std::string joined(const std::vector<std::string>& columns) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + quote_ident(c);
    return out;
}

bool same_columns(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// Another index of `table` that refuses every duplicate the dropped unique `dropped` refused, and
// stays: a full unique B-tree (a primary key's, a UNIQUE constraint's or a unique index) on some of
// its keys, each a column compared as the dropped index compares it (neither names a COLLATE or an
// operator class). Rows equal in all of the dropped index's keys are equal in those, so the other
// one refuses them first. Its name and columns ("team_pkey (team_id)"), "" when none.
// With NULLS NOT DISTINCT the dropped one also refused two rows of NULL keys: the other must too, or
// its columns must be NOT NULL.
std::string still_enforced_by(const std::string& table, const std::string& dropped_name, const IndexDef& dropped,
                              const Context& ctx) {
    if (!dropped.unique || dropped.method != "btree" || !dropped.plain) return {};
    for (const RelationInfo* other : ctx.catalog.indexes_of(table)) {
        if (other->relname == dropped_name || !other->index) continue;
        const IndexDef& def = *other->index;
        if (!def.unique || def.method != "btree" || def.partial || !def.plain || def.keys.empty()) continue;
        const bool within = std::all_of(def.keys.begin(), def.keys.end(), [&](const std::string& key) {
            return !key.empty() && std::find(dropped.keys.begin(), dropped.keys.end(), key) != dropped.keys.end();
        });
        if (!within) continue;
        if (dropped.nulls_not_distinct && !def.nulls_not_distinct) {
            const bool not_null = std::all_of(def.keys.begin(), def.keys.end(), [&](const std::string& key) {
                const ColumnInfo* c = ctx.catalog.column(table, key);
                return c != nullptr && c->not_null;
            });
            if (!not_null) continue;
        }
        return quote_ident(other->relname) + " (" + joined(def.keys) + ")";
    }
    return {};
}

}  // namespace

void note_dropped_constraint(const std::string& relname, const std::string& display, const std::string& constraint,
                             bool cascade, StatementFacts& facts, const Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(relname);
    if (rel == nullptr || rel->is_new) return;
    DroppedConstraint what{"unknown", ""};
    if (auto fk = rel->foreign_keys.find(constraint); fk != rel->foreign_keys.end()) {
        what = {"foreign key", joined(fk->second.columns)};
    } else if (auto check = rel->not_null_checks.find(constraint); check != rel->not_null_checks.end()) {
        const ColumnInfo* c = ctx.catalog.column(relname, check->second);
        what = {c != nullptr && c->not_null ? "not-null check" : "check", quote_ident(check->second)};
    } else if (rel->checks.count(constraint) > 0) {
        what = {"check", ""};
    } else if (const RelationInfo* idx = std::as_const(ctx.catalog).find(constraint); idx != nullptr && idx->kind == "index" &&
                                                                         idx->index_table == relname && idx->index) {
        // The primary key's index, by its columns: the one index on them, or, beside another unique
        // index on the same columns, the one named as PostgreSQL names a primary key (<table>_pkey).
        // TypeORM names its primary keys PK_<hash> (daily-api: a key swap read as a lost unique).
        const std::vector<std::string> pk(rel->primary_key.begin(), rel->primary_key.end());
        bool primary = !pk.empty() && same_columns(idx->index->keys, pk);
        if (primary && !constraint.ends_with("pkey")) {
            const auto indexes = ctx.catalog.indexes_of(relname);
            primary = std::none_of(indexes.begin(), indexes.end(), [&](const RelationInfo* other) {
                return other != idx && (!other->index || same_columns(other->index->keys, pk));
            });
        }
        what = {primary ? "primary key" : idx->index->method == "btree" ? "unique" : "exclusion", joined(idx->index->keys)};
        // A unique constraint that only repeats another (Prisma's <table>_<col>_key beside the
        // primary key): not when it may be the primary key itself, which PostgreSQL names
        // otherwise when the migrations did (TypeORM's PK_<hash>), nor with CASCADE, which takes
        // the foreign keys that use its index along.
        const bool maybe_primary = !pk.empty() && same_columns(idx->index->keys, pk) && !primary;
        if (what.kind == "unique" && !maybe_primary && !cascade) {
            if (std::string other = still_enforced_by(relname, constraint, *idx->index, ctx); !other.empty()) {
                facts.notes.push_back(still_enforced_note(display, quote_ident(constraint), other));
            }
        }
    } else if (!rel->primary_key.empty() && constraint == relname + "_pkey") {
        what = {"primary key", joined(std::vector<std::string>(rel->primary_key.begin(), rel->primary_key.end()))};
    }
    facts.notes.push_back(dropped_constraint_note(display, quote_ident(constraint), what));
}

void note_dropped_index(const std::string& table, const std::string& index, const std::string& display,
                        const RelationInfo& info, bool cascade, StatementFacts& facts, const Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(table);
    if (rel == nullptr || rel->is_new || info.is_new || !info.index) return;
    // A materialized view takes no writes of the application's ("cannot change materialized view"):
    // its unique index refuses nothing they store (daily-api's keyword_channel).
    // A unique index beside a primary key or unique constraint on the same columns (DROP INDEX
    // cannot drop a constraint's own index: "constraint ... requires it") refuses nothing more.
    if (info.index->unique && rel->kind != "materialized view") {
        if (const std::string other = cascade ? std::string() : still_enforced_by(table, index, *info.index, ctx); !other.empty()) {
            facts.notes.push_back(still_enforced_note(rel->display, display, other));
        }
        facts.notes.push_back(dropped_constraint_note(rel->display, display, DroppedConstraint{"unique", joined(info.index->keys)}));
    }
    // The foreign keys this index was the only one to serve (an index whose columns the catalog
    // does not know may serve them too: then nothing is said).
    const auto indexes = ctx.catalog.indexes_of(table);
    if (std::any_of(indexes.begin(), indexes.end(), [](const RelationInfo* idx) { return !idx->index; })) return;
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (!index_leads_with(*info.index, fk.columns)) continue;
        const bool other = std::any_of(indexes.begin(), indexes.end(), [&](const RelationInfo* idx) {
            return idx->relname != index && index_leads_with(*idx->index, fk.columns);
        });
        if (other) continue;
        const RelationInfo* target = std::as_const(ctx.catalog).find(fk.target);
        UnindexedForeignKey lost{rel->display, rel->relname, name, fk.columns,
                                 target ? target->display : quote_ident(fk.target), false};
        lost.dropped_index = display;
        facts.unindexed_foreign_keys.push_back(std::move(lost));
    }
}

void note_disabled_trigger(const std::string& relname, const std::string& display, const std::string& trigger,
                           StatementFacts& facts, const Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(relname);
    if (rel == nullptr || rel->triggers.count(trigger) == 0) return;
    facts.notes.push_back(known_trigger_note(display, quote_ident(trigger)));
}

void note_key_default(const std::string& relname, const std::string& display, const std::string& col,
                      StatementFacts& facts, const Context& ctx) {
    const RelationInfo* rel = std::as_const(ctx.catalog).find(relname);
    if (rel == nullptr || rel->is_new) return;
    // A column of a domain with constraints: the new default is checked against them on each insert.
    if (const ColumnInfo* c = ctx.catalog.column(relname, col)) {
        std::string domain = c->type;
        if (const auto paren = domain.find('('); paren != std::string::npos) domain.resize(paren);
        if (const std::optional<bool> constrained = ctx.catalog.domain_has_constraints(domain); constrained && *constrained) {
            facts.notes.push_back(domain_default_note(display, quote_ident(col), quote_ident(domain)));
        }
        const bool key = std::find(rel->primary_key.begin(), rel->primary_key.end(), col) != rel->primary_key.end();
        facts.notes.push_back(default_target_note(display, quote_ident(col), c->not_null || key ? "the column is NOT NULL" : "the column may be NULL"));
    }
    for (const auto& [name, fk] : rel->foreign_keys) {
        if (fk.columns.size() != 1 || fk.columns[0] != col) continue;
        const RelationInfo* target = std::as_const(ctx.catalog).find(fk.target);
        facts.notes.push_back(default_target_note(display, quote_ident(col),
                                                  "in foreign key " + quote_ident(name) + " to " +
                                                      (target != nullptr ? target->display : quote_ident(fk.target))));
        break;
    }
    std::string kind;
    if (rel->primary_key.size() == 1 && rel->primary_key[0] == col) kind = "primary key";
    for (const RelationInfo* idx : ctx.catalog.indexes_of(relname)) {
        if (kind.empty() && idx->index && idx->index->unique && !idx->index->partial && idx->index->keys.size() == 1 &&
            idx->index->keys[0] == col) {
            kind = "unique";
        }
    }
    if (kind.empty()) return;
    // Its own sequences: the serial's or identity's (<table>_<col>_seq) and the ones the table's
    // defaults called nextval() on, as the migrations show them.
    std::vector<std::string> own{relname + "_" + col + "_seq"};
    for (const auto& seq : rel->default_sequences) {
        if (std::find(own.begin(), own.end(), seq) == own.end()) own.push_back(seq);
    }
    facts.notes.push_back(key_default_note(display, quote_ident(col), kind, own));
}

void note_tsvector_trigger(const CreateTrigStmt* stmt, StatementFacts& facts, const Context& ctx) {
    const std::string function(pg::last_name(stmt->funcname));
    const bool by_column = function == "tsvector_update_trigger_column";
    if (function != "tsvector_update_trigger" && !by_column) return;
    const std::string relname(pg::relname(stmt->relation));
    const RelationInfo* rel = std::as_const(ctx.catalog).find(relname);
    constexpr int k_before = 2;
    std::string why;
    // The checks of tsvector_update_trigger (src/backend/utils/adt/tsvector_op.c), in its order.
    std::vector<std::string> args;
    for (const pg::Node* a : pg::each(stmt->args)) args.emplace_back(pg::text(a));
    // A column's type as the migrations show it; none when they do not show it (a column they do
    // not show may have been added by SQL pgfence did not read: nothing is said of it).
    const auto type_of = [&](const std::string& column) -> std::optional<std::string> {
        const ColumnInfo* c = rel == nullptr ? nullptr : ctx.catalog.column(relname, column);
        if (c == nullptr || c->type.empty()) return std::nullopt;
        return type_base(c->type);
    };
    if (!stmt->row) {
        why = "it must be fired for each row, and a FOR EACH STATEMENT trigger fails";
    } else if ((stmt->timing & k_before) == 0) {
        why = "it must be fired BEFORE the event, and an AFTER trigger fails";
    } else if (args.size() < 3) {
        why = "it takes the tsvector column, the configuration and at least one text column";
    } else if (auto t = type_of(args[0]); t && *t != "tsvector") {
        why = "column " + quote_ident(args[0]) + " is not of tsvector type (it is " + *t + ")";
    } else if (auto c = by_column ? type_of(args[1]) : std::nullopt; c && *c != "regconfig") {
        why = "configuration column " + quote_ident(args[1]) + " is not of regconfig type (it is " + *c + ")";
    } else {
        for (std::size_t i = 2; i < args.size() && why.empty(); ++i) {
            const auto u = type_of(args[i]);
            if (u && *u != "text" && *u != "varchar" && *u != "bpchar") {
                why = "column " + quote_ident(args[i]) + " is not of a character type (it is " + *u + ")";
            }
        }
    }
    if (why.empty()) return;
    const std::string trigger = quote_ident(pg::text(stmt->trigname));
    facts.notes.push_back(std::string(k_dropped_constraint_prefix) + "trigger " + trigger + " calls " + function + "(): " + why);
}

}  // namespace pgfence::analyze::model
