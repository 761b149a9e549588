#include "analyze/migrations/typeorm_data_source.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/rebinding.hpp"
#include "analyze/migrations/tool_dirs_walk.hpp"
#include "analyze/migrations/typeorm_options_factory.hpp"

#include <array>
#include <vector>

#include "analyze/base/path_parts.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

// Imports are followed this deep from the -d file (the file itself is depth 0).
constexpr int k_deepest_import = 2;
// At most this many imports of one file are followed.
constexpr std::size_t k_most_imports = 32;

using tool_dirs_detail::printable;

// The relative modules `text` loads: `from './x'`, `require('./x')`, `import('./x')`, `import './x'`
// (re-exports `export ... from './x'` included). Read as text: a match inside a comment is followed
// too, which can only add folders or unknowns.
std::vector<std::string> relative_imports(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size() && out.size() <= k_most_imports; ++at) {
        const char q = text[at];
        if (q != '\'' && q != '"') continue;
        std::size_t before = at;
        while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '(' || text[before - 1] == '\t')) --before;
        const std::string_view head = text.substr(0, before);
        if (!(head.ends_with("from") || head.ends_with("require") || head.ends_with("import"))) continue;
        const std::size_t end = text.find(q, at + 1);
        if (end == std::string_view::npos) break;
        const std::string_view spec = text.substr(at + 1, end - at - 1);
        if (spec.starts_with("./") || spec.starts_with("../")) out.emplace_back(spec);
        at = end;
    }
    return out;
}

// The files Node or ts-node may load for `spec` imported by `from` (the file, with an extension,
// the folder's index; a TypeScript import of "./x.js" loads x.ts).
std::vector<std::string> candidates(std::string_view from, std::string_view spec) {
    std::vector<std::string> out;
    auto base = tool_dirs_detail::repository_join(path_folder(from), spec);
    if (!base) return out;
    out.push_back(*base);
    static constexpr std::array<std::string_view, 6> k_ext = {".ts", ".js", ".mts", ".cts", ".mjs", ".cjs"};
    for (std::string_view e : k_ext) out.push_back(*base + std::string(e));
    for (std::string_view e : k_ext) out.push_back(*base + "/index" + std::string(e));
    if (base->ends_with(".js")) out.push_back(base->substr(0, base->size() - 3) + ".ts");
    return out;
}

bool script_path(std::string_view p) {
    for (std::string_view e : {".ts", ".js", ".mts", ".cts", ".mjs", ".cjs"}) {
        if (p.ends_with(e)) return true;
    }
    return false;
}

struct Found {
    std::vector<std::pair<std::string, ToolDir>> dirs;  // (the file that names it, the folder)
    std::string why;                                     // set when the migrations are not known
    bool seen = false;  // `why` is about a DataSource or a migrations setting pgfence does not read
};

