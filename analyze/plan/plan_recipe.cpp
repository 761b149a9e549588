// Composer::recipe and group: a finding's recipe made steps, units grouped into migrations (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"

namespace pgfence::analyze {

namespace plan_detail {
void Composer::recipe(const Finding& f) {
    std::vector<RecipeStep> steps = plan_steps(*f.recipe);
    std::vector<Stage> stages = stages_of(steps);
    bool whole = stages.empty();
    // Not when an earlier statement of the file reads or writes that table's rows (a copy out of
    // it before the DROP): the old release must have stopped writing it before the copy runs.
    bool touched_before = false;
    for (std::size_t j = 0; j < m_current && j < m_report.statements.size() && !f.relation.empty(); ++j) {
        for (const LockFact& l : m_report.statements[j].locks) {
            // A read or a write of its rows (ACCESS SHARE to ROW EXCLUSIVE), not DDL on it
            // (documenso drops Banner's foreign key first).
            touched_before = touched_before || (table_key(l.relation) == table_key(f.relation) && l.mode <= LockMode::RowExclusive);
        }
    }
    const bool released_later = !touched_before && std::find(stages.begin(), stages.end(), Stage::later) != stages.end();
    // A CHECK (or SET NOT NULL's) split off after the file filled the table some other way than an
    // UPDATE (an upsert, a DO block, a data-modifying WITH, a DELETE of the rows that fail it): the
    // plan runs the fill again only for an UPDATE, so what the old release writes in between
    // makes the VALIDATE fail (red team: INSERT ... ON CONFLICT DO UPDATE SET email, then SET NOT
    // NULL; the original, one transaction, succeeds). Declined.
    if (!whole && m_join_failed.empty() && (f.rule == "set-not-null-scan" || f.rule == "add-check-without-not-valid")) {
        for (std::size_t j = 0; j < m_current && j < m_report.statements.size() && j < m_stmts.size(); ++j) {
            if (j < m_down.size() && m_down[j]) continue;
            const pg::Node* node = m_stmts[j];
            const auto* update = pg::as<UpdateStmt>(node);
            const auto* insert = pg::as<InsertStmt>(node);
            if ((update != nullptr && update->withClause == nullptr) ||
                (insert != nullptr && insert->onConflictClause == nullptr && insert->withClause == nullptr)) {
                continue;
            }
            bool writes_it = std::any_of(m_report.statements[j].locks.begin(), m_report.statements[j].locks.end(), [&](const LockFact& l) {
                return table_key(l.relation) == table_key(f.relation) && l.mode == LockMode::RowExclusive && !l.is_new;
            });
            // A DO block the lock model could not read, that names the table and writes rows.
            if (!writes_it && pg::is<DoStmt>(node) && m_report.statements[j].status != StatementStatus::Analyzed) {
                std::string bare = f.relation.substr(f.relation.rfind('.') == std::string::npos ? 0 : f.relation.rfind('.') + 1);
                std::erase(bare, '"');
                std::string body = without_comments(m_report.statements[j].sql);
                writes_it = has_word(body, bare) && (has_word(body, "UPDATE") || has_word(body, "INSERT") || has_word(body, "DELETE"));
            }
            if (!writes_it) continue;
            m_join_failed = "line " + std::to_string(m_report.statements[j].span.start.line) + " writes rows of " + f.relation +
                            " otherwise than by an UPDATE (an upsert, a DO block, a data-modifying WITH, a DELETE), and the plan "
                            "would add the CHECK in a later migration with nothing to fill again what the old release writes "
                            "in between, which would make the VALIDATE fail; by hand: keep them in one migration, with lock_timeout";
            break;
        }
    }
    m_replaced.insert(f.rule);
    std::optional<Stage> previous;
    std::string check;  // the expression of the recipe's CHECK ... NOT VALID, parentheses included
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const RecipeStep& step = steps[k];
        Stage stage = whole ? Stage::now : stages[k];
        if (stage == Stage::skip) continue;
        Unit u{local_timeout(with_semicolon(drop_others_note(step.sql)), step.in_transaction, step.timeout_guard),
               step.in_transaction, f.relation};
        u.session_timeout = step.timeout_guard && !in_transaction(step.in_transaction);
        std::string body = without_comments(u.sql);
        if (std::size_t at = rules::find_keyword(body, 0, body.size(), "CHECK");
            at != std::string::npos && contains_ci(body, "NOT VALID") && contains_ci(body, "ADD CONSTRAINT")) {
            rules::Range group = rules::group_at(body, at);
            if (group.found() && group.end > group.begin) check = body.substr(group.begin, group.end - group.begin);
        }
        // Before the VALIDATE of a CHECK: the rows the old release wrote between an UPDATE kept
        // as written and the NOT VALID (which refuses them from then on) get the UPDATE again.
        if (stage == Stage::validate && only_validates(u.sql) && !check.empty() && !catch_up(f, check)) return;
        // A batched backfill: the runnable walk on the table's real key, not the rule's template.
        if (stage == Stage::backfill && plan_survey::batching_rule(f.rule) && !m_walk.empty()) u.sql = m_walk;
        // A statement an earlier recipe (or the file) already has in the plan runs once: the
        // second ADD CONSTRAINT or DROP CONSTRAINT of the same name would fail.
        if (executable(u.sql)) {
            u.sql = without_repeats(u.sql, m_seen);
            if (!executable(u.sql)) continue;
        }
        // The strongest lock of a recipe step is not known here: an ALTER TABLE or a RENAME may
        // take ACCESS EXCLUSIVE; a VALIDATE or an index build does not.
        u.exclusive = !only_validates(u.sql) && (contains_ci(without_comments(u.sql), "ALTER TABLE") ||
                                                 contains_ci(without_comments(u.sql), "LOCK TABLE"));
        // CHECKs only: a foreign key's NOT VALID also locks the table it references, which a
        // CHECK on that table after it in one migration would upgrade; and the application writes
        // references that exist.
        u.refuses = u.exclusive && u.transaction && contains_ci(body, "ADD CONSTRAINT") && contains_ci(body, "NOT VALID") &&
                    !check.empty() && !contains_ci(body, "REFERENCES");
        // A CHECK on a table whose backfill the plan batches comes after that backfill: added
        // before it, it would refuse the old release's writes to rows the walk has not reached.
        if (!whole && stage == Stage::now && m_batched.count(f.relation) > 0 && contains_ci(u.sql, "CHECK") &&
            contains_ci(u.sql, "NOT VALID")) {
            stage = Stage::settle;
        }
        if (!executable(u.sql) && stage != Stage::backfill && stage != Stage::before) {
            // A step of advice only (per-partition work to fill in): out of band, after the
            // quick steps it builds on.
            stage = Stage::backfill;
        }
        // A recipe's own step boundaries stand: its next step in the same stage starts a
        // migration. Its first step may join the migration before it (the grouping decides).
        u.alone = previous == stage;
        // A foreign key added again right after the file dropped one: NOT VALID in the drop's
        // transaction, or the old release could write rows in between that the VALIDATE refuses.
        if (!previous && stage == Stage::now && f.rule == "add-foreign-key-without-not-valid" &&
            m_dropped_fk.first == m_now.size() && m_dropped_fk.second == f.relation) {
            u.joins = true;
            u.join_table = f.relation;
            u.join_decline = "the foreign key on " + f.relation + " dropped and added again cannot share one migration here, and "
                             "in two the old release could write rows in between that the new one refuses; by hand: add the new "
                             "foreign key NOT VALID under another name, drop the old one, then VALIDATE and rename it";
            m_notes.push_back("the foreign key added again after the dropped one is added NOT VALID in the same migration, "
                              "so no row goes unchecked in between");
        }
        if (!previous && stage == Stage::now && !m_readded_here.empty() && !u.joins &&
            std::any_of(m_readded_here.begin(), m_readded_here.end(), [&](const std::string& n) {
                return has_word(without_comments(u.sql), n) && contains_ci(u.sql, "ADD CONSTRAINT");
            })) {
            u.joins = true;
            u.join_table = f.relation;
            u.join_decline = "the constraint " + m_readded_here.front() + " on " + f.relation + " is dropped and added again in one "
                             "statement, and the plan cannot add it back in the drop's migration: in between, the old release "
                             "could write rows it refuses and the VALIDATE would fail; by hand: keep the statement whole, with "
                             "lock_timeout";
            m_notes.push_back("the constraint dropped and added again is added NOT VALID in the drop's migration, so no row goes "
                              "unchecked in between");
        }
        // Tables the file drops at once go at once: dropped one a migration, the old release's
        // writes to one still succeed after another is gone (trigger.dev's remove_v2_round_6
        // dropped five tables; apart, rows written to JobRun after the first DROP were taken, then
        // lost with the table, where the original refused them). Like any change to what the
        // old release's writes do, they share a migration (group).
        if (stage == Stage::later && f.rule == "drop-table") {
            u.writes = true;
            u.line = m_current < m_report.statements.size() ? m_report.statements[m_current].span.start.line : 0;
        }
        previous = stage;
        switch (stage) {
            case Stage::before:
                // A release before the migrations must not precede what its code needs (plan_releases.hpp).
                if (!released_later && m_declined.empty()) {
                    m_declined = plan_releases::release_first_conflict(m_report.statements, m_stmts, f.relation, m_current);
                }
                push_unit(released_later ? m_release : m_before, std::move(u));
                break;
            case Stage::now:
                rejoin(u);
                push_unit(m_now, std::move(u));
                break;
            case Stage::backfill: push_unit(m_backfill, std::move(u)); break;
            case Stage::settle: push_unit(m_settle, std::move(u)); break;
            case Stage::validate: push_unit(m_validate, std::move(u)); break;
            case Stage::finish: push_unit(m_finish, std::move(u)); break;
            case Stage::later: push_unit(m_later, std::move(u)); break;
            case Stage::skip: break;
        }
    }
}

std::string Composer::prefix(bool outside) const {
    std::string out;
    for (const auto& [name, sql] : m_settings) {
        if (outside && name != "lock_timeout") continue;
        if (name == "lock_timeout" && !in_transaction(!outside) && local_file_timeout()) {
            // `BEGIN; SET LOCAL lock_timeout ...` in the file, and this step in no transaction
            // (a CREATE INDEX CONCURRENTLY out of it): the same value for the session, put back
            // at the step's end, rather than a SET LOCAL that holds for nothing.
            std::string session = sql;
            if (std::size_t local = rules::find_keyword(session, 0, session.size(), "LOCAL"); local != std::string::npos) {
                session.erase(local, session.find_first_not_of(" \t\n", local + 5) - local);
            }
            out += session + "\n";
            continue;
        }
        out += sql + "\n";
    }
    if (m_lock_timeout_default && m_settings.count("lock_timeout") == 0) {
        // In a transaction, LOCAL: the tool runs the next migrations on the same connection,
        // where a session's 2s would make a later CREATE INDEX CONCURRENTLY give up on any
        // transaction older than that and leave its index INVALID.
        out += in_transaction(!outside) ? "SET LOCAL lock_timeout = '2s';  -- give up rather than queue traffic behind a lock; retry later\n"
                                        : "SET lock_timeout = '2s';  -- give up rather than queue traffic behind a lock; retry later\n";
    }
    return out;
}

// Whether a step the plan runs in a transaction is surely in one for PostgreSQL, so that SET
// LOCAL holds to its end: the tool's own, the one query's implicit one, or the plan's BEGIN ...
// COMMIT. Plain SQL without BEGIN is not; nor is golang-migrate's file, which is one query
// unless the database URL says x-multi-statement=true (then each statement is sent alone, and
// a SET LOCAL would hold for nothing): there the plan's SET is RESET at the step's end, which
// the one query's implicit transaction makes the same as SET LOCAL (a failure rolls the SET
// back with the rest).
bool Composer::in_transaction(bool step_in_transaction) const {
    const bool one_query = m_layout.one_query && m_layout.tool != MigrationTool::GolangMigrate;
    return step_in_transaction && (m_layout.wraps || one_query || m_layout.explicit_begin);
}

// A recipe's own `SET lock_timeout = '2s';` (its first line that is not a comment, before the
// statement it guards) made LOCAL where the step runs in a transaction, like the plan's own.
// Only that line: the statement's text after it is the user's and is never searched.
std::string Composer::local_timeout(std::string sql, bool step_in_transaction, bool guard) const {
    static constexpr std::string_view line = "SET lock_timeout = '2s';\n";
    if (!guard || !in_transaction(step_in_transaction)) return sql;
    std::size_t at = 0;
    while (at < sql.size() && std::string_view(sql).substr(at).starts_with("--")) {
        std::size_t next = sql.find('\n', at);
        if (next == std::string::npos) return sql;
        at = next + 1;
    }
    if (!std::string_view(sql).substr(at).starts_with(line)) return sql;
    sql.insert(at + 4, "LOCAL ");
    return sql;
}

void Composer::out_of_band(std::vector<Unit>& units, std::string_view title, std::vector<PlanStep>& out) {
    if (units.empty()) return;
    PlanStep step;
    step.title = std::string(title);
    step.run = PlanRun::out_of_band;
    for (const auto& u : units) step.sql += (step.sql.empty() ? "" : "\n\n") + u.sql;
    m_units.push_back({step.sql});
    out.push_back(std::move(step));
}

// "ALTER TABLE t <first>;" and "ALTER TABLE t <second>;" made one statement in `into`, when
// both are single ALTER TABLEs of the same table whose subcommands combine without changing
// what they do (adding columns and constraints NOT VALID, defaults): one lock, taken once.
bool fold_alter(std::string& into, const std::string& next) {
    // Each fold reads `into` again: past a few kilobytes the statements stay apart, which keeps
    // a statement of thousands of subcommands linear (an ALTER TABLE of 2,500 foreign keys took
    // 3.7 s here, 5,000 took 16 s).
    constexpr std::size_t k_max_folded = 4096;
    if (into.size() + next.size() > k_max_folded) return false;
    if (!contains_ci(into, "ALTER TABLE") || !contains_ci(next, "ALTER TABLE")) return false;
    auto single = [](const std::string& sql) -> std::optional<std::pair<std::string, std::string>> {
        std::string body = rules::trim(without_comments(sql));
        if (!starts_with_ci(body, "ALTER TABLE ") || count_statements(body) != 1 || body.back() != ';') return std::nullopt;
        // ALTER COLUMN c DROP DEFAULT / DROP NOT NULL change the catalog only: they combine too
        // (a DROP DEFAULT alone before a DROP NOT NULL would refuse the old release's inserts).
        std::string probe = body;
        for (std::string_view tail : {" DROP DEFAULT;", " DROP NOT NULL;"}) {
            if (probe.size() > tail.size() && starts_with_ci(std::string_view(probe).substr(probe.size() - tail.size()), tail)) {
                probe = probe.substr(0, probe.size() - tail.size()) + ";";
                break;
            }
        }
        for (std::string_view word : {"DROP", "VALIDATE", "CONCURRENTLY", "NOT NULL", "PARTITION", " TYPE ", "USING",
                                      "RENAME", "ONLY", "IF EXISTS", "$", "--", "/*", "'"}) {
            if (contains_ci(probe, word)) return std::nullopt;
        }
        // The table's name: words, dots and double-quoted parts up to the first blank outside quotes.
        std::size_t name_end = 12;
        for (bool quoted = false; name_end < body.size(); ++name_end) {
            char c = body[name_end];
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) break;
        }
        if (name_end >= body.size()) name_end = std::string::npos;
        if (name_end == std::string::npos) return std::nullopt;
        std::string head = body.substr(0, name_end);
        std::string rest = rules::trim(std::string_view(body).substr(name_end, body.size() - 1 - name_end));
        // ALTER [COLUMN] c ...: COLUMN is optional (ente: `ALTER created_at SET DEFAULT ...`).
        // Only a default set or dropped, or DROP NOT NULL, combines: identity options (RESTART,
        // SET INCREMENT BY) on a column added in the same statement are ignored by PostgreSQL,
        // and ALTER CONSTRAINT is another subcommand.
        if (starts_with_ci(rest, "ALTER ")) {
            std::string words = rest.substr(6);
            if (starts_with_ci(words, "COLUMN ")) words = rules::trim(std::string_view(words).substr(7));
            std::size_t name_end = 0;
            if (words.starts_with('"')) {
                for (name_end = 1; name_end < words.size(); ++name_end) {
                    if (words[name_end] != '"') continue;
                    if (name_end + 1 < words.size() && words[name_end + 1] == '"') ++name_end;
                    else break;
                }
                ++name_end;
            } else {
                name_end = words.find_first_of(" \t\n");
            }
            std::string tail = name_end >= words.size() ? "" : rules::trim(std::string_view(words).substr(name_end));
            if (!starts_with_ci(tail, "SET DEFAULT ") && !starts_with_ci(tail, "DROP DEFAULT") && !starts_with_ci(tail, "DROP NOT NULL")) {
                return std::nullopt;
            }
            if (starts_with_ci(words, "CONSTRAINT ")) return std::nullopt;
        } else if (!starts_with_ci(rest, "ADD ")) {
            return std::nullopt;
        }
        return std::make_pair(head, rest);
    };
    auto a = single(into);
    auto b = single(next);
    if (!a || !b || a->first != b->first) return false;
    std::string comments_a = rules::trim(sql_comments(into));
    std::string comments_b = rules::trim(sql_comments(next));
    std::string comments = comments_a + (comments_a.empty() || comments_b.empty() ? "" : "\n") + comments_b;
    into = (comments.empty() ? "" : comments + "\n") + a->first + " " + a->second + ",\n    " + b->second + ";";
    return true;
}

