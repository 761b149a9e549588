// Composer: what the file's statements change, surveyed before composing (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"

namespace pgfence::analyze {

namespace plan_detail {
// The line of a SET NOT NULL kept as written (it refuses the old release's inserts from then on)
// on another table before statement i, when `alter` changes a default of a table; 0 otherwise.
std::size_t Composer::refused_before(std::size_t i, const AlterTableStmt* alter) const {
    if (alter == nullptr || alter->relation == nullptr || pg::length(alter->cmds) == 0) return 0;
    bool default_changed = false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) default_changed = default_changed || cmd->subtype == AT_ColumnDefault;
    if (!default_changed) return 0;
    std::string table = table_key(pg::display_name(alter->relation));
    for (std::size_t j = 0; j < i && j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* other = pg::as<AlterTableStmt>(j < m_stmts.size() ? m_stmts[j] : nullptr);
        if (m_survey.keep_not_null.count(j) > 0 && other != nullptr && other->relation != nullptr &&
            table_key(pg::display_name(other->relation)) != table) {
            return static_cast<std::size_t>(m_report.statements[j].span.start.line);
        }
    }
    return 0;
}

// Which statements change what the old release's writes do (changes_writes), in the file's
// order: a SET DEFAULT that repeats the default an earlier statement of the file gave the column
// (Sequelize's changeColumn restating it) changes nothing.
void Composer::find_write_changes() {
    m_writes.assign(m_report.statements.size(), 0);
    std::map<std::string, std::string> defaults;  // table_key '\x1f' column -> the subcommand that last set its default
    // The functions existing triggers run: replacing one changes what the old release's writes
    // do (lemmy's community_aggregates_subscriber_count began counting subscribers_local, which
    // the file's UPDATE had just filled: apart, the follows in between were counted by neither).
    std::set<std::string> trigger_functions;
    // Only for a file that replaces a function: the walk of every relation, per file, made a
    // chained run quadratic in its files.
    bool replaces = false;
    for (std::size_t i = 0; i < m_stmts.size() && !replaces; ++i) {
        const auto* f = pg::as<CreateFunctionStmt>(m_stmts[i]);
        replaces = f != nullptr && f->replace;
    }
    if (m_catalog != nullptr && replaces) {
        for (const auto& [name, rel] : m_catalog->relations()) {
            for (const auto& [trigger, function] : rel->triggers) trigger_functions.insert(function);
        }
    }
    for (std::size_t i = 0; i < m_report.statements.size() && i < m_stmts.size(); ++i) {
        if (const auto* f = pg::as<CreateFunctionStmt>(m_stmts[i]); f != nullptr && f->replace && pg::length(f->funcname) > 0 &&
                                                                    !(i < m_down.size() && m_down[i]) &&
                                                                    trigger_functions.count(std::string(pg::last_name(f->funcname))) > 0) {
            m_writes[i] = 1;
            continue;
        }
        if (i < m_down.size() && m_down[i]) continue;
        // A column type change on a table with triggers: the application's sessions that ran one
        // hold its plans for the old row type, and their next write fails ("type of parameter
        // does not match that when preparing the plan"). Changes of several such tables in
        // different migrations make those failures happen at moments the original has none
        // (crates.io's timezones: 20 tables, one migration each, differed under the oracle).
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[i]);
        if (alter != nullptr && alter->relation != nullptr && m_catalog != nullptr) {
            const RelationInfo* rel = m_catalog->find(table_key(pg::display_name(alter->relation)));
            bool typed = false;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) typed = typed || cmd->subtype == AT_AlterColumnType;
            if (typed && rel != nullptr && !rel->triggers.empty()) {
                m_writes[i] = 1;
                continue;
            }
        }
        if (!changes_writes(m_stmts[i], m_report.statements[i])) continue;
        if (alter == nullptr) {
            m_writes[i] = 1;
            continue;
        }
        std::size_t head_end = 0;
        std::vector<std::string> pieces = subcommand_texts(m_report.statements[i], alter, &head_end);
        const bool cut = static_cast<int>(pieces.size()) == pg::length(alter->cmds);
        std::size_t c = 0;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_ColumnDefault && cut) {
                std::string key = table_key(pg::display_name(alter->relation)) + '\x1f' + std::string(pg::text(cmd->name));
                std::string text = statement_key(pieces[c]);
                auto [at, fresh] = defaults.try_emplace(key, text);
                if (fresh || at->second != text) m_writes[i] = 1;
                at->second = text;
            } else if (cmd->subtype == AT_ColumnDefault || cmd->subtype == AT_DropColumn || changes_writes_subcommand(cmd->subtype)) {
                m_writes[i] = 1;
            }
            ++c;
        }
    }
    // A table made again under a name the file dropped: in another migration than the DROP the
    // table would be missing in between, and the old release's writes to it fail where the
    // original's never do (the newcomer's DROP TABLE events; CREATE TABLE events, split in two
    // and refused by the oracle). It goes with the DROP, as one more change of what the old
    // release's writes meet.
    {
        std::map<std::string, std::size_t> dropped;  // table key -> the DROP
        for (std::size_t i = 0; i < m_report.statements.size() && i < m_stmts.size(); ++i) {
            if (i < m_down.size() && m_down[i]) continue;
            if (const auto* drop = pg::as<DropStmt>(m_stmts[i]); drop != nullptr && drop->removeType == OBJECT_TABLE) {
                for (const List* items : pg::each<List>(drop->objects)) dropped[table_key(pg::qualified_name(items))] = i;
            } else if (const auto* create = pg::as<CreateStmt>(m_stmts[i]); create != nullptr && create->relation != nullptr) {
                auto it = dropped.find(table_key(pg::display_name(create->relation)));
                if (it == dropped.end()) continue;
                m_writes[it->second] = 1;
                m_writes[i] = 1;
            }
        }
    }
    // Rows the file inserts into a table whose writes a later statement changes (hmpps
    // V2024.07.31 inserts prison_regime rows, then drops a column the old release writes): the
    // original does both at once, so the old release's rows come before the file's or not at
    // all; in two migrations its rows written in between come after them (other serial ids).
    // The write runs with the change, as one of them.
    std::set<std::string> changed;  // table keys a later statement changes the writes of
    for (std::size_t i = std::min(m_report.statements.size(), m_stmts.size()); i-- > 0;) {
        if (i < m_down.size() && m_down[i]) continue;
        const pg::Node* node = m_stmts[i];
        if (m_writes[i]) {
            if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr) {
                changed.insert(table_key(pg::display_name(alter->relation)));
            }
            continue;
        }
        // An UPDATE's rows keep their keys, and the plan's catch-up (check_after) takes the
        // old release's rows written after it: only inserted rows take their place among them.
        const RangeVar* target = pg::is<InsertStmt>(node) ? pg::as<InsertStmt>(node)->relation : nullptr;
        if (target == nullptr || changed.count(table_key(pg::display_name(target))) == 0) continue;
        const LockFact* lock = nullptr;
        for (const LockFact& l : m_report.statements[i].locks) {
            if (table_key(l.relation) == table_key(pg::display_name(target))) lock = &l;
        }
        if (lock != nullptr && !lock->is_new) m_writes[i] = 1;
    }
}

