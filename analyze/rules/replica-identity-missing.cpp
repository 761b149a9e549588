// A publication that publishes UPDATE and DELETE of a table without a replica identity (no primary
// key, REPLICA IDENTITY DEFAULT): PostgreSQL refuses every UPDATE and DELETE of the table from the
// moment the publication commits, the application's included ("cannot update table "audit_log"
// because it does not have a replica identity and publishes updates", checked on PostgreSQL 15
// with wal_level = replica: the publication only warns). ALTER TABLE ... REPLICA IDENTITY NOTHING
// does the same to a table a publication may already publish. No lock shows it. The lock model
// notes the published tables the migrations show without a primary key
// (analyze/publication_note.hpp); a REPLICA IDENTITY FULL or USING INDEX the file gives one of
// them clears it.
#include <cctype>
#include <set>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/model/publication_note.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Does the publication publish UPDATE or DELETE (WITH (publish = '...'); all four by default)?
bool publishes_changes(const CreatePublicationStmt* stmt) {
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        if (pg::text(d->defname) != "publish") continue;
        std::string value(pg::text(d->arg));
        for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return value.find("update") != std::string::npos || value.find("delete") != std::string::npos;
    }
    return true;
}

// The tables the file gives a replica identity that does not need a primary key: FULL ('f') or USING
// INDEX ('i'), pg_class.relreplident's REPLICA_IDENTITY_FULL and _INDEX (catalog/pg_class.h).
std::set<std::string> given_identity(const StatementContext& ctx) {
    std::set<std::string> out;
    if (ctx.stmts == nullptr) return out;
    for (const pg::Node* node : *ctx.stmts) {
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* identity = pg::as<ReplicaIdentityStmt>(cmd->def);
            if (cmd->subtype == AT_ReplicaIdentity && identity != nullptr &&
                (identity->identity_type == 'f' || identity->identity_type == 'i')) {
                out.insert(std::string(pg::relname(alter->relation)));
            }
        }
    }
    return out;
}

