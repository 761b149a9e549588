#pragma once
// One-click suggested changes on a pull request (README "Suggested changes"): the new findings
// whose fix is an edit of the file (Finding::edit) are proved by analysing the edited file again
// from the schema the file started from, and posted as one review of ```suggestion comments on
// lines the pull request added, each finding at most once across runs.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "bot/github_client.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// What a changed file was analysed from, kept so that an edit of it is proved on the same footing.
struct FileStart {
    analyze::Catalog catalog;  // the schema before the file (its migration set's earlier files applied)
    std::string text;          // the file at the head commit
    std::string metadata;      // a diesel metadata.toml beside it, or ""
};
using FileStarts = std::map<std::string, FileStart, std::less<>>;  // by repository path

struct Suggestion {
    std::string path;
    int first_line = 0;  // the head version's lines it replaces, 1-based, inclusive
    int last_line = 0;
    std::string replacement;  // those lines as the edit leaves them, without a final line break
    std::string key;          // annotate::suggestion_key
    std::string rule;
    analyze::Risk risk = analyze::Risk::None;
    std::string label;
    std::string fix;
};

// Whether `finding`'s edit resolves it: the edited file, analysed from start.catalog with
// `options`, raises the finding's rule fewer times on that statement (and never again on its
// ALTER TABLE subcommand), has no more findings of MEDIUM risk or above of any rule than
// `before` (the file analysed as it is, the same way) and no more statements that do not
// parse. Findings are counted, not matched one by one: an edit moves statements and changes
// their messages, never their number.
[[nodiscard]] bool proves_edit(const FileStart& start, const std::string& path, const analyze::FileReport& before,
                               const analyze::Finding& finding, const analyze::AnalyzeOptions& options);

// The suggestions to post, at most `max`: the pull request's new findings with an edit, highest
// risk first, whose replaced lines the pull request all added (GitHub refuses a review comment
// outside the diff, and the whole review with it), whose lines GitHub can carry unchanged
// (printable UTF-8, no CR), and each proved; none whose key is in `posted` (suggested by an
// earlier run) and none on lines such a finding's waiting suggestion or another one takes.
[[nodiscard]] std::vector<Suggestion> choose_suggestions(const analyze::Report& report, const diff::ChangeSet& changes,
                                                         const FileStarts& starts,
                                                         const analyze::AnalyzeOptions& options, std::size_t max,
                                                         const std::set<std::string>& posted);

// pulls/create-review's body: a COMMENT review on `head_sha` with one comment per suggestion.
[[nodiscard]] nlohmann::json review_request(const std::vector<Suggestion>& suggestions, const std::string& head_sha,
                                            std::string_view title);

struct SuggestionRun {
    int posted = 0;
    std::optional<github::GitHubError> error;  // why none were posted (listing, author or the review)
};

// The whole step: skips the keys in review comments `comment_author` (empty: the token's
// author) wrote before, chooses, and posts one review. Nothing is sent when nothing is new.
[[nodiscard]] SuggestionRun post_suggestions(github::Client& client, const std::string& repository, int number,
                                             const std::string& head_sha, const analyze::Report& report,
                                             const diff::ChangeSet& changes, const FileStarts& starts,
                                             const analyze::AnalyzeOptions& options, std::size_t max,
                                             const std::string& comment_author, std::string_view title);

}  // namespace pgfence::bot
