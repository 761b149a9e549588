// Logical replication cut from a migration: DROP PUBLICATION, ALTER PUBLICATION ... DROP | SET
// TABLE or SET (publish = ...), a publication renamed, DROP SUBSCRIPTION, ALTER SUBSCRIPTION ...
// DISABLE | SET PUBLICATION | DROP PUBLICATION | SKIP, and the server functions that drop, advance
// or consume a replication slot or origin. The subscribers and change-data-capture consumers stop
// receiving changes (or lose some), with no lock to show it. Quiet for a publication or
// subscription created earlier in the same file: nothing subscribes to it yet.
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/executed_query.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Was publication (subscription) `name` created by an earlier statement of this file?
bool created_earlier(const StatementContext& ctx, std::string_view name, bool publication) {
    bool found = false;
    operation::for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* stmt) {
        if (publication) {
            const auto* create = pg::as<CreatePublicationStmt>(stmt);
            found = create != nullptr && pg::text(create->pubname) == name;
        } else {
            const auto* create = pg::as<CreateSubscriptionStmt>(stmt);
            found = create != nullptr && pg::text(create->subname) == name;
        }
        return found;
    });
    return found;
}

// Server functions on replication slots and origins, and what each does to their consumer.
struct SlotFunction {
    std::string_view name;
    std::string_view effect;
};
constexpr SlotFunction k_slot_functions[] = {
    {"pg_drop_replication_slot", "drops the replication slot: its consumer (a subscription, a standby, a CDC pipeline such "
                                 "as Debezium) loses its place and the changes it had not read, and must be resynchronised"},
    {"pg_replication_slot_advance", "moves the slot past changes its consumer has not read: they are never delivered"},
    {"pg_logical_slot_get_changes", "consumes the slot's changes here: its real consumer never receives them"},
    {"pg_logical_slot_get_binary_changes", "consumes the slot's changes here: its real consumer never receives them"},
    {"pg_replication_origin_drop", "drops the replication origin: the subscriber forgets how far it applied, and "
                                   "changes are applied twice or lost"},
    {"pg_replication_origin_advance", "moves the replication origin: the subscriber skips (or re-applies) changes"},
};

void walk(const pg::Node* node, const SlotFunction*& found, int depth) {
    if (node == nullptr || found != nullptr || depth > 200) return;
    if (const auto* call = pg::as<FuncCall>(node)) {
        const std::string_view name = pg::last_name(call->funcname);
        for (const SlotFunction& function : k_slot_functions) {
            if (function.name == name) found = &function;
        }
    }
    pg::each_child(node, [&](const pg::Node* child) { walk(child, found, depth + 1); });
}

const char* const k_stops = "its subscribers (other databases, CDC consumers such as Debezium) stop receiving ";

void check_publication(const StatementContext& ctx, const AlterPublicationStmt* alter, Sink& sink) {
    const std::string name(pg::text(alter->pubname));
    if (created_earlier(ctx, name, true)) return;
    std::string what;
    bool publish = false;
    for (const DefElem* d : pg::each<DefElem>(alter->options)) publish = publish || pg::text(d->defname) == "publish";
    if (publish) {
        what = "ALTER PUBLICATION " + quote_ident(name) + " SET (publish = ...): " + k_stops +
               "the kinds of change it no longer lists (checked on PostgreSQL 15: after publish = 'insert', an UPDATE "
               "never reached the subscriber)";
    } else if (pg::length(alter->pubobjects) > 0 && alter->action == AP_DropObjects) {
        what = "ALTER PUBLICATION " + quote_ident(name) + " DROP ...: " + k_stops + "the changes of what it drops";
    } else if ((pg::length(alter->pubobjects) > 0 || alter->for_all_tables) && alter->action == AP_SetObjects) {
        what = "ALTER PUBLICATION " + quote_ident(name) + " SET ...: " + k_stops +
               "the changes of every table the new list leaves out";
    } else {
        return;
    }
    Finding& f = sink.add(ctx.statement, what + ", silently, from the moment it commits");
    f.fix = "change what a publication sends together with its subscribers (ALTER SUBSCRIPTION ... REFRESH PUBLICATION "
            "on each), by hand, after checking who consumes it (pg_replication_slots on the publisher)";
}