// What the module at `path` (already read as `text`) makes TypeORM run.
Found follow(const std::string& path, const std::string& text, const ReadFile& read, int depth) {
    Found out;
    if (data_source_text(text)) {
        for (auto& d : read_tool_dirs(path, text)) {
            if (d.tool == "typeorm") out.dirs.emplace_back(path, std::move(d));
        }
        // Options a class method returns (typeorm_options_factory.hpp), read as a literal's are,
        // from the folder the tool runs in (the data source's project).
        if (out.dirs.empty()) {
            const LoadModule load = [&](std::string_view from, std::string_view spec) -> std::optional<std::pair<std::string, std::string>> {
                std::vector<std::pair<std::string, std::string>> loaded;
                for (const std::string& c : candidates(from, spec)) {
                    if (!script_path(c)) continue;
                    if (auto t = read(c)) loaded.emplace_back(c, std::move(*t));
                }
                if (loaded.size() != 1) return std::nullopt;
                return std::move(loaded.front());
            };
            if (auto f = factory_options(path, text, load)) {
                std::vector<ToolDir> dirs;
                const std::string run_folder = tool_dirs_detail::project_folder(path);
                tool_dirs_detail::read_js(f->path, f->masked, "typeorm", dirs, &run_folder);
                for (auto& d : dirs) out.dirs.emplace_back(f->path, std::move(d));
            }
        }
        if (out.dirs.empty()) {
            out.why = printable(path) + " builds its DataSource from options pgfence does not read (a variable, a spread, a call or the environment)";
            out.seen = true;
        }
        return out;
    }
    // Options set some other way (setOptions, an object another module turns into a DataSource).
    if (text.find("migrations") != std::string::npos) {
        out.why = printable(path) + " sets migrations in a way pgfence does not read";
        out.seen = true;
        return out;
    }
    if (depth < k_deepest_import) {
        for (const std::string& spec : relative_imports(text)) {
            std::vector<std::pair<std::string, std::string>> loaded;
            for (const std::string& c : candidates(path, spec)) {
                if (!script_path(c)) continue;
                if (auto t = read(c)) loaded.emplace_back(c, std::move(*t));
            }
            if (loaded.size() > 1) {
                out.why = printable(path) + " imports " + printable(spec) + ", which more than one file answers";
                out.seen = true;
                return out;
            }
            if (loaded.empty()) continue;
            Found sub = follow(loaded.front().first, loaded.front().second, read, depth + 1);
            // A module that builds a DataSource pgfence cannot read, or sets migrations: not known.
            // One that builds none (a helper, an entity) says nothing about the migrations.
            if (sub.seen) {
                out.why = sub.why;
                out.seen = true;
                return out;
            }
            for (auto& d : sub.dirs) out.dirs.push_back(std::move(d));
        }
    }
    if (out.dirs.empty()) {
        out.why = printable(path) + " builds no DataSource whose migrations pgfence reads, there or in what it imports " +
                  std::to_string(k_deepest_import) + " deep (a factory, a spread or the environment decides them)";
    }
    return out;
}

}  // namespace

// typeorm/typeorm src/commands/MigrationRunCommand.ts (and the other commands):
// .option("dataSource", { alias: "d", demandOption: true }); yargs also accepts --data-source.
// The binaries are typeorm, typeorm-ts-node-commonjs and typeorm-ts-node-esm (package.json "bin").
std::optional<ToolDir> typeorm_cli_data_source(std::string_view package_path, int line, std::string_view l) {
    for (std::size_t at = l.find("typeorm"); at != std::string_view::npos; at = l.find("typeorm", at + 1)) {
        const bool start = at == 0 || l[at - 1] == ' ' || l[at - 1] == '"' || l[at - 1] == '/' || l[at - 1] == '\t';
        if (!start) continue;
        std::size_t word_end = l.find(' ', at);
        if (word_end == std::string_view::npos) continue;
        const std::string_view tail = l.substr(at + 7, word_end - at - 7);
        if (!(tail.empty() || tail == "-ts-node-commonjs" || tail == "-ts-node-esm" || tail == "/cli.js" || tail == "/cli" ||
              tail == "/cli-ts-node-commonjs.js" || tail == "/cli-ts-node-esm.js")) {
            continue;
        }
        std::string_view rest = l.substr(word_end);
        rest = rest.substr(0, rest.find_first_of("&;|\""));
        at = word_end + rest.size();  // the next command starts after this one's arguments (linear)
        for (std::string_view flag : {"-d", "--dataSource", "--data-source"}) {
            for (std::size_t f = rest.find(flag); f != std::string_view::npos; f = rest.find(flag, f + 1)) {
                if (f == 0 || rest[f - 1] != ' ') continue;
                std::size_t v = f + flag.size();
                if (v < rest.size() && rest[v] != ' ' && rest[v] != '=') continue;
                while (v < rest.size() && (rest[v] == ' ' || rest[v] == '=')) ++v;
                const std::string_view value = rest.substr(v, rest.find(' ', v) == std::string_view::npos ? std::string_view::npos
                                                                                                       : rest.find(' ', v) - v);
                ToolDir d{"typeorm", "typeorm " + std::string(flag), line, {}, {}, true, {}, {}};
                std::optional<std::string> file;
                if (!value.empty() && value.find_first_of("$`'\\*?[{") == std::string_view::npos) file = tool_dirs_detail::repository_join(path_folder(package_path), value);
                if (!file) d.unknown = "its value " + printable(value) + " is computed, quoted or outside the repository, and not read";
                else d.data_source = *file;
                return d;
            }
        }
    }
    return std::nullopt;
}

