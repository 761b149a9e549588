#include "bot/config_review.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/rules/rule.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {
namespace {

constexpr std::string_view k_prefix = "pgfence's configuration: ";

// One key of a configuration, flattened ("rules.drop-table.risk"): its value as text, or its
// items when it is a list, and its line.
struct Setting {
    std::string text;
    std::vector<std::string> items;
    bool list = false;
    int line = 1;

    bool operator==(const Setting& o) const { return list == o.list && (list ? items == o.items : text == o.text); }
};
using Settings = std::map<std::string, Setting>;

std::string node_text(const toml::node& node) {
    if (auto s = node.as_string()) return s->get();
    std::ostringstream o;
    node.visit([&](const auto& n) { o << n; });
    return o.str();
}

void flatten_toml(const toml::table& table, const std::string& prefix, Settings& out) {
    for (const auto& [key, node] : table) {
        const std::string name = prefix + std::string(key.str());
        Setting s;
        s.line = static_cast<int>(key.source().begin.line);
        if (auto t = node.as_table()) {
            flatten_toml(*t, name + ".", out);
            continue;
        }
        if (auto a = node.as_array()) {
            s.list = true;
            for (const auto& item : *a) s.items.push_back(node_text(item));
        } else {
            s.text = node_text(node);
        }
        out.insert_or_assign(name, std::move(s));
    }
}

int line_in(const std::string& text, const std::string& key) {
    std::size_t at = text.find("\"" + key + "\"");
    if (at == std::string::npos) return 1;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

void flatten_json(const nlohmann::json& object, const std::string& prefix, const std::string& text, Settings& out) {
    for (const auto& [key, node] : object.items()) {
        const std::string name = prefix + key;
        if (node.is_object()) {
            flatten_json(node, name + ".", text, out);
            continue;
        }
        Setting s;
        s.line = line_in(text, key);
        if (node.is_array()) {
            s.list = true;
            for (const auto& item : node) s.items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
        } else {
            s.text = node.is_string() ? node.get<std::string>() : node.dump();
        }
        out.insert_or_assign(name, std::move(s));
    }
}

std::optional<Settings> settings_of(const std::string& file, const std::string& text) {
    Settings out;
    if (file.ends_with(".json")) {
        auto parsed = nlohmann::json::parse(text, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
        flatten_json(parsed, "", text, out);
        return out;
    }
    try {
        toml::table table = toml::parse(text, file);
        flatten_toml(table, "", out);
        return out;
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
}

std::string last_part(const std::string& key) {
    auto dot = key.rfind('.');
    return dot == std::string::npos ? key : key.substr(dot + 1);
}

// The value a key has when it is not written, where pgfence's configuration or the policy says
// (README "Configuration", docs/governance.md); nothing for any other key.
std::optional<Setting> default_of(const std::string& key) {
    const std::string last = last_part(key);
    const bool plain = key == last || key.starts_with("rules.") || key.starts_with("policy.");
    if (!plain) return std::nullopt;
    static const std::map<std::string, std::string, std::less<>> k_defaults = {
        {"unknown", "block"},       {"unparsable", "fail"},          {"profile", "default"},
        {"enabled", "true"},        {"unknown_needs_signoff", "true"}, {"critical_needs_exemption", "true"},
        {"require_lock_timeout", "false"}, {"max_risk", "medium"},   {"signoff_at", "high"},
        {"min_approvals", "1"},     {"author_may_approve", "false"}};
    if (auto it = k_defaults.find(last); it != k_defaults.end()) return Setting{it->second, {}, false, 1};
    if (last == "disable" || last == "enable" || last == "exclude") return Setting{"", {}, true, 1};
    // [rules.<id>] risk: the rule's own.
    if (last == "risk" && key.starts_with("rules.")) {
        const std::string id = key.substr(6, key.size() - 6 - 5);
        if (const auto* rule = analyze::rules::find_rule(id)) return Setting{std::string(analyze::risk_name(rule->default_risk)), {}, false, 1};
    }
    return std::nullopt;
}

// NONE < LOW < ... < CRITICAL < never.
std::optional<int> rank(const std::string& text) {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "never") return 5;
    auto r = analyze::parse_risk(lower);
    if (!r) return std::nullopt;
    return static_cast<int>(*r);
}

bool subset(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::all_of(a.begin(), a.end(), [&](const std::string& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

// Whether `head` is only stricter than `base` for `key` (both as written or by default).
bool stricter(const std::string& key, const Setting& base, const Setting& head) {
    const std::string last = last_part(key);
    if (last == "max_risk" || last == "signoff_at") {
        auto b = rank(base.text), h = rank(head.text);
        return b && h && *h <= *b;
    }
    if (last == "risk") {
        auto b = rank(base.text), h = rank(head.text);
        return b && h && *h >= *b;
    }
    if (last == "unknown") return head.text == "block";
    if (last == "unparsable") return head.text == "fail";
    if (last == "profile") return head.text == "strict";
    if (last == "enabled" || last == "unknown_needs_signoff" || last == "critical_needs_exemption" || last == "require_lock_timeout") {
        return head.text == "true";
    }
    if (last == "author_may_approve") return head.text == "false";
    if (last == "min_approvals") {
        try {
            return std::stol(head.text) >= std::stol(base.text);
        } catch (const std::exception&) {
            return false;
        }
    }
    if (last == "disable" || last == "exclude" || last == "exemptable") return base.list && head.list && subset(head.items, base.items);
    if (last == "enable") return base.list && head.list && subset(base.items, head.items);
    return false;
}

std::string shown(const std::optional<Setting>& s) {
    if (!s) return "not set";
    std::string out;
    if (s->list) {
        out = "[";
        for (const auto& item : s->items) out += (out.size() > 1 ? ", " : "") + ("\"" + item + "\"");
        out += "]";
    } else {
        out = s->text;
    }
    if (out.size() > 120) out = out.substr(0, 117) + "...";
    return annotate::printable(out);
}

analyze::SettingChange change_at(int line, const std::string& what) {
    return analyze::SettingChange{line, std::string(k_prefix) + what};
}

}  // namespace

bool pgfence_config_name(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    if (name == ".pgfence.toml" || name == ".pgfence.json" || name == "governance.toml") return true;
    return (name.ends_with(".toml") || name.ends_with(".json")) && name.find("pgfence") != std::string_view::npos;
}

std::vector<analyze::SettingChange> config_weakenings(const std::string& file, const std::optional<std::string>& base,
                                                      const std::optional<std::string>& head) {
    std::vector<analyze::SettingChange> out;
    if (!head) {
        out.push_back(change_at(1, "the pull request deletes this configuration file: what it set falls back to the "
                                   "configuration of a folder above, or to none"));
        return out;
    }
    if (!base) {
        out.push_back(change_at(1, "the pull request adds this configuration file: for its folder and those below it, it "
                                   "replaces the configuration of a folder above"));
    }
    auto before = base ? settings_of(file, *base) : std::optional<Settings>(Settings{});
    auto after = settings_of(file, *head);
    if (!before || !after) {
        if (base) out.push_back(change_at(1, "the file does not parse at one of the two commits, so every key may have changed"));
        return out;
    }
    std::set<std::string> keys;
    for (const auto& [k, v] : *before) keys.insert(k);
    for (const auto& [k, v] : *after) keys.insert(k);
    for (const auto& key : keys) {
        auto b = before->find(key), h = after->find(key);
        std::optional<Setting> was = b == before->end() ? std::nullopt : std::optional<Setting>(b->second);
        std::optional<Setting> now = h == after->end() ? std::nullopt : std::optional<Setting>(h->second);
        if (was && now && *was == *now) continue;
        const std::optional<Setting> fallback = default_of(key);
        const std::optional<Setting> was_in_force = was ? was : fallback, now_in_force = now ? now : fallback;
        if (was_in_force && now_in_force && (*was_in_force == *now_in_force || stricter(key, *was_in_force, *now_in_force))) continue;
        out.push_back(change_at(now ? now->line : 1, annotate::printable(key) + " = " + shown(now) + " (was " + shown(was) + ")"));
    }
    return out;
}

analyze::Result<bool> add_config_change_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                const std::vector<std::string>& named, analyze::Report& report,
                                                const analyze::AnalyzeOptions& options) {
    auto wanted = [&](std::string_view p) {
        return pgfence_config_name(p) || std::find(named.begin(), named.end(), p) != named.end();
    };
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, wanted, {}, options.max_file_bytes);
    if (!changed) return changed.error();
    std::set<std::string> listed;
    for (const auto& f : report.files) listed.insert(f.path);
    auto text_at = [&](const std::string& commit, const std::string& path) -> analyze::Result<std::optional<std::string>> {
        auto stored = repo.read_file_bounded(commit, path, analyze::k_config_max_bytes);
        if (!stored) return stored.error();
        if (!*stored) return std::optional<std::string>{};
        // Too large to be read as a configuration: compared by size only, always a change.
        if (!(*stored)->text) return std::optional<std::string>("\x01too large " + std::to_string((*stored)->size));
        return std::move((*stored)->text);
    };
    auto named_file = [&](std::string_view p) { return std::find(named.begin(), named.end(), p) != named.end(); };
    for (const auto& file : *changed) {
        // A configuration made a link or a submodule (red team R72 F6): pgfence reads a
        // configuration only as a regular file, so what the base commit's set is gone once merged,
        // and what the link names is not reviewed.
        if (file.kind != diff::EntryKind::file && file.status != diff::ChangeStatus::Deleted &&
            (pgfence_config_name(file.path) || named_file(file.path)) && listed.insert(file.path).second) {
            report.files.push_back(analyze::analyze_tool_settings(
                file.path,
                {change_at(1, std::string("the pull request makes this ") + (named_file(file.path) ? "stats snapshot" : "configuration file") +
                                  (file.kind == diff::EntryKind::link ? " a symbolic link" : " a submodule") +
                                  ": pgfence reads it only as a file, so what it set falls back to the configuration of a folder "
                                  "above, or to none, and what the link names is not reviewed")},
                options));
            continue;
        }
        if (file.kind != diff::EntryKind::file || listed.contains(file.path)) continue;
        // A rename is reviewed by both paths (red team R71 F13): away from the old one, it is that
        // configuration's deletion (what it set falls back to a folder above, or to none), even
        // with the same text (a configuration governs its own folder); at the new one, when that
        // is a configuration's name, its addition for its new folder.
        if (file.status == diff::ChangeStatus::Renamed && file.old_path != file.path) {
            if (pgfence_config_name(file.old_path) && listed.insert(file.old_path).second) {
                report.files.push_back(analyze::analyze_tool_settings(
                    file.old_path,
                    {change_at(1, "the pull request moves this configuration file to " + annotate::printable(file.path) +
                                      ": its folder no longer has it, and what it set falls back to the configuration of a "
                                      "folder above, or to none")},
                    options));
            } else if (named_file(file.old_path) && listed.insert(file.old_path).second) {
                report.files.push_back(analyze::analyze_tool_settings(
                    file.old_path, {change_at(1, "the pull request moves the stats snapshot the configuration names: its table sizes decide "
                                                 "size-aware risks")},
                    options));
            }
            if (!pgfence_config_name(file.path) || listed.contains(file.path)) continue;
            auto now = text_at(changes.head_sha, file.path);
            if (!now) return now.error();
            std::vector<analyze::SettingChange> found = config_weakenings(file.path, std::nullopt, *now);
            if (found.empty()) continue;
            listed.insert(file.path);
            report.files.push_back(analyze::analyze_tool_settings(file.path, std::move(found), options));
            continue;
        }
        std::optional<std::string> base, head;
        if (file.status != diff::ChangeStatus::Added) {
            auto old = text_at(changes.merge_base_sha, file.old_path);
            if (!old) return old.error();
            base = std::move(*old);
        }
        if (file.status != diff::ChangeStatus::Deleted) {
            auto now = text_at(changes.head_sha, file.path);
            if (!now) return now.error();
            head = std::move(*now);
        }
        if (base == head) continue;
        std::vector<analyze::SettingChange> found;
        if (!pgfence_config_name(file.path)) {
            found.push_back(change_at(1, "the stats snapshot the configuration names changes: its table sizes decide "
                                         "size-aware risks (a smaller table lowers them)"));
        } else {
            found = config_weakenings(file.path, base, head);
        }
        if (found.empty()) continue;
        listed.insert(file.path);
        report.files.push_back(analyze::analyze_tool_settings(file.path, std::move(found), options));
    }
    return true;
}

}  // namespace pgfence::bot
