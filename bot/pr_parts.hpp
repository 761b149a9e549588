// Internal to bot/pr_command.cpp, bot/pr_args.cpp, bot/pr_changes.cpp, bot/pr_post.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "bot/pr_command.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "bot/tool_settings_review.hpp"
#include "bot/own_runner_review.hpp"
#include "bot/unselected_migrations.hpp"
#include "analyze/migrations/conventions.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/folder_tool.hpp"

#include "bot/trace_command.hpp"
#include "trace/proof_scope.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/migrations/tool_order.hpp"
#include "analyze/base/regular_file.hpp"
#include "annotate/check_run.hpp"
#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/ci_formats.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/sarif.hpp"
#include "annotate/terminal.hpp"
#include "annotate/workflow_commands.hpp"
#include "bot/analyze_command.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "bot/content_binding.hpp"
#include "bot/github_api.hpp"
#include "bot/github_client.hpp"
#include "bot/governance_upload.hpp"
#include "bot/other_database_review.hpp"
#include "bot/pr_suppressions.hpp"
#include "bot/pre_existing.hpp"
#include "bot/pr_callers.hpp"
#include "bot/pr_capture.hpp"
#include "bot/pr_config.hpp"
#include "bot/suggestions.hpp"
#include "diff/changes.hpp"
#include "diff/event.hpp"
#include "diff/glob.hpp"
#include "bot/analyze_history.hpp"
#include "bot/drizzle_journal.hpp"
#include "bot/removed_migrations.hpp"
#include "bot/typeorm_identity.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {
namespace pr_detail {

using namespace pgfence::analyze;

// What tells one pgfence job's posts from another's on the same pull request (a monorepo
// with a job per service): the check run's name, the hidden marker that finds the sticky
// comment again, the comment's heading and code scanning's category. Without --name they are
// plain "pgfence", as a single job wants.
struct Identity {
    std::string title;          // "pgfence" or "pgfence (api)": check run name and comment heading
    std::string marker_text;    // "pgfence:sticky-comment" or "pgfence:sticky-comment:api"
    std::string automation_id;  // SARIF runAutomationDetails.id: "pgfence/" or "pgfence/api/"
    // The findings pgfence-ignore comments the pull request adds hide (or could not): named in
    // every Markdown report and the check run (bot/pr_suppressions.hpp).
    std::vector<annotate::PullRequestSuppression> pull_request_suppressions;
    // `pr --capture`: the caveat of a capture (one run on an empty database), said in the check
    // run and the comment when captured migrations are reported; `captured_code`: a Rails, Django
    // or Alembic migration was judged from it, so the check is at best neutral, never success.
    std::string capture_note;
    bool captured_code = false;
    // The marker inside an HTML comment, as it stands in the body.
    [[nodiscard]] std::string marker() const { return "<!-- " + marker_text + " -->"; }
};

Identity identity_of(const std::string& name);
std::string checked_name(const std::string& name);

struct PrArgs {
    std::string repo_dir;
    std::string base;
    std::string head;
    std::string event_path;
    std::string repository;  // owner/name
    std::optional<int> number;
    std::string sarif_path;
    bool sarif = true;
    // --format FORMAT[=FILE], repeatable: the review in other formats too (GitLab, reviewdog, a
    // comment to post elsewhere), each to its file, or one to standard output instead of the table.
    std::vector<std::pair<std::string, std::string>> formats;
    std::string summary_path;
    std::string outputs_path;
    bool check_run = true;
    bool comment = true;
    bool upload_sarif = false;
    bool fail_on_pre_existing = false;
    bool trace = false;
    bool trace_as_superuser = false;
    std::string trace_timeout;  // seconds, passed on to trace as it is (trace checks it)
    std::string trace_budget;   // --trace-budget: the whole trace's seconds, passed on the same way
    std::string name;  // --name: tells this job's posts from another pgfence job's
    ConfigFrom config_from = ConfigFrom::Base;  // --config-from: whose configuration reviews
    std::string comment_author;  // --comment-author: the token's login when /user cannot say
    int max_suggestions = 5;     // --max-suggestions: one-click suggested changes per run; 0: none
    std::string upload_url;      // --upload: the governance service's base URL
    bool upload_sql = true;      // --upload-without-sql: false
    bool upload_required = false;  // --upload-required: a failed upload exits 2
    std::string capture;           // --capture FILE: a `pgfence capture --record` of the migrate command
    std::vector<std::string> analyze_args{"pr"};  // everything else, read as `analyze` reads it
};

std::string env(const char* name);
bool env_true(const char* name);
PrArgs parse_pr(const std::vector<std::string>& args);
governance::UploadOptions upload_options(const PrArgs& p);

// Where the run is and what it reviews: flags first, then GitHub Actions' environment.
struct Target {
    std::string repo_dir;
    std::string base;
    std::string head;
    std::string repository;
    std::optional<int> number;
    std::string number_problem;  // the event's number is not a pull request number
    bool in_actions = false;
};

std::string step_path(const std::string& path);
annotate::ReviewLinks review_links(const Target& target);
std::optional<int> event_number(const nlohmann::json& pr, std::string& problem);
Target locate(const PrArgs& p);

analyze::Result<std::string> sibling_metadata(const diff::Repository& repo, const std::string& commit,
                                              const std::string& path, const AnalyzeOptions& options);

FileReport skipped_file(const std::string& path, std::string reason);

analyze::Result<Report> analyse_changes(const diff::Repository& repo, const diff::ChangeSet& changes,
                                        const AnalyzeOptions& options, bool fail_on_pre_existing, bool chain,
                                        std::vector<annotate::PullRequestSuppression>& self_suppressed,
                                        FileStarts* starts = nullptr, governance::SuppressionOrigins* origins = nullptr);

// Trace mode for the pull request: its changed SQL migrations run on a throwaway PostgreSQL
// after the repository's other SQL migrations (the schema they change), with --ci verdicts; all
// as the head commit has them, whatever the checkout holds.
struct TraceOutcome {
    bool ran = false;
    bool failed = false;  // a mismatch or a statement the server rejected, or no server
    std::string text;     // the trace report, for the log, summary, comment and check run
    std::string root;     // the folder the traced paths lay in (removed once traced)
    std::vector<PlanRehearsal> rehearsals;  // the oracle's verdict on each changed file's plan
};

TraceOutcome trace_changes(const diff::Repository& repo, const diff::ChangeSet& changes, const std::vector<std::string>& globs,
                           const Settings& settings, bool as_superuser, const std::string& timeout,
                           const std::string& budget, std::ostream& err);

void mark_rehearsals(Report& report, const TraceOutcome& trace);
std::string trace_section(const TraceOutcome& trace);
bool append_file(const std::string& path, const std::string& text, std::ostream& err);

struct Counts {
    int new_findings = 0;
    int pre_existing = 0;
    Risk max_risk = Risk::None;  // of the new findings
};

Counts count(const Report& report);

// What could not be posted, and why, for the log and the fallback.
struct Posting {
    bool check_run = false;
    bool comment = false;
    std::vector<std::string> problems;  // what could not be posted
    std::vector<std::string> notes;     // what was posted only after a second try
};

std::string describe_failure(const github::GitHubError& e);
void err_log(Posting& posting, const std::string& line);
void shorten_check_run(annotate::CheckRunPlan& plan);

void post_check_run(github::Client& client, const std::string& repository, const Report& report, const Target& target,
                    const Settings& settings, const TraceOutcome& trace, const Identity& identity, Posting& posting);

std::string comment_body(const Report& report, const TraceOutcome& trace, const Identity& identity, std::size_t max_chars,
                         const annotate::ReviewLinks& links, const std::string* previous, const std::string& gate_note);

void post_comment(github::Client& client, const std::string& repository, int number, const Report& report,
                  bool has_findings, const TraceOutcome& trace, const Identity& identity,
                  const std::string& comment_author, const annotate::ReviewLinks& links, Posting& posting,
                  const std::string& gate_note);

}  // namespace pr_detail
using namespace pr_detail;

}  // namespace pgfence::bot
