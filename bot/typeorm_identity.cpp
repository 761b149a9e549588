#include "bot/typeorm_identity.hpp"

#include <algorithm>

#include "annotate/printable.hpp"

namespace pgfence::bot {

namespace {

bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == ';')) s.remove_suffix(1);
    return s;
}

// `word` at `at` of `line`, standing alone.
bool word_at(std::string_view line, std::size_t at, std::string_view word) {
    if (line.substr(at, word.size()) != word) return false;
    if (at > 0 && ident_char(line[at - 1])) return false;
    return at + word.size() >= line.size() || !ident_char(line[at + word.size()]);
}

// The class a line declares (`export class X implements MigrationInterface {`,
// `module.exports = class X {`), or "".
std::string declared_class(std::string_view line) {
    for (std::size_t at = line.find("class"); at != std::string_view::npos; at = line.find("class", at + 1)) {
        if (!word_at(line, at, "class")) continue;
        // Not inside a string or comment earlier on the line.
        std::string_view before = line.substr(0, at);
        if (before.find("//") != std::string_view::npos || before.find('"') != std::string_view::npos ||
            before.find('\'') != std::string_view::npos || before.find('`') != std::string_view::npos) {
            return "";
        }
        std::size_t i = at + 5;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < line.size() && ident_char(line[i])) ++i;
        if (i == start) return "";
        std::string name(line.substr(start, i - start));
        if (name == "extends" || name == "implements") return "";
        return name;
    }
    return "";
}

// The value of a `name` class field on the line (`name = "X1700000000000"`, `public name = 'x'`,
// `readonly name: string = ...`), or nothing.
std::optional<std::string> name_field(std::string_view line) {
    std::string_view s = trim(line);
    for (std::string_view modifier : {"public ", "readonly ", "override ", "declare "}) {
        while (s.starts_with(modifier)) s = trim(s.substr(modifier.size()));
    }
    if (!s.starts_with("name") || (s.size() > 4 && ident_char(s[4]))) return std::nullopt;
    s = trim(s.substr(4));
    if (s.starts_with(":")) {
        std::size_t eq = s.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        s = s.substr(eq);
    }
    if (!s.starts_with("=") || s.starts_with("==")) return std::nullopt;
    s = trim(s.substr(1));
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'' || s.front() == '`') && s.back() == s.front()) {
        return std::string(s.substr(1, s.size() - 2));
    }
    return std::string(s);  // an expression: its text stands for it
}

}  // namespace

std::vector<TypeormIdentity> typeorm_identities(std::string_view text) {
    std::vector<TypeormIdentity> out;
    int line_number = 0;
    int depth = 0;        // braces open at the start of the line
    int class_depth = -1; // the depth inside the current class's body
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++line_number;
        if (std::string name = declared_class(line); !name.empty()) {
            out.push_back(TypeormIdentity{name, name, line_number});
            class_depth = depth + 1;
        } else if (!out.empty() && depth == class_depth) {
            // A field of the class's body (not a statement inside one of its methods).
            if (auto value = name_field(line)) {
                out.back().name = *value;
                out.back().line = line_number;
            }
        }
        for (char c : line) {
            if (c == '{') ++depth;
            else if (c == '}' && depth > 0) --depth;
        }
        if (end == text.size()) break;
    }
    return out;
}

std::optional<analyze::SettingChange> typeorm_renamed(const std::string& path, std::string_view base_text, std::string_view head_text) {
    const auto base = typeorm_identities(base_text);
    const auto head = typeorm_identities(head_text);
    for (std::size_t i = 0; i < base.size(); ++i) {
        // The class the head keeps under the same class name, else the one at its place.
        auto same = std::find_if(head.begin(), head.end(), [&](const TypeormIdentity& h) { return h.class_name == base[i].class_name; });
        const TypeormIdentity* now = same != head.end() ? &*same : i < head.size() ? &head[i] : nullptr;
        if (now == nullptr || now->name == base[i].name) continue;
        analyze::SettingChange change;
        change.line = now->line;
        change.what = "renames migration " + annotate::printable(path) + " for TypeORM, which records a migration by its `name` "
                      "property or else its class name (typeorm src/migration/MigrationExecutor.ts), from " +
                      annotate::printable(base[i].name) + " to " + annotate::printable(now->name) +
                      ": the migrations table holds the old name, so TypeORM runs the merged migration again on a database that "
                      "has its objects and rows, and the old record is orphaned";
        return change;
    }
    return std::nullopt;
}

void add_typeorm_rename(analyze::FileReport& file, std::string_view base_text, std::string_view head_text,
                        const analyze::AnalyzeOptions& options) {
    if (file.source_kind != "typeorm") return;
    auto change = typeorm_renamed(file.path, base_text, head_text);
    if (!change) return;
    analyze::FileReport found = analyze::analyze_tool_settings(file.path, {std::move(*change)}, options);
    for (auto& f : found.findings) file.findings.push_back(std::move(f));
    std::stable_sort(file.findings.begin(), file.findings.end(),
                     [](const analyze::Finding& a, const analyze::Finding& b) { return a.start.line < b.start.line; });
    file.risk = std::max(file.risk, found.risk);
}

}  // namespace pgfence::bot
