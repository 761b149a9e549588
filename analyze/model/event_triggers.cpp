#include "analyze/model/event_triggers.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/names.hpp"

namespace pgfence::analyze {
namespace {

// EventTriggerSupportsObjectType (src/backend/commands/event_trigger.c, PostgreSQL 15): the
// shared objects and event triggers themselves are outside event triggers' reach.
bool supports_object_type(ObjectType type) {
    return type != OBJECT_DATABASE && type != OBJECT_ROLE && type != OBJECT_TABLESPACE && type != OBJECT_EVENT_TRIGGER;
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

}  // namespace

void record_event_trigger(const pg::Node* stmt, Catalog& catalog) {
    if (const CreateEventTrigStmt* create = pg::as<CreateEventTrigStmt>(stmt)) {
        EventTriggerInfo info;
        info.event = std::string(pg::text(create->eventname));
        info.function = std::string(pg::last_name(create->funcname));
        if (pg::length(create->funcname) > 1) info.schema = std::string(pg::text(pg::nth(create->funcname, pg::length(create->funcname) - 2)));
        for (const DefElem* when : pg::each<DefElem>(create->whenclause)) {
            if (pg::text(when->defname) != "tag") continue;
            for (const pg::Node* tag : pg::each(pg::as<List>(when->arg))) info.tags.push_back(upper(pg::text(tag)));
        }
        catalog.set_event_trigger(std::string(pg::text(create->trigname)), std::move(info));
    } else if (const AlterEventTrigStmt* alter = pg::as<AlterEventTrigStmt>(stmt)) {
        // tgenabled: 'O' (ENABLE), 'R' (ENABLE REPLICA), 'A' (ENABLE ALWAYS), 'D' (DISABLE).
        if (EventTriggerInfo* info = catalog.event_trigger(std::string(pg::text(alter->trigname)))) info->enabled = alter->tgenabled != 'D';
    } else if (const DropStmt* drop = pg::as<DropStmt>(stmt); drop != nullptr && drop->removeType == OBJECT_EVENT_TRIGGER) {
        for (const pg::Node* name : pg::each(drop->objects)) catalog.remove_event_trigger(std::string(pg::text(name)));
    } else if (const RenameStmt* rename = pg::as<RenameStmt>(stmt); rename != nullptr && rename->renameType == OBJECT_EVENT_TRIGGER) {
        const std::string from(pg::text(rename->object));
        if (const EventTriggerInfo* info = catalog.event_trigger(from)) {
            EventTriggerInfo moved = *info;
            catalog.remove_event_trigger(from);
            catalog.set_event_trigger(std::string(pg::text(rename->newname)), std::move(moved));
        }
    }
}

bool fires_event_triggers(const pg::Node* stmt) {
    if (stmt == nullptr) return false;
    switch (nodeTag(stmt)) {
        // Queries and DML.
        case T_SelectStmt: case T_InsertStmt: case T_UpdateStmt: case T_DeleteStmt: case T_MergeStmt:
        // standard_ProcessUtility's own cases (utility.c, PostgreSQL 15).
        case T_TransactionStmt: case T_DeclareCursorStmt: case T_ClosePortalStmt: case T_FetchStmt: case T_DoStmt:
        case T_CreateTableSpaceStmt: case T_DropTableSpaceStmt: case T_AlterTableSpaceOptionsStmt: case T_TruncateStmt:
        case T_CopyStmt: case T_PrepareStmt: case T_ExecuteStmt: case T_DeallocateStmt: case T_GrantRoleStmt:
        case T_CreatedbStmt: case T_AlterDatabaseStmt: case T_AlterDatabaseRefreshCollStmt: case T_AlterDatabaseSetStmt:
        case T_DropdbStmt: case T_NotifyStmt: case T_ListenStmt: case T_UnlistenStmt: case T_LoadStmt: case T_CallStmt:
        case T_ClusterStmt: case T_VacuumStmt: case T_ExplainStmt: case T_AlterSystemStmt: case T_VariableSetStmt:
        case T_VariableShowStmt: case T_DiscardStmt: case T_CreateEventTrigStmt: case T_AlterEventTrigStmt:
        case T_CreateRoleStmt: case T_AlterRoleStmt: case T_AlterRoleSetStmt: case T_DropRoleStmt: case T_ReassignOwnedStmt:
        case T_LockStmt: case T_ConstraintsSetStmt: case T_CheckPointStmt: case T_ReindexStmt:
            return false;
        // Those that go to ProcessUtilitySlow only for object types event triggers support.
        case T_GrantStmt: return supports_object_type(pg::as<GrantStmt>(stmt)->objtype);
        case T_DropStmt: return supports_object_type(pg::as<DropStmt>(stmt)->removeType);
        case T_RenameStmt: return supports_object_type(pg::as<RenameStmt>(stmt)->renameType);
        case T_AlterObjectDependsStmt: return supports_object_type(pg::as<AlterObjectDependsStmt>(stmt)->objectType);
        case T_AlterObjectSchemaStmt: return supports_object_type(pg::as<AlterObjectSchemaStmt>(stmt)->objectType);
        case T_AlterOwnerStmt: return supports_object_type(pg::as<AlterOwnerStmt>(stmt)->objectType);
        case T_CommentStmt: return supports_object_type(pg::as<CommentStmt>(stmt)->objtype);
        case T_SecLabelStmt: return supports_object_type(pg::as<SecLabelStmt>(stmt)->objtype);
        default:
            return true;  // every other utility statement: ProcessUtilitySlow
    }
}

std::vector<FiredEventTrigger> event_triggers_fired(const pg::Node* stmt, const std::string& tag, const Catalog& catalog) {
    std::vector<FiredEventTrigger> out;
    if (catalog.event_triggers().empty() || !fires_event_triggers(stmt)) return out;
    // sql_drop fires for the statements that drop objects, table_rewrite for those that rewrite a
    // table: both are taken to fire for any DROP or ALTER, which reports more, never less.
    const bool drops_or_alters = pg::is<DropStmt>(stmt) || pg::is<AlterTableStmt>(stmt) || pg::is<AlterDomainStmt>(stmt) ||
                                 pg::is<AlterTypeStmt>(stmt) || pg::is<AlterEnumStmt>(stmt);
    const std::string shown_tag = upper(tag);
    for (const auto& [name, info] : catalog.event_triggers()) {
        if (!info.enabled) continue;
        if ((info.event == "sql_drop" || info.event == "table_rewrite") && !drops_or_alters) continue;
        // WHEN TAG IN (...) names PostgreSQL's command tags; pgfence's differ in places (CREATE
        // INDEX CONCURRENTLY, ALTER OWNER): a filter whose tags all start with another verb is
        // the only one taken not to match, which reports more, never less.
        const std::string verb = shown_tag.substr(0, shown_tag.find(' '));
        if (!info.tags.empty() && !verb.empty() &&
            std::none_of(info.tags.begin(), info.tags.end(), [&](const std::string& t) { return t.substr(0, t.find(' ')) == verb; })) {
            continue;
        }
        out.push_back({info.function, info.schema,
                       "event trigger " + quote_ident(name) + " (" + info.event + "), which " +
                           (shown_tag.empty() ? std::string("this DDL statement") : shown_tag) + " fires"});
    }
    return out;
}

}  // namespace pgfence::analyze