void Composer::find_readded_columns() {
    auto alter_of = [&](std::size_t i) -> const AlterTableStmt* {
        if (i < m_down.size() && m_down[i]) return nullptr;
        const auto* alter = pg::as<AlterTableStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        return alter != nullptr && alter->relation != nullptr ? alter : nullptr;
    };
    for (std::size_t i = 0; i < m_stmts.size(); ++i) {
        // A DO block that drops a constraint (supabase's guarded `ALTER TABLE ... DROP CONSTRAINT
        // IF EXISTS` in one): of each table it locks, as far as the plan can tell.
        if (pg::as<DoStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr) != nullptr && !(i < m_down.size() && m_down[i]) &&
            contains_ci(m_report.statements[i].sql, "DROP CONSTRAINT")) {
            for (const LockFact& lock : m_report.statements[i].locks) {
                if (lock.is_new || (lock.kind != "table" && lock.kind != "partitioned table")) continue;
                const std::string key = table_key(lock.relation);
                readded_check(i, lock.relation, "a constraint (in a DO block)",
                              [&](const RangeVar* rv) { return table_key(pg::display_name(rv)) == key; });
            }
            continue;
        }
        const AlterTableStmt* drop = alter_of(i);
        if (drop == nullptr) continue;
        std::string table = pg::display_name(drop->relation);
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(drop->cmds)) {
            if (cmd->subtype == AT_DropConstraint) {
                readded_check(i, table, quote_ident(pg::text(cmd->name)),
                              [&](const RangeVar* rv) { return same_relation(rv, drop->relation); }, std::string(pg::text(cmd->name)));
                continue;
            }
            if (cmd->subtype != AT_DropColumn) continue;
            std::string column(pg::text(cmd->name));
            for (std::size_t j = i + 1; j < m_stmts.size(); ++j) {
                const AlterTableStmt* add = alter_of(j);
                if (add == nullptr || table_key(pg::display_name(add->relation)) != table_key(table)) continue;
                bool adds = false;
                for (const AlterTableCmd* c : pg::each<AlterTableCmd>(add->cmds)) {
                    const auto* def = pg::as<ColumnDef>(c->def);
                    adds = adds || (c->subtype == AT_AddColumn && def != nullptr && pg::text(def->colname) == column);
                }
                if (!adds) continue;
                std::string decline = "lines " + std::to_string(m_report.statements[i].span.start.line) + " and " +
                                      std::to_string(m_report.statements[j].span.start.line) + " drop " + quote_ident(column) + " of " +
                                      table + " and add it back, and cannot share one migration here; in two, the writes that name "
                                      "it fail in between; by hand: keep them in one migration";
                for (std::size_t k = i + 1; k <= j; ++k) {
                    if (alter_of(k) != nullptr && table_key(pg::display_name(alter_of(k)->relation)) == table_key(table)) {
                        m_rejoin.emplace(k, std::make_pair(table, decline));
                    }
                }
                break;
            }
        }
    }
}

