// Composer::statement and catch_up: one statement of the file taken into the plan (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"
#include "analyze/plan/plan_comments.hpp"

namespace pgfence::analyze {

namespace plan_detail {
void Composer::statement(std::size_t i) {
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    if (s.status == StatementStatus::Unknown && (s.unanalysable || node == nullptr)) {
        // An ORM call whose SQL is only known at run time has no text to copy: nothing the plan
        // could prove.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(s.span.start.line) + ": its SQL is only known at run time, so no plan can "
                         "be shown to do what it does; split the file by hand around it";
        }
        return;
    }
    if (s.status == StatementStatus::Unknown) {
        // SQL whose effect pgfence cannot see (a function that builds its SQL, such as one creating
        // today's partition): it runs as written where the file runs it, and nothing the plan
        // stages for later (a backfill, a validation, a later release) may move across it.
        const std::string line = "line " + std::to_string(s.span.start.line);
        note(i, s.tag + " builds its SQL at run time; the plan runs it as written, in its place");
        bool moved = !m_backfill.empty() || !m_settle.empty() || !m_validate.empty() || !m_finish.empty() || !m_later.empty();
        if (moved && m_declined.empty()) {
            m_declined = line + ": " + s.tag + " builds its SQL at run time, and the plan would run work of the statements before it "
                         "(a backfill, a validation or a later release) after it; by hand: keep the file's order, or move that "
                         "statement to a migration of its own";
        }
        m_unknown_line = s.span.start.line;
        m_before_at_unknown = m_before.size();
        Unit u{with_semicolon(s.sql), !s.no_transaction_block, strong_table(s)};
        u.writes = i < m_writes.size() && m_writes[i] != 0;
        u.line = s.span.start.line;
        push_unit(m_now, std::move(u));
        return;
    }
    if (node != nullptr && pg::as<TransactionStmt>(node) != nullptr) return;
    if (const auto* set = pg::as<VariableSetStmt>(node)) {
        std::string name(pg::text(set->name));
        if (name.empty()) name = "(all)";
        if (!m_statement_span) {
            // The first and last statements of the file that are not SETs or BEGIN/COMMIT, found once.
            auto statement_at = [&](std::size_t j) {
                const pg::Node* n = m_stmts[j];
                return n != nullptr && !(j < m_down.size() && m_down[j]) && !pg::is<VariableSetStmt>(n) && !pg::is<TransactionStmt>(n);
            };
            std::pair<std::size_t, std::size_t> span{m_stmts.size(), 0};
            for (std::size_t j = 0; j < m_stmts.size(); ++j) {
                if (!statement_at(j)) continue;
                span.first = std::min(span.first, j);
                span.second = j;
            }
            m_statement_span = span;
        }
        const bool before = m_statement_span->first < i;
        const bool after = m_statement_span->first < m_stmts.size() && m_statement_span->second > i;
        if (!after) {
            // After the file's last statement. A RESET (a closing RESET lock_timeout, RESET ALL)
            // puts back what the connection had: every migration of the plan ends with it. A SET
            // is left for the tool's next migrations, and every migration of the plan but the
            // last would leave it for the plan's own next one (a statement_timeout its CREATE
            // INDEX CONCURRENTLY would hit, a role that does not own the table): declined.
            if (set->kind == VAR_RESET || set->kind == VAR_RESET_ALL) {
                m_trailing[name] = with_semicolon(s.sql);
            } else if (m_declined.empty()) {
                m_declined = "line " + std::to_string(s.span.start.line) + " sets " + name +
                             " after the file's last statement, for the migrations after it; the plan's migrations would "
                             "run under it too; by hand: if it is meant for this file, move it to the file's start and end the file "
                             "with RESET " + name + " (as session-setting-outlives-migration says); if for the migrations after it, "
                             "set it at the start of each";
            }
            return;
        }
        // The file's SETs start every migration of the plan: one that changes search_path after
        // statements that name relations would change what they name.
        if (name == "search_path" || set->kind == VAR_RESET_ALL) {
            if (m_search_path_line == 0) m_search_path_line = s.span.start.line;
            if (m_declined.empty() && before) {
                m_declined = "line " + std::to_string(s.span.start.line) + " changes search_path after statements that name relations; the "
                             "plan starts each migration with the file's SETs, which would change what those statements name";
            }
        }
        std::string text = with_semicolon(s.sql);
        auto current = m_settings.find(name);
        bool same = set->kind == VAR_RESET_ALL ? m_settings.empty() : current != m_settings.end() && current->second == text;
        if (before && !same && m_declined.empty()) {
            // The plan starts each migration with the file's settings: one changed between
            // statements would reach the statements before it too.
            m_declined = "line " + std::to_string(s.span.start.line) + " changes " + name +
                         " between statements, and the plan starts each migration with the file's settings, so the "
                         "statements before it would run under the new value; by hand: keep one value for the whole file, "
                         "or split the file where it changes";
        }
        if (set->kind == VAR_RESET_ALL) m_settings.clear();
        else m_settings[name] = std::move(text);
        return;
    }
    if (depends_on_later_drop(node) && !m_later.empty()) {
        // A table dropped earlier in the file is dropped in a later release by the plan; what it
        // may depend on (its column's type, a function its default or trigger calls, a sequence)
        // is dropped after it there, in the file's order, or the DROP would fail on it.
        note(i, "dropped after the table the plan drops in a later release, as in the file, since that table may depend on it");
        Unit u;
        u.sql = with_semicolon(s.sql);
        u.transaction = !s.no_transaction_block;
        u.table = strong_table(s);
        m_later.push_back(std::move(u));
        return;
    }
    if (m_survey.absorbed.count(i) > 0) {
        for (const Finding* f : m_by_statement[i]) m_replaced.insert(f->rule);
        return;  // the folded ADD COLUMN ... NOT NULL does it
    }
    keys_dropped_and_made(i);
    UpdateWay way = i < m_survey.update_way.size() ? m_survey.update_way[i] : UpdateWay::none;
    auto instant = m_survey.instant.find(i);
    if (way == UpdateWay::folded || way == UpdateWay::keep || instant != m_survey.instant.end()) {
        for (const Finding* f : m_by_statement[i]) {
            if (role_of(f->rule) == Role::structural || (way == UpdateWay::folded && batching_rule(f->rule))) m_replaced.insert(f->rule);
        }
        if (way == UpdateWay::folded) return;  // its ADD COLUMN does what it did
        if (instant != m_survey.instant.end()) keeps_comments(i, instant->second);
        for (const Finding* f : m_by_statement[i]) {
            if (batching_rule(f->rule)) m_kept_rules.insert(f->rule);
        }
        Unit u{instant != m_survey.instant.end() ? instant->second : with_semicolon(s.sql), true, strong_table(s)};
        u.exclusive = instant != m_survey.instant.end();
        // An UPDATE kept whole: a migration of its own, so its row locks end when it commits.
        // One that fills a column kept NOT NULL as written: with what came before it and after it.
        u.joins = m_survey.update_joins.count(i) > 0;
        if (u.joins) {
            u.join_table = pg::display_name(pg::as<UpdateStmt>(node)->relation);
            u.join_decline = not_null_decline(i);
        }
        u.alone = u.ends = way == UpdateWay::keep && !u.joins;
        u.kept_update = u.alone;
        u.line = s.span.start.line;
        if (u.alone) m_kept_updates[table_key(pg::display_name(pg::as<UpdateStmt>(node)->relation))].push_back(i);
        if (u.joins) {
            m_joined_update_tables.insert(pg::display_name(pg::as<UpdateStmt>(node)->relation));
            // What the original's transaction raises, its copy raises too: kept, not resolved.
            for (const char* rule : {"statement-after-access-exclusive", "work-under-held-lock", "lock-upgrade-in-transaction"}) {
                m_kept_rules.insert(rule);
            }
        }
        unit(std::move(u));
        return;
    }
    m_walk.clear();
    if (way == UpdateWay::batch) {
        m_batched.insert(pg::display_name(pg::as<UpdateStmt>(node)->relation));
        for (const ResTarget* set : pg::each<ResTarget>(pg::as<UpdateStmt>(node)->targetList)) {
            std::string column = pg::display_name(pg::as<UpdateStmt>(node)->relation) + "." + quote_ident(pg::text(set->name));
            if (std::find(m_backfilled.begin(), m_backfilled.end(), column) == m_backfilled.end()) m_backfilled.push_back(column);
        }
        std::vector<plan_walk::KeyColumn> key;
        if (walk_key(i, pg::display_name(pg::as<UpdateStmt>(node)->relation), key).empty()) {
            m_walk = plan_walk::keyset_walk(s.sql, pg::as<UpdateStmt>(node), key);
        }
    }
    // The findings on it that carry a safe form, best first per subcommand.
    std::map<int, const Finding*> chosen;  // subcommand (-1: the statement) -> finding
    std::vector<const Finding*> additions;
    for (const Finding* finding : m_by_statement[i]) {
        const Finding& f = *finding;
        Role role = role_of(f.rule);
        if (role == Role::structural) {
            m_replaced.insert(f.rule);
            continue;
        }
        if (!f.recipe || f.recipe->steps.empty()) continue;
        if (skip_finding(i, f)) {
            m_kept_rules.insert(f.rule);
            continue;
        }
        if (role == Role::add) {
            // An index the file does not build would change the schema it leaves (docs/plans.md:
            // the same end state), so the plan does not add it; the finding keeps its advice.
            m_notes.push_back("line " + std::to_string(s.span.start.line) + ": " + f.rule +
                              ": the plan does not add the index (it would leave a schema the file does not); "
                              "add it in a migration of its own if you want it");
            continue;
        }
        const Finding*& best = chosen[f.subcommand];
        if (best == nullptr || f.risk > best->risk) best = &f;
    }
    const auto* alter = pg::as<AlterTableStmt>(node);
    bool per_subcommand = alter != nullptr && pg::length(alter->cmds) > 1 && !chosen.empty() && chosen.count(-1) == 0;
    std::vector<std::string> pieces;
    std::size_t head_end = 0;
    if (per_subcommand) pieces = subcommand_texts(s, alter, &head_end);
    if (per_subcommand && pieces.empty()) {
        // The text could not be cut: keep the statement, and say which safe forms are missing.
        m_notes.push_back("line " + std::to_string(s.span.start.line) +
                          ": its subcommands could not be separated; the plan keeps the statement as written");
        chosen.clear();
    }
    if (chosen.empty()) {
        if (const auto* update = pg::as<UpdateStmt>(node); update != nullptr && update->relation != nullptr) {
            m_kept_updates[table_key(pg::display_name(update->relation))].push_back(i);
        }
        Unit u{with_semicolon(s.sql), !s.no_transaction_block, strong_table(s)};
        u.ends = s.tag == "ALTER TYPE" && contains_ci(s.sql, "ADD VALUE");
        const LockFact* strongest = s.strongest_lock();
        u.exclusive = strongest != nullptr && !strongest->is_new && strongest->mode == LockMode::AccessExclusive;
        u.lockless = std::all_of(s.locks.begin(), s.locks.end(), [](const LockFact& l) { return l.is_new; });
        u.alone = u.ends;
        // A SET NOT NULL kept as written refuses the old release's inserts from then on.
        u.writes = (i < m_writes.size() && m_writes[i] != 0) || m_survey.keep_not_null.count(i) > 0;
        u.line = s.span.start.line;
        // SET NOT NULL right after the UPDATE that fills the column: in its transaction, as in
        // the original, or rows the old release inserts in between would make it fail.
        const auto* alter_here = pg::as<AlterTableStmt>(node);
        if (m_survey.keep_not_null.count(i) > 0 && alter_here != nullptr &&
            m_joined_update_tables.count(pg::display_name(alter_here->relation)) > 0) {
            u.joins = true;
            u.join_table = pg::display_name(alter_here->relation);
            u.join_decline = not_null_decline(i);
        }
        // A fill other than a plain UPDATE (a DO-block loop, an upsert) of a column kept NOT NULL
        // as written: with the ADD COLUMN and the SET NOT NULL, or declined (plan_fills.hpp).
        if (std::string filled = plan_fills::fills_kept_not_null(m_report.statements, m_stmts, i, m_survey.keep_not_null);
            !filled.empty() && !u.joins) {
            u.joins = true;
            u.join_table = filled;
            u.join_decline = not_null_decline(i);
            m_joined_update_tables.insert(filled);
            for (const char* rule : {"statement-after-access-exclusive", "work-under-held-lock", "lock-upgrade-in-transaction"}) {
                m_kept_rules.insert(rule);
            }
        }
        // A rename into a name an earlier rename gave up runs in that rename's migration: split, code
        // between the two would miss the name, or read the wrong object under it.
        if (auto chain = m_chain_taken.find(i); chain != m_chain_taken.end() && !u.joins) {
            const StatementFacts& first = m_report.statements[chain->second];
            std::string held = strong_table(first);
            if (!held.empty()) {
                u.joins = true;
                u.join_table = held;
                u.join_decline = "line " + std::to_string(s.span.start.line) + " renames into the name that line " +
                                 std::to_string(first.span.start.line) + " gave up, and the plan would run the two "
                                 "renames in different migrations; splitting them does not make the rename safe (see "
                                 "rename-column and rename-table): reuse the name in a later release instead";
            }
        }
        // Work on a table an earlier statement of the transaction proved empty is instant only
        // while that transaction holds its lock: it runs in the migration that holds it, or the
        // plan is declined (in a later migration the table can have rows again).
        for (const LockFact& l : s.locks) {
            if (!l.empty || u.joins || !has_empty_table_note(s, l.relation)) continue;
            u.joins = true;
            u.join_table = l.relation;
            u.join_decline = "line " + std::to_string(s.span.start.line) + " works on " + l.relation +
                             ", which an earlier statement of its transaction proved empty, and the plan would run it in "
                             "another migration, where the table can have rows again: keep them in one transaction by hand";
        }
        bool drop_fk = alter_here != nullptr && pg::length(alter_here->cmds) == 1 && drops_foreign_key(s, alter_here);
        if (drop_fk) {
            note(i, "dropping the foreign key is kept as written (under lock_timeout): it locks both tables and has no online form");
            u.table = pg::display_name(alter_here->relation);  // the table it alters, of the two it locks
        }
        if (std::size_t before = refused_before(i, alter_here); before > 0 && m_declined.empty()) {
            // The original changes both at once. Apart, some position of the plan refuses the old
            // release's inserts there while still storing the old default here; moved first, the
            // statements between would read what the old release writes in between (an UPDATE
            // filling the column from another table): no split matches any position of the original.
            m_declined = "line " + std::to_string(s.span.start.line) + " changes a default of " + pg::display_name(alter_here->relation) +
                         " after the SET NOT NULL of line " + std::to_string(before) + " refuses the old release's inserts into "
                         "another table; in separate migrations the old release's rows get the old default after its inserts "
                         "there fail; by hand: keep them in one migration, or change the default in a release of its own first";
        }
        unit(std::move(u));
        if (drop_fk) m_dropped_fk = {m_now.size(), pg::display_name(alter_here->relation)};
    } else {
        // What the plan builds of the statement (the subcommands kept, the recipes' steps, a
        // batched walk): a comment inside the original must be in it where it was.
        std::string rebuilt = m_walk;
        for (const auto& [sub, f] : chosen) {
            for (const RecipeStep& step : plan_steps(*f->recipe)) rebuilt += "\n" + step.sql;
        }
        if (per_subcommand) {
            std::string rest;
            for (std::size_t c = 0; c < pieces.size(); ++c) {
                if (chosen.count(static_cast<int>(c)) == 0) rest += (rest.empty() ? "" : ",\n    ") + pieces[c];
            }
            if (!rest.empty()) {
                Unit u{rules::trim(std::string_view(s.sql).substr(0, head_end)) + " " + rest + ";", true, strong_table(s)};
                rebuilt += "\n" + u.sql;
                u.exclusive = true;
                // What the statement changes in the old release's writes (a DROP DEFAULT beside
                // an ADD COLUMN whose foreign key the plan takes apart) stays in these subcommands:
                // openmeter's two DROP DEFAULTs of one file had run ten migrations apart.
                u.writes = i < m_writes.size() && m_writes[i] != 0;
                u.line = s.span.start.line;
                unit(std::move(u));
            }
        }
        // A constraint the kept subcommands drop and a taken-apart one adds again under its name
        // (lemmy's modlog_check, widened in one ALTER): its NOT VALID form joins the drop's
        // migration, or the table has no check in between and the VALIDATE meets bad rows.
        m_readded_here.clear();
        if (per_subcommand) {
            int c = 0;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                if (cmd->subtype == AT_DropConstraint && cmd->name != nullptr && chosen.count(c) == 0) m_readded_here.emplace_back(cmd->name);
                ++c;
            }
        }
        keeps_comments(i, rebuilt);
        for (const auto& [sub, f] : chosen) recipe(*f);
        m_readded_here.clear();
    }
    for (const Finding* f : additions) recipe(*f);
}

