#include "bot/suggestions.hpp"

#include <algorithm>
#include <tuple>

#include "analyze/parse/source_text.hpp"
#include "analyze/model/text_edit.hpp"
#include "annotate/printable.hpp"
#include "annotate/suggestion.hpp"
#include "bot/github_api.hpp"

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;

// A suggestion's lines are one statement's few lines; a minified file's one line is not offered.
constexpr std::size_t k_max_replacement_bytes = 16 * 1024;

int count_if_finding(const FileReport& file, const std::function<bool(const Finding&)>& pred) {
    return static_cast<int>(std::count_if(file.findings.begin(), file.findings.end(), pred));
}

int unparsable(const FileReport& file) {
    return static_cast<int>(std::count_if(file.statements.begin(), file.statements.end(), [](const StatementFacts& s) {
        return s.status == StatementStatus::Unparsable;
    }));
}

// Every line first..last among the lines the pull request added (adjacent added lines are one range).
bool all_added(const diff::ChangedFile& change, int first, int last) {
    return std::any_of(change.added.begin(), change.added.end(),
                       [&](const diff::LineRange& r) { return r.first <= first && last <= r.last; });
}

// What GitHub shows and commits exactly as it is.
bool carries(const EditedLines& lines) {
    return lines.replacement.size() <= k_max_replacement_bytes && lines.original.find('\r') == std::string::npos &&
           lines.replacement.find('\r') == std::string::npos && annotate::is_printable(lines.replacement, true);
}

struct Candidate {
    const FileReport* file;
    const Finding* finding;
    std::string key;
    bool posted = false;  // suggested by an earlier run: its lines are taken, it is not sent again
};

struct Taken {
    std::string_view path;
    int first = 0;
    int last = 0;
};

// An analysis whose findings and statements are compared, never its plan: none is composed or
// checked (checking one analyses each of its migrations again).
AnalyzeOptions without_plans(const AnalyzeOptions& options) {
    AnalyzeOptions out = options;
    out.compose_plans = false;
    out.check_plans = false;
    return out;
}

}  // namespace

bool proves_edit(const FileStart& start, const std::string& path, const FileReport& before, const Finding& finding,
                 const AnalyzeOptions& options) {
    if (!finding.edit || finding.statement < 0 || static_cast<std::size_t>(finding.statement) >= before.statements.size()) {
        return false;
    }
    const TextEdit& edit = *finding.edit;
    const Span& span = before.statements[static_cast<std::size_t>(finding.statement)].span;
    if (edit.begin > edit.end || edit.end > start.text.size() || span.end <= span.begin || edit.end > span.end) return false;
    Catalog catalog = start.catalog;
    FileReport after = analyze_text(path, apply_edit(start.text, edit), without_plans(options), start.metadata, catalog);
    if (after.error || after.skipped) return false;
    // The statement's last byte, moved by an edit before it: which statement it is now.
    std::size_t last = span.end - 1;
    if (last >= edit.end) last = last + edit.text.size() - (edit.end - edit.begin);
    else if (last >= edit.begin) last = edit.begin;
    int now = -1;
    for (const auto& s : after.statements) {
        if (s.span.begin <= last && last < s.span.end) now = s.index;
    }
    if (now < 0) return false;
    auto on = [&](int statement) {
        return [&finding, statement](const Finding& f) { return f.rule == finding.rule && f.statement == statement; };
    };
    if (count_if_finding(after, on(now)) >= count_if_finding(before, on(finding.statement))) return false;
    if (finding.subcommand >= 0 && count_if_finding(after, [&](const Finding& f) {
            return on(now)(f) && f.subcommand == finding.subcommand;
        }) > 0) {
        return false;
    }
    std::map<std::string, int> serious;  // by rule: before's count, less after's
    for (const auto& f : before.findings) {
        if (f.risk >= Risk::Medium) ++serious[f.rule];
    }
    for (const auto& f : after.findings) {
        if (f.risk >= Risk::Medium && --serious[f.rule] < 0) return false;
    }
    return unparsable(after) <= unparsable(before);
}

