#include "analyze/history.hpp"

#include <utility>

#include "analyze/conventions.hpp"
#include "analyze/limits.hpp"
#include "analyze/model/model.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/pg_parser.hpp"
#include "analyze/plpgsql.hpp"
#include "analyze/regular_file.hpp"
#include "analyze/splitter.hpp"

namespace pgfence::analyze {
namespace {

// golang-migrate and sqlx name their down halves *.down.sql; prepare_source reads such a file
// as a plain one (it is analysed when asked for), but replaying it would undo its up half.
bool is_down_file(std::string_view path) { return path.ends_with(".down.sql"); }

// One statement into the catalog; false when it is left out.
bool replay_statement(std::string_view sql, const std::shared_ptr<void>& arena, model::Context& ctx) {
    ParsedStatement parsed = parse_statement(sql, arena);
    if (parsed.failure) return false;
    StatementFacts facts;  // scratch: only what the model teaches the catalog is kept
    if (const DoStmt* block = pg::as<DoStmt>(parsed.stmt)) model_do_block(block, facts, ctx, 0);
    else model::model_statement(parsed.stmt, facts, ctx);
    return facts.status != StatementStatus::Unknown;
}

}  // namespace

Replay::Replay(const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& start) : m_options(options) {
    if (start) m_catalog = *start;
}

void Replay::replay_text(const std::string& path, std::string_view text) {
    std::size_t before = m_counts.statements + m_counts.skipped_statements;
    model::Context ctx{m_options.pg_version, m_catalog, nullptr, {}, {}};
    std::shared_ptr<void> arena = new_parse_arena();
    auto one = [&](std::string_view sql) {
        if (replay_statement(sql, arena, ctx)) ++m_counts.statements;
        else ++m_counts.skipped_statements;
    };
    orm::InputFormat format = orm::resolve_format(path, text, m_options.input_format);
    if (format != orm::InputFormat::Sql) {
        orm::Extraction extraction = orm::extract(text, format, Direction::Up);
        for (const orm::OrmStatement& statement : orm::split(extraction)) {
            if (statement.error.empty() && statement.unknown.empty()) one(statement.sql);
            else ++m_counts.skipped_statements;
        }
    } else {
        PreparedSource source = prepare_source(path, text, Direction::Up);
        if (source.skipped || is_down_file(path)) {
            ++m_counts.skipped_files;
            return;
        }
        for (const Region& region : source.regions) {
            for (const RawStatement& raw : split_statements(source.text, region)) {
                one(std::string_view(source.text).substr(raw.begin, raw.end - raw.begin));
            }
        }
    }
    if (m_counts.statements + m_counts.skipped_statements == before) ++m_counts.skipped_files;
    else ++m_counts.files;
    m_catalog.mark_existing();  // for the next file, and so that a copy of it is a snapshot
}

void Replay::replay_file(const std::string& path) {
    if (!m_options.confine_to.empty() && !path_inside(path, m_options.confine_to)) {
        ++m_counts.skipped_files;
        return;
    }
    auto text = read_regular_file(path, m_options.max_file_bytes, "migration");
    if (!text) {
        ++m_counts.skipped_files;
        return;
    }
    replay_text(path, *text);
}

std::shared_ptr<const Catalog> Replay::snapshot() const {
    return std::make_shared<const Catalog>(m_catalog);
}

Replay replay_files(const std::vector<std::string>& files, const AnalyzeOptions& options) {
    Replay replay(options);
    // The parser and the tree walkers recurse once per nesting level.
    run_on_large_stack([&] {
        for (const auto& file : files) replay.replay_file(file);
    });
    return replay;
}

HistoryChain::HistoryChain(std::vector<std::string> files, std::vector<std::size_t> set_of,
                           std::shared_ptr<const Catalog> history, const AnalyzeOptions& options)
    : m_files(std::move(files)), m_set_of(std::move(set_of)), m_history(std::move(history)), m_options(options) {
    for (std::size_t i = 0; i < m_set_of.size(); ++i) {
        if (m_set_of[i] >= m_last_of_set.size()) m_last_of_set.resize(m_set_of[i] + 1);
        m_last_of_set[m_set_of[i]] = i;
    }
}

Catalog HistoryChain::baseline(std::size_t index) {
    std::lock_guard lock(m_mutex);
    for (; m_next <= index && m_next < m_files.size(); ++m_next) {
        std::size_t set = m_set_of[m_next];
        auto working = m_working.find(set);
        if (working != m_working.end()) m_ready.emplace(m_next, working->second->catalog());
        else if (m_history) m_ready.emplace(m_next, *m_history);
        if (m_last_of_set[set] == m_next) {
            if (working != m_working.end()) {
                m_counts += working->second->counts();
                m_working.erase(working);
            }
            continue;
        }
        if (working == m_working.end()) working = m_working.emplace(set, std::make_unique<Replay>(m_options, m_history)).first;
        working->second->replay_file(m_files[m_next]);
    }
    auto ready = m_ready.find(index);
    if (ready == m_ready.end()) return Catalog{};
    Catalog out = std::move(ready->second);
    m_ready.erase(ready);
    return out;
}

HistoryCounts HistoryChain::counts() const {
    std::lock_guard lock(m_mutex);
    HistoryCounts total = m_counts;
    for (const auto& [set, replay] : m_working) total += replay->counts();
    return total;
}

}  // namespace pgfence::analyze