// Declines the plan when `rebuilt`, what it runs in place of statement i, loses a comment inside
// the statement as written (plan_comments.hpp).
void Composer::keeps_comments(std::size_t i, std::string_view rebuilt) {
    if (!m_declined.empty()) return;
    const StatementFacts& s = m_report.statements[i];
    if (std::string lost = plan_comments::lost_comment(s.sql, rebuilt); !lost.empty()) {
        m_declined = plan_comments::lost_comment_decline(s.span.start.line, lost);
    }
}

// The UPDATEs of f's table kept as written, again for the rows that fail `check`, each a
// migration of its own after the NOT VALID: the old release may have written such rows since
// the UPDATE ran (the original refuses them from the start; the plan from the NOT VALID on), and
// the VALIDATE would fail on them. False (the plan declined) when an UPDATE cannot be cut so.
bool Composer::catch_up(const Finding& f, const std::string& check) {
    auto kept = m_kept_updates.find(table_key(f.relation));
    if (kept == m_kept_updates.end()) return true;
    for (std::size_t i : kept->second) {
        const auto* update = pg::as<UpdateStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        std::string sql = plan_walk::violators_only(m_report.statements[i].sql, update, check);
        if (sql.empty()) {
            if (m_declined.empty()) {
                m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " updates " + f.relation +
                             " before a CHECK the plan validates later, and cannot be run again for the rows the old release "
                             "writes in between; by hand: add the CHECK NOT VALID, run the UPDATE again, then VALIDATE";
            }
            return false;
        }
        // The second run comes after the rest of the file: an object it uses that the file
        // drops or renames after it (openmeter's UPDATE ... nextval('tmp_seq'), then DROP
        // SEQUENCE tmp_seq) would be gone.
        for (std::size_t j = i + 1; j < m_stmts.size(); ++j) {
            if (!removes_or_renames(m_stmts[j])) continue;
            if (m_declined.empty()) {
                m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " updates " + f.relation +
                             " before a CHECK the plan validates later, and its second run for the rows the old release writes "
                             "in between would come after line " + std::to_string(m_report.statements[j].span.start.line) +
                             " drops or renames what it may use; by hand: add the CHECK NOT VALID, run the UPDATE again, "
                             "then VALIDATE, before that line";
            }
            return false;
        }
        Unit u;
        u.sql = "-- Again for the rows written since line " + std::to_string(m_report.statements[i].span.start.line) +
                " ran that the CHECK refuses (the old release's, before the NOT VALID):\n" + sql;
        u.table = f.relation;
        u.alone = true;
        m_settle.push_back(std::move(u));
    }
    if (!kept->second.empty()) {
        m_notes.push_back("the UPDATE of " + f.relation + " runs again after the CHECK is added NOT VALID, for the rows the old "
                          "release wrote in between that the CHECK refuses, so the VALIDATE finds none");
    }
    return true;
}
}  // namespace plan_detail

}  // namespace pgfence::analyze