std::string bare(const std::string& display) {
    const std::size_t dot = display.rfind('.');
    std::string name = dot == std::string::npos ? display : display.substr(dot + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    return name;
}

// The finding for the tables `name` starts publishing the changes of (`verb`: "publishes",
// "starts publishing") that have no primary key and were given no replica identity; false when none.
bool report_unkeyed(const StatementContext& ctx, Sink& sink, const std::string& name, const std::string& verb, const std::string& fix) {
    const std::set<std::string> given = given_identity(ctx);
    std::string tables;
    int count = 0;
    for (const std::string& table : published_without_key(ctx.statement)) {
        if (given.count(bare(table)) > 0) continue;
        tables += (count++ == 0 ? "" : ", ") + table;
    }
    if (count == 0) return false;
    Finding& f = sink.add(ctx.statement, name + " " + verb + " UPDATE and DELETE of " + tables + ", which " + (count == 1 ? "has" : "have") +
                                             " no primary key, as the migrations show it, and so no replica identity: "
                                             "from the moment it commits every UPDATE and DELETE of the application on " +
                                             (count == 1 ? "it" : "them") +
                                             " fails (\"cannot update table because it does not have a replica identity "
                                             "and publishes updates\"), with no lock to show it");
    f.fix = "give each such table a replica identity first (a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL / "
            "USING INDEX), or " + fix;
    return true;
}

void check_publication(const CreatePublicationStmt* stmt, const StatementContext& ctx, Sink& sink) {
    if (!publishes_changes(stmt)) return;
    const std::string name = "CREATE PUBLICATION " + quote_ident(pg::text(stmt->pubname));
    if (report_unkeyed(ctx, sink, name, "publishes", "publish only inserts (WITH (publish = 'insert'))")) return;
    bool by_schema = false;
    for (const PublicationObjSpec* spec : pg::each<PublicationObjSpec>(stmt->pubobjects)) {
        by_schema = by_schema || spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_SCHEMA ||
                    spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_CUR_SCHEMA;
    }
    if (!stmt->for_all_tables && !by_schema) return;
    Finding& f = sink.add(ctx.statement, name + (stmt->for_all_tables ? " FOR ALL TABLES" : " FOR TABLES IN SCHEMA") +
                                             " publishes UPDATE and DELETE of tables pgfence has not seen (made outside the "
                                             "migrations it read, or later): any of them without a primary key or replica "
                                             "identity then refuses the application's UPDATEs and DELETEs (\"cannot update "
                                             "table because it does not have a replica identity\")");
    f.risk = Risk::Medium;
    f.fix = "check that every published table has a primary key or a replica identity "
            "(SELECT relname FROM pg_class WHERE relkind = 'r' AND relreplident IN ('d', 'n') AND NOT EXISTS "
            "(SELECT 1 FROM pg_index WHERE indrelid = pg_class.oid AND indisprimary)), or name the tables";
}

// ALTER PUBLICATION ... ADD / SET TABLE, TABLES IN SCHEMA, or SET (publish = ...): the model
// notes the tables it starts publishing the changes of, with the publication's publish list.
void check_alter_publication(const AlterPublicationStmt* stmt, const StatementContext& ctx, Sink& sink) {
    const std::string name = "ALTER PUBLICATION " + quote_ident(pg::text(stmt->pubname));
    if (report_unkeyed(ctx, sink, name, "starts publishing",
                       "publish it through a publication of inserts only (WITH (publish = 'insert'))")) {
        return;
    }
    constexpr std::string_view inserts_only = k_publication_inserts_only_note;
    for (const auto& n : ctx.statement.notes) {
        if (n == inserts_only) return;
    }
    bool by_schema = false;
    for (const PublicationObjSpec* spec : pg::each<PublicationObjSpec>(stmt->pubobjects)) {
        by_schema = by_schema || spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_SCHEMA ||
                    spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_CUR_SCHEMA;
    }
    if (!by_schema || stmt->action == AP_DropObjects) return;
    Finding& f = sink.add(ctx.statement, name + " ... TABLES IN SCHEMA publishes UPDATE and DELETE of tables pgfence has "
                                             "not seen (made outside the migrations it read, or later): any of them without a "
                                             "primary key or replica identity then refuses the application's UPDATEs and "
                                             "DELETEs (\"cannot update table because it does not have a replica identity\")");
    f.risk = Risk::Medium;
    f.fix = "check that every published table has a primary key or a replica identity "
            "(SELECT relname FROM pg_class WHERE relkind = 'r' AND relreplident IN ('d', 'n') AND NOT EXISTS "
            "(SELECT 1 FROM pg_index WHERE indrelid = pg_class.oid AND indisprimary)), or name the tables";
}

// ALTER TABLE ... REPLICA IDENTITY DEFAULT of a table without a primary key whose identity was
// FULL or USING INDEX: the model notes it (publication_note.hpp).
void check_identity_removed(const AlterTableStmt* alter, const StatementContext& ctx, Sink& sink) {
    for (const auto& n : ctx.statement.notes) {
        if (!n.starts_with(k_identity_removed_note)) continue;
        const std::string table = n.substr(k_identity_removed_note.size());
        Finding& f = sink.add(ctx.statement, "REPLICA IDENTITY DEFAULT on " + table +
                                                 ", which has no primary key as the migrations show it: DEFAULT means the "
                                                 "primary key, so the table is left with no replica identity, and when a "
                                                 "publication publishes its updates or deletes (one made outside the migrations "
                                                 "pgfence read included) every UPDATE and DELETE of the application on it fails "
                                                 "from the moment this commits (\"cannot update table because it does not have a "
                                                 "replica identity and publishes updates\"), with no lock to show it");
        f.relation = ctx.display_name(alter->relation);
        f.fix = "keep the replica identity it has (FULL or USING INDEX), or add a primary key first";
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* publication = ctx.as<CreatePublicationStmt>()) return check_publication(publication, ctx, sink);
    if (const auto* publication = ctx.as<AlterPublicationStmt>()) return check_alter_publication(publication, ctx, sink);
    const auto* alter = ctx.as<AlterTableStmt>();
    if (alter == nullptr || alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    check_identity_removed(alter, ctx, sink);
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        const auto* identity = pg::as<ReplicaIdentityStmt>(cmd->def);
        if (cmd->subtype != AT_ReplicaIdentity || identity == nullptr || identity->identity_type != 'n') {  // REPLICA_IDENTITY_NOTHING
            continue;
        }
        Finding& f = sink.add(ctx.statement, "REPLICA IDENTITY NOTHING on " + table +
                                                 ": when a publication publishes its updates or deletes (one made outside "
                                                 "the migrations pgfence read included), every UPDATE and DELETE of the "
                                                 "application on it fails from the moment this commits (\"cannot update table "
                                                 "because it does not have a replica identity and publishes updates\"), with no "
                                                 "lock to show it");
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = "keep the primary key as the replica identity (REPLICA IDENTITY DEFAULT), or FULL; remove the table from "
                "every publication (pg_publication_tables) first if it must have none";
    }
}

}  // namespace

PGFENCE_RULE(replica_identity_missing) {
    return Rule{"replica-identity-missing", Risk::High,
                "a publication of a table without replica identity, or REPLICA IDENTITY NOTHING, makes the application's "
                "UPDATEs and DELETEs fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
