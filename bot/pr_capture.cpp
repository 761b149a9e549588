#include "bot/pr_capture.hpp"

#include <algorithm>
#include <set>

#include "analyze/base/regular_file.hpp"
#include "annotate/printable.hpp"
#include "bot/capture_report.hpp"
#include "capture/migration_files.hpp"
#include "capture/migrations.hpp"
#include "capture/record_json.hpp"

namespace pgfence::bot {

analyze::Result<PrCapture> apply_capture(const std::string& record_path, const diff::Repository& repo,
                                         const diff::ChangeSet& changes, analyze::Report& report,
                                         const analyze::AnalyzeOptions& options, std::ostream& err) {
    auto text = analyze::read_regular_file(record_path, k_capture_record_max_bytes, "the capture record");
    if (!text) return text.error();
    auto sessions = capture::read_record_json(*text, record_path);
    if (!sessions) return sessions.error();
    text->clear();
    text->shrink_to_fit();
    auto migrations = capture::split_migrations(*sessions);

    // The files the bookkeeping writes name, as the head commit holds them (not the job's
    // checkout, which the migrate command may have changed).
    auto listed = repo.list_files(changes.head_sha, [](std::string_view p) {
        return p.ends_with(".rb") || p.ends_with(".py") || p.ends_with(".js") || p.ends_with(".ts") || p.ends_with(".cjs") ||
               p.ends_with(".mjs") || p.ends_with(".sql");
    });
    if (!listed) return listed.error();
    const capture::MigrationFiles files(*listed, [&](const std::string& path) -> std::string {
        auto blob = repo.read_file_bounded(changes.head_sha, path, capture::k_max_revision_file);
        if (!blob || !*blob || !(*blob)->text) return {};
        return *(*blob)->text;
    });

    CaptureJudgement judged = judge_capture(migrations, files, "in the head commit", options, err);
    add_run_unknowns(judged.files, judged.unseen, options);

    // What the pull request adds or changes, whatever pgfence reads statically.
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view) { return true; });
    if (!changed) return changed.error();
    std::set<std::string> in_pull_request;
    for (const auto& c : *changed) {
        if (c.status != diff::ChangeStatus::Deleted) in_pull_request.insert(c.path);
    }

    PrCapture out;
    out.failed = judged.failed_migration || judged.unreadable;
    std::set<std::string> reported;
    std::size_t history = 0;
    for (auto& f : judged.files) {
        // A migration with no file in the head commit, or what no migration holds, is reported
        // under its name: pgfence cannot tell whether the pull request brought it.
        const bool named = !f.path.empty() && f.path.front() == '<';
        if (!named && in_pull_request.count(f.path) == 0) {
            ++history;
            continue;
        }
        out.captured_sql[f.path] += judged.captured_sql[f.path];
        reported.insert(f.path);
        // What runs replaces what pgfence read from the file.
        std::erase_if(report.files, [&](const analyze::FileReport& r) { return r.path == f.path; });
        report.files.push_back(std::move(f));
    }
    err << "pgfence: the capture " << annotate::printable(record_path) << " holds " << judged.closed
        << (judged.closed == 1 ? " migration" : " migrations") << " recognised: " << reported.size() << " reported, " << history
        << " the base branch has (history)\n";
    return out;
}

}  // namespace pgfence::bot