// A constraint dropped (line i) and a CHECK or FOREIGN KEY added to the same table later in the
// file (ente 92: DROP CONSTRAINT storage_bonus_type_check, then ADD it with one more value): the
// original replaces the rule at once; the plan adds the new one NOT VALID, and in a migration of
// its own the table would have no rule in between, so the old release could write rows the new
// one refuses and the VALIDATE fail. The NOT VALID runs in the drop's migration, or the plan is
// declined. (A unique key made again is keys_dropped_and_made's.)
void Composer::readded_check(std::size_t i, const std::string& table, const std::string& name,
                             const std::function<bool(const RangeVar*)>& same_table, const std::string& dropped) {
    // The statement that adds it back under its own name, when one does (trigger.dev's
    // 20240428150144: DROP the foreign key, SET NOT NULL, ADD the foreign key again: the SET NOT
    // NULL's CHECK is not what replaces it), else the first that adds a CHECK or a foreign key,
    // or SET NOT NULL (whose recipe is a CHECK ... NOT VALID first).
    std::size_t first = 0, named = 0;
    for (std::size_t j = i + 1; j < m_stmts.size() && named == 0; ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* add = pg::as<AlterTableStmt>(m_stmts[j]);
        if (add == nullptr || add->relation == nullptr || !same_table(add->relation)) continue;
        bool adds = false;
        for (const AlterTableCmd* c : pg::each<AlterTableCmd>(add->cmds)) {
            const auto* con = pg::as<Constraint>(c->def);
            bool constraint = c->subtype == AT_AddConstraint && con != nullptr && (con->contype == CONSTR_CHECK || con->contype == CONSTR_FOREIGN);
            adds = adds || c->subtype == AT_SetNotNull || constraint;
            if (constraint && !dropped.empty() && pg::text(con->conname) == dropped) named = j;
        }
        if (adds && first == 0) first = j;
    }
    const std::size_t j = named != 0 ? named : first;
    if (j == 0) return;
    std::string decline = "line " + std::to_string(m_report.statements[i].span.start.line) + " drops " + name +
                          " of " + table + " and line " + std::to_string(m_report.statements[j].span.start.line) +
                          " adds a constraint in its place, and they cannot share one migration here; in two, the table "
                          "has no rule in between, the old release can write rows the new one refuses, and its VALIDATE "
                          "fails; by hand: drop the old constraint and add the new one NOT VALID in one migration, then "
                          "VALIDATE it";
    for (std::size_t k = i + 1; k <= j; ++k) {
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[k]);
        if (alter != nullptr && alter->relation != nullptr && same_table(alter->relation)) {
            m_rejoin.emplace(k, std::make_pair(table, decline));
        }
    }
}

