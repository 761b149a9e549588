#include "analyze/migrations/joined_commands.hpp"

#include <cctype>

namespace pgfence::analyze::tools {
namespace {

// An instruction's keyword, upper-cased (instructions are not case-sensitive: Dockerfile reference, "Format").
std::string keyword(std::string_view l) {
    std::string out;
    for (char c : l) {
        if (!std::isalpha(static_cast<unsigned char>(c)) || out.size() > 12) break;
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

// The inside of an exec form's brackets (`ENTRYPOINT ["npx", "knex"]` -> `"npx", "knex"`); nullopt for the shell form.
std::optional<std::string_view> exec_inner(std::string_view l, std::size_t after) {
    std::string_view rest = l.substr(std::min(after, l.size()));
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
    if (rest.size() < 2 || rest.front() != '[' || rest.back() != ']') return std::nullopt;
    return rest.substr(1, rest.size() - 2);
}

std::size_t key_column(std::string_view l, bool* item) {
    std::size_t indent = l.find_first_not_of(" \t");
    if (indent == std::string_view::npos) return std::string_view::npos;
    *item = l.substr(indent).starts_with("- ");
    if (*item) {
        const std::size_t skip = l.find_first_not_of(' ', indent + 1);
        return skip == std::string_view::npos ? std::string_view::npos : skip;
    }
    return indent;
}

std::string_view value_of(std::string_view l, std::size_t column, std::string_view key) {
    std::string_view rest = l.substr(column);
    if (!rest.starts_with(key)) return {};
    rest.remove_prefix(key.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (const std::size_t hash = rest.find(" #"); hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    // A quoted scalar: its text (the runner splits it as a shell would).
    if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) rest = rest.substr(1, rest.size() - 2);
    return rest;
}

void join_dockerfile(std::vector<LogicalLine>& lines) {
    std::optional<std::string> entrypoint;
    for (auto& l : lines) {
        std::string_view t = l.text;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        const std::string k = keyword(t);
        if (k == "FROM") {
            entrypoint.reset();  // a new stage: its own ENTRYPOINT and CMD
        } else if (k == "ENTRYPOINT") {
            const auto inner = exec_inner(t, k.size());
            entrypoint = inner ? std::optional<std::string>(std::string(*inner)) : std::nullopt;
        } else if (k == "CMD" && entrypoint && !entrypoint->empty()) {
            if (const auto inner = exec_inner(t, k.size()); inner && l.text.size() < (1u << 16)) {
                l.text = "CMD [" + *entrypoint + (inner->empty() ? "" : ", ") + std::string(*inner) + "]";
            }
        }
    }
}

void join_docker_steps(std::vector<LogicalLine>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        bool item = false;
        const std::size_t c = key_column(lines[i].text, &item);
        if (c == std::string_view::npos || !value_of(lines[i].text, c, "uses:").starts_with("docker://")) continue;
        // The step's lines: back to its `- `, on while its keys are at column c or deeper.
        std::size_t lo = i;
        while (!item && lo > 0) {
            bool it = false;
            const std::size_t k = key_column(lines[lo - 1].text, &it);
            if (k == std::string_view::npos) {
                --lo;
                continue;
            }
            if (k < c) break;
            --lo;
            if (it && k == c) break;
        }
        std::size_t hi = i + 1;
        for (; hi < lines.size(); ++hi) {
            bool it = false;
            const std::size_t k = key_column(lines[hi].text, &it);
            if (k == std::string_view::npos) continue;
            if (k < c || (it && k == c)) break;
        }
        // Its `with:` block's entrypoint and args.
        std::size_t with_at = lines.size(), entry_at = lines.size(), args_at = lines.size();
        for (std::size_t j = lo; j < hi; ++j) {
            bool it = false;
            const std::size_t k = key_column(lines[j].text, &it);
            if (k == std::string_view::npos) continue;
            if (k == c) {
                with_at = lines[j].text.substr(k).starts_with("with:") ? j : lines.size();
                continue;
            }
            if (with_at == lines.size() || k <= c) continue;
            if (lines[j].text.substr(k).starts_with("entrypoint:")) entry_at = j;
            if (lines[j].text.substr(k).starts_with("args:")) args_at = j;
        }
        if (entry_at == lines.size()) continue;  // args alone: the image's own entrypoint, read as the line says
        const std::string entry(value_of(lines[entry_at].text, key_column(lines[entry_at].text, &item), "entrypoint:"));
        if (entry.empty()) continue;
        const std::size_t at = args_at != lines.size() ? args_at : entry_at;
        const std::size_t column = key_column(lines[at].text, &item);
        std::string args = args_at != lines.size() ? std::string(value_of(lines[args_at].text, column, "args:")) : std::string();
        if (args.size() > (1u << 16)) continue;
        lines[at].text = std::string(column, ' ') + "run: " + entry + (args.empty() ? "" : " " + args);
        i = hi == 0 ? i : hi - 1;
    }
}

}  // namespace

void join_container_commands(std::vector<LogicalLine>& lines, bool yaml) {
    if (yaml) {
        join_docker_steps(lines);
        return;
    }
    join_dockerfile(lines);
}

std::optional<std::string> dockerfile_entrypoint(std::string_view text) {
    std::optional<std::string> out;
    int n = 0;
    for (std::size_t at = 0; at <= text.size() && n < 100000; ++n) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        const std::string k = keyword(l);
        if (k == "FROM") out.reset();
        if (k != "ENTRYPOINT") continue;
        const auto inner = exec_inner(l, k.size());
        if (!inner) {
            out.reset();
            continue;
        }
        std::string words;
        for (char ch : *inner) {
            if (ch == '"' || ch == '\'') continue;
            if (ch == ',' || ch == ' ' || ch == '\t') {
                if (!words.empty() && words.back() != ' ') words += ' ';
                continue;
            }
            words += ch;
        }
        while (!words.empty() && words.back() == ' ') words.pop_back();
        out = words.substr(0, 4096);
    }
    return out;
}

}  // namespace pgfence::analyze::tools