std::vector<ToolDir> resolve_data_source(const ToolDir& pending, const ReadFile& read) {
    std::vector<ToolDir> out;
    const std::string& file = pending.data_source;
    auto unknown = [&](std::string why) {
        ToolDir d = pending;
        d.data_source.clear();
        d.unknown = "TypeORM runs the migrations of the DataSource in " + printable(file) + ", and " + std::move(why);
        return std::vector<ToolDir>{std::move(d)};
    };
    if (!read) return unknown("pgfence did not read it here");
    auto text = read(file);
    if (!text) return unknown("it is not a regular file of the repository pgfence can read");
    Found found = follow(file, *text, read, 0);
    if (!found.why.empty()) return unknown(found.why);
    for (auto& [from, d] : found.dirs) {
        ToolDir here = pending;
        here.data_source.clear();
        here.setting = pending.setting + " " + printable(file) + ", " + printable(from) + ":" + std::to_string(d.line) + " migrations";
        if (!d.unknown.empty()) {
            here.unknown = printable(from) + ":" + std::to_string(d.line) + " " + d.unknown;
        } else {
            here.folder = d.folder;
        }
        out.push_back(std::move(here));
    }
    return out;
}

bool nest_factory_data_source(std::string_view text) {
    if (text.size() > (1u << 20)) return false;
    const std::vector<orm::Token> t = orm::lex_js(text);
    const std::size_t n = t.size();
    auto is = [&](std::size_t k, std::string_view s) { return k < n && (t[k].kind == orm::TokenKind::Ident || t[k].kind == orm::TokenKind::Punct) && t[k].text == s; };
    auto ident = [&](std::size_t k) { return k < n && t[k].kind == orm::TokenKind::Ident; };
    // Each bracket's partner, by one pass with a stack (unmatched: none).
    std::vector<std::size_t> partner(n, n);
    std::vector<std::size_t> open;
    for (std::size_t k = 0; k < n; ++k) {
        if (!t[k].unreadable.empty() || t[k].unterminated) return false;
        if (is(k, "(") || is(k, "[") || is(k, "{")) open.push_back(k);
        else if ((is(k, ")") || is(k, "]") || is(k, "}")) && !open.empty()) {
            partner[open.back()] = k;
            partner[k] = open.back();
            open.pop_back();
        }
    }
    std::size_t factory = n;  // the last `dataSourceFactory:` seen
    std::size_t built = 0;
    for (std::size_t k = 0; k < n; ++k) {
        if (is(k, "migrationsRun") || is(k, "runMigrations") || is(k, "createConnection")) return false;
        if (is(k, "dataSourceFactory") && is(k + 1, ":")) factory = k;
        if (!is(k, "DataSource") || !is(k + 1, "(")) continue;
        // `new DataSource(p)` or `new typeorm.DataSource(p)`, p one name.
        const bool made = is(k - 1, "new") || (is(k - 1, ".") && ident(k - 2) && is(k - 3, "new"));
        if (k == 0 || !made || !ident(k + 2) || !is(k + 3, ")") || factory == n) return false;
        // `dataSourceFactory: async (p: T) => ...`: p its first parameter, k inside its body.
        std::size_t a = factory + 2;
        if (is(a, "async")) ++a;
        if (!is(a, "(") || partner[a] == n || !is(a + 1, t[k + 2].text) || !(is(a + 2, ")") || is(a + 2, ":") || is(a + 2, ","))) return false;
        std::size_t arrow = partner[a] + 1;
        while (arrow < k && !is(arrow, "=>")) arrow = partner[arrow] != n && partner[arrow] > arrow ? partner[arrow] + 1 : arrow + 1;
        if (!is(arrow, "=>")) return false;
        // The body: a block, or an expression up to the `,` or closer that ends the value.
        std::size_t end = arrow + 1;
        if (is(end, "{")) end = partner[end];
        else {
            while (end < n && !is(end, ",") && !is(end, ";") && !is(end, ")") && !is(end, "]") && !is(end, "}")) {
                end = partner[end] != n && partner[end] > end ? partner[end] + 1 : end + 1;
            }
        }
        if (end == n || k > end) return false;
        ++built;
    }
    return built > 0;
}

}  // namespace pgfence::analyze::tools
