#include "analyze/history.hpp"

#include "analyze/psql_includes_on_disk.hpp"

#include <utility>

#include "analyze/migrations/migration_names.hpp"
#include "analyze/analyzer.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/model/function_attach.hpp"
#include "analyze/model/function_calls.hpp"
#include "analyze/parse/lexing_settings.hpp"
#include "analyze/parse/limits.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/parse/psql_meta.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/parse/source_text.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/model/unknown_reach.hpp"

namespace pgfence::analyze {
namespace {

// golang-migrate and sqlx name their down halves *.down.sql; prepare_source reads such a file
// as a plain one (it is analysed when asked for), but replaying it would undo its up half.
bool is_down_file(std::string_view path) {
    const std::string as_sql = golang_migrate_as_sql(path);
    return path.ends_with(".down.sql") || as_sql.ends_with(".down.sql");
}

// One statement into the catalog; false when it is left out.
// `line`: where it starts in its file (0: not known), for the facts the catalog keeps with one.
// `calls` follows what it runs (a CALL, SELECT f(), a DO block's PERFORM, a trigger) as the
// analysed file's statements are followed (analyzer.cpp): a table a procedure made is in the
// catalog, and a CREATE TABLE IF NOT EXISTS of its name later is no new table (red team F1 E_PROC).
// A transaction PREPARE TRANSACTION ends is parked, not committed (R67 A8): what it changed
// exists only after a COMMIT PREPARED pgfence may never see, so its changes are undone in the
// replayed schema (a catalog trial from its BEGIN, or from the file's start where the tool wraps
// the file in one), and the schema is not known whole from there. A COMMIT or ROLLBACK keeps
// them, as replay always did. Watched only in a file that names PREPARE (a trial costs copies).
void track_transaction(const TransactionStmt* t, Catalog& catalog) {
    switch (t->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START:
            catalog.begin_trial();
            break;
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_ROLLBACK:
            catalog.keep_trial();
            if (t->chain) catalog.begin_trial();
            break;
        case TRANS_STMT_PREPARE:
            if (!catalog.in_trial()) break;  // no transaction in progress: PostgreSQL only warns
            catalog.undo_trial();
            catalog.clear_all_fills();
            catalog.mark_unknown();
            break;
        default:
            break;
    }
}

bool names_prepare(std::string_view text) {
    constexpr std::string_view k_word = "prepare";
    for (std::size_t at = text.find_first_of("pP"); at != std::string_view::npos; at = text.find_first_of("pP", at + 1)) {
        std::size_t i = 0;
        while (i < k_word.size() && at + i < text.size() && (text[at + i] | 0x20) == k_word[i]) ++i;
        if (i == k_word.size()) return true;
    }
    return false;
}

bool replay_statement(std::string_view sql, const std::shared_ptr<void>& arena, model::Context& ctx, int line, CallFollower& calls,
                      bool transactions = false) {
    ParsedStatement parsed = parse_statement(sql, arena);
    if (parsed.failure) {
        ctx.catalog.clear_all_fills();
        model::mark_unparsable(sql, ctx.catalog);
        return false;
    }
    if (const TransactionStmt* t = transactions ? pg::as<TransactionStmt>(parsed.stmt) : nullptr) {
        track_transaction(t, ctx.catalog);
        return true;
    }
    // Where a lasting change was merged, as its later findings name it.
    auto merged_at = [&] { return " (" + ctx.catalog.source() + (line > 0 ? ", line " + std::to_string(line) : std::string()) + ")"; };
    if (pg::is<AlterDatabaseSetStmt>(parsed.stmt) || pg::is<AlterRoleSetStmt>(parsed.stmt) || pg::is<AlterSystemStmt>(parsed.stmt)) {
        // A reading setting made the default of later sessions reaches the migrations analysed
        // now, whatever connection runs them (Catalog::lasting_relexed; red team R72 F2).
        LexingChange change = lexing_change(parsed.stmt, sql);
        if (!change.lasting.empty() && change.changes) ctx.catalog.set_lasting_relexed(change.lasting, change.setting, change.what + merged_at());
        else if (!change.lasting.empty() && change.restores) ctx.catalog.reset_lasting_relexed(change.lasting, change.setting);
    } else if (std::string what = may_set_lasting(parsed.stmt, sql); !what.empty()) {
        // Not known either way: the later files read as after a change pgfence could not rule
        // out (from the first statement PostgreSQL would read differently on).
        ctx.catalog.set_lasting_relexed("?", "?", what + merged_at());
    }
    StatementFacts facts;  // scratch: only what the model teaches the catalog is kept
    facts.sql = std::string(sql);  // a view's query is kept as its statement (Catalog::view_query)
    const DoStmt* block = pg::as<DoStmt>(parsed.stmt);
    if (block != nullptr) model_do_block(block, facts, ctx, 0, &calls.do_block_hooks(ctx));
    else model::model_statement(parsed.stmt, facts, ctx);
    ctx.proven_empty.clear();  // a replayed table's rows are not the analysed migration's to prove
    model::track_fills(parsed.stmt, facts, ctx, line);
    // Replayed when the model read it; a call it makes that pgfence cannot follow (a trigger's
    // function the history does not show) leaves the catalog unsure, not the statement unread.
    const bool read = facts.status != StatementStatus::Unknown;
    if (block == nullptr) {
        record_function(parsed.stmt, sql, ctx.catalog);
        calls.follow(parsed.stmt, facts, ctx);
        ctx.proven_empty.clear();
    }
    // The functions it attaches, to fire in the migrations that follow (their bodies are not run here).
    record_attachments(parsed.stmt, attachments_of(parsed.stmt, ctx.catalog), ctx.catalog);
    if (facts.status == StatementStatus::Unknown && model::unknown_may_create(sql)) ctx.catalog.mark_unknown();
    if (facts.status == StatementStatus::Unknown) ctx.catalog.mark_unread();
    return read;
}

}  // namespace

Replay::Replay(const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& start) : m_options(options) {
    if (start) m_catalog = *start;
}

void Replay::replay_text(const std::string& path, std::string_view text, std::string_view metadata, bool on_disk,
                         const tools::ReadFile* included) {
    replay(path, text, false, metadata, on_disk, included);
}

void Replay::replay_schema_text(const std::string& source, std::string_view text) { replay(source, text, true); }

void Replay::replay(const std::string& path, std::string_view text, bool schema, std::string_view metadata, bool on_disk,
                    const tools::ReadFile* included) {
    std::size_t before = m_counts.statements + m_counts.skipped_statements;
    model::Context ctx{m_options.pg_version, m_catalog, nullptr, {}, {}};
    std::shared_ptr<void> arena = new_parse_arena();
    CallFollower calls(arena, nullptr);
    bool transactions = false;  // PREPARE TRANSACTION is watched for (track_transaction)
    auto one = [&](std::string_view sql, int line) {
        if (replay_statement(sql, arena, ctx, line, calls, transactions)) ++m_counts.statements;
        else ++m_counts.skipped_statements;
    };
    m_catalog.set_source(path);
    orm::InputFormat format = schema ? orm::InputFormat::Sql : orm::resolve_format(path, text, m_options.input_format);
    if (format != orm::InputFormat::Sql) {
        orm::Extraction extraction = orm::extract(text, format, Direction::Up);
        for (const orm::OrmStatement& statement : orm::split(extraction)) {
            if (statement.error.empty() && statement.unknown.empty()) {
                one(statement.sql, 0);
            } else {
                ++m_counts.skipped_statements;
                m_catalog.clear_all_fills();
                m_catalog.mark_unknown();  // SQL known only when the script runs
            }
        }
    } else {
        // A schema from pg_dump carries psql's \restrict and \unrestrict lines.
        std::string cleaned;
        if (text.starts_with('\\') || text.find("\n\\") != std::string_view::npos) {
            // A migration's `\ir other.sql` runs the other file's SQL there: replayed in its
            // place when the file is on disk (psql_includes_on_disk.hpp) or in the commit's tree
            // the caller reads (`included`); else, or when another
            // meta-command changes what runs, the schema is not known whole from here (issue #53:
            // a table it made counted as new to a later DROP TABLE IF EXISTS; CREATE TABLE).
            bool unfollowed = false;
            const bool follows = !schema && (on_disk || included != nullptr);
            if (!schema && on_disk) cleaned = with_psql_includes(path, text, m_options, unfollowed);
            else if (!schema && included != nullptr) cleaned = tools::with_included_files(path, text, {}, *included, unfollowed);
            else unfollowed = !schema && has_unfollowed_psql_meta_command(text);
            if (unfollowed) {
                m_catalog.clear_all_fills();
                m_catalog.mark_unknown();
            }
            if (!follows) cleaned = without_psql_meta_commands(text);
            text = cleaned;
        }
        PreparedSource source = prepare_source(path, text, Direction::Up, schema ? std::string_view{} : metadata);
        if (source.skipped || (!schema && is_down_file(path))) {
            ++m_counts.skipped_files;
            m_catalog.set_source({});
            return;
        }
        LineIndex lines(source.text);
        transactions = !schema && names_prepare(source.text);
        if (transactions && source.wrapped_in_transaction) m_catalog.begin_trial();
        for (const Region& region : source.regions) {
            for (const RawStatement& raw : split_statements(source.text, region)) {
                one(std::string_view(source.text).substr(raw.begin, raw.end - raw.begin), lines.position(raw.begin).line);
            }
        }
        m_catalog.keep_trial();
    }
    if (m_counts.statements + m_counts.skipped_statements == before) ++m_counts.skipped_files;
    else ++m_counts.files;
    m_catalog.set_source({});  // what the next text or the analysed file adds is its own
    m_catalog.mark_existing();  // for the next file, and so that a copy of it is a snapshot
}

void Replay::left_out() {
    ++m_counts.skipped_files;
    m_catalog.clear_all_fills();
    m_catalog.mark_unknown();
}

bool Replay::readable(const std::string& path, std::string& text) {
    // A history file left out may have made anything: the schema is not known whole from here
    // (red team: one over --max-file-size made a table a later DROP TABLE IF EXISTS then took
    // for a DROP of nothing).
    if (!m_options.confine_to.empty() && !path_inside(path, m_options.confine_to)) {
        ++m_counts.skipped_files;
        m_catalog.mark_unknown();
        return false;
    }
    auto read = read_regular_file(path, m_options.max_file_bytes, "migration");
    if (!read) {
        ++m_counts.skipped_files;
        m_catalog.mark_unknown();
        return false;
    }
    text = std::move(*read);
    return true;
}

void Replay::replay_file(const std::string& path) {
    std::string text;
    if (readable(path, text)) replay(path, text, false, sibling_metadata(path, m_options), true);
}

void Replay::replay_schema_file(const std::string& path) {
    std::string text;
    if (readable(path, text)) replay(path, text, true);
}

std::shared_ptr<const Catalog> Replay::snapshot() const {
    // The history ran in earlier deploys, on their own connections: a reading setting it left on
    // its session does not reach the migrations analysed now.
    auto out = std::make_shared<Catalog>(m_catalog);
    out->set_relexed({});
    return out;
}

Replay replay_files(const std::vector<std::string>& files, const AnalyzeOptions& options) {
    Replay replay(options);
    // The parser and the tree walkers recurse once per nesting level.
    run_on_large_stack([&] {
        for (const auto& file : files) replay.replay_file(file);
    });
    return replay;
}

HistoryChain::HistoryChain(const std::vector<std::size_t>& set_of, std::shared_ptr<const Catalog> history)
    : m_set_end(set_of.size()), m_history(std::move(history)) {
    for (std::size_t i = set_of.size(); i-- > 0;) {
        bool last = i + 1 == set_of.size() || set_of[i + 1] != set_of[i];
        m_set_end[i] = last ? i + 1 : m_set_end[i + 1];
    }
}

std::size_t HistoryChain::set_end(std::size_t index) const {
    return index < m_set_end.size() ? m_set_end[index] : index + 1;
}

Catalog HistoryChain::start() const { return m_history ? *m_history : Catalog{}; }

void HistoryChain::handed_on(const FileReport& report) {
    HistoryCounts counts;
    if (report.skipped || report.error || report.statements.empty()) {
        counts.skipped_files = 1;
    } else {
        counts.files = 1;
        for (const StatementFacts& statement : report.statements) {
            bool kept = statement.status != StatementStatus::Unparsable && statement.status != StatementStatus::Unknown;
            ++(kept ? counts.statements : counts.skipped_statements);
        }
    }
    std::lock_guard lock(m_mutex);
    m_counts += counts;
}

HistoryCounts HistoryChain::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

}  // namespace pgfence::analyze
