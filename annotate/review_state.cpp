#include "annotate/review_state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <utility>

#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"

namespace pgfence::annotate {

using namespace pgfence::analyze;

namespace {

constexpr std::string_view k_open = "<!-- pgfence:state v1\n";
constexpr std::string_view k_close = "-->";
constexpr std::size_t k_max_block = 256 * 1024;  // a state we wrote is far smaller

std::uint64_t fnv1a(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// Paths and names are the repository's: percent-encoded, so no byte of them can end the HTML
// comment or a line of the block.
std::string encode(std::string_view text) { return percent_encode(text, "/._"); }

std::optional<std::string> decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        unsigned value = 0;
        auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
        if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

char risk_letter(Risk r) {
    switch (r) {
        case Risk::Critical: return 'C';
        case Risk::High: return 'H';
        case Risk::Medium: return 'M';
        case Risk::Low: return 'L';
        case Risk::None: return 'N';
    }
    return 'N';
}

std::optional<Risk> risk_of_letter(std::string_view s) {
    if (s.size() != 1) return std::nullopt;
    switch (s[0]) {
        case 'C': return Risk::Critical;
        case 'H': return Risk::High;
        case 'M': return Risk::Medium;
        case 'L': return Risk::Low;
        default: return std::nullopt;
    }
}

bool plain_token(std::string_view s, std::size_t max) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '#';
    });
}

std::optional<int> number(std::string_view s) {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

// "name=value" fields of one line, split on spaces (values never hold one: they are encoded).
std::map<std::string_view, std::string_view> fields(std::string_view line) {
    std::map<std::string_view, std::string_view> out;
    while (!line.empty()) {
        std::size_t space = line.find(' ');
        std::string_view field = line.substr(0, space);
        line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        std::size_t eq = field.find('=');
        if (eq != std::string_view::npos) out.emplace(field.substr(0, eq), field.substr(eq + 1));
    }
    return out;
}

}  // namespace

std::string finding_key(std::string_view path, std::string_view rule, std::string_view message, int occurrence) {
    std::string normalized;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] >= '0' && message[i] <= '9') {
            if (normalized.empty() || normalized.back() != '#') normalized += '#';
        } else {
            normalized += message[i];
        }
    }
    std::uint64_t h = fnv1a(path);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(rule, h);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(normalized, h);
    static const char* hex = "0123456789abcdef";
    std::string key;
    for (int shift = 60; shift >= 12; shift -= 4) key += hex[(h >> shift) & 15];  // 48 bits
    if (occurrence > 0) key += "-" + std::to_string(occurrence);
    return key;
}

std::vector<std::string> finding_keys(const FileReport& file, std::string_view root) {
    std::string path = repo_path(file.path, root);
    std::map<std::string, int> seen;
    std::vector<std::string> keys;
    for (const auto& f : file.findings) {
        if (f.pre_existing) {
            keys.emplace_back();
            continue;
        }
        std::string base = finding_key(path, f.rule, f.message, 0);
        int n = seen[base]++;
        keys.push_back(n == 0 ? base : finding_key(path, f.rule, f.message, n));
    }
    return keys;
}

ReviewState state_of(const Report& report, const std::vector<std::vector<std::string>>& keys, std::string_view sha,
                     std::string_view root) {
    ReviewState state;
    state.sha = std::string(sha);
    for (std::size_t fi = 0; fi < report.files.size(); ++fi) {
        const FileReport& file = report.files[fi];
        std::string path = repo_path(file.path, root);
        for (std::size_t i = 0; i < file.findings.size(); ++i) {
            const Finding& f = file.findings[i];
            if (f.pre_existing) continue;
            state.findings.push_back({keys[fi][i], path, std::max(0, f.start.line), f.rule, f.risk, f.relation});
        }
    }
    std::stable_sort(state.findings.begin(), state.findings.end(),
                     [](const TrackedFinding& a, const TrackedFinding& b) { return a.risk > b.risk; });
    state.total = state.findings.size();
    return state;
}

std::string encode_state(const ReviewState& state) {
    std::string out(k_open);
    out += "sha=" + encode(state.sha) + " total=" + std::to_string(state.total);
    if (!state.since.empty()) {
        out += " since=" + encode(state.since) + " resolved=" + std::to_string(state.resolved_total) +
               " whole=" + (state.since_complete ? "1" : "0");
    }
    out += "\n";
    // Paths and rules once each, numbered; a finding names them by number.
    std::map<std::string, std::size_t> path_ids, rule_ids;
    std::string names, lines;
    std::size_t kept = std::min(state.findings.size(), k_state_max_findings);
    std::size_t gone = state.since.empty() ? 0 : std::min(state.resolved.size(), k_state_max_resolved);
    for (std::size_t i = 0; i < kept + gone; ++i) {
        bool resolved = i >= kept;
        const TrackedFinding& f = resolved ? state.resolved[i - kept] : state.findings[i];
        auto [p, new_path] = path_ids.emplace(f.path, path_ids.size());
        if (new_path) names += "p" + std::to_string(p->second) + "=" + encode(f.path) + "\n";
        auto [r, new_rule] = rule_ids.emplace(f.rule, rule_ids.size());
        if (new_rule) names += "r" + std::to_string(r->second) + "=" + encode(f.rule) + "\n";
        lines += "k=" + f.key + " f=" + std::to_string(p->second) + " l=" + std::to_string(f.line) + " r=" + std::to_string(r->second) +
                 " x=" + risk_letter(f.risk) + (f.relation.empty() ? "" : " o=" + encode(f.relation)) +
                 (resolved ? " s=gone" : state.added.contains(f.key) ? " s=new" : "") + "\n";
    }
    return out + names + lines + std::string(k_close) + "\n";
}

