#include "analyze/orm/load_paths.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>


namespace pgfence::analyze::orm {
namespace {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}
bool ident(const std::vector<Token>& t, std::size_t i) { return i < t.size() && t[i].kind == TokenKind::Ident; }
bool member(const std::vector<Token>& t, std::size_t i) { return i > 0 && i < t.size() && (is(t, i - 1, ".") || is(t, i - 1, "?.")); }

// The index of the bracket closing the one at `open`, or npos (bounded: linear per call site).
std::size_t closing(const std::vector<Token>& t, std::size_t open) {
    int depth = 0;
    for (std::size_t j = open; j < t.size() && j < open + 4096; ++j) {
        if (is(t, j, "(") || is(t, j, "[") || is(t, j, "{")) ++depth;
        if ((is(t, j, ")") || is(t, j, "]") || is(t, j, "}")) && --depth == 0) return j;
    }
    return std::string::npos;
}

// [from, to) split at its top-level `sep` tokens; empty when brackets do not balance.
std::vector<std::pair<std::size_t, std::size_t>> split(const std::vector<Token>& t, std::size_t from, std::size_t to, std::string_view sep) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    int depth = 0;
    std::size_t start = from;
    for (std::size_t j = from; j < to; ++j) {
        if (is(t, j, "(") || is(t, j, "[") || is(t, j, "{")) ++depth;
        if (is(t, j, ")") || is(t, j, "]") || is(t, j, "}")) --depth;
        if (depth < 0) return {};
        if (depth == 0 && is(t, j, sep)) {
            out.emplace_back(start, j);
            start = j + 1;
        }
    }
    if (depth != 0) return {};
    out.emplace_back(start, to);
    return out;
}

bool path_module(std::string_view m) { return m == "path" || m == "node:path" || m == "path/posix" || m == "node:path/posix"; }
bool url_module(std::string_view m) { return m == "url" || m == "node:url"; }

// __dirname in a folded path: the script's folder (told from a literal "./", which path.resolve
// takes from the working folder and path.join drops).
constexpr char k_dir = '\x01';

struct Fold {
    std::string text;
    bool complete = false;
    [[nodiscard]] bool known() const { return complete || !text.empty(); }
};

// The names Node's path and url modules are bound to: `const path = require("path")`, `const {
// join, resolve: r } = require("node:path")`, `import path from "path"`, `import * as p from
// "path"`, `import { fileURLToPath as f } from "url"`: (local, remote; "*" for the module).
std::vector<std::pair<std::string, std::string>> bound(const std::vector<Token>& t, std::size_t k) {
    std::vector<std::pair<std::string, std::string>> out;
    auto names = [&](std::size_t open, std::size_t close) {  // `{ a, b: c }` / `{ a, b as c }`
        for (std::size_t j = open + 1; j < close; ++j) {
            if (!ident(t, j)) continue;
            if ((is(t, j + 1, ":") || is(t, j + 1, "as")) && ident(t, j + 2)) {
                out.emplace_back(t[j + 2].text, t[j].text);
                j += 2;
            } else {
                out.emplace_back(t[j].text, t[j].text);
            }
        }
    };
    if (is(t, k + 1, ")") && k >= 3 && is(t, k - 1, "(") && is(t, k - 2, "require") && !member(t, k - 2)) {
        std::size_t eq = k - 3;
        if (is(t, eq, "await")) --eq;
        if (!is(t, eq, "=") || eq == 0) return out;
        if (ident(t, eq - 1)) out.emplace_back(t[eq - 1].text, "*");
        if (is(t, eq - 1, "}")) {
            for (std::size_t open = eq - 1; open > 0 && open + 64 > eq; --open) {
                if (is(t, open, "{")) {
                    names(open, eq - 1);
                    break;
                }
            }
        }
        return out;
    }
    if (k == 0 || !is(t, k - 1, "from")) return out;
    std::size_t i = k - 1;
    while (i > 0 && i + 64 > k && !is(t, i, "import") && !is(t, i, ";")) --i;
    if (!is(t, i, "import") || is(t, i + 1, "type")) return out;
    for (std::size_t j = i + 1; j + 1 < k; ++j) {
        if (is(t, j, "*") && is(t, j + 1, "as") && ident(t, j + 2)) out.emplace_back(t[j + 2].text, "*");
        if (ident(t, j) && j == i + 1 && (is(t, j + 1, ",") || is(t, j + 1, "from"))) out.emplace_back(t[j].text, "*");
        if (is(t, j, "{")) {
            std::size_t close = j;
            while (close < k && !is(t, close, "}")) ++close;
            names(j, close);
            j = close;
        }
    }
    return out;
}