// An INSERT or UPDATE that reads a column which a later statement of the file drops (umami 15:
// copy website.share_id into share, then DROP COLUMN share_id) runs in the drop's migration, as
// in the original: in two, the old release's writes of the column in between are taken and then
// lost, where the original refused them. The reason to decline when the plan put them apart.
std::string Composer::copy_split_from_drop(const std::vector<PlanStep>& steps) const {
    auto step_of = [&](std::size_t i, bool last) -> long {
        std::string text = rules::trim(m_report.statements[i].sql);
        long found = -1;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            if (!text.empty() && steps[k].sql.find(text) != std::string::npos) {
                found = static_cast<long>(k);
                if (!last) break;
            }
        }
        return found;
    };
    // What each INSERT and UPDATE reads, walked once: the tables it names, and the column names
    // it mentions ("*" for a star).
    struct Reads {
        std::size_t statement;
        std::set<std::string> tables, columns;
    };
    std::vector<Reads> reads;
    for (std::size_t i = 0; i < m_stmts.size(); ++i) {
        const pg::Node* node = m_stmts[i];
        if ((i < m_down.size() && m_down[i]) || !(pg::is<InsertStmt>(node) || pg::is<UpdateStmt>(node))) continue;
        Reads r{i, {}, {}};
        // An UPDATE's own table (the walk visits the tables it reads from, not its target).
        if (const auto* update = pg::as<UpdateStmt>(node); update != nullptr && update->relation != nullptr) {
            r.tables.insert(table_key(pg::display_name(update->relation)));
        }
        std::function<void(const pg::Node*)> walk = [&](const pg::Node* n) {
            if (n == nullptr) return;
            if (const auto* rv = pg::as<RangeVar>(n)) r.tables.insert(table_key(pg::display_name(rv)));
            if (const auto* ref = pg::as<ColumnRef>(n)) {
                const pg::Node* last = pg::last(ref->fields);
                if (pg::is<String>(last)) r.columns.insert(std::string(pg::text(last)));
                else if (pg::is<A_Star>(last)) r.columns.insert("*");
            }
            pg::each_child(n, walk);
        };
        walk(node);
        reads.push_back(std::move(r));
    }
    if (reads.empty()) return "";
    for (std::size_t j = 0; j < m_stmts.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[j]);
        if (alter == nullptr || alter->relation == nullptr) continue;
        const std::string table = table_key(pg::display_name(alter->relation));
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype != AT_DropColumn) continue;
            const std::string column(pg::text(cmd->name));
            for (const Reads& r : reads) {
                const std::size_t i = r.statement;
                if (i >= j) break;
                if (!r.tables.contains(table) || !(r.columns.contains(column) || r.columns.contains("*"))) continue;
                long copy = step_of(i, false), dropped = step_of(j, true);
                if (copy >= 0 && copy == dropped) continue;
                return "line " + std::to_string(m_report.statements[i].span.start.line) + " reads " + quote_ident(column) + " of " +
                       pg::display_name(alter->relation) + " and line " + std::to_string(m_report.statements[j].span.start.line) +
                       " drops it, and the plan would run them in different migrations: the old release's writes of it in between "
                       "would be taken and then lost, where the original refuses them; by hand: keep the copy and the DROP COLUMN "
                       "in one migration (build or drop indexes CONCURRENTLY before it)";
            }
        }
    }
    return "";
}

