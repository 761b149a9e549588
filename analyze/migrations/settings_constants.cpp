// Values a JavaScript settings file computes that are still known before it runs
// (settings_constants.hpp).
#include "analyze/migrations/settings_constants.hpp"

#include <set>

#include "analyze/migrations/tool_dirs_parts.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {
namespace {

bool ident_at(const std::vector<orm::Token>& t, std::size_t i, std::string_view name = {}) {
    return i < t.size() && t[i].kind == orm::TokenKind::Ident && (name.empty() || t[i].text == name);
}
bool member_at(const std::vector<orm::Token>& t, std::size_t i) { return i > 0 && (punct_at(t, i - 1, ".") || punct_at(t, i - 1, "?.")); }
bool declarer(const std::vector<orm::Token>& t, std::size_t i) {
    return ident_at(t, i, "const") || ident_at(t, i, "let") || ident_at(t, i, "var") || ident_at(t, i, "function") || ident_at(t, i, "class");
}
// An assignment operator after the name at i: `=` (not `==`, `=>`), `+=`, `??=`, ...
bool assigned(const std::vector<orm::Token>& t, std::size_t i) {
    if (i + 1 >= t.size() || t[i + 1].kind != orm::TokenKind::Punct) return false;
    const std::string& p = t[i + 1].text;
    if (p == "++" || p == "--") return true;
    return p.size() >= 1 && p.back() == '=' && p != "==" && p != "===" && p != "!=" && p != "!==" && p != "<=" && p != ">=";
}
// The module spec at i: a string `'path'` / `'node:path'` naming `module`.
bool spec_is(const std::vector<orm::Token>& t, std::size_t i, std::string_view module) {
    if (i >= t.size() || t[i].kind != orm::TokenKind::String) return false;
    const std::string& v = t[i].string.value;
    return v == module || v == "node:" + std::string(module);
}

// Whether the file binds `name` only to Node's module of that name: `import name from 'name'`,
// `import name, { ... } from`, `import * as name from`, `const name = require('name')`.
bool named_default(const std::vector<orm::Token>& t, std::string_view name) {
    bool bound = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!ident_at(t, i, name) || member_at(t, i)) continue;
        const bool import_default = ident_at(t, i - 1, "import") && (ident_at(t, i + 1, "from") || punct_at(t, i + 1, ","));
        const bool import_all = i >= 2 && ident_at(t, i - 1, "as") && punct_at(t, i - 2, "*") && ident_at(t, i + 1, "from");
        if (import_default || import_all) {
            std::size_t from = i + 1;
            while (from < t.size() && from < i + 64 && !ident_at(t, from, "from")) ++from;
            if (!spec_is(t, from + 1, name)) return false;
            bound = true;
            continue;
        }
        if (ident_at(t, i - 1, "const") && punct_at(t, i + 1, "=") && ident_at(t, i + 2, "require") && punct_at(t, i + 3, "(") &&
            spec_is(t, i + 4, name) && punct_at(t, i + 5, ")")) {
            bound = true;
            continue;
        }
        if ((i > 0 && declarer(t, i - 1)) || assigned(t, i)) return false;
    }
    return bound;
}

}  // namespace

std::map<std::string, std::string> string_constants(const std::vector<orm::Token>& t) {
    std::map<std::string, std::string> found;
    std::set<std::string> spoiled;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!ident_at(t, i) || member_at(t, i)) continue;
        const std::string& name = t[i].text;
        const bool declared = i > 0 && declarer(t, i - 1);
        if (declared && ident_at(t, i - 1, "const") && punct_at(t, i + 1, "=") && i + 2 < t.size() && literal_of(t[i + 2]) &&
            (i + 3 >= t.size() || punct_at(t, i + 3, ";") || punct_at(t, i + 3, ",") || t[i + 3].kind == orm::TokenKind::Ident)) {
            if (!found.emplace(name, *literal_of(t[i + 2])).second) spoiled.insert(name);
            ++i;  // past the `=`
            continue;
        }
        // Declared again (a parameter is not seen: the readers use a constant where the settings
        // object is written), assigned, or a key's shorthand in a pattern: not one value.
        if (declared || assigned(t, i)) spoiled.insert(name);
    }
    for (const auto& name : spoiled) found.erase(name);
    return found;
}

std::optional<std::string> constant_template(const orm::Token& tok, const std::map<std::string, std::string>& constants) {
    if (tok.kind != orm::TokenKind::Template || tok.unterminated || tok.too_deep) return std::nullopt;
    std::string out;
    for (const orm::TemplatePart& part : tok.parts) {
        if (!part.interpolation) {
            out += part.text.value;
            continue;
        }
        auto it = part.sole_name.empty() ? constants.end() : constants.find(part.sole_name);
        if (it == constants.end()) return std::nullopt;
        out += it->second;
    }
    return out;
}

bool named_from(const std::vector<orm::Token>& t, std::string_view name, std::string_view module) {
    bool imported = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!ident_at(t, i, name) || member_at(t, i)) continue;
        // Inside `{ ... }` of an import from the module, or of `const { ... } = require('module')`.
        if ((punct_at(t, i - 1, "{") || punct_at(t, i - 1, ",")) && (punct_at(t, i + 1, "}") || punct_at(t, i + 1, ","))) {
            std::size_t close = i + 1;
            while (close < t.size() && close < i + 64 && !punct_at(t, close, "}")) ++close;
            const bool import_from = ident_at(t, close + 1, "from") && spec_is(t, close + 2, module);
            const bool required = punct_at(t, close + 1, "=") && ident_at(t, close + 2, "require") && punct_at(t, close + 3, "(") &&
                                  spec_is(t, close + 4, module) && punct_at(t, close + 5, ")");
            if (import_from || required) {
                imported = true;
                continue;
            }
        }
        if ((i > 0 && declarer(t, i - 1)) || assigned(t, i)) return false;
    }
    return imported;
}

bool dirname_is_module_folder(const std::vector<orm::Token>& t) {
    int declarations = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!ident_at(t, i, "__dirname") || member_at(t, i)) continue;
        const bool declared = i > 0 && declarer(t, i - 1);
        if (!declared) {
            if (assigned(t, i)) return false;
            continue;
        }
        // const __dirname = [path.]dirname([url.]fileURLToPath(import.meta.url))
        if (!ident_at(t, i - 1, "const") || !punct_at(t, i + 1, "=") || ++declarations > 1) return false;
        std::size_t j = i + 2;
        bool path_member = ident_at(t, j, "path") && punct_at(t, j + 1, ".");
        if (path_member) {
            if (!named_default(t, "path")) return false;
            j += 2;
        }
        if (!ident_at(t, j, "dirname") || !punct_at(t, j + 1, "(") || (!path_member && !named_from(t, "dirname", "path"))) return false;
        j += 2;
        bool url_member = ident_at(t, j, "url") && punct_at(t, j + 1, ".");
        if (url_member) {
            if (!named_default(t, "url")) return false;
            j += 2;
        }
        if (!ident_at(t, j, "fileURLToPath") || !punct_at(t, j + 1, "(") || (!url_member && !named_from(t, "fileURLToPath", "url"))) return false;
        j += 2;
        if (!ident_at(t, j, "import") || !punct_at(t, j + 1, ".") || !ident_at(t, j + 2, "meta") || !punct_at(t, j + 3, ".") ||
            !ident_at(t, j + 4, "url") || !punct_at(t, j + 5, ")") || !punct_at(t, j + 6, ")")) {
            return false;
        }
    }
    return true;
}

}  // namespace pgfence::analyze::tools::tool_dirs_detail
