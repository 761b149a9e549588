#include "bot/pr_capture.hpp"

#include <algorithm>
#include <set>

#include "analyze/base/regular_file.hpp"
#include "annotate/printable.hpp"
#include "bot/capture_merge.hpp"
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
    auto record = capture::read_record_json(*text, record_path);
    if (!record) return record.error();
    text->clear();
    text->shrink_to_fit();
    auto migrations = capture::split_migrations(record->sessions);

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
    for (auto& why : run_unseen(record->run)) judged.unseen.push_back(std::move(why));
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
        ++out.reported;
        // One run on an empty database is one path through the migration: it never hides what
        // pgfence read from a file it reads itself (Knex, TypeORM, SQL, ...); it adds what that
        // reading did not see (bot/capture_merge.hpp).
        auto read = std::find_if(report.files.begin(), report.files.end(), [&](const analyze::FileReport& r) { return r.path == f.path; });
        if (!named && !captured_code_migration(f.path) && read != report.files.end() && !read->error && !read->not_a_file) {
            add_unseen_captured(*read, std::move(f));
            ++out.kept_reading;
            continue;
        }
        // A Rails, Django or Alembic file: what it sent is judged, and its code that branches on
        // data or the environment stays unknown at its line.
        if (!named && captured_code_migration(f.path)) {
            ++out.code_migrations;
            auto blob = repo.read_file_bounded(changes.head_sha, f.path, capture::k_max_revision_file);
            const bool readable = blob && *blob && (*blob)->text;
            out.branch_unknowns += add_code_branch_unknowns(f, readable ? &*(*blob)->text : nullptr, options);
        }
        std::erase_if(report.files, [&](const analyze::FileReport& r) { return r.path == f.path; });
        report.files.push_back(std::move(f));
    }
    err << "pgfence: the capture " << annotate::printable(record_path) << " holds " << judged.closed
        << (judged.closed == 1 ? " migration" : " migrations") << " recognised: " << reported.size() << " reported, " << history
        << " the base branch has (history)\n";
    if (out.reported > 0) err << "note: " << k_capture_caveat << "\n";
    return out;
}

}  // namespace pgfence::bot