void Composer::note(std::size_t i, const std::string& text) {
    std::string line = "line " + std::to_string(m_report.statements[i].span.start.line) + ": " + text;
    if (m_noted.insert(line).second) m_notes.push_back(line);
}

// Is `table` named by a statement after `i` (a DDL statement only, with `only_ddl`)? `which`
// gets the first one.
bool Composer::later_touches(std::size_t i, const std::string& table, bool only_ddl, std::size_t* which) const {
    for (std::size_t j = i + 1; j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const pg::Node* node = j < m_stmts.size() ? m_stmts[j] : nullptr;
        bool dml = pg::is<SelectStmt>(node) || pg::is<InsertStmt>(node) || pg::is<UpdateStmt>(node) || pg::is<DeleteStmt>(node);
        if (only_ddl && dml) continue;
        const auto& locks = m_report.statements[j].locks;
        if (std::any_of(locks.begin(), locks.end(), [&](const LockFact& l) { return table_key(l.relation) == table_key(table); })) {
            if (which != nullptr) *which = j;
            return true;
        }
    }
    return false;
}

// A finding whose safe form the plan does not take, with why in a note: the statement is kept as
// written (under the plan's lock_timeout). False for the others.
bool Composer::skip_finding(std::size_t i, const Finding& f) {
    const auto* alter = pg::as<AlterTableStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
    if (f.rule == "add-column-not-null-without-default") {
        // Kept as written, the plan runs only where the table is empty, and a rehearsal on empty
        // tables proves nothing of the deploy (issue #54: ente's subscriptions plan was called
        // proven so). pgfence cannot choose the value existing rows should get: no plan.
        if (m_declined.empty()) {
            std::string column = "...";
            if (alter != nullptr) {
                int sub = f.subcommand >= 0 ? f.subcommand : (pg::length(alter->cmds) == 1 ? 0 : -1);
                const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, sub));
                if (const auto* def = cmd != nullptr ? pg::as<ColumnDef>(cmd->def) : nullptr) column = quote_ident(pg::text(def->colname)) + " ...";
            }
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) +
                         ": the migration fails on a table with rows: ADD COLUMN " + column + " NOT NULL without DEFAULT on " +
                         f.relation + ", and pgfence cannot choose the value existing rows get, so no plan is offered; "
                         "by hand: give the column a DEFAULT, or add it nullable, fill it, and make it NOT NULL after the release "
                         "that writes it";
        }
        return true;
    }
    if (f.rule == "set-not-null-scan" && m_survey.keep_not_null.count(i) > 0) {
        note(i, m_survey.keep_not_null[i]);
        return true;
    }
    if (alter != nullptr && (f.rule == "add-unique-without-index" || f.rule == "add-primary-key-without-index" ||
                             f.rule == "add-exclusion-constraint")) {
        int sub = f.subcommand >= 0 ? f.subcommand : (pg::length(alter->cmds) == 1 ? 0 : -1);
        const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, sub));
        const auto* con = cmd != nullptr ? pg::as<Constraint>(cmd->def) : nullptr;
        if (con != nullptr && con->deferrable) {
            note(i, "the DEFERRABLE constraint is kept as written (under lock_timeout): it has no online form, as the unique "
                    "index built first would be checked at once and break transactions that swap values before they commit");
            return true;
        }
    }
    if (f.recipe && std::any_of(f.recipe->steps.begin(), f.recipe->steps.end(),
                                [](const RecipeStep& step) { return contains_ci(step.title, "to fill in"); })) {
        // A safe form with a blank to fill in by hand (a rule's template) cannot be run or
        // proven; the statement without it would not be safe either.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + ": the safe form of " + f.rule +
                         " here is a template to fill in by hand (" + f.recipe->steps.front().title + "), so no plan is offered; "
                         "by hand: follow the finding's steps, and rehearse them with pgfence trace --plan";
        }
        return true;
    }
    if (f.rule == "detach-partition-without-concurrently" && f.recipe &&
        std::any_of(f.recipe->steps.begin(), f.recipe->steps.end(), [](const RecipeStep& step) { return !step.in_transaction; })) {
        // DETACH ... CONCURRENTLY adds a CHECK copying the bound to the partition (unless one is
        // there), which the plain DETACH does not: not the file's end state.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) +
                         ": DETACH PARTITION ... CONCURRENTLY leaves on the partition a CHECK copying its bound, which the "
                         "plain DETACH does not, so no plan is offered; by hand: detach CONCURRENTLY in a migration outside a "
                         "transaction and drop that CHECK after it, or keep the DETACH with a short lock_timeout at a quiet time";
        }
        return true;
    }
    if (f.rule == "rename-column" && f.recipe) {
        // One view in place of a table per plan: a second would rename the table to <t>_base again.
        int line = m_report.statements[i].span.start.line;
        auto [view, first] = m_view_tables.try_emplace(table_key(f.relation), line);
        if (!first && m_declined.empty()) {
            m_declined = "lines " + std::to_string(view->second) + " and " + std::to_string(line) + " both rename a column of " +
                         f.relation + ", and the plan puts one view in place of a table at most; by hand, expand and contract: "
                         "add the new columns, write both, backfill, move the reads, drop the old columns in a later release";
        }
        std::size_t j = 0;
        if (later_touches(i, f.relation, true, &j) && m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " renames a column of " + f.relation +
                         " and line " + std::to_string(m_report.statements[j].span.start.line) +
                         " changes that table again, which the view the plan would put in its place refuses; by hand, expand and "
                         "contract: add the new column, write both, backfill, move the reads, drop the old column in a later release";
        }
    }
    return false;
}