std::optional<ReviewState> decode_state(std::string_view comment) {
    std::size_t start = comment.find(k_open);
    if (start == std::string_view::npos) return std::nullopt;
    std::string_view block = comment.substr(start + k_open.size());
    std::size_t end = block.find(k_close);
    if (end == std::string_view::npos || end > k_max_block) return std::nullopt;
    block = block.substr(0, end);

    ReviewState state;
    std::map<std::string, std::string> paths, rules;
    bool header = false;
    while (!block.empty()) {
        std::size_t nl = block.find('\n');
        std::string_view line = block.substr(0, nl);
        block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
        if (line.empty()) continue;
        auto f = fields(line);
        if (!header) {
            auto sha = f.find("sha"), total = f.find("total");
            if (sha == f.end() || total == f.end()) return std::nullopt;
            auto decoded = decode(sha->second);
            auto n = number(total->second);
            if (!decoded || !n || decoded->size() > 64) return std::nullopt;
            state.sha = *decoded;
            state.total = static_cast<std::size_t>(*n);
            if (auto since = f.find("since"); since != f.end()) {
                auto base = decode(since->second);
                auto count = f.contains("resolved") ? number(f.at("resolved")) : std::nullopt;
                if (!base || base->empty() || base->size() > 64 || !count || !f.contains("whole")) return std::nullopt;
                state.since = *base;
                state.resolved_total = static_cast<std::size_t>(*count);
                state.since_complete = f.at("whole") == "1";
            }
            header = true;
            continue;
        }
        if (line[0] == 'p' || line[0] == 'r') {
            std::size_t eq = line.find('=');
            if (eq == std::string_view::npos) return std::nullopt;
            auto decoded = decode(line.substr(eq + 1));
            if (!decoded) return std::nullopt;
            (line[0] == 'p' ? paths : rules)[std::string(line.substr(1, eq - 1))] = *decoded;
            continue;
        }
        auto key = f.find("k"), file = f.find("f"), at = f.find("l"), rule = f.find("r"), risk = f.find("x");
        if (key == f.end() || file == f.end() || at == f.end() || rule == f.end() || risk == f.end()) return std::nullopt;
        auto path = paths.find(std::string(file->second));
        auto rule_name = rules.find(std::string(rule->second));
        auto n = number(at->second);
        auto r = risk_of_letter(risk->second);
        if (path == paths.end() || rule_name == rules.end() || !n || !r || !plain_token(key->second, 40) ||
            !plain_token(rule_name->second, 80))
            return std::nullopt;
        TrackedFinding t{std::string(key->second), path->second, *n, rule_name->second, *r, {}};
        if (auto o = f.find("o"); o != f.end()) {
            auto decoded = decode(o->second);
            if (!decoded) return std::nullopt;
            t.relation = *decoded;
        }
        auto status = f.find("s");
        std::string_view s = status == f.end() ? std::string_view() : status->second;
        if (s == "gone") {
            if (state.since.empty()) return std::nullopt;
            state.resolved.push_back(std::move(t));
        } else {
            if (s == "new") state.added.insert(t.key);
            else if (!s.empty()) return std::nullopt;
            state.findings.push_back(std::move(t));
        }
        if (state.findings.size() > k_state_max_findings || state.resolved.size() > k_state_max_resolved) return std::nullopt;
    }
    if (!header || state.total < state.findings.size() || state.resolved_total < state.resolved.size()) return std::nullopt;
    return state;
}

std::optional<ReviewChanges> changes_since(const ReviewState& previous, const ReviewState& now) {
    std::set<std::string> after;
    for (const auto& f : now.findings) after.insert(f.key);
    ReviewChanges c;
    if (previous.sha == now.sha) {
        if (previous.since.empty()) return std::nullopt;
        c.previous_sha = previous.since;
        c.resolved = previous.resolved;
        c.resolved_total = previous.resolved_total;
        c.complete = previous.since_complete;
        for (const auto& key : previous.added) {
            if (after.contains(key)) c.added.insert(key);
        }
        c.still_open = now.total - c.added.size();
        return c;
    }
    c.previous_sha = previous.sha;
    c.complete = previous.complete();
    std::set<std::string> before;
    for (const auto& f : previous.findings) before.insert(f.key);
    for (const auto& f : previous.findings) {
        if (after.contains(f.key)) continue;
        ++c.resolved_total;
        if (c.resolved.size() < k_state_max_resolved) c.resolved.push_back(f);
    }
    for (const auto& f : now.findings) {
        if (before.contains(f.key)) ++c.still_open;
        // Beyond a partial previous list, a finding may be old: only a whole list says "new".
        else if (c.complete) c.added.insert(f.key);
    }
    return c;
}

void remember_changes(ReviewState& state, const ReviewChanges& changes) {
    state.since = changes.previous_sha;
    state.resolved = changes.resolved;
    state.resolved_total = changes.resolved_total;
    state.added = changes.added;
    state.since_complete = changes.complete;
}

}  // namespace pgfence::annotate
