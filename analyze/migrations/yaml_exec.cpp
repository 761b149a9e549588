#include "analyze/migrations/yaml_exec.hpp"

#include <optional>

namespace pgfence::analyze::tools {
namespace {

constexpr std::size_t k_most_words = 256;
constexpr int k_most_flow_lines = 64;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// A scalar without its quotes and without a trailing comment.
std::string scalar(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
        std::size_t end = v.find(v.front(), 1);
        return std::string(v.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    if (std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = trim(v.substr(0, hash));
    return std::string(v);
}

// The items of a flow list's text between its brackets, split at commas outside quotes.
void flow_items(std::string_view inner, std::vector<std::string>& out) {
    std::size_t start = 0;
    char quote = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
        const char c = i < inner.size() ? inner[i] : ',';
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ',') {
            std::string item = scalar(inner.substr(start, i - start));
            if (!item.empty() && out.size() < k_most_words) out.push_back(std::move(item));
            start = i + 1;
        }
    }
}

// Where a flow list that opened with '[' closes in `s` (outside quotes), or npos.
std::size_t flow_end(std::string_view s) {
    char quote = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (quote) {
            if (s[i] == quote) quote = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            quote = s[i];
        } else if (s[i] == ']') {
            return i;
        }
    }
    return std::string_view::npos;
}

enum class Key { entrypoint, command, args };

struct Group {
    std::size_t indent = 0;  // the column of its keys
    int line = 1;
    std::vector<std::string> words[3];  // entrypoint, command, args
    bool given[3] = {false, false, false};
    std::vector<int> lines;
};

// A compose service's `build:` (compose spec, "build": a context path, or a mapping with context and dockerfile).
struct Build {
    std::size_t column = 0;
    std::string context = ".";
    std::string dockerfile;
    bool block = false;  // a mapping: its context: and dockerfile: lines follow, deeper
};

std::optional<Key> key_of(std::string_view body, std::string_view& value) {
    for (auto [name, key] : {std::pair{std::string_view("entrypoint:"), Key::entrypoint}, std::pair{std::string_view("command:"), Key::command},
                             std::pair{std::string_view("args:"), Key::args}}) {
        if (body.starts_with(name)) {
            value = trim(body.substr(name.size()));
            return key;
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<ExecCommand> yaml_exec_commands(std::string_view text) {
    std::vector<ExecCommand> out;
    std::optional<Group> group;
    std::optional<Build> build;  // the last `build:` of the mapping being read
    std::vector<std::string>* block = nullptr;  // the key whose block list the next "- " lines fill
    std::size_t block_indent = 0;
    std::vector<std::string>* flow = nullptr;  // the key whose flow list continues on the next lines
    std::string flow_text;
    int flow_lines = 0;
    auto flush = [&] {
        if (group) {
            std::string joined;
            std::vector<std::string> all;
            for (const auto& list : group->words) {
                for (const auto& w : list) {
                    joined += (joined.empty() ? "" : " ") + w;
                    all.push_back(w);
                }
            }
            if (!joined.empty()) {
                ExecCommand c;
                c.line = group->line;
                c.command = std::move(joined);
                c.words = std::move(all);
                c.entrypoint = group->given[0];
                c.command_key = group->given[1];
                c.args = group->given[2];
                c.lines = std::move(group->lines);
                if (build && build->column == group->indent) {
                    c.build = build->context;
                    c.dockerfile = build->dockerfile;
                }
                out.push_back(std::move(c));
            }
        }
        group.reset();
        block = nullptr;
        flow = nullptr;
    };
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (flow) {
            const std::size_t end = flow_end(l);
            flow_text += ' ';
            flow_text += l.substr(0, end);
            if (end != std::string_view::npos || ++flow_lines >= k_most_flow_lines) {
                flow_items(flow_text, *flow);
                flow = nullptr;
            }
            continue;
        }
        const std::size_t indent = l.find_first_not_of(" \t");
        if (indent == std::string_view::npos) continue;
        std::string_view body = trim(l.substr(indent));
        if (body.empty() || body.front() == '#') continue;
        if (body == "---") {
            flush();
            continue;
        }
        if (block && (body.starts_with("- ") || body == "-") && indent >= block_indent) {
            if (block->size() < k_most_words) block->push_back(scalar(body.substr(1)));
            if (group && group->lines.size() < 64) group->lines.push_back(n);
            continue;
        }
        block = nullptr;
        // The column of this line's key: after a list item's "- ".
        std::size_t column = indent;
        const bool item = body.starts_with("- ");
        if (item) {
            std::size_t skip = body.find_first_not_of(' ', 1);
            if (skip == std::string_view::npos) continue;
            column += skip;
            body = body.substr(skip);
        }
        if (group && (column < group->indent || (column == group->indent && item))) flush();
        if (build && (column < build->column || (column == build->column && item))) build.reset();
        if (build && build->block && column > build->column) {
            if (body.starts_with("context:")) build->context = scalar(trim(body.substr(8)));
            if (body.starts_with("dockerfile:")) build->dockerfile = scalar(trim(body.substr(11)));
        }
        if (body.starts_with("build:")) {
            const std::string_view v = trim(body.substr(6));
            build = Build{column, v.empty() ? std::string(".") : scalar(v), {}, v.empty()};
        }
        std::string_view value;
        auto key = key_of(body, value);
        if (!key) continue;
        if (!group || column != group->indent) {
            flush();
            group.emplace();
            group->indent = column;
            group->line = n;
        }
        auto& words = group->words[static_cast<int>(*key)];
        words.clear();
        group->given[static_cast<int>(*key)] = true;
        if (group->lines.size() < 64) group->lines.push_back(n);
        if (value.empty()) {
            block = &words;
            block_indent = column;
        } else if (value.front() == '[') {
            value.remove_prefix(1);
            const std::size_t end = flow_end(value);
            if (end != std::string_view::npos) {
                flow_items(value.substr(0, end), words);
            } else {
                flow = &words;
                flow_text = std::string(value);
                flow_lines = 0;
            }
        } else if (value.front() != '|' && value.front() != '>') {
            words.push_back(scalar(value));
        }
    }
    if (flow) flow_items(flow_text, *flow);
    flush();
    return out;
}

bool kubernetes_manifest(std::string_view text) {
    auto top = [&](std::string_view key) {
        for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
            if (at == 0 || text[at - 1] == '\n') return true;
        }
        return false;
    };
    return top("apiVersion:") && top("kind:");
}

}  // namespace pgfence::analyze::tools