// A unique key the file drops and then makes again (hydra: DROP CONSTRAINT t_pkey, then a new
// primary key and CREATE UNIQUE INDEX on the old key's column) is one transaction in the
// original; the plan would drop the key in one migration and build the new one later, and the
// old release could insert duplicates in between that make the build fail. Declined.
void Composer::keys_dropped_and_made(std::size_t i) {
    note_dropped_keys(i);
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    std::string made = makes_unique(node);
    if (!made.empty() && !s.no_transaction_block && m_declined.empty()) {
        auto dropped = m_dropped_keys.find(table_key(made));
        if (dropped != m_dropped_keys.end()) {
            m_declined = "line " + std::to_string(dropped->second.first) + " drops " + dropped->second.second +
                         " of " + made + " (a primary key or unique constraint, as far as the plan can tell) and " +
                         (dropped->second.first == s.span.start.line ? std::string("makes")
                                                                      : "line " + std::to_string(s.span.start.line) + " makes") +
                         " a unique key on " + made + " again: the plan would build it in a later migration, and the old release could insert duplicates "
                         "in between that make it fail; by hand: build the new unique indexes CONCURRENTLY first, then drop "
                         "the old constraint and attach the new ones (ADD CONSTRAINT ... USING INDEX) in one migration";
        }
    }
    // A unique key on a table the file wrote before it (a clean-up of its duplicates, as far as
    // the plan can tell: harbor renames duplicate group names in a DO block, then adds UNIQUE):
    // the original makes the key right after the clean-up, in one transaction; the plan builds it
    // in a later migration, and duplicates the application writes in between make it fail.
    if (auto written = m_written_tables.find(table_key(made));
        !made.empty() && !s.no_transaction_block && m_declined.empty() && written != m_written_tables.end()) {
        m_declined = "line " + std::to_string(written->second) + " changes rows of " + made + " and line " +
                     std::to_string(s.span.start.line) + " then makes a unique key on it (a clean-up of duplicates, as far "
                     "as the plan can tell): the plan would build the key in a later migration, and duplicates the "
                     "application writes in between would make it fail; by hand: keep them in one migration under "
                     "lock_timeout, or stop the duplicates at their source and build the index CONCURRENTLY";
    }
    // Unique keys on two tables that exist: the original refuses the old release's duplicates in
    // both at once; the plan builds each CONCURRENTLY in migrations of its own, so in between a
    // duplicate is refused in one table and stored in the other, and a build that meets one fails
    // and leaves an INVALID unique index, which refuses writes until it is dropped. Declined.
    bool existing = std::any_of(s.locks.begin(), s.locks.end(), [&](const LockFact& l) {
        return l.kind == "table" && !l.is_new && table_key(l.relation) == table_key(made);
    });
    if (!made.empty() && existing && !s.no_transaction_block) {
        auto [first, fresh] = m_unique_tables.try_emplace(table_key(made), s.span.start.line);
        if (m_unique_tables.size() > 1 && fresh && m_declined.empty()) {
            const auto& other = *std::find_if(m_unique_tables.begin(), m_unique_tables.end(),
                                              [&](const auto& t) { return t.first != table_key(made); });
            m_declined = "lines " + std::to_string(other.second) + " and " + std::to_string(s.span.start.line) +
                         " make unique keys on two existing tables at once; the plan would build them CONCURRENTLY in "
                         "different migrations, so in between the old release's duplicate keys are refused in one table and "
                         "stored in the other, and a build that meets one fails and leaves an INVALID unique index that "
                         "refuses writes; by hand: check the tables hold no duplicates and the application writes none, then "
                         "build each index CONCURRENTLY and attach it (ADD CONSTRAINT ... USING INDEX)";
        }
    }
}

