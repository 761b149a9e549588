// Composer::compose: the plan's steps and files (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"
#include "analyze/plan/plan_down.hpp"
#include "analyze/plan/plan_knex_source.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/flyway_java_versions.hpp"
#include "analyze/plan/plan_index_order.hpp"
#include "analyze/plan/plan_prisma.hpp"
#include "analyze/plan/plan_tool_notes.hpp"
#include <filesystem>

namespace pgfence::analyze {

// A file of a Temporal version its manifest lists, which temporal-sql-tool runs (plan_temporal.cpp).
bool temporal_file(const FileReport& report);

namespace plan_detail {
namespace {
const std::vector<std::string> k_no_siblings;  // for `cond ? siblings() : k_no_siblings`, a reference either way

// The text of a migration of the set (nullptr when it is not a regular file, is over 16 MiB or
// cannot be read). The files of a set are read again for each plan that drops a table only in a
// later release: the texts read last on this thread are kept, up to k_kept_sibling_bytes.
constexpr std::size_t k_kept_sibling_bytes = std::size_t{4} << 20;
const std::string* sibling_text(const std::string& path) {
    thread_local std::map<std::string, std::string, std::less<>> kept;
    thread_local std::size_t kept_bytes = 0;
    if (auto it = kept.find(path); it != kept.end()) return &it->second;
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) > (16u << 20) || !in) return nullptr;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (kept_bytes + text.size() > k_kept_sibling_bytes) {
        kept.clear();
        kept_bytes = 0;
    }
    kept_bytes += text.size();
    return &kept.insert_or_assign(path, std::move(text)).first->second;
}
}  // namespace

// The down file of a migration the plan adds: undoing one step of a split migration is not
// something pgfence can derive, so reverting it stops with that said, not with a file the tool
// cannot run (diesel answers a down.sql of comments only with "Received an empty query") or one
// that does nothing while the tool records the step undone. golang-migrate with
// x-multi-statement=true cuts at every ';', so its form is one statement with none inside.
std::string no_undo(MigrationTool tool) {
    const char* why = "pgfence plan: this step of a split migration has no automatic undo, revert it by hand";
    if (tool == MigrationTool::GolangMigrate) {
        return "-- A cast that fails with the reason: revert this step by hand.\nSELECT '" + std::string(why) + "'::int;\n";
    }
    return "-- Undoing one step of a split migration is by hand: write what reverts it here.\n"
           "DO $pgfence$ BEGIN RAISE EXCEPTION '" + std::string(why) + "'; END $pgfence$;\n";
}

// The step holding statement i, by its text's first line; steps.size() when none does.
std::size_t Composer::step_of(std::size_t i, const std::vector<PlanStep>& steps) const {
    std::string text = rules::trim(m_report.statements[i].sql);
    text = text.substr(0, std::min(text.find('\n'), std::size_t{120}));
    if (text.empty()) return steps.size();
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].sql.find(text) != std::string::npos) return k;
    }
    return steps.size();
}

std::string Composer::remade_apart(const std::vector<PlanStep>& steps) const {
    std::map<std::string, std::size_t> dropped;  // kind '\x1f' name -> the DROP's statement
    int checked = 0;
    for (std::size_t i = 0; i < m_stmts.size() && i < m_report.statements.size(); ++i) {
        if (i < m_down.size() && m_down[i]) continue;
        const pg::Node* node = m_stmts[i];
        if (const auto* drop = pg::as<DropStmt>(node)) {
            const char* kind = drop->removeType == OBJECT_VIEW || drop->removeType == OBJECT_MATVIEW ? "view"
                               : drop->removeType == OBJECT_FUNCTION || drop->removeType == OBJECT_PROCEDURE ? "function"
                               : drop->removeType == OBJECT_TRIGGER ? "trigger" : nullptr;
            if (kind == nullptr) continue;
            for (const pg::Node* o : pg::each(drop->objects)) {
                std::string name;
                if (const auto* with_args = pg::as<ObjectWithArgs>(o); with_args != nullptr && pg::length(with_args->objname) > 0) {
                    name = std::string(pg::last_name(with_args->objname));
                } else if (const auto* items = pg::as<List>(o); pg::length(items) > 0) {
                    name = std::string(pg::last_name(items));
                }
                if (!name.empty()) dropped.emplace(std::string(kind) + '\x1f' + name, i);
            }
            continue;
        }
        std::string key;
        if (const auto* view = pg::as<ViewStmt>(node); view != nullptr && view->view != nullptr) key = "view\x1f" + std::string(pg::relname(view->view));
        if (const auto* as = pg::as<CreateTableAsStmt>(node); as != nullptr && as->objtype == OBJECT_MATVIEW && as->into != nullptr) {
            key = "view\x1f" + std::string(pg::relname(as->into->rel));
        }
        if (const auto* f = pg::as<CreateFunctionStmt>(node); f != nullptr && pg::length(f->funcname) > 0) {
            key = "function\x1f" + std::string(pg::last_name(f->funcname));
        }
        if (const auto* t = pg::as<CreateTrigStmt>(node); t != nullptr && t->trigname != nullptr) key = "trigger\x1f" + std::string(t->trigname);
        auto it = key.empty() ? dropped.end() : dropped.find(key);
        if (it == dropped.end()) continue;
        // Each check reads the steps: past 64 such pairs, the plan is declined unread (linear).
        if (++checked <= 64) {
            std::size_t from = step_of(it->second, steps);
            std::size_t to = step_of(i, steps);
            if (from < steps.size() && from == to) continue;
        }
        return "line " + std::to_string(m_report.statements[it->second].span.start.line) + " drops the " + key.substr(0, key.find('\x1f')) +
               " " + key.substr(key.find('\x1f') + 1) + " and line " + std::to_string(m_report.statements[i].span.start.line) +
               " makes it again, which the original does at once; the plan would run them in different steps, and the "
               "application's reads and writes in between (a trigger that uses it) would fail; by hand: keep both in one "
               "migration, with lock_timeout";
    }
    return {};
}