class Folder {
public:
    explicit Folder(const std::vector<Token>& t) : m_t(t) {
        for (std::size_t k = 0; k < t.size(); ++k) {
            if (t[k].kind != TokenKind::String || !(path_module(t[k].string.value) || url_module(t[k].string.value))) continue;
            const bool path = path_module(t[k].string.value);
            for (const auto& [local, remote] : bound(t, k)) {
                if (path && remote == "*") m_path.insert(local);
                if (path && (remote == "join" || remote == "resolve")) m_joins[local] = remote;
                if (!path && remote == "*") m_url.insert(local);
                if (!path && remote == "fileURLToPath") m_to_path.insert(local);
                if (!path && remote == "pathToFileURL") m_to_url.insert(local);
            }
        }
        // __dirname is the script's folder (nodejs.org/api/modules.html "__dirname"); an ES module
        // defines it itself, as `dirname(fileURLToPath(import.meta.url))`: any other value is not known.
        for (std::size_t i = 0; i + 1 < t.size(); ++i) {
            if (!is(t, i, "__dirname") || member(t, i) || !is(t, i + 1, "=")) continue;
            const bool declared = i > 0 && (is(t, i - 1, "const") || is(t, i - 1, "let") || is(t, i - 1, "var"));
            if (!declared || !script_dirname(i + 2)) m_dirname = false;
        }
    }

    // `from`..`to`: an expression; constants, `+` and the forms above, folded from its start.
    Fold expr(std::size_t from, std::size_t to) const {
        Fold out;
        if (++m_depth > 32 || from >= to) return leave(out);
        for (const auto& [a, b] : split(m_t, from, to, "+")) {
            Fold part = operand(a, b);
            out.text += part.text;
            if (!part.complete) return leave(out);
        }
        out.complete = true;
        return leave(out);
    }

    // `createRequire(...)`'s argument: the folder its require resolves from, relative to the script's
    // ("." for the script's own), or nothing.
    std::optional<std::string> require_base(std::size_t from, std::size_t to) const {
        const std::string own(1, k_dir);
        if (to == from + 1 && is(m_t, from, "__filename")) return own;
        if (to == from + 5 && meta(from, "url")) return own;
        if (const std::size_t call = to_path_call(from); call != 0 && to == from + call + 7 && meta(from + call + 1, "url")) return own;
        Fold f = expr(from, to);
        if (!f.complete || f.text.empty() || f.text.front() != k_dir) return std::nullopt;
        if (f.text.ends_with("/")) return f.text.substr(0, f.text.size() - 1);
        const std::size_t slash = f.text.rfind('/');
        if (slash == std::string::npos) return std::nullopt;
        return f.text.substr(0, slash);
    }

private:
    const std::vector<Token>& m_t;
    std::set<std::string> m_path, m_url, m_to_path, m_to_url;
    std::map<std::string, std::string> m_joins;
    bool m_dirname = true;
    mutable int m_depth = 0;

    Fold leave(Fold f) const {
        --m_depth;
        return f;
    }

    // `import.meta.<what>` at i.
    bool meta(std::size_t i, std::string_view what) const {
        return is(m_t, i, "import") && is(m_t, i + 1, ".") && is(m_t, i + 2, "meta") && is(m_t, i + 3, ".") && is(m_t, i + 4, what);
    }

    // `fileURLToPath(` or `url.fileURLToPath(` at i (`pathToFileURL` with `to_url`): the index of its `(` less i, else 0.
    std::size_t to_path_call(std::size_t i, bool to_url = false) const {
        const auto& names = to_url ? m_to_url : m_to_path;
        if (ident(m_t, i) && names.contains(m_t[i].text) && is(m_t, i + 1, "(")) return 1;
        if (ident(m_t, i) && m_url.contains(m_t[i].text) && is(m_t, i + 1, ".") &&
            is(m_t, i + 2, to_url ? "pathToFileURL" : "fileURLToPath") && is(m_t, i + 3, "(")) {
            return 3;
        }
        return 0;
    }