// The unique keys statement i may drop (m_dropped_keys), noted before its own new ones are
// checked: `ALTER TABLE t DROP CONSTRAINT t_email_key, ADD UNIQUE (email)` drops and makes in one.
void Composer::note_dropped_keys(std::size_t i) {
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    // DROP INDEX (a unique one, as far as the plan can tell), and a DO block that drops a
    // constraint or an index (supabase/auth drops users_email_key in one, then builds a partial
    // unique index): every table it locks may lose a unique key there.
    const auto* drop = pg::as<DropStmt>(node);
    bool drops_in_block = pg::as<DoStmt>(node) != nullptr &&
                          (contains_ci(s.sql, "DROP CONSTRAINT") || contains_ci(s.sql, "DROP INDEX"));
    if ((drop != nullptr && drop->removeType == OBJECT_INDEX) || drops_in_block) {
        for (const LockFact& lock : s.locks) {
            if (lock.kind != "table" && lock.kind != "partitioned table") continue;
            m_dropped_keys.try_emplace(table_key(lock.relation), s.span.start.line,
                                       drop != nullptr ? "an index" : "a constraint or index in the DO block");
        }
        return;
    }
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr || drops_foreign_key(s, alter)) return;
    // A constraint the schema knows as a foreign key or a CHECK is not a unique key (documenso's
    // self-referencing Folder_parentId_fkey was named as the dropped key before the table's pkey).
    const std::string table = table_key(pg::display_name(alter->relation));
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table) : nullptr;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_DropConstraint) continue;
        const std::string name(pg::text(cmd->name));
        if (rel != nullptr && (rel->foreign_keys.count(name) > 0 || rel->checks.count(name) > 0 || rel->not_null_checks.count(name) > 0)) {
            continue;
        }
        m_dropped_keys.try_emplace(table, s.span.start.line, quote_ident(name));
    }
}

