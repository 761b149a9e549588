#include "bot/typeorm_option_modules.hpp"

namespace pgfence::bot {

namespace {

bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

std::string_view line_at(std::string_view text, int line) {
    std::size_t at = 0;
    for (int n = 1; n < line; ++n) {
        at = text.find('\n', at);
        if (at == std::string_view::npos) return {};
        ++at;
    }
    std::size_t end = text.find('\n', at);
    return text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

// The names an import or require line binds: the identifiers before `from` / `require` / `import(`.
std::vector<std::string> bound_names(std::string_view line) {
    std::size_t cut = line.size();
    for (std::string_view stop : {" from ", "require(", "require (", "import("}) {
        cut = std::min(cut, line.find(stop));
    }
    std::vector<std::string> out;
    std::string_view head = line.substr(0, cut);
    for (std::size_t i = 0; i < head.size();) {
        if (!ident_char(head[i])) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < head.size() && ident_char(head[i])) ++i;
        std::string word(head.substr(start, i - start));
        if (word == "import" || word == "type" || word == "const" || word == "let" || word == "var" || word == "as" || word == "export" ||
            word == "await" || (word[0] >= '0' && word[0] <= '9')) {
            continue;
        }
        out.push_back(std::move(word));
    }
    return out;
}

// Whether `name` is used in `text` as an option's value: `...name` or `: name`.
bool used_as_option(std::string_view text, std::string_view name) {
    for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
        const std::size_t end = at + name.size();
        if ((at > 0 && ident_char(text[at - 1])) || (end < text.size() && ident_char(text[end]))) continue;
        std::size_t b = at;
        while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\n' || text[b - 1] == '\r')) --b;
        if (b >= 3 && text.substr(b - 3, 3) == "...") return true;
        if (b >= 1 && text[b - 1] == ':' && !(b >= 2 && text[b - 2] == ':')) return true;
    }
    return false;
}

}  // namespace

std::vector<analyze::tools::ScriptModule> typeorm_option_modules(std::string_view path, std::string_view text) {
    std::vector<analyze::tools::ScriptModule> out;
    for (auto& m : analyze::tools::relative_modules(path, text)) {
        if (m.spec.empty()) continue;
        for (const auto& name : bound_names(line_at(text, m.line))) {
            if (used_as_option(text, name)) {
                out.push_back(std::move(m));
                break;
            }
        }
    }
    return out;
}

}  // namespace pgfence::bot
