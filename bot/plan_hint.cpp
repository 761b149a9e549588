#include "bot/plan_hint.hpp"

#include <algorithm>
#include <filesystem>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/base/path_parts.hpp"
#include "trace/proof_scope.hpp"

namespace pgfence::bot {
namespace {

namespace fs = std::filesystem;

// A path as the user would type it: relative to the working directory when it lies below it.
std::string shown_path(const std::string& path) {
    fs::path p(path);
    if (!p.is_absolute()) return path;
    const fs::path& cwd = analyze::working_directory();
    if (cwd.empty()) return path;
    fs::path rel = p.lexically_relative(cwd);
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.generic_string();
}

std::string normal(const std::string& path) {
    return analyze::absolute_path(fs::path(path)).lexically_normal().generic_string();
}

// Beyond this many earlier migrations the command names the count instead of each.
constexpr std::size_t k_most_named = 24;
// Beyond this many earlier migrations of its own set, the command names the set's folder.
constexpr std::size_t k_most_listed = 2;

}  // namespace

std::string shell_word(const std::string& text) {
    bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '/' || c == '-' || c == '=' || c == '+' || c == ':' || c == ',' || c == '@' || c == '%';
    });
    if (plain && text.front() != '-') return text;
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    // A leading '-' would read as an option: ./ in front of a relative path.
    if (!text.empty() && text.front() == '-') out.insert(1, "./");
    return out + "'";
}

PlanHint::PlanHint(int pg_version, std::vector<std::string> setup, const std::vector<std::string>& history,
                   const std::vector<std::string>& files)
    : m_pg_version(pg_version), m_setup(std::move(setup)) {
    std::unordered_map<std::string, bool> analysed_set;
    for (const auto& f : files) analysed_set[analyze::migration_set(f)] = true;
    for (const auto& h : history) {
        // A down migration is not part of the history the file runs after.
        if (analyze::is_down_half(h)) continue;
        std::string set = analyze::migration_set(h);
        if (analysed_set.count(set) > 0) m_by_set[set].push_back(h);
        else m_shared.push_back(h);
    }
    for (const auto& f : files) {
        if (analyze::is_down_half(f)) continue;
        m_by_set[analyze::migration_set(f)].push_back(f);
    }
    // Where each file first stands in its set, by its normal path: command() looked for it
    // with a walk of the set, normalising each path, for every file (a set of n files cost n
    // squared path normalisations).
    for (const auto& [set, list] : m_by_set) {
        for (std::size_t i = 0; i < list.size(); ++i) m_position.try_emplace(set + '\0' + normal(list[i]), i);
    }
}

std::string PlanHint::command(const std::string& path) const {
    std::string out = "pgfence trace --plan --pg-version " + std::to_string(m_pg_version);
    for (const auto& s : m_setup) out += " --setup " + shell_word(shown_path(s));
    // The shared history, then its set's files before it (all of them when it is not one).
    const std::string set = analyze::migration_set(path);
    const std::vector<std::string>* own = nullptr;
    std::size_t own_before = 0;
    if (auto it = m_by_set.find(set); it != m_by_set.end()) {
        own = &it->second;
        auto at = m_position.find(set + '\0' + normal(path));
        own_before = at == m_position.end() ? own->size() : at->second;
    }
    const std::size_t earlier = m_shared.size() + own_before;
    // Several earlier files of its own set, and nothing from elsewhere: the set's folder, whose
    // plans trace rehearses in order, is shorter than their list (the outside DBA's atuin: a
    // 1,819-character line per plan).
    if (m_shared.empty() && earlier > k_most_listed) {
        const std::string folder(analyze::set_folder(path));  // "" for a bare file name: the working directory
        return out + " " + shell_word(folder.empty() ? std::string(".") : shown_path(folder));
    }
    if (earlier > k_most_named) {
        return out + " <the " + std::to_string(earlier) + " earlier migrations of its set, in order> " +
               shell_word(shown_path(path));
    }
    for (const auto& e : m_shared) out += " " + shell_word(shown_path(e));
    for (std::size_t i = 0; i < own_before; ++i) out += " " + shell_word(shown_path((*own)[i]));
    return out + " " + shell_word(shown_path(path));
}

void PlanHint::mark(analyze::FileReport& report) const {
    if (!report.plan || report.plan->steps.empty()) return;
    auto& notes = report.plan->notes;
    const std::string rehearse = command(report.path);
    const bool folder = !rehearse.ends_with(shell_word(shown_path(report.path)));
    notes.insert(notes.begin(), "composed, not rehearsed: `" + rehearse + "` runs it" +
                                    (folder ? ", with the folder's other plans," : "") + " on a throwaway PostgreSQL under traffic; " +
                                    std::string(trace::rehearsal_covers()));
}

std::string PlanHint::readme(const std::vector<std::pair<std::string, std::string>>& commands) {
    std::string out =
        "# Migration plans by pgfence\n\n"
        "Composed by `pgfence analyze --format plan` and analysed again, **not rehearsed**: no server ran them.\n"
        "Files under `out-of-band/` are run by hand or by a job, never by the migration tool; a migration under\n"
        "`later-release/` is added to its folder only once the new release is deployed.\n"
        "Rehearse each plan on a throwaway PostgreSQL, with traffic on the tables it locks, before adding it:\n"
        "what \"proven\" then covers: " + std::string(trace::rehearsal_covers()) + ".\n\n";
    // Indented code lines: nothing in a name is read as Markdown; a line break in one would end
    // the line, so control characters are shown as '?'.
    auto line = [](std::string text) {
        for (char& c : text) c = static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
        return "    " + text + "\n";
    };
    // One command per folder: the files whose plans it rehearses are listed above it.
    for (std::size_t i = 0; i < commands.size();) {
        std::size_t j = i;
        for (; j < commands.size() && commands[j].second == commands[i].second; ++j) out += line("# " + commands[j].first);
        out += line(commands[i].second) + "\n";
        i = j;
    }
    return out;
}

}  // namespace pgfence::bot