// The primary key a batched UPDATE of `table` (statement i) walks, from the catalog, into
// `key`; "" then, else why there is none. Never a guessed column: without history defining the
// key, for a table without one, or one whose key the file itself changes, there is no walk.
std::string Composer::walk_key(std::size_t i, const std::string& table, std::vector<plan_walk::KeyColumn>& key) const {
    std::string unknown = "the primary key of " + table + " is not known (no history defines it, or the table has none), and a "
                          "batched walk needs it";
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table_key(table)) : nullptr;
    if (rel == nullptr || rel->primary_key.empty()) return unknown;
    for (const auto& name : rel->primary_key) {
        auto at = rel->column_index.find(name);
        if (at == rel->column_index.end() || at->second >= rel->columns.size() || rel->columns[at->second].type.empty()) return unknown;
        key.push_back({name, rel->columns[at->second].type});
    }
    // The key as the file leaves it is the key the UPDATE saw unless the file changes it.
    for (std::size_t j = 0; j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const pg::Node* node = j < m_stmts.size() ? m_stmts[j] : nullptr;
        bool changes = false;
        if (const auto* rename = pg::as<RenameStmt>(node)) {
            changes = rename->relation != nullptr && table_key(pg::display_name(rename->relation)) == table_key(table);
        } else if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr &&
                                                                     table_key(pg::display_name(alter->relation)) == table_key(table)) {
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                const auto* con = pg::as<Constraint>(cmd->def);
                changes = changes || cmd->subtype == AT_DropConstraint || cmd->subtype == AT_AlterColumnType ||
                          cmd->subtype == AT_DropColumn || (cmd->subtype == AT_AddConstraint && con != nullptr && con->contype == CONSTR_PRIMARY);
            }
        }
        if (changes) {
            key.clear();
            return "line " + std::to_string(m_report.statements[j].span.start.line) + " changes " + table +
                   " in a way that may change its primary key, so the key a batched walk would use is not certain";
        }
    }
    const auto* update = pg::as<UpdateStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
    if (plan_walk::keyset_walk(m_report.statements[i].sql, update, key).empty()) {
        key.clear();
        return "its text cannot be cut at its WHERE for a batched walk";
    }
    return {};
}

// Why an UPDATE of every row of `table` cannot become a new column's DEFAULT, "" when it can: a
// DEFAULT fills the rows without firing triggers or rules, and fills children's rows too, so the
// catalog must know the table and that it has none of these.
std::string Composer::fold_blocker(const std::string& table) const {
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table_key(table)) : nullptr;
    if (rel == nullptr || rel->kind != "table") return "no history defines " + table + " as a plain table";
    if (!rel->children.empty() || !rel->parent.empty()) return table + " has partitions or inheritance children or parents";
    if (!rel->triggers.empty() || !rel->rules.empty()) return table + " has triggers or rules, which the UPDATE fires";
    bool fires = std::any_of(rel->attached.begin(), rel->attached.end(), [](const AttachedFunction& f) {
        return !f.trigger.empty() || (f.events & AttachedFunction::Update) != 0;
    });
    if (fires) return table + " runs functions when updated";
    return {};
}

void Composer::survey() {
    m_survey = plan_survey::survey(m_report, m_stmts, m_down, m_by_statement, [this](std::size_t i, const std::string& table) {
        std::vector<plan_walk::KeyColumn> key;
        return walk_key(i, table, key);
    }, [this](std::size_t, const std::string& table) { return fold_blocker(table); });
    for (const auto& [i, text] : m_survey.notes) note(i, text);
}
}  // namespace plan_detail

}  // namespace pgfence::analyze