// Groups units into migrations: a unit that cannot run in a transaction alone (or, where the
// tool runs statements one by one, with its neighbours of that kind); the others together
// while they strongly lock one existing table at most.
void Composer::group(std::vector<Unit>& units, std::string_view suffix, std::vector<PlanStep>& out) {
    struct Open {
        int serial = 0;  // which migration it is, for the notes that name it
        std::vector<std::string> units;
        bool transaction = true;
        std::string table;
        bool ends = false;
        bool exclusive = false;
        bool locks_existing = false;  // a unit of it locks a relation that existed before it
        bool session_timeout = false;  // a unit of it sets the session's lock_timeout
        int writes = 0;  // the line of its last unit that changes what the old release's writes do, 0: none
        std::set<std::string> held;  // the tables its units lock ACCESS EXCLUSIVE
        bool kept_update = false;  // its last unit is an UPDATE kept as written
        int refusing = 0;  // how many units in a row at its end add a constraint NOT VALID (Unit::refuses)
    };
    std::optional<Open> open;
    int writes_closed = 0;  // the same, of a migration already closed
    int kept_update_line = 0;  // the line of the first UPDATE kept as written, once its migration is open
    int writes_seen = 0;       // the line of the first unit that changes what the old release's writes do
    auto close = [&] {
        if (open && open->writes > 0) writes_closed = open->writes;
        if (!open || open->units.empty()) {
            open.reset();
            return;
        }
        PlanStep step;
        step.run = open->transaction ? PlanRun::in_transaction : PlanRun::no_transaction;
        if (!open->transaction && !m_layout.no_transaction) step.run = PlanRun::out_of_band;
        step.title = std::string(suffix);
        bool alone_in_query = !open->transaction && m_layout.one_query;
        std::string pre = alone_in_query || step.run == PlanRun::out_of_band ? std::string() : prefix(!open->transaction);
        // Concurrent index work alone: under no lock_timeout, the plan's 2s or the file's own
        // (plan_concurrent.hpp; newcomer nw71 N4: the SET lock_timeout the lock-timeout-missing
        // fix adds to a knex or TypeORM file came back before CREATE INDEX CONCURRENTLY).
        // The file's own stays in a SQL plan (issue #54); a script's plan repeats it as a call
        // the lock-timeout-missing fix had the user add, so it goes.
        const bool own_timeout = m_settings.count("lock_timeout") > 0 && file_reads_units(m_layout) && m_layout.source_kind != "sql";
        const bool default_timeout = m_lock_timeout_default && m_settings.count("lock_timeout") == 0;
        const bool unguarded = !open->transaction && !open->session_timeout && (default_timeout || own_timeout) &&
                               plan_concurrent::only_concurrent_index_work(open->units);
        if (unguarded && !pre.empty()) {
            // Outside a transaction the prefix holds lock_timeout only. The file's session SET,
            // which the plan's earlier steps repeat, holds on their connection after they
            // commit: put back the server's setting instead.
            pre = own_timeout ? (local_file_timeout() ? std::string() : std::string("RESET lock_timeout;\n"))
                              : plan_concurrent::without_default_timeout(pre);
            if (!m_unguarded_noted) m_notes.push_back(plan_concurrent::unguarded_note());
            m_unguarded_noted = true;
        }
        const bool begin_commit = open->transaction && m_layout.explicit_begin;
        // Built in place, its size known first: a plan of a hundred thousand statements is not
        // held twice while its text is put together.
        const bool keep_units = file_reads_units(m_layout);
        std::string body;
        std::size_t size = pre.size() + (begin_commit ? 15 : 0);
        for (const auto& u : open->units) size += u.size() + 1;
        body.reserve(size);
        if (begin_commit) body += "BEGIN;\n";
        body += pre;
        const std::size_t units_from = body.size();
        for (std::size_t k = 0; k < open->units.size(); ++k) {
            if (body.size() > units_from) body += '\n';  // between pieces, as an empty first piece leaves none
            body += open->units[k];
            if (!keep_units) std::string().swap(open->units[k]);  // only the step's text reads it again
        }
        // Outside a transaction, the session's lock_timeout the plan set is put back at the
        // end, so the tool's next migrations on that connection do not inherit it.
        const bool reset = !in_transaction(open->transaction) &&
                           (open->session_timeout || (!pre.empty() && !unguarded && prefix_sets_timeout(!open->transaction)));
        // What puts it back: RESET, or the file's own session lock_timeout where a recipe's guard
        // replaced it (the original leaves the file's value on the connection).
        std::string put_back = "RESET lock_timeout;";
        if (auto own = m_settings.find("lock_timeout"); own != m_settings.end() && !contains_ci(own->second, "LOCAL")) put_back = own->second;
        if (reset) body += "\n" + put_back;
        // The file's closing SETs and RESETs, where the step can hold more statements.
        std::vector<std::string> closing;
        if (!alone_in_query && step.run != PlanRun::out_of_band) {
            for (const auto& [name, sql] : m_trailing) {
                if (!(reset && name == "lock_timeout" && starts_with_ci(sql, "RESET"))) closing.push_back(sql);
            }
        }
        for (const auto& sql : closing) body += "\n" + sql;
        // golang-migrate with x-multi-statement=true cuts the file at every ';', comments too:
        // none in the comments between statements.
        if (m_layout.tool == MigrationTool::GolangMigrate) body = no_semicolons_in_comments(std::move(body));
        if (begin_commit) body += "\nCOMMIT;";
        step.sql = std::move(body);
        if (keep_units) {
            // The written file is made of these pieces (knex, goose, ...): the RESET is one too.
            if (!pre.empty()) open->units.insert(open->units.begin(), pre.substr(0, pre.size() - 1));
            if (reset) open->units.push_back(put_back);
            for (auto& sql : closing) open->units.push_back(std::move(sql));
            m_units.push_back(std::move(open->units));
        } else {
            m_units.emplace_back();  // parallel to the steps; file_text does not read it
        }
        out.push_back(std::move(step));
        open.reset();
    };
    // ahead[j]: a unit that changes writes comes at j or later, before any unit that cannot share
    // a transaction with what precedes it. Those between two such changes run with them.
    std::vector<char> ahead(units.size() + 1, 0);
    for (std::size_t j = units.size(); j-- > 0;) {
        const Unit& w = units[j];
        ahead[j] = (!w.transaction || w.alone || w.ends) ? 0 : (w.writes ? 1 : ahead[j + 1]);
    }
    for (std::size_t idx = 0; idx < units.size(); ++idx) {
        Unit& u = units[idx];
        bool separate_statements = !m_layout.one_query;
        if (!u.transaction) {
            bool join = open && !open->transaction && separate_statements;
            if (!join) close();
            if (!open) {
                open.emplace();
                open->serial = ++m_open_serial;
                open->transaction = false;
            }
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->units.push_back(std::move(u.sql));
            continue;
        }
        if (u.kept_update && open && open->transaction && open->kept_update) {
            open->units.push_back(std::move(u.sql));
            continue;
        }
        if (open) open->kept_update = false;
        if (u.refuses && open && open->transaction && open->refusing > 0 && !open->ends) {
            if (!fold_alter(open->units.back(), u.sql)) open->units.push_back(std::move(u.sql));
            open->held.insert(u.table);
            if (++open->refusing == 2) {
                m_notes.push_back("constraints the original adds at once are added NOT VALID in one migration: one a migration, "
                                  "a write to one table would be refused while another table still took it");
                for (const char* rule : {"statement-after-access-exclusive", "multiple-access-exclusive-in-transaction"}) {
                    m_replaced.erase(rule);
                }
            }
            continue;
        }
        if (open) open->refusing = 0;
        if (u.joins && open && open->transaction && open->held.count(u.join_table) > 0) {
            open->locks_existing = open->locks_existing || !u.lockless;
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->units.push_back(std::move(u.sql));
            if (u.writes) open->writes = u.line;
            continue;
        }
        // Changes to what the old release's writes do, and what runs between them, in one
        // migration as in the original, whatever tables they lock (changes_writes).
        if (!u.joins && open && open->transaction && open->writes > 0 && !open->ends && !u.alone && ahead[idx] != 0) {
            int line = u.writes ? u.line : 0;
            if (!fold_alter(open->units.back(), u.sql)) {
                if (line > 0) {
                    // One note per migration: the lines that join it, listed (crates.io's
                    // timezones joined 14, one 300-character note each).
                    if (m_join_open != open->serial || m_join_note >= m_notes.size()) {
                        m_join_open = open->serial;
                        m_join_first = open->writes;
                        m_join_lines.clear();
                        m_join_note = m_notes.size();
                        m_notes.emplace_back();
                    }
                    m_join_lines.push_back(line);
                    std::string lines;
                    for (std::size_t k = 0; k < m_join_lines.size(); ++k) {
                        lines += (k == 0 ? "" : k + 1 == m_join_lines.size() ? " and " : ", ") + std::to_string(m_join_lines[k]);
                    }
                    const bool one = m_join_lines.size() == 1;
                    m_notes[m_join_note] = std::string(one ? "line " : "lines ") + lines + (one ? " runs" : " run") +
                                           " in the migration of line " + std::to_string(m_join_first) +
                                           ", as in the original: each changes what the old release's writes do or meet (a default, "
                                           "a trigger, a column type its triggers read, a dropped column or table, rows the file "
                                           "inserts before one), and in two migrations some position would have one change without "
                                           "the other";
                }
                // What that migration then holds, the original held too: kept, not resolved.
                for (const char* rule : {"statement-after-access-exclusive", "multiple-access-exclusive-in-transaction",
                                         "lock-upgrade-in-transaction"}) {
                    m_replaced.erase(rule);
                }
                open->units.push_back(std::move(u.sql));
            }
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->locks_existing = open->locks_existing || !u.lockless;
            if (u.exclusive) {
                open->exclusive = true;
                open->held.insert(u.table);
            }
            if (line > 0) open->writes = line;
            continue;
        }
        if (u.joins && m_join_failed.empty()) m_join_failed = u.join_decline;
        // An UPDATE kept as written ends its migration: a change to what the old release's writes
        // do (a default, a trigger or its function) on either side of it lands in another one,
        // where the original makes both at once (rows written in between get neither).
        if (m_join_failed.empty() && ((u.writes && kept_update_line > 0) || (u.kept_update && writes_seen > 0))) {
            m_join_failed = "lines " + std::to_string(u.writes ? kept_update_line : writes_seen) + " and " + std::to_string(u.line) +
                            " are an UPDATE the plan runs as written and a change to what the old release's writes do, which "
                            "the original makes at once; in different migrations, the rows written in between get neither; "
                            "by hand: keep them in one migration, with lock_timeout";
        }
        if (u.writes && writes_seen == 0) writes_seen = u.line;
        if (u.writes && writes_closed > 0 && m_join_failed.empty()) {
            m_join_failed = "lines " + std::to_string(writes_closed) + " and " + std::to_string(u.line) + " both change what the old "
                            "release's writes do (a default, a trigger, a dropped column or table, a NOT NULL it does not fill), which the original does at once, "
                            "and the plan cannot run them in one migration (what runs between them cannot share a transaction); by "
                            "hand: move those statements after both, or keep the file as one migration with lock_timeout";
        }
        bool other_table = open && !u.table.empty() && !open->table.empty() && u.table != open->table;
        if (open && open->transaction && !u.alone && !open->ends && !other_table && !open->units.empty() &&
            fold_alter(open->units.back(), u.sql)) {
            open->locks_existing = open->locks_existing || !u.lockless;
            if (u.writes) open->writes = u.line;
            if (u.exclusive) open->held.insert(u.table);
            continue;
        }
        // After an ACCESS EXCLUSIVE lock nothing else waits in its transaction, and it is not
        // taken after weaker locks there (an upgrade that can deadlock). What only made new
        // objects (a type the ALTER uses) runs with it, as in the original: a migration of its own
        // would let the old release write before the ALTER, which a file that presumes its table
        // empty (ADD COLUMN ... NOT NULL without a default) did not.
        if (open && (!open->transaction || u.alone || open->ends || open->exclusive || other_table ||
                     (u.exclusive && open->locks_existing))) {
            close();
        }
        if (!open) {
            open.emplace();
            open->serial = ++m_open_serial;
        }
        if (!u.lockless) open->locks_existing = true;
        open->session_timeout = open->session_timeout || u.session_timeout;
        open->units.push_back(std::move(u.sql));
        if (u.writes) open->writes = u.line;
        if (open->table.empty()) open->table = u.table;
        open->ends = open->ends || u.ends;
        open->kept_update = u.kept_update;
        open->refusing = u.refuses ? 1 : 0;
        if (u.kept_update) {
            // UPDATEs kept as written read rows at one moment in the original; in two migrations
            // the old release's writes in between reach one and not the other (red team: an
            // ALTER between two backfills kept them apart, and the oracle found the difference).
            if (kept_update_line > 0 && m_join_failed.empty()) {
                m_join_failed = "lines " + std::to_string(kept_update_line) + " and " + std::to_string(u.line) +
                                " are UPDATEs the plan runs as written, which the original runs at one moment; the plan "
                                "would run them in different migrations, and the old release's writes in between would "
                                "reach one and not the other; by hand: keep them in one migration, with lock_timeout";
            }
            kept_update_line = u.line;
        }
        open->exclusive = open->exclusive || u.exclusive;
        if (u.exclusive) open->held.insert(u.table);
    }
    close();
    // Each unit's text now lives in its step (a file of a hundred thousand statements has as
    // many units): not kept twice.
    std::vector<Unit>().swap(units);
}
}  // namespace plan_detail

}  // namespace pgfence::analyze