std::vector<Suggestion> choose_suggestions(const Report& report, const diff::ChangeSet& changes, const FileStarts& starts,
                                           const AnalyzeOptions& options, std::size_t max,
                                           const std::set<std::string>& posted) {
    std::vector<Candidate> candidates;
    for (const auto& file : report.files) {
        // Which occurrence of (rule, statement text, subcommand) each finding is, over all the
        // file's findings: the key stays when other findings come and go.
        std::map<std::tuple<std::string, std::string, int>, int> seen;
        for (const auto& f : file.findings) {
            std::string sql = f.statement >= 0 && static_cast<std::size_t>(f.statement) < file.statements.size()
                                  ? file.statements[static_cast<std::size_t>(f.statement)].sql
                                  : f.message;
            int occurrence = seen[{f.rule, fold_whitespace(sql), f.subcommand}]++;
            if (!f.edit || f.pre_existing) continue;
            std::string key = annotate::suggestion_key(f.rule, file.path, sql, f.subcommand, occurrence);
            bool before = posted.contains(key);
            candidates.push_back(Candidate{&file, &f, std::move(key), before});
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.finding->risk, a.file->path, a.finding->start.line) <
               std::tie(a.finding->risk, b.file->path, b.finding->start.line);
    });

    // The lines a candidate's edit replaces, when it applies to the file as it started.
    auto lines_of = [&](const Candidate& c) -> std::optional<EditedLines> {
        auto start = starts.find(c.file->path);
        const TextEdit& edit = *c.finding->edit;
        if (start == starts.end() || edit.begin > edit.end || edit.end > start->second.text.size()) return std::nullopt;
        return edited_lines(start->second.text, edit);
    };
    // A finding suggested before and still there has its suggestion waiting on those lines: a
    // second one there would go stale when the first is committed.
    std::vector<Taken> taken;
    for (const Candidate& c : candidates) {
        if (!c.posted) continue;
        if (auto lines = lines_of(c)) taken.push_back(Taken{c.file->path, lines->first, lines->last});
    }
    std::vector<Suggestion> out;
    std::map<std::string, FileReport, std::less<>> before;  // each file as it is, analysed on demand
    for (const Candidate& c : candidates) {
        if (out.size() >= max) break;
        if (c.posted) continue;
        const std::string& path = c.file->path;
        auto start = starts.find(path);
        auto change = std::find_if(changes.files.begin(), changes.files.end(),
                                   [&](const diff::ChangedFile& f) { return f.path == path; });
        std::optional<EditedLines> found = lines_of(c);
        if (!found || change == changes.files.end()) continue;
        const EditedLines& lines = *found;
        const TextEdit& edit = *c.finding->edit;
        if (!all_added(*change, lines.first, lines.last) || !carries(lines)) continue;
        bool overlaps = std::any_of(taken.begin(), taken.end(), [&](const Taken& t) {
            return t.path == path && t.first <= lines.last && lines.first <= t.last;
        });
        if (overlaps) continue;
        auto analysed = before.find(path);
        if (analysed == before.end()) {
            Catalog catalog = start->second.catalog;
            analysed = before.emplace(path, analyze_text(path, start->second.text, without_plans(options), start->second.metadata, catalog)).first;
        }
        if (!proves_edit(start->second, path, analysed->second, *c.finding, options)) continue;
        out.push_back(Suggestion{path, lines.first, lines.last, lines.replacement, c.key, c.finding->rule,
                                 c.finding->risk, edit.label, c.finding->fix});
        taken.push_back(Taken{c.file->path, lines.first, lines.last});
    }
    return out;
}

nlohmann::json review_request(const std::vector<Suggestion>& suggestions, const std::string& head_sha,
                              std::string_view title) {
    nlohmann::json comments = nlohmann::json::array();
    for (const auto& s : suggestions) {
        std::string body = annotate::suggestion_comment(
            annotate::SuggestionText{s.rule, s.risk, s.label, s.fix, s.replacement, s.key});
        nlohmann::json comment{{"path", s.path}, {"line", s.last_line}, {"side", "RIGHT"}, {"body", body}};
        if (s.first_line != s.last_line) {
            comment["start_line"] = s.first_line;
            comment["start_side"] = "RIGHT";
        }
        comments.push_back(std::move(comment));
    }
    return nlohmann::json{{"commit_id", head_sha},
                          {"event", "COMMENT"},
                          {"body", annotate::suggestion_review_body(title, suggestions.size())},
                          {"comments", std::move(comments)}};
}

SuggestionRun post_suggestions(github::Client& client, const std::string& repository, int number,
                               const std::string& head_sha, const Report& report, const diff::ChangeSet& changes,
                               const FileStarts& starts, const AnalyzeOptions& options, std::size_t max,
                               const std::string& comment_author, std::string_view title) {
    SuggestionRun run;
    bool any = std::any_of(report.files.begin(), report.files.end(), [](const FileReport& file) {
        return std::any_of(file.findings.begin(), file.findings.end(),
                           [](const Finding& f) { return f.edit && !f.pre_existing; });
    });
    if (max == 0 || !any) return run;
    // Only the token's own comments say what was suggested before: anyone can write a marker.
    github::Author author{comment_author, std::nullopt};
    if (author.login.empty()) {
        auto found = github::token_author(client);
        if (!found) {
            run.error = found.error();
            return run;
        }
        author = *found;
    }
    auto comments = github::list_review_comments(client, repository, number);
    if (!comments) {
        run.error = comments.error();
        return run;
    }
    std::set<std::string> posted;
    for (const auto& comment : *comments) {
        if (!github::authored_by(comment, author) || !comment.contains("body") || !comment["body"].is_string()) continue;
        std::string key = annotate::suggestion_key_of(comment["body"].get<std::string>());
        if (!key.empty()) posted.insert(std::move(key));
    }
    std::vector<Suggestion> chosen = choose_suggestions(report, changes, starts, options, max, posted);
    if (chosen.empty()) return run;
    auto review = github::create_review(client, repository, number, review_request(chosen, head_sha, title));
    if (!review) {
        run.error = review.error();
        return run;
    }
    run.posted = static_cast<int>(chosen.size());
    return run;
}

}  // namespace pgfence::bot
