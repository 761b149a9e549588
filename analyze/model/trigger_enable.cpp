// ALTER TABLE ... ENABLE TRIGGER name | ALL | USER turns back on triggers an earlier DISABLE
// switched off (the catalog keeps each trigger's state: AttachedFunction::disabled, recorded by
// function_attach.cpp after the statement is modelled). From then on each one runs as if just
// created: a BEFORE row trigger whose function returns NULL skips every write again (checked on
// PostgreSQL 15: INSERT 0 0 after ENABLE TRIGGER ALL). ENABLE of a trigger the catalog does not
// know on an existing table (a table it does not know, for ALL and USER) runs what pgfence cannot
// see: unknown.
#include "analyze/model/trigger_enable.hpp"
#include <utility>

#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model {
namespace {

std::string events_text(unsigned events) {
    std::string out;
    auto add = [&](unsigned bit, const char* name) {
        if ((events & bit) != 0) out += (out.empty() ? "" : ", ") + std::string(name);
    };
    add(AttachedFunction::Insert, "INSERT");
    add(AttachedFunction::Update, "UPDATE");
    add(AttachedFunction::Delete, "DELETE");
    add(AttachedFunction::Truncate, "TRUNCATE");
    return out;
}

void unknown(StatementFacts& facts, const std::string& what) {
    facts.notes.push_back("not visible to static analysis: " + what +
                          " the migrations pgfence read do not show: what it turns on, and runs from now on, is not known");
    if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
}

}  // namespace

void note_enabled_triggers(const pg::Node* stmt, StatementFacts& facts, const Context& ctx) {
    const auto* alter = pg::as<AlterTableStmt>(stmt);
    if (alter == nullptr || alter->relation == nullptr) return;
    const RelationInfo* rel = std::as_const(ctx.catalog).find(std::string(pg::relname(alter->relation)));
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        const bool every = cmd->subtype == AT_EnableTrigAll || cmd->subtype == AT_EnableTrigUser;
        if (cmd->subtype != AT_EnableTrig && !every) continue;
        const std::string name = cmd->name != nullptr ? std::string(cmd->name) : std::string();
        if (rel == nullptr) {
            unknown(facts, "ENABLE TRIGGER " +
                               (every ? std::string(cmd->subtype == AT_EnableTrigAll ? "ALL" : "USER") : quote_ident(name)) +
                               " on " + pg::display_name(alter->relation) + ", a table");
            continue;
        }
        bool found = false;
        for (const AttachedFunction& f : rel->attached) {
            if (f.trigger.empty() || f.via.starts_with("rule ") || (!every && f.trigger != name)) continue;
            found = true;
            if (!f.disabled || (f.events & (AttachedFunction::Insert | AttachedFunction::Update | AttachedFunction::Delete |
                                             AttachedFunction::Truncate)) == 0) {
                continue;
            }
            facts.notes.push_back(std::string(k_trigger_enabled_note) + f.name + "(): trigger " + quote_ident(f.trigger) + " on " +
                                  rel->display + " runs it " + (f.before_row ? "BEFORE each row of every " : "on every ") +
                                  events_text(f.events));
            if (f.before_row) note_trigger_function_named(f.name, facts, ctx);
        }
        // A table made in this migration has no trigger pgfence did not see (PostgreSQL refuses the
        // name of one that does not exist).
        const bool named = rel->is_new || rel->triggers.find(name) != rel->triggers.end();
        if (!every && !found && !named) unknown(facts, "ENABLE TRIGGER " + quote_ident(name) + " on " + rel->display + ", a trigger");
    }
}

}  // namespace pgfence::analyze::model