void check_subscription(const StatementContext& ctx, const AlterSubscriptionStmt* alter, Sink& sink) {
    const std::string name(pg::text(alter->subname));
    if (created_earlier(ctx, name, false)) return;
    std::string what;
    switch (alter->kind) {
        case ALTER_SUBSCRIPTION_ENABLED:
            for (const DefElem* d : pg::each<DefElem>(alter->options)) {
                const auto* flag = pg::as<Boolean>(d->arg);
                if (pg::text(d->defname) == "enabled" && flag != nullptr && !flag->boolval) {
                    what = "ALTER SUBSCRIPTION " + quote_ident(name) + " DISABLE: this database stops applying the "
                           "publisher's changes (its tables go stale) until it is enabled again, and the publisher keeps "
                           "its WAL meanwhile";
                }
            }
            break;
        case ALTER_SUBSCRIPTION_SET_PUBLICATION:
            what = "ALTER SUBSCRIPTION " + quote_ident(name) + " SET PUBLICATION: the changes of the publications it no "
                   "longer names stop arriving";
            break;
        case ALTER_SUBSCRIPTION_DROP_PUBLICATION:
            what = "ALTER SUBSCRIPTION " + quote_ident(name) + " DROP PUBLICATION: the changes of the publications it "
                   "drops stop arriving";
            break;
        case ALTER_SUBSCRIPTION_SKIP:
            what = "ALTER SUBSCRIPTION " + quote_ident(name) + " SKIP: the publisher's transaction at that position is "
                   "never applied here: its changes are lost on this side";
            break;
        default: return;
    }
    if (what.empty()) return;
    Finding& f = sink.add(ctx.statement, what + ", silently, from the moment it commits");
    f.fix = "change a subscription by hand, out of band, with the publisher's owners, not in a migration every "
            "environment runs";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* alter = ctx.as<AlterPublicationStmt>()) return check_publication(ctx, alter, sink);
    if (const auto* alter = ctx.as<AlterSubscriptionStmt>()) return check_subscription(ctx, alter, sink);
    if (const auto* drop = ctx.as<DropSubscriptionStmt>()) {
        const std::string name(pg::text(drop->subname));
        if (created_earlier(ctx, name, false)) return;
        Finding& f = sink.add(ctx.statement, "DROP SUBSCRIPTION " + quote_ident(name) + ": this database stops receiving "
                                                 "the publisher's changes, and the replication slot on the publisher is "
                                                 "dropped with it (checked on PostgreSQL 15: \"dropped replication slot on "
                                                 "publisher\"): subscribing again copies every table anew");
        f.fix = "drop a subscription by hand, out of band, once nothing depends on the tables it fills";
        return;
    }
    if (const auto* drop = ctx.as<DropStmt>(); drop != nullptr && drop->removeType == OBJECT_PUBLICATION) {
        std::string names;
        for (const pg::Node* o : pg::each(drop->objects)) {
            const std::string name(pg::text(o));
            if (created_earlier(ctx, name, true)) continue;
            names += (names.empty() ? "" : ", ") + quote_ident(name);
        }
        if (names.empty()) return;
        Finding& f = sink.add(ctx.statement, "DROP PUBLICATION " + names + ": " + k_stops +
                                                 "every change, and their apply workers fail \"publication does not exist\", "
                                                 "from the moment it commits");
        f.fix = "drop a publication only after its subscriptions are dropped (pg_replication_slots on this server shows "
                "who still reads), by hand";
        return;
    }
    if (const auto* rename = ctx.as<RenameStmt>(); rename != nullptr && rename->renameType == OBJECT_PUBLICATION) {
        const std::string name(pg::text(rename->object));
        if (created_earlier(ctx, name, true)) return;
        Finding& f = sink.add(ctx.statement, "ALTER PUBLICATION " + quote_ident(name) + " RENAME: subscriptions name it by "
                                                 "its old name, and their apply workers fail \"publication does not exist\": " +
                                                 k_stops + "changes");
        f.fix = "rename a publication together with its subscriptions (ALTER SUBSCRIPTION ... SET PUBLICATION), by hand";
        return;
    }
    if (ctx.stmt == nullptr) return;
    const SlotFunction* found = nullptr;
    walk(executed_query(ctx.stmt), found, 0);
    if (found == nullptr) return;
    Finding& f = sink.add(ctx.statement, std::string(found->name) + "() " + std::string(found->effect) +
                                             ", with no lock to show it");
    f.fix = "manage replication slots and origins by hand, out of band, with whoever consumes them, not in a migration "
            "every environment runs";
}

}  // namespace

PGFENCE_RULE(replication_stopped) {
    return Rule{"replication-stopped", Risk::High,
                "A publication, subscription, replication slot or origin dropped or narrowed: subscribers and CDC "
                "consumers stop receiving changes",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
