#include "bot/drizzle_journal.hpp"

#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {
namespace {

constexpr std::string_view k_journal = "meta/_journal.json";

bool journal_path(std::string_view path) {
    return path == k_journal || (path.ends_with(k_journal) && path[path.size() - k_journal.size() - 1] == '/');
}

struct Entry {
    std::string tag;
    std::string when;  // as written (a number, or anything else)
    int line = 1;      // of its "tag" key in the text
};

struct Journal {
    bool read = false;  // valid JSON with an entries array of objects
    std::vector<Entry> entries;
};

// The journal's entries. nlohmann keeps no positions: the i-th entry's line is that of the i-th
// `"tag"` key in the text (1 when the text has fewer), which is where drizzle-kit writes it.
Journal parse(std::string_view text) {
    Journal out;
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) return out;
    std::vector<int> tag_lines;
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') ++line;
        else if (text.compare(i, 5, "\"tag\"") == 0) tag_lines.push_back(line);
    }
    for (const auto& e : doc["entries"]) {
        if (!e.is_object()) return out;
        Entry entry;
        if (e.contains("tag") && e["tag"].is_string()) entry.tag = e["tag"].get<std::string>();
        else if (e.contains("tag")) entry.tag = e["tag"].dump();
        if (e.contains("when")) entry.when = e["when"].dump();
        entry.line = out.entries.size() < tag_lines.size() ? tag_lines[out.entries.size()] : 1;
        out.entries.push_back(std::move(entry));
    }
    out.read = true;
    return out;
}

std::optional<std::string> text_at(const diff::Repository& repo, const std::string& commit, const std::string& path,
                                   std::uint64_t max_bytes, std::optional<analyze::Error>& failure) {
    auto stored = repo.read_file_bounded(commit, path, max_bytes);
    if (!stored) {
        failure = stored.error();
        return std::nullopt;
    }
    if (!*stored || !(*stored)->text) return std::nullopt;
    return std::move((*stored)->text);
}

}  // namespace

analyze::Result<bool> add_drizzle_journal_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                  analyze::Report& report, const analyze::AnalyzeOptions& options) {
    auto journals = repo.changed_files(changes.merge_base_sha, changes.head_sha, journal_path, {}, options.max_file_bytes);
    if (!journals) return journals.error();
    std::set<std::string> added_files;  // the migrations the pull request adds, analysed as new
    for (const auto& c : changes.files) {
        if (c.status == diff::ChangeStatus::Added || c.all_lines_new) added_files.insert(c.path);
    }
    std::set<std::string> listed;
    for (const auto& f : report.files) listed.insert(f.path);
    const std::uint64_t most = std::min(options.max_file_bytes, analyze::tools::k_most_settings_bytes);
    for (const auto& journal : *journals) {
        if (journal.status == diff::ChangeStatus::Deleted || listed.contains(journal.path)) continue;
        std::optional<analyze::Error> failure;
        auto head_text = text_at(repo, changes.head_sha, journal.path, most, failure);
        if (failure) return *failure;
        std::optional<std::string> base_text;
        if (!journal.all_lines_new) {
            base_text = text_at(repo, changes.merge_base_sha, journal.old_path, most, failure);
            if (failure) return *failure;
        }
        std::vector<analyze::SettingChange> found;
        std::vector<analyze::SettingUnknown> unknown;
        const std::string shown = annotate::printable(journal.path);
        Journal head = head_text ? parse(*head_text) : Journal{};
        if (!head.read) {
            unknown.push_back({1, "drizzle's journal " + shown + " is not one pgfence can read (JSON with an entries array), "
                                  "and it decides which SQL drizzle-orm runs", "drizzle journal"});
        }
        // The folder the journal's tags are relative to: the one meta/ is in.
        const std::string folder = journal.path.size() > k_journal.size() ? journal.path.substr(0, journal.path.size() - k_journal.size() - 1) : "";
        std::map<std::string, const Entry*> base_by_tag;
        Journal base = base_text ? parse(*base_text) : Journal{};
        for (const auto& e : base.entries) base_by_tag.emplace(e.tag, &e);
        std::set<std::string> head_tags;
        for (const auto& e : head.entries) {
            head_tags.insert(e.tag);
            const std::string tag = annotate::printable(e.tag);
            // As readMigrationFiles builds it: `${migrationsFolder}/${tag}.sql`, which the file
            // system resolves ("..", absolute-looking tags after the folder's slash).
            std::string joined = (folder.empty() ? std::string(".") : folder) + "/" + e.tag + ".sql";
            std::string resolved = std::filesystem::path(joined).lexically_normal().generic_string();
            const bool inside = e.tag.find('\0') == std::string::npos && !resolved.starts_with("../") && resolved != ".." &&
                                (folder.empty() || resolved.starts_with(folder + "/"));
            if (!inside) {
                unknown.push_back({e.line, "drizzle's journal entry \"" + tag + "\" makes drizzle-orm run " + annotate::printable(resolved) +
                                               ", outside its migrations folder " + annotate::printable(folder) +
                                               ": a file no migration glob reviews", "drizzle journal entry"});
                continue;
            }
            auto exists = repo.read_file_bounded(changes.head_sha, resolved, 1);
            if (!exists) return exists.error();
            if (!*exists) {
                unknown.push_back({e.line, "drizzle's journal entry \"" + tag + "\" names " + annotate::printable(resolved) +
                                               ", which is not a file at the head: what drizzle-orm runs there is not known",
                                   "drizzle journal entry"});
                continue;
            }
            auto before = base_by_tag.find(e.tag);
            if (before == base_by_tag.end()) {
                if (added_files.contains(resolved)) continue;  // a new migration, analysed as one
                auto at_base = repo.read_file_bounded(changes.merge_base_sha, resolved, 1);
                if (!at_base) return at_base.error();
                if (*at_base) {
                    found.push_back({e.line, "the drizzle journal gets an entry for " + annotate::printable(resolved) +
                                                 ", a file the base branch already has: drizzle-orm runs every entry whose "
                                                 "`when` is later than the last one applied, so it may run (again)"});
                } else {
                    // Added by the pull request where no migration glob picked it up.
                    unknown.push_back({e.line, "drizzle's journal entry \"" + tag + "\" makes drizzle-orm run " +
                                                   annotate::printable(resolved) + ", a file pgfence did not analyse as a migration",
                                       "drizzle journal entry"});
                }
                continue;
            }
            if (before->second->when != e.when) {
                found.push_back({e.line, "the drizzle journal moves the `when` of " + annotate::printable(resolved) + " from " +
                                             annotate::printable(before->second->when) + " to " + annotate::printable(e.when) +
                                             ": drizzle-orm runs every entry whose `when` is later than the created_at of the last "
                                             "migration applied, so a migration that has run may run again (or one never run is skipped)"});
            }
        }
        for (const auto& e : base.entries) {
            if (head_tags.contains(e.tag)) continue;
            found.push_back({1, "the drizzle journal drops its entry \"" + annotate::printable(e.tag) +
                                    "\": that migration has run, and drizzle-orm no longer reads it (its record is orphaned)"});
        }
        if (found.empty() && unknown.empty()) continue;
        report.files.push_back(analyze::analyze_tool_settings(journal.path, std::move(found), options, head_text.value_or(""), unknown));
    }
    return true;
}

}  // namespace pgfence::bot
