#pragma once
// What tool_dirs.cpp and tool_dirs_commands.cpp share (split from tool_dirs.cpp, moves only): the
// helpers that make a ToolDir, show a value and count lines, and the readers each file defines
// for the other's read_tool_dirs, and printable(), the form every settings reader of this folder shows
// a value in. Not for use outside analyze/migrations: tool_dirs.hpp is the API.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {

// `text` as shown in a reason: its first bytes, control characters and backquotes replaced.
std::string shown(std::string_view text);
// The same at most `most` bytes (whole characters), "..." when cut: every settings reader's form.
std::string printable(std::string_view text, std::size_t most = 80);
// The folder a project's tool runs in when it is started from the project (tool_dirs.cpp).
std::string project_folder(std::string_view path);
// A ToolDir of `value`, a folder relative to `base` (unknown when it leaves the repository).
ToolDir make(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts);
// A ToolDir whose folder is not known, and why.
ToolDir computed(std::string tool, std::string setting, int line, std::string why, bool scripts);

// Whether token `i` is the punctuator `p` (false past the end).
inline bool punct_at(const std::vector<orm::Token>& t, std::size_t i, std::string_view p) {
    return i < t.size() && t[i].kind == orm::TokenKind::Punct && t[i].text == p;
}

// A string, or a template without interpolation: its value as JavaScript reads it.
inline std::optional<std::string> literal_of(const orm::Token& tok) {
    if (tok.unterminated) return std::nullopt;
    if (tok.kind == orm::TokenKind::String) return tok.string.value;
    if (tok.kind == orm::TokenKind::Template && !tok.too_deep && tok.parts.size() <= 1 && (tok.parts.empty() || !tok.parts[0].interpolation)) {
        return tok.parts.empty() ? std::string() : tok.parts[0].text.value;
    }
    return std::nullopt;
}

// Line numbers by offset, in one pass over the text and a binary search per question.
class Lines {
public:
    explicit Lines(std::string_view text) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') m_ends.push_back(i);
        }
    }
    [[nodiscard]] int at(std::size_t offset) const {
        return 1 + static_cast<int>(std::lower_bound(m_ends.begin(), m_ends.end(), offset) - m_ends.begin());
    }

private:
    std::vector<std::size_t> m_ends;  // the offsets of the newlines
};

// Calls `each(line_number, line)` for the lines of `text`.
template <typename F>
void lines(std::string_view text, F each) {
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        each(n, l);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
}

// `value` relative to the folder `base` as a repository path; nullopt when it is absolute or climbs
// above the top (tool_dirs_commands.cpp).
std::optional<std::string> repository_join(std::string_view base, std::string_view value);

// tool_dirs_commands.cpp: sqlx::migrate!("path") in Rust sources, and the tools' command lines
// in a package.json script, a Makefile, a compose file or a CI workflow.
void read_rust(std::string_view path, std::string_view text, std::vector<ToolDir>& out);
void read_package_json(std::string_view path, std::string_view text, std::vector<ToolDir>& out, std::string_view base, const ReadFile& read = {});

// mikro_orm_dirs.cpp: MikroORM's configuration as its CLI finds it. Whether `name` is a default
// configuration file's name (mikro-orm.config.ts, .js, ...); the folder the CLI runs in for one at
// `path` (the project's: above src/, dist/, build/); package.json's "mikro-orm".configPaths; a .env's
// MIKRO_ORM_* keys; a `mikro-orm` command line (`rest`: after the command word) run in `base`.
bool mikro_orm_config_name(std::string_view name);
std::string mikro_orm_run_folder(std::string_view path);
void read_mikro_orm_package(std::string_view path, std::string_view text, std::vector<ToolDir>& out, const ReadFile& read);
void read_mikro_orm_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out, const ReadFile& read);
// A workflow's `env:` for the step at `line` that runs MikroORM's CLI (issue #53 cfg88).
void read_mikro_orm_workflow_env(int line, std::string_view workflow, std::string_view base, std::vector<ToolDir>& out, const ReadFile& read);
void read_mikro_orm_command(int line, std::string_view rest, std::string_view base, std::vector<ToolDir>& out, const ReadFile& read);

}  // namespace pgfence::analyze::tools::tool_dirs_detail