    // After `__dirname =`: `dirname(fileURLToPath(import.meta.url))` (path.dirname, url.fileURLToPath), or import.meta.dirname.
    bool script_dirname(std::size_t i) const {
        if (meta(i, "dirname")) return true;
        std::size_t k = i;
        if (ident(m_t, k) && m_path.contains(m_t[k].text) && is(m_t, k + 1, ".")) k += 2;
        else if (!(ident(m_t, k) && k == i)) return false;
        if (!is(m_t, k, "dirname") || !is(m_t, k + 1, "(")) return false;
        const std::size_t call = to_path_call(k + 2);
        return call != 0 && meta(k + 2 + call + 1, "url") && is(m_t, k + 2 + call + 6, ")") && is(m_t, k + 2 + call + 7, ")");
    }

    Fold operand(std::size_t from, std::size_t to) const {
        if (from >= to || to > m_t.size()) return {};
        const Token& k = m_t[from];
        if (is(m_t, from, "(") && closing(m_t, from) == to - 1) return expr(from + 1, to - 1);
        if (to == from + 1) {
            if (k.kind == TokenKind::String) return {k.string.value, true};
            if (k.kind == TokenKind::Template && !k.unterminated && !k.too_deep) {
                Fold out;
                for (const TemplatePart& p : k.parts) {
                    if (!p.interpolation) out.text += p.text.value;
                    else if (p.sole_name == "__dirname" && m_dirname) out.text += k_dir;
                    else return out;
                }
                out.complete = true;
                return out;
            }
            if (is(m_t, from, "__dirname") && m_dirname) return {std::string(1, k_dir), true};
            return {};
        }
        if (to == from + 5 && meta(from, "dirname")) return {std::string(1, k_dir), true};
        // new URL("...", import.meta.url), and its href or pathname.
        if (is(m_t, from, "new") && is(m_t, from + 1, "URL") && is(m_t, from + 2, "(")) {
            const std::size_t close = closing(m_t, from + 2);
            const bool whole = close == to - 1 || (close + 3 == to && is(m_t, close + 1, ".") &&
                                                   (is(m_t, close + 2, "href") || is(m_t, close + 2, "pathname")));
            if (close == std::string::npos || !whole) return {};
            return url(from + 3, close);
        }
        if (std::size_t call = to_path_call(from); call != 0 && closing(m_t, from + call) == to - 1) {
            if (is(m_t, from + call + 1, "new") && is(m_t, from + call + 2, "URL")) return operand(from + call + 1, to - 1);
            return {};
        }
        // pathToFileURL(path), and its href: the path's file.
        if (std::size_t call = to_path_call(from, true); call != 0) {
            const std::size_t close = closing(m_t, from + call);
            const bool whole = close == to - 1 || (close != std::string::npos && close + 3 == to && is(m_t, close + 1, ".") && is(m_t, close + 2, "href"));
            if (!whole) return {};
            Fold f = expr(from + call + 1, close);
            if (!f.text.empty() && f.text.front() != k_dir) return {};  // from the working folder
            return f;
        }
        // path.join / path.resolve (path.posix too), or join / resolve imported from Node's path.
        std::size_t open = 0;
        std::string how;
        if (ident(m_t, from) && m_path.contains(k.text) && is(m_t, from + 1, ".")) {
            std::size_t at = from + 2;
            if (is(m_t, at, "posix") && is(m_t, at + 1, ".")) at += 2;
            if ((is(m_t, at, "join") || is(m_t, at, "resolve")) && is(m_t, at + 1, "(")) {
                open = at + 1;
                how = m_t[at].text;
            }
        } else if (ident(m_t, from) && m_joins.contains(k.text) && is(m_t, from + 1, "(")) {
            open = from + 1;
            how = m_joins.at(k.text);
        }
        if (open == 0 || closing(m_t, open) != to - 1) return {};
        Fold out;
        for (const auto& [a, b] : split(m_t, open + 1, to - 1, ",")) {
            Fold arg = expr(a, b);
            if (!arg.text.empty() && arg.text.front() == '/') return {};  // an absolute path: not the script's folder
            if (out.text.empty() && how == "resolve" && (arg.text.empty() || arg.text.front() != k_dir)) return {};  // from the working folder
            if (!out.text.empty() && !(arg.complete && arg.text.empty())) out.text += "/";
            out.text += arg.text;
            if (!arg.complete) return out;
        }
        out.complete = !out.text.empty();
        return out;
    }

