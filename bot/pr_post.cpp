// pgfence pr: what it writes and posts (step summary, check run, comment) (split from pr_command.cpp).
#include "bot/pr_parts.hpp"

namespace pgfence::bot {

namespace pr_detail {
// Appends to a file GitHub gave us (step summary, outputs); a failure is reported, not fatal.
// Its folder is the runner's; the file itself is never a link.
bool append_file(const std::string& path, const std::string& text, std::ostream& err) {
    analyze::SplitPath split = analyze::split_output_path(path);
    auto done = analyze::append_file_under(split.base, split.name, text);
    if (done) return true;
    err << "error: " << annotate::printable(done.error().describe()) << "\n";
    return false;
}

Counts count(const Report& report) {
    Counts c;
    for (const auto& f : report.files) {
        for (const auto& finding : f.findings) {
            if (finding.pre_existing) {
                ++c.pre_existing;
                continue;
            }
            ++c.new_findings;
            c.max_risk = std::max(c.max_risk, finding.risk);
        }
    }
    return c;
}

std::string describe_failure(const github::GitHubError& e) {
    std::string why = e.message();
    if (e.status() == 403 || e.status() == 404) {
        why += " (the token cannot write here: a pull request from a fork gets a read-only token; "
               "give the job `checks: write` and `pull-requests: write`)";
    }
    return why;
}

// A note for the log that is not a failure (the post went through after all).
void err_log(Posting& posting, const std::string& line) { posting.notes.push_back(line); }

// The check run without its long text and with a short summary, annotations unchanged.
void shorten_check_run(annotate::CheckRunPlan& plan) {
    constexpr std::size_t k_short = 8 * 1024;
    auto shorten = [&](nlohmann::json& body) {
        auto& output = body["output"];
        output.erase("text");
        std::string summary = output.value("summary", std::string());
        output["summary"] = annotate::fit_bytes(summary, k_short, "\n\n(cut: the full report is in the job summary and the SARIF file)");
    };
    shorten(plan.create);
    for (auto& update : plan.updates) shorten(update);
}

void post_check_run(github::Client& client, const std::string& repository, const Report& report, const Target& target,
                    const Settings& settings, const TraceOutcome& trace, const Identity& identity, Posting& posting) {
    annotate::CheckRunOptions options;
    options.pull_request_suppressions = identity.pull_request_suppressions;
    options.unknown_fails = settings.block_unknown.value_or(true);
    const Risk max_risk = settings.max_risk;
    options.name = identity.title;
    options.head_sha = target.head;
    options.max_risk = max_risk;
    options.links = review_links(target);
    std::string server = env("GITHUB_SERVER_URL"), run = env("GITHUB_RUN_ID");
    if (!server.empty() && !run.empty()) options.details_url = server + "/" + repository + "/actions/runs/" + run;
    annotate::CheckRunPlan plan = annotate::plan_check_run(report, options);
    if (!identity.capture_note.empty()) {
        auto add_caveat = [&](nlohmann::json& body) {
            if (!body.contains("output")) return;
            const std::string note = "**Captured:** " + identity.capture_note + "\n\n";
            std::string summary = note + body["output"].value("summary", std::string());
            if (summary.size() <= annotate::k_check_output_max_bytes) body["output"]["summary"] = summary;
            if (identity.captured_code && body.value("conclusion", std::string()) == "success") body["conclusion"] = "neutral";
        };
        add_caveat(plan.create);
        for (auto& update : plan.updates) add_caveat(update);
    }
    if (trace.ran) {
        // The verdicts go into the check run's text; a mismatch or an error fails it.
        auto add_trace = [&](nlohmann::json& body) {
            std::string text = body["output"].value("text", std::string()) + trace_section(trace);
            if (text.size() <= annotate::k_check_output_max_bytes) body["output"]["text"] = text;
            if (trace.failed && body.contains("conclusion")) body["conclusion"] = "failure";
        };
        add_trace(plan.create);
        for (auto& update : plan.updates) add_trace(update);
    }
    auto id = github::create_check_run(client, repository, plan.create);
    if (!id && id.error().status() == 422) {
        // GitHub refused the body (too long, say): the annotations and a short summary
        // still go through; the full report is in the comment, the summary and SARIF.
        err_log(posting, "GitHub refused the check run (" + id.error().message() + "): sending it without the long text");
        shorten_check_run(plan);
        id = github::create_check_run(client, repository, plan.create);
    }
    if (!id) {
        posting.problems.push_back("check run not posted: " + describe_failure(id.error()));
        return;
    }
    for (const auto& update : plan.updates) {
        github::Status updated = github::update_check_run(client, repository, *id, update);
        if (!updated) {
            posting.problems.push_back("check run not posted: " + describe_failure(updated.error()));
            return;
        }
    }
    posting.check_run = true;
}

// The comment body within `max_chars`; the trace section, if any, takes at most half of it.
// `previous` is the comment it replaces: what changed since is read from its hidden state.
std::string comment_body(const Report& report, const TraceOutcome& trace, const Identity& identity, std::size_t max_chars,
                         const annotate::ReviewLinks& links, const std::string* previous, const std::string& gate_note) {
    std::ostringstream body;
    annotate::MarkdownOptions options;
    options.pull_request_suppressions = identity.pull_request_suppressions;
    options.marker = identity.marker_text;
    options.max_chars = max_chars;
    options.title = identity.title;
    options.links = links;
    options.with_state = true;
    if (previous != nullptr) options.previous = annotate::decode_state(*previous);
    std::string traced = trace.ran ? trace_section(trace) : std::string();
    bool with_trace = traced.size() <= max_chars / 2;
    if (with_trace) options.max_chars -= traced.size();
    options.max_chars -= std::min(options.max_chars / 2, gate_note.size());
    annotate::render_markdown(report, body, options);
    if (with_trace) body << traced;
    if (!gate_note.empty() && gate_note.size() <= max_chars / 2) body << "\n" << gate_note << "\n";
    if (!identity.capture_note.empty()) body << "\n**Captured:** " << identity.capture_note << "\n";
    return body.str();
}

void post_comment(github::Client& client, const std::string& repository, int number, const Report& report,
                  bool has_findings, const TraceOutcome& trace, const Identity& identity,
                  const std::string& comment_author, const annotate::ReviewLinks& links, Posting& posting,
                  const std::string& gate_note) {
    // Only the token's own comments are ours to edit: anyone can write the marker.
    github::Author author{comment_author, std::nullopt};
    if (author.login.empty()) {
        auto found = github::token_author(client);
        if (!found) {
            posting.problems.push_back("comment not posted: cannot tell whose comments are pgfence's: " +
                                       describe_failure(found.error()));
            return;
        }
        author = *found;
    }
    // GitHub counts a body's length its own way; when it still refuses one (422), a body a
    // quarter of the size is sent, cut the same graceful way.
    for (std::size_t max_chars : {annotate::k_comment_max_chars, annotate::k_comment_max_chars / 4}) {
        auto make_body = [&](const std::string* previous) {
            return comment_body(report, trace, identity, max_chars, links, previous, gate_note);
        };
        // Nothing to say: only an earlier comment is brought up to date, none is added.
        auto sticky = github::upsert_sticky_comment(client, repository, number, identity.marker(), make_body, author, has_findings);
        if (sticky) {
            posting.comment = true;
            return;
        }
        const github::GitHubError& e = sticky.error();
        if (e.status() == 422 && max_chars == annotate::k_comment_max_chars) {
            err_log(posting, "GitHub refused the comment (" + e.message() + "): sending a shorter one");
            continue;
        }
        posting.problems.push_back("comment not posted: " + describe_failure(e));
        return;
    }
}

}  // namespace pr_detail

}  // namespace pgfence::bot