Plan Composer::compose() {
    bool had_begin = false;
    for (std::size_t i = 0; i < m_report.statements.size(); ++i) {
        const auto* t = pg::as<TransactionStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        if (t != nullptr && (t->kind == TRANS_STMT_BEGIN || t->kind == TRANS_STMT_START)) had_begin = true;
    }
    m_layout = layout_of(m_report, had_begin);
    m_by_statement.resize(m_report.statements.size());
    for (const auto& f : m_report.findings) {
        if (f.rule == "lock-timeout-missing") m_lock_timeout_default = true;
        if (f.statement >= 0 && static_cast<std::size_t>(f.statement) < m_by_statement.size()) {
            m_by_statement[static_cast<std::size_t>(f.statement)].push_back(&f);
        }
    }
    survey();
    for (const auto& c : rules::rename_chains(m_stmts)) m_chain_taken[c.taken] = c.vacated;
    find_readded_columns();
    find_write_changes();
    // Builds before the drops of the indexes they replace (plan_index_order.hpp).
    const plan_index_order::Order order = plan_index_order::planned_order(m_stmts, m_down, m_report.statements.size(), m_start);
    if (order.moved) {
        m_notes.push_back("the plan builds the file's new indexes before it drops the old ones, so that queries keep an index at "
                          "every step (for a while the table holds both: mind the disk space)");
    }
    for (std::size_t i : order.statements) {
        if (i < m_down.size() && m_down[i]) continue;
        m_current = i;
        statement(i);
        // What it wrote, for the unique keys of the statements after it (keys_dropped_and_made).
        const pg::Node* write = i < m_stmts.size() ? m_stmts[i] : nullptr;
        if (pg::is<UpdateStmt>(write) || pg::is<DeleteStmt>(write) || pg::is<DoStmt>(write)) {
            for (const LockFact& l : m_report.statements[i].locks) {
                if (!l.is_new && l.mode == LockMode::RowExclusive) {
                    m_written_tables.try_emplace(table_key(l.relation), m_report.statements[i].span.start.line);
                }
            }
        }
    }
    if (m_declined.empty() && m_unknown_line > 0 && m_before.size() > m_before_at_unknown) {
        m_declined = "line " + std::to_string(m_unknown_line) + " builds its SQL at run time, and the plan would run work of a statement "
                     "after it (an application release first) before it; by hand: keep the file's order, or move that statement to a "
                     "migration of its own";
    }
    if (m_lock_timeout_default) m_replaced.insert("lock-timeout-missing");
    // A rule with a finding the plan keeps as written is not one the plan resolves.
    for (const auto& rule : m_kept_rules) m_replaced.erase(rule);

    if (m_declined.empty() && m_search_path_line > 0 && !m_batched.empty()) {
        m_declined = "line " + std::to_string(m_search_path_line) + " sets search_path, which a batched walk out of band would not run "
                     "with, so it could update another table of the same name";
    }
    if (!m_declined.empty()) return no_plan(m_declined);
    std::vector<PlanStep> steps;
    // The file's column drops wait for the release too, where the plan has one for a table the
    // file drops (the DBA review dba70, atuin's remove-email-verification: users.verified_at
    // dropped before the release that stops using it, user_verification_token after it): the
    // old release reads and writes both until then (defer_column_drops).
    std::vector<std::string> deferred_columns = defer_column_drops();
    // A release that waits for the later-release steps comes first when nothing else does.
    if (m_later.empty() || (m_now.empty() && m_settle.empty() && m_validate.empty() && m_finish.empty())) {
        for (auto& u : m_release) push_unit(m_before, std::move(u));
        m_release.clear();
    }
    out_of_band(m_before, "Before the migrations: application release", steps);
    group(m_now, "Migration", steps);
    if (m_layout.tool == MigrationTool::Prisma && !m_backfill.empty()) {
        // `prisma migrate deploy` runs the folders and nothing else: the batched walk becomes a
        // folder of its own (one DO block, alone in its query, outside any transaction block, as
        // Prisma sends it), and other work by hand declines the plan (plan_prisma.hpp).
        for (Unit& u : m_backfill) {
            if (!plan_prisma::is_walk(u.sql)) return no_plan(plan_prisma::by_hand_decline(u.sql));
            u.sql = plan_walk::in_prisma_folder(std::move(u.sql));
            u.transaction = false;
            u.alone = true;
        }
        group(m_backfill, "Migration (the batched backfill)", steps);
    } else {
        out_of_band(m_backfill, "Out of band: by hand or by a job (batches, per-partition work), in this order", steps);
    }
    group(m_settle, "Migration (after the backfill)", steps);
    group(m_validate, "Migration (validation)", steps);
    group(m_finish, "Migration (after the validation)", steps);
    out_of_band(m_release, "Before the later-release migrations: application release", steps);
    std::size_t first_later = steps.size();
    group(m_later, "Migration (a later release, once no deployed code uses the old form)", steps);
    // Nothing Prisma would not run: SQL in any step out of band (the walk is a folder by now).
    if (m_layout.tool == MigrationTool::Prisma) {
        for (const PlanStep& st : steps) {
            if (st.run == PlanRun::out_of_band && executable(st.sql)) return no_plan(plan_prisma::by_hand_decline(st.sql));
        }
    }
    // The copy-before-drop reason first, where both hold: it names what would be lost.
    if (!m_join_failed.empty()) {
        std::string split = copy_split_from_drop(steps);
        return no_plan(split.empty() ? m_join_failed : split);
    }
    // Each step runs in a session of its own (a migration of the tool's run, a job by hand):
    // what the file made for its session alone is not there for the steps after the one that
    // made it (openmeter's pg_temp.upsert_discount_correlation_id, called by the UPDATEs the
    // plan moved to migrations of their own, which then failed).
    // A view, materialized view, function or trigger the file drops and makes again: in the
    // original nothing runs between the two; split, the old release's writes in between meet
    // neither (lemmy: a trigger refreshing post_aggregates_mview failed every write to post while
    // the view was gone). Kept in one step, or declined.
    if (steps.size() > 1) {
        if (std::string why = remade_apart(steps); !why.empty()) return no_plan(why);
    }
    if (steps.size() > 1) {
        int named = 0;  // a search through the steps each: a file of thousands is declined without
        for (std::size_t i = 0; i < m_stmts.size() && i < m_report.statements.size(); ++i) {
            if (i < m_down.size() && m_down[i]) continue;
            SessionObject made = makes_temporary(m_stmts[i], m_report.statements[i].sql);
            if (made.what.empty()) continue;
            // A named one is used where its name is: only a step after the one that makes it
            // (a session of its own) would not find it.
            if (!made.name.empty() && ++named <= 64) {
                std::size_t maker = steps.size();
                for (std::size_t k = 0; k < steps.size() && maker == steps.size(); ++k) {
                    if (has_word(without_comments(steps[k].sql), made.name)) maker = k;
                }
                bool used_later = false;
                for (std::size_t k = maker + 1; k < steps.size(); ++k) {
                    used_later = used_later || has_word(without_comments(steps[k].sql), made.name);
                }
                if (maker < steps.size() && !used_later) continue;
            }
            return no_plan("line " + std::to_string(m_report.statements[i].span.start.line) + " makes " + made.what +
                           ", which lives only as long as the session that made it, and the plan would run the file in " +
                           std::to_string(steps.size()) + " steps, each in a session of its own, where the statements using it "
                           "would not find it; by hand: keep what uses it in the step that makes it, or make it a regular object "
                           "and drop it at the end");
        }
    }
    if (std::string split = copy_split_from_drop(steps); !split.empty()) return no_plan(split);
    for (std::size_t k = first_later; k < steps.size(); ++k) steps[k].after_release = true;
    // The plan is correct with the new release deployed after its out-of-band steps (the
    // oracle's new traffic starts there, docs/plans.md): a tool that runs the migrations as the
    // release deploys would start it before the backfill, and its reads of the rows the walk has
    // not reached would see what they held before (harbor 0011: 'sha256' for users whose hashes
    // are sha1). Said, since nothing in the steps' files can enforce it.
    if (!m_backfilled.empty() && !m_backfill.empty()) {
        std::string columns;
        for (std::size_t k = 0; k < m_backfilled.size(); ++k) {
            columns += (k == 0 ? "" : k + 1 == m_backfilled.size() ? " and " : ", ") + m_backfilled[k];
        }
        m_notes.push_back("deploy the code that reads " + columns + " only after the plan's steps have run, the " +
                          (m_layout.tool == MigrationTool::Prisma ? "backfill's migration" : "out-of-band backfill") +
                          " included (the later-release ones excepted): until the batched walk reaches a row, that row "
                          "keeps what it held before (the column's DEFAULT, or NULL), not the value the original gives it");
    }

    int migration = 0;
    int band = 0;
    int migrations = static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const PlanStep& st) {
        return st.run != PlanRun::out_of_band;
    }));
    // The versions of migrations 2 and later: after the file's, before the next migration of
    // its set, none of them taken.
    const bool folder_named = m_report.tool == MigrationTool::Prisma || m_report.tool == MigrationTool::Diesel;
    // TypeORM orders by the class name's last 13 digits, a millisecond timestamp (class_name);
    // node-pg-migrate by the number before the first '_', then by the names compared with
    // localeCompare ignoring punctuation (dist/migration.js getMigrationFilePaths), under which
    // `1_x_2.js` sorts before `1_x.js`: its scripts' plans take new numbers too.
    const bool versioned = (m_report.tool != MigrationTool::Plain && m_report.tool != MigrationTool::Synapse) ||
                           m_report.source_kind == "typeorm" || m_report.source_kind == "node-pg-migrate";
    // The set's other migrations, listed only for the plans that ask (more than one migration,
    // a view in a table's place, a table dropped later): a list per plan was quadratic in the
    // set's size for a set of CREATE INDEX migrations, each planned as one migration.
    std::optional<std::vector<std::string>> listed_siblings;
    auto siblings = [&]() -> const std::vector<std::string>& {
        if (!listed_siblings) listed_siblings = set_siblings(m_report.path, m_known);
        return *listed_siblings;
    };
    std::string_view own_name = folder_named ? path_name(path_folder(m_report.path)) : path_name(m_report.path);
    PlanVersions versions;
    // Prisma has no version numbers: `migrate deploy` applies the folders in the order of their
    // names as strings (prisma 7.9.1 cli.js sorts them with localeCompare; the DBA review dba70,
    // ghostfolio 20241130164334 and rallly 20250614062854), so `<the folder's name>_2` sorts right
    // after the folder and before the next one, whatever the next one's timestamp: no free number
    // is needed, unlike diesel, which refuses two folders of one version.
    const bool string_ordered = m_report.tool == MigrationTool::Prisma;
    if (versioned && migrations > 1 && !string_ordered) {
        if (m_report.tool == MigrationTool::Flyway) {
            // The project's Java migrations take versions too (tools/flyway_java_versions.hpp; the
            // DBA review dba70: marquez's V44 plan took 44.1 to 44.3, its Java classes' versions).
            std::vector<std::string> taken = siblings();
            for (std::string& java : tools::flyway_java_versions(m_report.path)) taken.push_back(std::move(java));
            const PlanVersions own_set = plan_versions(own_name, true, migrations - 1, taken);
            // And the project's other Flyway locations: Flyway loads them with this folder as one
            // set (the DBA review dba71: conductor's V18 plan took 18.1, which its data location's
            // V18.1__index_backfill_end_time.sql has, and Flyway refused to start). The folders
            // given with this one (the known migrations of other sets), and every folder of
            // Flyway-named files near it (tools::flyway_other_locations).
            std::vector<std::string> others;
            if (m_known != nullptr) {
                std::error_code ec;
                const std::string own_folder =
                    std::filesystem::absolute(std::filesystem::path(m_report.path), ec).lexically_normal().parent_path().generic_string();
                for (const auto& known : m_known->paths()) {
                    std::string_view n = path_name(known);
                    if (n.size() > 1 && (n[0] == 'V' || n[0] == 'v') && n[1] >= '0' && n[1] <= '9' && flyway_name(n) &&
                        path_folder(known) != own_folder) {
                        others.push_back(known);
                    }
                }
            }
            const tools::FlywayOtherLocations near = tools::flyway_other_locations(m_report.path);
            others.insert(others.end(), near.files.begin(), near.files.end());
            versions = own_set;
            if (!others.empty()) {
                taken.insert(taken.end(), others.begin(), others.end());
                versions = plan_versions(own_name, true, migrations - 1, taken);
                if (versions.versions != own_set.versions && versions.note.empty()) {
                    m_notes.push_back(plan_tool_notes::flyway_locations_note(own_set.versions, versions.versions, others, near.root));
                }
            }
        } else {
            versions = plan_versions(own_name, false, migrations - 1, siblings());
        }
        // A version the set already uses, or one that sorts after the next migration, cannot be
        // deployed as written (diesel refuses two folders of one version; the order changes):
        // no plan, rather than one to renumber (lemmy's 2025-08-01-0000NN folders leave no room).
        if (!versions.note.empty()) {
            return no_plan(versions.note + "; no plan is offered, since migrations the repository already has would "
                           "need new names: by hand, make the change in migrations named after the set's last one");
        }
    }
    // A knex project's own migration source orders the files, and may refuse a name (wiki's
    // semver.compare): the new files take versions it sorts right after the original, or no plan.
    std::vector<std::string> knex_names;
    if (m_report.source_kind == "knex" && migrations > 1) {
        if (auto source = plan_knex::knex_source(m_report.path)) {
            if (source->order != plan_knex::Order::Semver) {
                return no_plan(source->file + " is the project's own knex migration source (getMigrations), whose order pgfence does not "
                               "read: where the plan's new migrations would run is not known, so make this change by hand, with the findings' advice");
            }
            std::vector<std::string> names;
            std::error_code ec;
            const std::filesystem::path folder = std::filesystem::path(m_report.path).parent_path();
            for (std::filesystem::directory_iterator it(folder.empty() ? std::filesystem::path(".") : folder, ec), end; !ec && it != end;
                 it.increment(ec)) {
                names.push_back(it->path().filename().string());
            }
            auto named = plan_knex::semver_names(path_name(m_report.path), migrations - 1, names);
            if (!named.declined.empty()) {
                return no_plan(named.declined + " (" + source->file + "); make this change by hand, with the findings' advice");
            }
            knex_names = std::move(named.names);
        }
    }
    // Whether a migration of the set is named `name` (asked for migrations 2 and later only: the
    // set's names listed once, as views into siblings(), and searched for each).
    std::optional<std::vector<std::string_view>> sibling_names;
    auto sibling_named = [&](std::string_view name) {
        if (!sibling_names) {
            sibling_names.emplace();
            sibling_names->reserve(siblings().size());
            for (const auto& sibling : siblings()) {
                std::string_view n = path_name(sibling);
                if (folder_named && (n == "migration.sql" || n == "up.sql" || n == "down.sql")) n = path_name(path_folder(sibling));
                sibling_names->push_back(n);
            }
        }
        return std::find(sibling_names->begin(), sibling_names->end(), name) != sibling_names->end();
    };
    std::vector<int> later;  // migrations written under later-release/
    std::vector<int> held;   // migrations written under after-out-of-band/
    std::vector<int> empty_downs;  // script migrations whose down() pgfence leaves empty
    bool behind_band = false;  // an out-of-band step after a migration has come
    for (std::size_t k = 0; k < steps.size(); ++k) {
        PlanStep& step = steps[k];
        if (step.run == PlanRun::out_of_band) {
            behind_band = behind_band || migration > 0;
            step.path = out_of_band_path(m_report, ++band, migration);
            if (step.title == "Migration") step.title = "Out of band: " + runner_name(m_layout) +
                                                        " runs every migration in a transaction, so run this by hand";
            step.file_text = "-- " + step.title + " (pgfence plan for " + m_report.path + ")\n" + step.sql + "\n";
            continue;
        }
        ++migration;
        std::string what = step.title == "Migration" ? "" : step.title.substr(std::string("Migration ").size());
        step.title = "Migration " + std::to_string(migration) + (step.run == PlanRun::no_transaction ? " (no transaction)" : "") +
                     (what.empty() ? "" : " " + what);
        step.path = migration_path(m_report, migration, migrations, versions.versions, step.run == PlanRun::no_transaction);
        if (migration >= 2 && static_cast<std::size_t>(migration - 2) < knex_names.size()) {
            step.path = join_path(path_folder(m_report.path), knex_names[static_cast<std::size_t>(migration - 2)]);
        }
        std::string_view new_name = folder_named ? path_name(path_folder(step.path)) : path_name(step.path);
        // A later-release migration written beside the others would be run by the tool in the
        // same deploy, while the old release still runs (the oracle proves it after the new
        // release): it is written apart, to be added to the folder once that release is out.
        // An absolute input path goes under the folder as a relative one does, without "//".
        auto under = [](std::string_view folder, const std::string& path) {
            return std::string(folder) + path.substr(std::min(path.find_first_not_of('/'), path.size()));
        };
        if (step.after_release && migration > 1) {
            step.path = under("later-release/", step.path);
            later.push_back(migration);
        } else if (behind_band) {
            // Likewise a migration after an out-of-band step (a backfill, an index built by
            // hand): the tool would run it in this deploy, before that step has run.
            step.path = under("after-out-of-band/", step.path);
            held.push_back(migration);
        }
        if (migration > 1 && sibling_named(new_name)) {
            m_notes.push_back(std::string(new_name) + " exists already in the migration folder: rename migration " +
                              std::to_string(migration) + " of the plan before adding it");
        } else if (migration > 1 && string_ordered) {
            // A folder of the set whose name sorts between the file's and this one's runs between them.
            for (std::string_view n : *sibling_names) {
                if (n > own_name && n < new_name) {
                    m_notes.push_back(std::string(n) + " sorts between " + std::string(own_name) + " and " + std::string(new_name) +
                                      ", so Prisma would run it between the plan's migrations: rename migration " +
                                      std::to_string(migration) + " of the plan before adding it");
                    break;
                }
            }
        }
        if (migration == 1 && step.path != m_report.path) {
            m_notes.push_back("migration 1 is " + std::string(path_name(step.path)) + ", which " + runner_name(m_layout) +
                              " runs outside a transaction: it replaces " + std::string(path_name(m_report.path)) + ", which goes");
        }
        // Its down() undoes what it builds (plan_down.hpp), where pgfence can write that.
        std::vector<std::string> undo;
        if (file_reads_units(m_layout) && m_layout.source_kind != "sql") {
            if (auto down = plan_down::down_units(m_units[k])) undo = std::move(*down);
            else empty_downs.push_back(migration);
        }
        // Knex: every migration after the first opts out of migrate:latest's batch transaction
        // (plan_layout.cpp file_text), so the batch commits migration by migration.
        step.file_text = file_text(m_layout, step, m_units[k], step.path, undo, m_layout.source_kind == "knex" && migration >= 2);
        std::vector<std::string>().swap(m_units[k]);  // read only for this step's file
        std::string_view folder = path_folder(step.path);
        if (m_layout.source_kind == "sql" && step.run == PlanRun::no_transaction) {
            if (m_layout.tool == MigrationTool::Diesel) {
                step.extra_files.emplace_back(join_path(folder, "metadata.toml"), "run_in_transaction = false\n");
            } else if (m_layout.tool == MigrationTool::Flyway) {
                step.extra_files.emplace_back(step.path + ".conf", "executeInTransaction=false\n");
                // Flyway 9.1.2 added flyway.postgresql.transactional.lock, true by default: the
                // migrate holds pg_try_advisory_xact_lock in a transaction left open throughout
                // (flyway-core PostgreSQLAdvisoryLockTemplate.execute), and a CONCURRENTLY build
                // waits for every older transaction: it never ends (flyway/flyway#3497, #3682).
                const std::string lock_note =
                    "on Flyway 9.1.2 and later, set flyway.postgresql.transactional.lock=false (FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK, "
                    "or spring.flyway.postgresql.transactional-lock) before deploying the no-transaction migrations: by default Flyway "
                    "holds its lock in a transaction open for the whole migrate, which a CONCURRENTLY build waits for forever";
                if (std::find(m_notes.begin(), m_notes.end(), lock_note) == m_notes.end()) m_notes.push_back(lock_note);
            }
        }
        if (m_layout.source_kind == "sql" && m_layout.tool == MigrationTool::Diesel && migration > 1) {
            step.extra_files.emplace_back(join_path(folder, "down.sql"), no_undo(m_layout.tool));
        }
        bool up_down = m_layout.tool == MigrationTool::GolangMigrate || m_layout.tool == MigrationTool::Pop ||
                       m_layout.tool == MigrationTool::Popx;
        if (m_layout.source_kind == "sql" && up_down && migration > 1 && step.path.ends_with(".up.sql")) {
            // popx refuses an up migration without a down one of its version (MigrationBox.check).
            std::string down = step.path;
            down.replace(down.size() - 7, 7, ".down.sql");
            if (m_layout.tool == MigrationTool::Popx) down = popx_suffix(down, false);
            step.extra_files.emplace_back(down, no_undo(m_layout.tool));
        }
    }
    if (!held.empty()) m_notes.push_back(written_apart_note(held, false, m_layout));
    if (std::string note = plan_tool_notes::failure_note(m_layout.tool, steps); !note.empty()) m_notes.push_back(std::move(note));
    // The original's down half still undoes the whole file (newcomer nw71 N5): after the plan
    // only migration 1 is left of it, and the other migrations' downs stop for a revert by hand.
    if (migrations > 1 && m_layout.source_kind == "sql") {
        std::string_view name = path_name(m_report.path);
        std::string down;
        if (m_layout.tool == MigrationTool::Diesel && name == "up.sql") {
            down = std::string(path_name(path_folder(m_report.path))) + "/down.sql";
        } else if (name.ends_with(".up.sql")) {
            down = std::string(name.substr(0, name.size() - 7)) + ".down.sql";
        }
        const std::string_view down_name = path_name(down);
        const bool exists = !down.empty() && std::any_of(siblings().begin(), siblings().end(), [&](const std::string& sibling) {
            return path_name(sibling) == down_name && (m_layout.tool != MigrationTool::Diesel || path_name(path_folder(sibling)) == path_folder(down));
        });
        if (exists) {
            m_notes.push_back(down + " still undoes the whole original file: rewrite it to undo migration 1 alone (the "
                              "plan's other migrations have down files that stop, to be reverted by hand)");
        }
    } else if (!empty_downs.empty()) {
        // A script's down() is not read on the way up: pgfence writes one only where it undoes
        // the migration's index builds (plan_down.hpp); any other is empty, and said so.
        std::string which;
        for (std::size_t i = 0; i < empty_downs.size(); ++i) {
            which += (i == 0 ? "" : i + 1 == empty_downs.size() ? " and " : ", ") + std::to_string(empty_downs[i]);
        }
        m_notes.push_back(std::string(empty_downs.size() == 1 ? "migration " : "migrations ") + which + " of the plan " +
                          (empty_downs.size() == 1 ? "has an empty down() function" : "have empty down() functions") +
                          " (pgfence writes a down() only to drop the indexes a migration builds): a rollback of " +
                          (empty_downs.size() == 1 ? "it" : "them") + " undoes nothing; write " + (empty_downs.size() == 1 ? "its" : "each one's") +
                          " down() by hand (what the original's undid" + (migrations > 1 ? ", split by migration" : "") +
                          ") before relying on a rollback");
    }
    // openmeter's golang-migrate folder is also Atlas's: Atlas refuses a folder whose files no
    // longer match its atlas.sum, so new migration files need the sum made again.
    if (migrations > 1 && m_layout.source_kind == "sql") {
        std::error_code ec;
        const std::filesystem::path sum = std::filesystem::path(std::string(path_folder(m_report.path))) / "atlas.sum";
        if (std::filesystem::is_regular_file(sum, ec)) {
            m_notes.push_back("the migration folder has an atlas.sum: after adding the plan's migrations, run `atlas migrate hash` "
                              "there, or Atlas (atlas migrate validate, lint) refuses the folder");
        }
    }
    if (!later.empty()) {
        // A migration of the set after this file runs in this deploy, before the later-release
        // step: against the view the plan leaves in the table's place until then (ALTER TABLE of a
        // view fails), or the old form the step removes. Which it touches is not read here.
        // Only where a view stands in a table's place until then: a step that drops what the
        // file drops leaves the later migrations the schema they were written against, and more.
        const bool view_in_place = std::any_of(steps.begin(), steps.end(), [](const PlanStep& st) {
            return st.after_release && contains_ci(st.sql, "DROP VIEW");
        });
        const std::string self = absolute_path(std::filesystem::path(m_report.path)).lexically_normal().generic_string();
        for (const auto& sibling : view_in_place ? siblings() : k_no_siblings) {
            if (is_down_half(sibling) || !migration_before(self, sibling)) continue;
            std::string_view name = path_name(sibling);
            if (name == "up.sql" || name == "migration.sql") name = path_name(path_folder(sibling));
            return no_plan("the plan's migration " + std::to_string(later.front()) + " waits for a later release, but " +
                           std::string(name) + " comes after this file in its set and would run before it, "
                           "against the view the plan leaves in the table's place until then; by hand: "
                           "make this the set's last migration, or use expand/contract (a new column kept in sync, then the swap)");
        }
        // A table the plan drops only in a later release still exists while the set's later
        // migrations run in this deploy: one that makes or uses that name again (CREATE TABLE
        // sessions anew) meets the old table (red team: "relation sessions already exists").
        std::vector<std::string> dropped;
        for (std::size_t i = 0; i < m_stmts.size(); ++i) {
            const auto* drop = pg::as<DropStmt>(m_stmts[i]);
            if (drop == nullptr || drop->removeType != OBJECT_TABLE || (i < m_down.size() && m_down[i])) continue;
            for (const List* items : pg::each<List>(drop->objects)) {
                if (pg::length(items) > 0) dropped.emplace_back(pg::last_name(items));
            }
        }
        for (auto& column : deferred_columns) dropped.push_back(std::move(column));
        bool unread = false;
        for (const auto& sibling : dropped.empty() ? k_no_siblings : siblings()) {
            if (is_down_half(sibling) || !migration_before(self, sibling)) continue;
            const std::string* read = sibling_text(sibling);
            if (read == nullptr) {
                unread = true;
                continue;
            }
            const std::string& text = *read;
            for (const auto& table : dropped) {
                if (!has_word(text, table)) continue;
                std::string_view name = path_name(sibling);
                if (name == "up.sql" || name == "migration.sql") name = path_name(path_folder(sibling));
                return no_plan("the plan drops " + table + " only in a later release, but " + std::string(name) +
                               " comes after this file in its set, names " + table + ", and would run before that drop, "
                               "while the old one still exists; by hand: drop it in this migration, or make this the "
                               "set's last migration");
            }
        }
        if (unread) {
            m_notes.push_back("a migration after this file could not be read: if it makes or uses a table this plan drops in a "
                              "later release, it runs before that drop, against the old table");
        }
        m_notes.push_back(written_apart_note(later, true, m_layout));
    }
    if (migration > 1) {
        switch (m_layout.tool) {
            case MigrationTool::Goose:
            case MigrationTool::Sqlx:
            case MigrationTool::GolangMigrate:
            case MigrationTool::Dbmate:
            case MigrationTool::Pop:
            case MigrationTool::Popx:
            case MigrationTool::NodePgMigrate:
                // Without the set's other files, whether a version is free is not known.
                if (m_known == nullptr) {
                    m_notes.push_back("migrations 2 and later take the versions after this file's: renumber them if a later migration already uses one");
                }
                break;
            case MigrationTool::Drizzle:
                m_notes.push_back("drizzle: add each new file to meta/_journal.json (drizzle-kit generate --custom makes the entry)");
                // drizzle-orm's migrator (pg-core/dialect.ts) opens one transaction for every
                // pending migration: the plan's commits between migrations happen only in
                // separate runs.
                m_notes.push_back("drizzle applies every pending migration in one transaction: run `drizzle-kit migrate` once per "
                                  "migration of this plan (each added and deployed on its own), or they hold each other's locks "
                                  "until the last one commits, as the original does");
                break;
            default: break;
        }
        // TypeORM's default migrationsTransactionMode, "all", runs every pending migration in
        // one transaction.
        if (m_layout.source_kind == "typeorm" &&
            std::none_of(steps.begin(), steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; })) {
            m_notes.push_back("typeorm: set migrationsTransactionMode to \"each\" in the DataSource options: with the default, "
                              "\"all\", every pending migration runs in one transaction and the plan's migrations hold each "
                              "other's locks until the last one commits");
        }
        // Knex's migrate:latest (Migrator.latest) runs every pending migration in one
        // transaction unless one of them opts out: the plan's later migrations do.
        if (m_layout.source_kind == "knex" &&
            std::none_of(steps.begin(), steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; })) {
            m_notes.push_back("knex: `knex migrate:latest` runs every pending migration in one transaction unless one exports "
                              "`config = { transaction: false }`: the plan's migrations after the first do, each running in a "
                              "transaction of its own (`knex.transaction`), so knex commits the batch migration by migration; "
                              "keep that line when editing them, or they hold each other's locks until the last one commits");
        }
        // node-pg-migrate's CLI runs every pending migration in one transaction by default
        // (--single-transaction, bin/node-pg-migrate.js; dist/runner.js); a migration that calls
        // pgm.noTransaction() commits it before itself and begins another after (dist/migration.js).
        if (m_layout.source_kind == "node-pg-migrate" &&
            std::none_of(steps.begin(), steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; })) {
            m_notes.push_back("node-pg-migrate: its CLI runs every pending migration in one transaction unless given "
                              "--no-single-transaction: deploy the plan's migrations with it (or one at a time, `up 1`), or they "
                              "hold each other's locks until the last one commits");
        }
    }
    // typeorm MigrationExecutor.executePendingMigrations: under migrationsTransactionMode "all"
    // (the default) a pending migration that sets its own `transaction` makes the run throw
    // ForbiddenTransactionModeOverrideError before any migration runs, one plan migration or many.
    if (m_layout.source_kind == "typeorm" &&
        std::any_of(steps.begin(), steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; })) {
        m_notes.push_back("typeorm: set migrationsTransactionMode to \"each\" in the DataSource options before this plan "
                          "deploys: a migration of it sets `transaction = false`, and under the default, \"all\", "
                          "`typeorm migration:run` refuses every pending migration (ForbiddenTransactionModeOverrideError)");
    }
    // An out-of-band step with nothing to run (its walk left as comments: no safe batching was
    // found) leaves the rows the original changes unchanged, and what follows it (a VALIDATE, a
    // SET NOT NULL) fails: such a plan cannot be proven and is not offered. The application
    // release before the migrations is code, not SQL, and is exempt.
    for (const PlanStep& step : steps) {
        if (step.run != PlanRun::out_of_band || starts_with_ci(step.title, "Before") || executable(step.sql)) continue;
        return no_plan("an out-of-band step of the plan would be a template to fill in by hand (no form of it that "
                       "pgfence can run and prove: a backfill it cannot batch safely, per-partition work), so no plan is offered "
                       "for the file; by hand: follow each finding's fix, writing that step yourself, and rehearse the "
                       "migrations with pgfence trace --plan");
    }
    // The last line of defence: a plan whose statements create an object twice or drop one twice
    // fails where the second runs, and is not offered.
    PlanObjects objects;
    for (const PlanStep& step : steps) {
        std::vector<std::string> twice = objects.read(step.sql, nullptr);
        if (twice.empty()) continue;
        return no_plan("the plan pgfence composed " + twice.front() + " (" + step.title +
                       "), which fails there; by hand: write the migrations so that each object is created and dropped once");
    }
    // The same end state: each table and view the original leaves in place (or gone), the plan
    // does too (a DROP TABLE moved to a later release must not drop the table the file renamed
    // into that name).
    PlanObjects original;
    std::string text;
    for (std::size_t i = 0; i < m_report.statements.size(); ++i) {
        if ((i < m_down.size() && m_down[i]) || m_report.statements[i].status == StatementStatus::Unknown) continue;
        text += m_report.statements[i].sql + ";\n";
    }
    (void)original.read(text, nullptr);
    for (const auto& [key, net] : objects.tables()) {
        auto at = original.tables().find(key);
        bool leaves = at != original.tables().end() ? at->second.after : net.before;
        if (leaves == net.after) continue;
        return no_plan("the plan pgfence composed leaves " + quote_ident(key.substr(2)) + (net.after ? " in place" : " dropped") +
                       " where the original leaves it " + (leaves ? "in place" : "dropped") +
                       " (a step moved past another that uses its name); by hand: keep the drop and the statement that "
                       "reuses the name in the order the file has them");
    }
    for (const auto& [key, net] : original.tables()) {
        if (objects.tables().count(key) > 0 || net.after == net.before) continue;
        return no_plan("the plan pgfence composed does not " + std::string(net.after ? "create " : "drop ") + quote_ident(key.substr(2)) +
                       " as the original does; by hand: write the migrations so that each object is created and dropped as the file does");
    }
    // Plain SQL that no known tool runs: how the runner wraps files is unknown (plan_runner.hpp).
    // psql running it (a command of the project) is a known runner: statement by statement, outside
    // any transaction unless the file opens one.
    // So is temporal-sql-tool, for a file its version's manifest lists (plan_temporal.hpp).
    if (m_layout.tool == MigrationTool::Plain && m_layout.source_kind == "sql" && !m_psql_runs && !temporal_file(m_report)) {
        if (std::string why = plan_runner::unknown_runner_decline(steps); !why.empty()) return no_plan(why);
        if (std::string why = plan_runner::unknown_runner_outside_decline(steps, path_folder(m_report.path)); !why.empty()) {
            return no_plan(why);
        }
        if (std::string note = plan_runner::unknown_runner_note(steps); !note.empty()) m_notes.push_back(note);
    }
    // A tool that sends a file as one query never gets two CONCURRENTLY statements in one file.
    if (m_layout.one_query) {
        if (std::string why = plan_runner::one_query_concurrent_decline(steps); !why.empty()) return no_plan(why);
    }
    Plan plan;
    plan.steps = std::move(steps);
    plan.replaced.assign(m_replaced.begin(), m_replaced.end());
    // Said here once, not in the user's migration files (outside DBA: service boilerplate above
    // each pgfence-ignore line of ente's and memos' plans).
    if (std::any_of(plan.steps.begin(), plan.steps.end(), [](const PlanStep& st) { return contains_ci(st.sql, "pgfence-ignore:"); })) {
        m_notes.push_back("the plan's pgfence-ignore comments silence pgfence in the repository; where the governance service "
                          "applies a policy, a suppression the pull request adds does not lift it (an exemption from the service does)");
    }
    plan.notes = std::move(m_notes);
    int total = migration;
    plan.summary = std::to_string(total) + (total == 1 ? " migration" : " migrations") +
                   (band > 0 ? " and " + std::to_string(band) + " out-of-band " + (band == 1 ? "step" : "steps") : std::string()) +
                   " for " + std::string(m_layout.source_kind == "sql" ? tool_name(m_layout.tool) : m_layout.source_kind) +
                   ", replacing what " + std::to_string(plan.replaced.size()) +
                   (plan.replaced.size() == 1 ? " rule objects to" : " rules object to");
    return plan;
}

}  // namespace plan_detail

}  // namespace pgfence::analyze