    // `new URL(spec, import.meta.url)`'s arguments: spec resolved from the script's own URL.
    Fold url(std::size_t from, std::size_t to) const {
        auto args = split(m_t, from, to, ",");
        if (args.size() != 2 || args[1].second != args[1].first + 5 || !meta(args[1].first, "url")) return {};
        Fold f = expr(args[0].first, args[0].second);
        if (!f.known() || f.text.empty()) return {};
        if (f.text.front() == '/' || f.text.find(':') < f.text.find('/')) return {};  // another URL or an absolute path
        f.text = std::string(1, k_dir) + "/" + f.text;
        return f;
    }
};

}  // namespace

Requirers requirers_of(const std::vector<Token>& t) {
    Requirers out;
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        if (!is(t, k, "createRequire") || !is(t, k + 1, "(")) continue;
        for (std::size_t j = k; j > 0 && j + 16 > k && !is(t, j, ";"); --j) {
            if (is(t, j, "=") && ident(t, j - 1)) {
                out.names.emplace(t[j - 1].text, k);
                break;
            }
        }
        const std::size_t close = closing(t, k + 1);
        if (close != std::string::npos && is(t, close + 1, "(")) out.calls.emplace(close + 1, k);
    }
    return out;
}

std::vector<ComputedLoad> computed_loads(const std::vector<Token>& t) {
    std::vector<ComputedLoad> out;
    const Requirers made = requirers_of(t);
    const Folder fold(t);
    std::map<std::size_t, std::optional<std::string>> bases;  // createRequire token -> its folder
    auto base_of = [&](std::size_t create) -> const std::optional<std::string>& {
        auto it = bases.find(create);
        if (it != bases.end()) return it->second;
        const std::size_t close = closing(t, create + 1);
        return bases[create] = close == std::string::npos ? std::nullopt : fold.require_base(create + 2, close);
    };
    for (std::size_t k = 0; k < t.size(); ++k) {
        std::size_t open = 0;
        std::optional<std::size_t> create;  // the createRequire of a made require
        if (auto c = made.calls.find(k + 1); c != made.calls.end()) {
            open = k + 1;
            create = c->second;
        } else if (ident(t, k) && !member(t, k) && made.names.contains(t[k].text) && is(t, k + 1, "(")) {
            open = k + 1;
            create = made.names.at(t[k].text);
        } else if ((is(t, k, "require") || is(t, k, "import")) && !member(t, k) && is(t, k + 1, "(")) {
            open = k + 1;
        } else if (is(t, k, "require") && member(t, k)) {
            // module.require(x), require.main.require(x), process.mainModule.require(x): require() under another name.
            if (is(t, k + 1, "(")) open = k + 1;
        } else if (is(t, k, "_load") && member(t, k) && is(t, k + 1, "(")) {
            open = k + 1;  // Module._load
        } else if (is(t, k, "require") && !member(t, k) && !is(t, k + 1, ".") && !is(t, k + 1, "=") && !is(t, k + 1, ":") &&
                   !(k > 0 && (is(t, k - 1, "typeof") || is(t, k - 1, "const") || is(t, k - 1, "let") || is(t, k - 1, "var") ||
                               is(t, k - 1, "function")))) {
            out.push_back({k, {}, false});  // require taken as a value: whatever loads through it
            continue;
        }
        if (open == 0) continue;
        const std::size_t close = closing(t, open);
        if (close == std::string::npos) {
            out.push_back({k, {}, false});
            continue;
        }
        auto args = split(t, open + 1, close, ",");
        if (args.empty() || args[0].first == args[0].second) continue;
        Fold f = fold.expr(args[0].first, args[0].second);
        // One string, or a template without `${}`: module_loads' (constant_spec, module_writes.cpp).
        const Token& first = t[args[0].first];
        const bool constant = args.size() == 1 && args[0].second == args[0].first + 1 &&
                              (first.kind == TokenKind::String ||
                               (first.kind == TokenKind::Template && !first.unterminated && !first.too_deep &&
                                std::none_of(first.parts.begin(), first.parts.end(), [](const TemplatePart& p) { return p.interpolation; })));
        if (create) {
            const auto& base = base_of(*create);
            if (base && *base == std::string(1, k_dir)) {
                if (constant) continue;  // module_loads' own
            } else if (!base || !f.complete) {
                f = {};
            } else if (f.text.starts_with("./") || f.text.starts_with("../")) {
                f.text = *base + "/" + f.text;
            }
        } else if (constant && (is(t, k, "require") || is(t, k, "import"))) {
            continue;  // module_loads' own
        }
        // The script's folder for __dirname; anywhere else in the name it folds to nothing known.
        if (f.text.find(k_dir, 1) != std::string::npos) f = {};
        if (!f.text.empty() && f.text.front() == k_dir) f.text.front() = '.';
        out.push_back({k, f.text, f.complete});
    }
    return out;
}

