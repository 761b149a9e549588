#pragma once
// The pieces of the review comment (annotate/markdown.hpp): links into the pull request and
// to the rules' pages, and each file's folded detail at a chosen depth. Internal to annotate.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "annotate/markdown.hpp"

namespace pgfence::annotate::review {

// Links: into the analysed commit, to the workflow run, to each rule's page. Every part of a
// URL that comes from the repository is percent-encoded; a server or repository name that is
// not plainly one gives no links at all.
class Links {
public:
    Links(const ReviewLinks& links, std::string root);
    // "" without links.
    [[nodiscard]] std::string line_url(std::string_view path, int line) const;
    // The same in another commit (the previous push's).
    [[nodiscard]] std::string line_url(std::string_view path, int line, std::string_view sha) const;
    [[nodiscard]] std::string commit_url(std::string_view sha) const;
    [[nodiscard]] const std::string& run_url() const { return m_run; }
    // `[text][Ln]`: a link to the line by reference (the URLs are long; each is written once,
    // by link_definitions); `text` alone without links.
    [[nodiscard]] std::string line_link(const std::string& text, std::string_view path, int line) const;
    // The definitions of the line references `body` uses.
    [[nodiscard]] std::string link_definitions(std::string_view body) const;
    // While `sink` is set, the labels line_link gives out are added to it (what a piece of
    // text will need defined); null stops.
    void collect(std::set<std::string>* sink) const { m_sink = sink; }
    // The bytes the definitions of `labels` take.
    [[nodiscard]] std::size_t definitions_size(const std::set<std::string>& labels) const;
    // `[rule-id]` (a reference the definitions resolve) when the rule has a page, else `rule-id`.
    [[nodiscard]] std::string rule(std::string_view id) const;
    // The reference definitions of every rule `report` (its findings and exemptions) and `also`
    // name: invisible lines for the end of a body.
    [[nodiscard]] std::string rule_definitions(const analyze::Report& report, const std::set<std::string>& also = {}) const;
    [[nodiscard]] const std::string& root() const { return m_root; }

private:
    std::string m_blob;  // server/repository/blob/sha/, or ""
    std::string m_repo;  // server/repository/, or ""
    std::string m_commit;  // server/repository/commit/, or ""
    std::string m_run;
    std::string m_docs;
    std::string m_root;
    mutable std::map<std::string, std::string> m_refs;    // url -> label
    mutable std::map<std::string, std::size_t> m_sizes;   // label -> its definition's bytes
    mutable std::set<std::string>* m_sink = nullptr;
};

std::string risk_badge(analyze::Risk r);  // "🔴 HIGH", ..., "✅ none": the icon and the name
const char* risk_icon(analyze::Risk r);   // "🔴", ...

// Highest risk among findings the change introduced; pre-existing ones do not raise it.
[[nodiscard]] analyze::Risk new_risk(const analyze::FileReport& file);

// How deep a file's detail goes.
struct Depth {
    analyze::Risk floor = analyze::Risk::Low;  // new findings below it are left out
    bool pre_existing = true;                  // pre-existing findings shown
    bool plan = true;                          // the migration plan (or recipes)
};

// What one file's detail shows and leaves out at a depth.
struct FileDetail {
    std::string text;             // empty when nothing of the file is shown at the depth
    std::size_t links_size = 0;   // the bytes of the link definitions the text needs
    std::size_t findings_left_out = 0;
    bool plan_left_out = false;
};

// One file, folded in <details> (open when it has new findings of MEDIUM or more; nothing at
// all when none of its findings is deep enough, unless it could not be read): only the
// statements with findings shown at `depth`, each finding with its own risk, message and fix;
// repeated findings of one rule grouped with what differs between them; the plan folded.
// `keys` are the findings' state keys; `added` the keys new since the previous push.
[[nodiscard]] FileDetail render_file_detail(const analyze::FileReport& file, const std::vector<std::string>& keys,
                                            const std::set<std::string>& added, const Depth& depth, const Links& links);

// For each path, the shortest tail of whole components that tells it apart from the others.
[[nodiscard]] std::vector<std::string> short_paths(const std::vector<std::string>& paths);

// What differs between messages that share a beginning and an end ("column "t"."a" is ..."
// and "column "t"."b" is ...": "a", "b"), cut at word boundaries; empty when they do not
// share enough to be worth it. `common` gets the shared text with "…" where they differ.
[[nodiscard]] std::vector<std::string> differing_parts(const std::vector<std::string_view>& texts, std::string& common);

}  // namespace pgfence::annotate::review