bool unnamed_file_reads(const std::vector<Token>& t) {
    static constexpr std::string_view k_modules[] = {"fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra", "graceful-fs"};
    static constexpr std::string_view k_reads[] = {"createReadStream", "openSync", "readSync", "readv", "readvSync", "opendir",
                                                   "opendirSync", "open", "read", "readFileSync", "readFile", "readJson", "readJsonSync",
                                                   "readJSON", "readJSONSync", "readLines"};
    // A program the script runs may read any file (`execFileSync("cat", [file])`, red team R86b F7).
    static constexpr std::string_view k_programs[] = {"child_process", "node:child_process", "execa", "shelljs", "zx", "cross-spawn"};
    bool fs = false, unnamed = false;
    for (std::size_t k = 0; k < t.size() && !(fs && unnamed); ++k) {
        if (t[k].kind == TokenKind::String) {
            const std::string_view v = t[k].string.value;
            if (std::find(std::begin(k_programs), std::end(k_programs), v) != std::end(k_programs)) return true;
            if (std::find(std::begin(k_modules), std::end(k_modules), v) != std::end(k_modules)) fs = true;
            if (std::find(std::begin(k_reads), std::end(k_reads), v) != std::end(k_reads)) unnamed = true;  // fs["readFileSync"]
            continue;
        }
        if (t[k].kind != TokenKind::Ident) continue;
        const std::string_view w = t[k].text;
        if (w == "readFileSync" || w == "readFile") {
            // file_reads names a call; the function taken as a value, or passed on, is not one. A
            // name bound by `const { readFileSync } = ...` or `import { readFile } from ...` is
            // called by its name (file_reads sees it); renamed there (`readFileSync: rf`) it is not.
            if (is(t, k + 1, "(") || (k > 0 && is(t, k - 1, "function"))) continue;
            std::size_t j = k;
            while (j > 0 && (ident(t, j - 1) || is(t, j - 1, ","))) --j;
            const bool pattern = j > 1 && is(t, j - 1, "{") && (is(t, j - 2, "const") || is(t, j - 2, "let") || is(t, j - 2, "var") ||
                                                                 is(t, j - 2, "import"));
            if (!(pattern && (is(t, k + 1, ",") || is(t, k + 1, "}")))) unnamed = true;
            continue;
        }
        // `open` and `read` only as a member (`fsp.open(`, `fh.read(`): a bare name is too common.
        if ((w == "open" || w == "read") && !member(t, k)) continue;
        if (std::find(std::begin(k_reads), std::end(k_reads), w) != std::end(k_reads)) unnamed = true;
    }
    return fs && unnamed;
}

std::vector<FileRead> file_reads(const std::vector<Token>& t) {
    std::vector<FileRead> out;
    const Folder fold(t);
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        if (!(is(t, k, "readFileSync") || is(t, k, "readFile")) || !is(t, k + 1, "(")) continue;
        if (k > 0 && is(t, k - 1, "function")) continue;  // its own definition
        const std::size_t close = closing(t, k + 1);
        if (close == std::string::npos) {
            out.push_back({k, {}, false, false});
            continue;
        }
        if (is(t, close + 1, "{")) continue;  // a method's definition: `readFile(name) { ... }`
        auto args = split(t, k + 2, close, ",");
        if (args.empty() || args[0].first == args[0].second) continue;
        Fold f = fold.expr(args[0].first, args[0].second);
        FileRead read{k, f.text, f.complete, false};
        if (!read.path.empty() && read.path.front() == k_dir) {
            read.from_script = true;
            read.path.front() = '.';
        }
        if (read.path.find(k_dir) != std::string::npos) read = {k, {}, false, false};
        out.push_back(std::move(read));
    }
    return out;
}

}  // namespace pgfence::analyze::orm
