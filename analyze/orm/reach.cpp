#include "analyze/orm/reach.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <deque>
#include <iterator>
#include <optional>
#include <set>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/runner_api.hpp"

namespace pgfence::analyze::orm {

namespace {

// Node's builtins among the allowed modules: a package of the same name cannot replace them.
bool builtin(std::string_view package) {
    static const std::string_view k_builtins[] = {"path", "url", "util", "assert", "crypto", "buffer", "events", "querystring",
                                                  "string_decoder", "timers"};
    return std::find(std::begin(k_builtins), std::end(k_builtins), package) != std::end(k_builtins);
}

}  // namespace

bool allowed_module(std::string_view module) {
    if (module.starts_with("node:")) module.remove_prefix(5);
    const std::string_view package = package_of(module);
    // The ORMs' own packages: a migration imports them for their types and schema builders; their
    // exports that connect (TypeORM's DataSource, `new Sequelize()`, `require('knex')({...})`) are
    // judged where they are used (escapes.cpp opens_database, walker_follow.cpp opened()).
    // Node's builtins that neither open sockets, files nor processes nor load code; helpers that
    // compute values only (lodash and its per-method packages, bluebird's promises, ids, dates,
    // hashing, markdown, entity validation decorators); TypeScript's runtime helpers and type packages.
    // async (caolan/async, 2 and 3) is control flow over the functions it is given: its files
    // load only each other and lodash, and none spawns or evaluates code (review84 FU-9); the
    // calls it runs are the migration's own, read where they are written.
    // simplecrypt (0.1.0, its only release: lib/simplecrypt.js) loads only Node's crypto and returns
    // encrypt/decrypt closures. dotenv (10 to 16: lib/main.js) loads fs, path, os and crypto only,
    // reads a .env file and writes process.env, which settings modules read the same way
    // (settings_allowlist.cpp); it opens no socket and runs no program (stranger review 88: 23
    // migrations of chartbrew and automatisch were unknown for these two).
    static const std::string_view k_allowed[] = {
        "knex", "typeorm", "sequelize", "sequelize-cli", "sequelize-typescript", "db-migrate", "db-migrate-shared",
        "node-pg-migrate", "path", "url", "util", "assert", "crypto", "buffer", "events", "querystring", "string_decoder",
        "timers", "lodash", "lodash-es", "underscore", "ramda", "bluebird", "async", "uuid", "nanoid", "moment", "moment-timezone",
        "dayjs", "date-fns", "luxon", "bcrypt", "bcryptjs", "showdown", "slugify", "tslib", "reflect-metadata",
        "simplecrypt", "dotenv",
        // Entity files a TypeORM migration imports for their class carry validation decorators.
        "class-validator", "class-transformer"};
    const bool listed = std::find(std::begin(k_allowed), std::end(k_allowed), package) != std::end(k_allowed) ||
                        package.starts_with("lodash.") || package.starts_with("@types/");
    if (!listed) return false;
    // A helper that compiles text into code (lodash's and underscore's `template` build it with
    // Function: lodash/template.js `Function(importsKeys, sourceURL + 'return ' + source)`).
    if (module.find("template") != std::string_view::npos) return false;
    if (module.size() == package.size() || package.starts_with("@types/")) return true;
    // A path inside the package is the package's internals, not its documented entry: TypeORM's
    // `typeorm/util/ImportUtils` loads any file, `typeorm/platform/PlatformTools` any module. Only
    // the per-function files of value helpers (lodash/chunk, date-fns/addDays, ramda/src/map,
    // dayjs/plugin/utc, moment/locale/de) pass.
    static const std::string_view k_paths_ok[] = {"lodash", "lodash-es", "ramda", "date-fns", "dayjs", "moment", "uuid", "async"};
    // TypeORM's query and schema builders (grist-core's sqlUtils.ts imports
    // typeorm/query-builder/relation-id/RelationIdLoader): classes that typeorm's own index loads
    // too (typeorm/src/index.ts exports them), so loading one runs nothing `typeorm` does not;
    // their methods run SQL only through a DataSource or QueryRunner, which are judged where used.
    if (package == "typeorm" && (module.starts_with("typeorm/query-builder/") || module.starts_with("typeorm/schema-builder/"))) {
        return true;
    }
    return std::find(std::begin(k_paths_ok), std::end(k_paths_ok), package) != std::end(k_paths_ok);
}

namespace {

const Token* at(const std::vector<Token>& t, std::size_t i) { return i < t.size() ? &t[i] : nullptr; }
bool punct(const Token* t, std::string_view p) { return t != nullptr && t->kind == TokenKind::Punct && t->text == p; }
bool ident(const Token* t, std::string_view s = {}) {
    return t != nullptr && t->kind == TokenKind::Ident && (s.empty() || t->text == s);
}

// A string literal, or a template without interpolation: its value.
std::optional<std::string> literal(const Token* t) {
    if (t == nullptr) return std::nullopt;
    if (t->kind == TokenKind::String) return t->string.value;
    if (t->kind != TokenKind::Template || t->too_deep) return std::nullopt;
    std::string value;
    for (const auto& p : t->parts) {
        if (p.interpolation) return std::nullopt;
        value += p.text.value;
    }
    return value;
}

bool assignment(const Token* t) {
    if (t == nullptr || t->kind != TokenKind::Punct || !t->text.ends_with("=")) return false;
    return t->text != "==" && t->text != "===" && t->text != "!=" && t->text != "!==" && t->text != "<=" && t->text != ">=";
}

struct Follow {
    std::string file;
    std::size_t begin = 0;  // the import in the migration the findings are reported at
    std::size_t end = 0;
    std::string spec;
    int depth = 0;
};

bool global_name(std::string_view w) {
    return w == "process" || w == "globalThis" || w == "global" || w == "eval" || w == "Function" || w == "require" ||
           w == "mainModule" || w == "getBuiltinModule";
}

constexpr const char k_template_why[] =
    "a `template` helper (lodash's, underscore's) compiles its text into JavaScript with Function, which pgfence cannot read";

std::string reason(std::string_view w) {
    if (w == "eval" || w == "Function") return "it runs JavaScript built at run time, which pgfence cannot read";
    return "it reaches Node's modules, internals and programs, which pgfence does not follow";
}

class Scanner {
public:
    Scanner(std::string_view text, std::string_view path, std::vector<Reach>& out, std::vector<std::pair<Token, std::string>>& files)
        : m_text(text), m_path(path), m_out(out), m_files(files) {}

    void scan(const std::vector<Token>& t, int nesting) {
        for (std::size_t i = 0; i < t.size(); ++i) {
            const Token& k = t[i];
            if (k.kind == TokenKind::Template) {
                if (nesting < 32) {
                    for (const auto& p : k.parts) {
                        if (p.interpolation && p.expr_end > p.expr_begin) scan(lex_js(m_text, p.expr_begin, p.expr_end), nesting + 1);
                    }
                }
            }
            if (auto v = literal(&k); v && *v == "template" && i > 0 && punct(&t[i - 1], "[")) {
                add(k, "['template']", k_template_why);
            } else if (v && *v == "constructor") {
                add(k, "'constructor'", "the member `constructor` can be Function, which runs JavaScript built at run time");
            } else if (v && global_name(*v) && i > 0 && punct(&t[i - 1], "[") && i + 1 < t.size() && punct(&t[i + 1], "]")) {
                add(k, "['" + *v + "']", "`['" + *v + "']` can be the global `" + *v + "`: " + reason(*v));  // this['process']
            }
            if (k.kind == TokenKind::Ident && k.text == "this" && punct(at(t, i + 1), "[") && !(literal(at(t, i + 2)) && punct(at(t, i + 3), "]"))) {
                add(k, "this[...]", "`this[...]` of a name built at run time: in a function called plainly `this` is the global object (process, require, eval)");
            }
            if (k.kind != TokenKind::Ident) continue;
            const Token* prev = i > 0 ? &t[i - 1] : nullptr;
            if (punct(prev, ".") || punct(prev, "?.")) {
                if (k.text == "constructor") add(k, ".constructor", "`.constructor` can be Function, which runs JavaScript built at run time");
                else if (k.text == "template") add(k, ".template", k_template_why);
                // `this.process` in a function called plainly (sloppy mode: `this` is the global
                // object), `obj.require`: the global's ways out under a property name.
                else if (global_name(k.text)) add(k, "." + k.text, "`." + k.text + "` can be the global `" + k.text + "` (through `this` of a function called plainly, or an object holding it): " + reason(k.text));
                continue;  // a property, not the global
            }
            // `const { template } = require('lodash')`, `import { template } from 'underscore'`.
            if (k.text == "template" && (punct(prev, "{") || punct(prev, ",")) &&
                (punct(at(t, i + 1), "}") || punct(at(t, i + 1), ",") || punct(at(t, i + 1), ":") || ident(at(t, i + 1), "as"))) {
                add(k, "template", k_template_why);
                continue;
            }
            if ((punct(prev, "{") || punct(prev, ",")) && punct(at(t, i + 1), ":")) continue;  // an object's key
            // `const fetch = require('node-fetch')`: a declaration of its own (what it is set from is judged).
            // `import process from 'node:process'` as well (clause() judges the module).
            if (ident(prev, "const") || ident(prev, "let") || ident(prev, "var") || ident(prev, "function") || ident(prev, "class") ||
                (ident(prev, "import") && ident(at(t, i + 1), "from"))) {
                continue;
            }
            word(t, i);
        }
    }

private:
    void add(const Token& k, std::string name, std::string why) { m_out.push_back({k.begin, k.end, std::move(name), std::move(why)}); }

    void word(const std::vector<Token>& t, std::size_t i) {
        const Token& k = t[i];
        const std::string& w = k.text;
        if (w == "process") {
            if (punct(at(t, i + 1), ".") && ident(at(t, i + 2), "env")) {
                std::size_t j = i + 3;
                if (punct(at(t, j), ".") && ident(at(t, j + 1))) j += 2;
                else if (punct(at(t, j), "[") && literal(at(t, j + 1)) && punct(at(t, j + 2), "]")) j += 3;
                else return add(k, "process.env", "`process.env` taken whole (not one variable read): what uses it is not followed");
                if (assignment(at(t, j))) return add(k, "process.env", "the migration sets an environment variable, which changes how the programs and connections it opens behave");
                return;
            }
            if (punct(at(t, i + 1), ".") && ident(at(t, i + 2), "cwd") && punct(at(t, i + 3), "(") && punct(at(t, i + 4), ")")) return;
            // `process.exit(1)` ends the process (a transaction open is rolled back by the server,
            // as for a thrown error); `process.stderr.write(...)` prints: no connection, no program
            // (nodejs.org/api/process.html; stranger review 88 A: chartbrew's key check and failure
            // reports). Only called, so the stream or function goes nowhere else. stdout stays
            // unknown: the tool's output may be piped on (test_orm_reach reach_knex).
            if (punct(at(t, i + 1), ".") && ident(at(t, i + 2), "exit") && punct(at(t, i + 3), "(")) return;
            if (punct(at(t, i + 1), ".") && ident(at(t, i + 2), "stderr") && punct(at(t, i + 3), ".") &&
                ident(at(t, i + 4), "write") && punct(at(t, i + 5), "(")) {
                return;
            }
            std::string what = punct(at(t, i + 1), ".") && ident(at(t, i + 2)) ? "process." + at(t, i + 2)->text : "process";
            return add(k, shown(what), "`" + shown(what) + "`: pgfence reads only `process.env.NAME` and `process.cwd()`; the rest of `process` "
                                       "reaches Node's modules, internals and native code (a program, a connection of its own)");
        }
        if (w == "globalThis" || w == "global" || w == "Bun" || w == "Deno") {
            return add(k, w, "`" + w + "` reaches every global (eval, Function, process, require): what the migration does through it is not followed");
        }
        if (w == "eval" || w == "Function") return add(k, w, "`" + w + "` runs JavaScript built at run time, which pgfence cannot read");
        if (w == "fetch" || w == "WebSocket") {
            return add(k, w, "`" + w + "` opens a network connection of the migration's own (an HTTP database API, a service): pgfence does not read what it sends");
        }
        if (w == "module") {
            if (punct(at(t, i + 1), ".") && ident(at(t, i + 2), "exports")) return;
            return add(k, "module", "`module` other than `module.exports` (module.require, module.constructor._load, module.paths) loads code pgfence does not follow");
        }
        if (w == "require") {
            auto spec = punct(at(t, i + 1), "(") ? literal(at(t, i + 2)) : std::nullopt;
            if (spec && punct(at(t, i + 3), ")")) return load(*at(t, i + 2), *spec, "require");
            return add(k, "require", "`require` other than `require('name')` (a name built at run time, require.cache, require.main, taken as a value): which code it loads is not followed");
        }
        if (w == "import") {
            if (punct(at(t, i + 1), ".")) {
                // import.meta.url / dirname / filename / resolve(); Bun's import.meta.require and
                // the like load code.
                bool known = ident(at(t, i + 2), "meta") && punct(at(t, i + 3), ".") &&
                             (ident(at(t, i + 4), "url") || ident(at(t, i + 4), "dirname") || ident(at(t, i + 4), "filename") ||
                              ident(at(t, i + 4), "resolve"));
                if (!known) add(k, "import.meta", "`import.meta` other than its url, dirname, filename and resolve() (import.meta.require in Bun) loads code pgfence does not follow");
                return;
            }
            if (punct(at(t, i + 1), "(")) {
                auto spec = literal(at(t, i + 2));
                if (spec && (punct(at(t, i + 3), ")") || punct(at(t, i + 3), ","))) return load(*at(t, i + 2), *spec, "import");
                return add(k, "import()", "`import()` of a module named at run time: pgfence cannot tell which code it loads");
            }
            if (ident(at(t, i + 1), "type") && !ident(at(t, i + 2), "from") && !punct(at(t, i + 2), ",")) return;  // erased by TypeScript
            if (ident(at(t, i + 1)) && punct(at(t, i + 2), "=")) return;  // import x = require('y'): the require is judged
            return clause(t, i);
        }
        if (w == "export" && (punct(at(t, i + 1), "*") || punct(at(t, i + 1), "{"))) return clause(t, i);
    }

    // `import ... from 'x'`, `import 'x'`, `export { a } from 'x'`, `export * from 'x'`.
    void clause(const std::vector<Token>& t, std::size_t i) {
        // `import process from 'node:process'`: the global `process` itself (nodejs.org/api/
        // process.html, "it can also be accessed explicitly via require"; a builtin, which no
        // package of that name replaces), under its own name, so word() judges each use as the
        // global's (automatisch's config/app.js, stranger review 88 A).
        if (ident(at(t, i + 1), "process") && ident(at(t, i + 2), "from") && at(t, i + 3) != nullptr && at(t, i + 3)->kind == TokenKind::String &&
            (at(t, i + 3)->string.value == "node:process" || at(t, i + 3)->string.value == "process") &&
            (at(t, i + 4) == nullptr || !punct(at(t, i + 4), "."))) {
            return;
        }
        if (auto spec = literal(at(t, i + 1)); spec && at(t, i + 1)->kind == TokenKind::String) return load(*at(t, i + 1), *spec, "import");
        for (std::size_t j = i + 1; j < t.size() && j < i + 256; ++j) {
            const Token* k = at(t, j);
            if (ident(k, "from") && at(t, j + 1) != nullptr && at(t, j + 1)->kind == TokenKind::String) return load(*at(t, j + 1), at(t, j + 1)->string.value, "import");
            bool part = ident(k) || punct(k, "{") || punct(k, "}") || punct(k, ",") || punct(k, "*") ||
                        (k->kind == TokenKind::String && j > i + 1);  // import { "a b" as c }
            if (!part) return;  // export { a }; a declaration
        }
    }

    void load(const Token& k, const std::string& spec, const std::string& how) {
        std::string shown_spec = shown(spec);
        if (spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." || spec.starts_with("/")) {
            std::string ambiguous;
            auto file = m_path.empty() ? std::nullopt : resolve_import(m_path, spec, &ambiguous);
            // TypeScript's ESM convention imports `./x.js` for the source x.ts, which tsx and
            // ts-node's ESM loader load when x.js does not exist.
            for (auto [js, ts] : {std::pair<std::string_view, std::string_view>{".js", ".ts"}, {".mjs", ".mts"}, {".cjs", ".cts"}}) {
                if (!file && ambiguous.empty() && !m_path.empty() && spec.ends_with(js)) {
                    std::string source = spec.substr(0, spec.size() - js.size()) + std::string(ts);
                    auto found = resolve_import(m_path, source, &ambiguous);
                    if (found && found->ends_with(ts)) file = found;
                }
            }
            if (!file) {
                return add(k, shown_spec, how + " of '" + shown_spec + "', which is not a file of the repository at this commit" +
                                              (ambiguous.empty() ? std::string(" (a file written at run time, a path outside it, a link)") : ambiguous) +
                                              ": what it runs is not read");
            }
            m_files.emplace_back(k, *file);
            return;
        }
        if (spec.find(':') != std::string::npos && !spec.starts_with("node:")) {
            return add(k, shown_spec, how + " of '" + shown_spec + "', a URL (data:, file:, http:) whose code pgfence does not read");
        }
        // A path alias (tsconfig's `paths`, package.json's `imports`) names a repository file:
        // read as a relative import is; one pgfence cannot resolve is unknown.
        if (!m_path.empty()) {
            std::string unresolved;
            if (auto file = resolve_import(m_path, spec, &unresolved)) {
                m_files.emplace_back(k, *file);
                return;
            }
            if (!unresolved.empty()) return add(k, shown_spec, how + " of '" + shown_spec + "'" + unresolved + ": what it runs is not read");
        }
        // `lodash/../pg` is node_modules/pg to Node: a bare name passes only as a package and a
        // plain path under it.
        bool plain = spec.find('\\') == std::string::npos && spec.find("//") == std::string::npos && !spec.ends_with("/");
        for (std::size_t at = 0; plain && at <= spec.size();) {
            std::size_t end = std::min(spec.find('/', at), spec.size());
            std::string_view part = std::string_view(spec).substr(at, end - at);
            plain = part != "." && part != "..";
            at = end + 1;
        }
        if (plain && allowed_module(spec)) {
            if (auto why = aliased(package_of(spec)); !why.empty()) return add(k, shown_spec, how + " of '" + shown_spec + "': " + why);
            return;
        }
        add(k, shown_spec, how + " of '" + shown_spec + "', a module that is not on pgfence's list of those that open no database connection and run no program "
                                                         "(the ORM's own package, path, util, crypto, lodash, async ...): what it does is not followed");
    }

    // Whether a package.json between the script and the repository's root maps `package` to
    // something else than a version of it from the registry (`"lodash": "npm:pg@8"`,
    // `file:./evil`, a git URL, a `user/repo` shorthand, in dependencies, overrides or
    // resolutions alike): then what loads under that name is not the package allowlisted. Why, or "".
    std::string aliased(std::string_view package) {
        if (m_path.empty() || package.starts_with("node:") || builtin(package)) return {};
        auto cached = m_aliased.find(std::string(package));
        if (cached != m_aliased.end()) return cached->second;
        std::string why;
        std::error_code ec;
        namespace fs = std::filesystem;
        fs::path dir = fs::absolute(fs::path(m_path), ec).lexically_normal().parent_path();
        for (int hops = 0; why.empty() && !ec && hops < 64; ++hops) {
            fs::path manifest = dir / "package.json";
            std::error_code missing;  // no package.json, no .git here: look further up
            const Manifest& m = manifest_at(manifest);
            if (m.present && !m.text) why = unread(manifest);
            const std::vector<Token>& t = m.tokens;
            // The "scripts" object holds commands by name (`"typeorm": "ts-node ..."`), no package
            // mapping: its pairs are passed over (stranger review 86: every TypeORM migration of
            // a project with such a script was unknown).
            std::size_t scripts_end = 0;
            for (std::size_t i = 0; i + 2 < t.size() && why.empty(); ++i) {
                if (i < scripts_end) continue;
                if (t[i].kind == TokenKind::String && t[i].string.value == "scripts" && punct(&t[i + 1], ":") && punct(&t[i + 2], "{")) {
                    int depth = 0;
                    std::size_t j = i + 2;
                    for (; j < t.size(); ++j) {
                        if (punct(&t[j], "{")) ++depth;
                        if (punct(&t[j], "}") && --depth == 0) break;
                    }
                    scripts_end = j;
                    continue;
                }
                if (t[i].kind != TokenKind::String || t[i].string.value != package || !punct(&t[i + 1], ":")) continue;
                if (t[i + 2].kind != TokenKind::String) continue;  // "lodash": { ... } (overrides of its own deps)
                const std::string& v = t[i + 2].string.value;
                bool range = std::all_of(v.begin(), v.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == ' ' || c == '.' || c == '^' || c == '~' || c == '<' || c == '>' || c == '=' ||
                           c == '|' || c == '*' || c == '+' || c == '-';
                });
                if (!range) why = shown(manifest.string()) + " maps '" + shown(std::string(package)) + "' to '" + shown(v) +
                                  "', not a version from the registry: the code that loads under that name is not the package pgfence allowlists";
            }
            // A workspace (npm's and yarn's `"workspaces"`, pnpm-workspace.yaml) links its packages
            // into node_modules under their own names: one named `lodash` is what loads as lodash.
            bool workspace = fs::is_regular_file(fs::symlink_status(dir / "pnpm-workspace.yaml", missing));
            for (std::size_t i = 0; i + 1 < t.size() && !workspace; ++i) {
                workspace = t[i].kind == TokenKind::String && t[i].string.value == "workspaces" && punct(&t[i + 1], ":");
            }
            if (why.empty() && workspace) why = workspace_package(dir, package);
            if (why.empty()) why = shadowed(dir, package);
            if (fs::exists(fs::symlink_status(dir / ".git", missing)) || dir == dir.parent_path()) break;
            dir = dir.parent_path();
        }
        return m_aliased[std::string(package)] = why;
    }

    // Why the code Node loads as `package` from a module below `dir` may be the repository's own,
    // found in `dir` (red team R82a B2), or "":
    //   - self-reference: a package.json named `package` maps its "exports" to its own files, and
    //     Node tries that before node_modules (nodejs/node lib/internal/modules/cjs/loader.js
    //     trySelf, run by Module._resolveFilename before the node_modules paths);
    //   - `dir/node_modules/package` committed to the repository: Node looks in every ancestor
    //     folder's node_modules (Module._nodeModulePaths), the nearest first, and an install leaves
    //     a nested one alone. One the git index does not hold was installed, not committed;
    //   - a patch of the package applied at install: patch-package's patches/<name>+<version>.patch
    //     (ds300/patch-package src/patchFs.ts, `+` for `/`; --patch-dir moves them), yarn's
    //     `patch:` protocol (.yarn/patches), pnpm's patchedDependencies.
    std::string shadowed(const std::filesystem::path& dir, std::string_view package) {
        namespace fs = std::filesystem;
        std::error_code missing;
        const std::string name(package);
        const fs::path manifest = dir / "package.json";
        const fs::path pnpm = dir / "pnpm-workspace.yaml";
        const Manifest& m = manifest_at(manifest);
        const Manifest& p = manifest_at(pnpm, false);
        if (m.present && !m.text) return unread(manifest);
        if (p.present && !p.text) return unread(pnpm);
        if (const auto& text = m.text) {
            const std::vector<Token>& t = m.tokens;
            for (std::size_t i = 0; i + 2 < t.size(); ++i) {
                if (t[i].kind != TokenKind::String) continue;
                const std::string& key = t[i].string.value;
                if (key == "name" && punct(&t[i + 1], ":") && t[i + 2].kind == TokenKind::String && t[i + 2].string.value == name) {
                    return shown(manifest.string()) + " is a package named '" + shown(name) +
                           "': Node resolves the name to that package's own exports (a self-reference) before node_modules, so "
                           "repository code, not the package pgfence allowlists, may load under it";
                }
                if (key.find("patch:" + name + "@") != std::string::npos || key == "--patch-dir" || key.find(" --patch-dir") != std::string::npos ||
                    (key.starts_with(name + "@") && text->find("patchedDependencies") != std::string::npos)) {
                    return shown(manifest.string()) + " patches packages at install ('" + shown(key) + "'): the code that loads as '" +
                           shown(name) + "' may be the patched package, not the one pgfence allowlists";
                }
            }
        }
        if (const auto& text = p.text) {
            if (text->find("patchedDependencies") != std::string::npos && text->find(name + "@") != std::string::npos) {
                return shown(pnpm.string()) + " patches '" + shown(name) + "' (patchedDependencies): the code that loads under the name "
                                              "is the patched package, not the one pgfence allowlists";
            }
        }
        std::string flat = name;  // patch-package's file name: @scope/x -> @scope+x
        std::replace(flat.begin(), flat.end(), '/', '+');
        std::string yarn_flat = name;  // yarn's .yarn/patches/<ident>-npm-<version>-<hash>.patch
        std::replace(yarn_flat.begin(), yarn_flat.end(), '/', '-');
        for (auto [folder, prefix] : {std::pair<fs::path, std::string>{dir / "patches", flat + "+"}, {dir / ".yarn" / "patches", yarn_flat + "-"}}) {
            std::error_code ec;
            if (!fs::is_directory(fs::symlink_status(folder, missing))) continue;
            std::size_t seen = 0;
            for (fs::directory_iterator it(folder, ec), end; !ec && it != end && ++seen < 100000; it.increment(ec)) {
                const std::string file = it->path().filename().string();
                if (!file.starts_with(prefix) && file.find("++" + prefix) == std::string::npos) continue;  // parent++name+1.0.patch: nested
                return shown(it->path().string()) + " is a patch of '" + shown(name) + "' applied at install: the code that loads under "
                                                    "the name is the patched package, not the one pgfence allowlists";
            }
        }
        const fs::path local = dir / "node_modules" / fs::path(name);
        if (fs::exists(fs::symlink_status(local, missing)) && committed(dir, local)) {
            return shown(local.string()) + " is in the repository (or pgfence cannot tell it was installed, not committed): Node loads it "
                                           "under the name before the installed package, and pgfence does not read it";
        }
        return {};
    }

    // Whether `local` (a path under `dir`) may be part of the repository: false only when the git
    // index of the checkout above it (format 2 or 3, whose entries hold full paths: git's
    // Documentation/gitformat-index.txt) holds no file under it, so an install put it there.
    bool committed(const std::filesystem::path& dir, const std::filesystem::path& local) {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::path root = dir;
        for (int hops = 0; hops < 64; ++hops) {
            std::error_code missing;
            if (fs::exists(fs::symlink_status(root / ".git", missing))) break;
            if (root == root.parent_path()) return true;  // no checkout: cannot tell
            root = root.parent_path();
        }
        if (!fs::is_directory(fs::symlink_status(root / ".git", ec))) return true;  // a worktree's or submodule's .git file
        auto [index, fresh] = m_git_index.try_emplace(root.string());
        if (fresh) index->second = read_limited((root / ".git" / "index").string(), std::size_t{256} << 20);
        const std::optional<std::string>& text = index->second;
        if (!text || text->size() < 12 || text->compare(0, 4, "DIRC") != 0) return true;
        const unsigned char version = static_cast<unsigned char>((*text)[7]);
        if ((*text)[4] != 0 || (*text)[5] != 0 || (*text)[6] != 0 || (version != 2 && version != 3)) return true;
        std::string prefix = local.lexically_relative(root).generic_string();
        if (prefix.empty() || prefix.starts_with("..")) return true;
        return text->find(prefix + "/") != std::string::npos || text->find(prefix + std::string(1, '\0')) != std::string::npos;
    }

    // Why a package of the workspace rooted at `root` takes `package`'s name (or cannot be told),
    // else "": every package.json below it outside node_modules, read once for its "name".
    std::string workspace_package(const std::filesystem::path& root, std::string_view package) {
        namespace fs = std::filesystem;
        auto [names, fresh] = m_workspaces.try_emplace(root.string());
        if (fresh) {
            std::error_code ec;
            std::size_t seen = 0;
            fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
            for (; !ec && it != end; it.increment(ec)) {
                if (++seen > 100000) {
                    names->second[""] = "the workspace at " + shown(root.string()) + " has too many files to tell which of its packages takes the name";
                    break;
                }
                const fs::path& p = it->path();
                std::error_code missing;
                const fs::file_status st = fs::symlink_status(p, missing);
                if (fs::is_directory(st) && (p.filename() == "node_modules" || p.filename() == ".git")) {
                    it.disable_recursion_pending();
                    continue;
                }
                if (p.filename() != "package.json" || !fs::is_regular_file(st) || p.parent_path() == root) continue;
                auto text = read_limited(p.string(), k_manifest_bytes);
                if (!text) {
                    names->second[""] = unread(p);
                    break;
                }
                std::vector<Token> t = lex_js(*text);
                for (std::size_t i = 0; i + 2 < t.size(); ++i) {
                    if (t[i].kind == TokenKind::String && t[i].string.value == "name" && punct(&t[i + 1], ":") &&
                        t[i + 2].kind == TokenKind::String) {
                        names->second.try_emplace(t[i + 2].string.value, shown(p.string()) + " is a workspace package named '" +
                                                                             shown(t[i + 2].string.value) +
                                                                             "': that code, not the package pgfence allowlists, loads under the name");
                        // every "name" key, nested ones too: more, never fewer
                    }
                }
            }
        }
        if (auto too_many = names->second.find(""); too_many != names->second.end()) return too_many->second;
        auto found = names->second.find(std::string(package));
        return found == names->second.end() ? std::string() : found->second;
    }

    // A manifest pgfence cannot read whole (past k_manifest_bytes, or unreadable) may map, patch or
    // take the package's name: what loads under it is not known (cap85's rule, here for reach).
    static std::string unread(const std::filesystem::path& file) {
        return shown(file.string()) + " is not read (unreadable, or over pgfence's limit of " + std::to_string(k_manifest_bytes >> 20) +
               " MiB): whether it maps, patches or takes the package's name is not known";
    }
    static constexpr std::size_t k_manifest_bytes = std::size_t{1} << 20;

    // A package.json (or pnpm-workspace.yaml) on the way up, read and lexed once for every package
    // name asked about: whether the file is there, its text when read whole, its tokens.
    struct Manifest {
        bool present = false;
        std::optional<std::string> text;
        std::vector<Token> tokens;
    };
    const Manifest& manifest_at(const std::filesystem::path& file, bool lex = true) {
        auto [at, fresh] = m_manifests.try_emplace(file.string());
        if (!fresh) return at->second;
        std::error_code missing;
        Manifest& m = at->second;
        m.present = std::filesystem::is_regular_file(std::filesystem::symlink_status(file, missing));
        if (m.present) m.text = read_limited(file.string(), k_manifest_bytes);
        if (m.text && lex) m.tokens = lex_js(*m.text);
        return m;
    }

    std::string_view m_text;
    std::string_view m_path;
    std::map<std::string, std::string, std::less<>> m_aliased;
    std::map<std::string, Manifest> m_manifests;  // a manifest's path: what manifest_at read
    std::map<std::string, std::map<std::string, std::string>> m_workspaces;  // root: package name -> why
    std::map<std::string, std::optional<std::string>> m_git_index;  // a checkout's root: its .git/index
    std::vector<Reach>& m_out;
    std::vector<std::pair<Token, std::string>>& m_files;
};

std::size_t line_at(std::string_view text, std::size_t offset) {
    auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size()));
    return 1 + static_cast<std::size_t>(std::count(text.begin(), end, '\n'));
}

bool script_file(std::string_view file) {
    static const std::string_view k_ext[] = {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".jsx", ".tsx"};
    return std::any_of(std::begin(k_ext), std::end(k_ext), [&](std::string_view e) { return file.ends_with(e); });
}

void function_spans(const Node& n, std::vector<std::pair<std::size_t, std::size_t>>& up,
                    std::vector<std::pair<std::size_t, std::size_t>>& down) {
    if (n.kind == NodeKind::Func && (n.name == "up" || n.name == "down")) {
        (n.name == "up" ? up : down).emplace_back(n.begin, n.end);
        return;
    }
    for (const Node& k : n.kids) function_spans(k, up, down);
}

}  // namespace

std::vector<Reach> script_reach(std::string_view text, const std::vector<Token>& tokens, std::string_view path, std::size_t budget) {
    std::vector<Reach> out;
    std::vector<std::pair<Token, std::string>> files;
    Scanner(text, path, out, files).scan(tokens, 0);
    // The repository files it imports run when it is loaded: read the same way, each once, their
    // findings at the migration's import naming the file and line.
    std::deque<Follow> queue;
    for (auto& [k, file] : files) queue.push_back({file, k.begin, k.end, k.string.value.empty() ? k.text : k.string.value, 1});
    std::set<std::string, std::less<>> seen;
    if (!path.empty()) seen.insert(std::string(path));
    std::size_t used = 0;
    while (!queue.empty()) {
        Follow f = std::move(queue.front());
        queue.pop_front();
        if (!seen.insert(f.file).second) continue;
        if (f.file.ends_with(".json")) continue;  // data
        auto fail = [&](const std::string& why) { out.push_back({f.begin, f.end, shown(f.spec), "'" + shown(f.spec) + "' " + why}); };
        if (!script_file(f.file)) {
            fail("loads " + shown(f.file) + ", which is not a JavaScript or TypeScript file (a native addon?): what it runs is not read");
            continue;
        }
        auto helper = used < budget ? read_limited(f.file, budget - used) : std::nullopt;
        if (!helper) {
            fail("(" + shown(f.file) + ") is not read: unreadable, or past pgfence's limit on the files a migration imports");
            continue;
        }
        used += helper->size();
        std::vector<Token> t = lex_js(*helper);
        if (!t.empty() && !t.back().unreadable.empty()) {
            fail("(" + shown(f.file) + " line " + std::to_string(line_at(*helper, t.back().begin)) + "): " + t.back().unreadable);
        }
        std::vector<Reach> found;
        std::vector<std::pair<Token, std::string>> nested;
        Scanner(*helper, f.file, found, nested).scan(t, 0);
        if (!found.empty()) {  // the first, and how many more: one unknown per import
            const Reach& r = found.front();
            fail("(" + shown(f.file) + " line " + std::to_string(line_at(*helper, r.begin)) + ", loaded when the migration is): " + r.why +
                 (found.size() > 1 ? " (and " + std::to_string(found.size() - 1) + " more in that file)" : std::string()));
        }
        if (f.depth >= 64) {  // a bound on the chain; the byte budget bounds the files
            if (!nested.empty()) fail("(" + shown(f.file) + ") imports files past pgfence's limit on following imports");
            continue;
        }
        for (auto& [k, file] : nested) queue.push_back({file, f.begin, f.end, f.spec, f.depth + 1});
    }
    std::stable_sort(out.begin(), out.end(), [](const Reach& a, const Reach& b) { return a.begin < b.begin; });
    return out;
}

// What the script reaches past the runner (reach.hpp), each an unknown statement at its line
// unless the walker already reported one there; what lies in the function not being read
// (down() when reading up) does not run.
void report_reach(const JsFile& file, std::string_view text, Emitter& emitter, Direction direction, std::string_view path,
                  std::size_t budget) {
    std::vector<std::pair<std::size_t, std::size_t>> up, down;
    for (const Node& n : file.statements) function_spans(n, up, down);
    auto inside = [](const auto& spans, std::size_t at) {
        return std::any_of(spans.begin(), spans.end(), [&](const auto& s) { return at >= s.first && at < s.second; });
    };
    bool saved = emitter.down;
    std::string context = std::move(emitter.context), via = std::move(emitter.via);
    emitter.context.clear();
    emitter.via.clear();
    // One unknown per line (`process.mainModule.require('pg')` is one way out, not three).
    std::vector<Reach> found = script_reach(text, file.tokens, path, budget);
    std::vector<Reach> kept;
    std::size_t line = 0, more = 0;
    std::size_t counted = 0, lines = 1;  // found is in offset order: the text is counted once
    auto line_of = [&](std::size_t at) {
        at = std::min(at, text.size());
        if (at > counted) lines += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        counted = std::max(counted, at);
        return lines;
    };
    for (Reach& r : found) {
        bool in_down = inside(down, r.begin), in_up = inside(up, r.begin);
        if ((in_down && direction == Direction::Up) || (in_up && direction == Direction::Down)) continue;
        if (emitter.unknown_at(r.begin)) continue;
        std::size_t at = line_of(r.begin);
        if (!kept.empty() && at == line) {
            ++more;
            continue;
        }
        if (more != 0) kept.back().why += " (and " + std::to_string(more) + " more on this line)";
        more = 0;
        line = at;
        kept.push_back(std::move(r));
    }
    if (more != 0) kept.back().why += " (and " + std::to_string(more) + " more on this line)";
    for (const Reach& r : kept) {
        bool in_down = inside(down, r.begin);
        Node where;
        where.kind = NodeKind::Ident;
        where.begin = r.begin;
        where.end = r.end;
        where.name = r.name;
        emitter.down = in_down;
        int index = emitter.add_call(where, r.name, false);
        emitter.unknown(where, index, r.why);
    }
    emitter.down = saved;
    emitter.context = std::move(context);
    emitter.via = std::move(via);
}


}  // namespace pgfence::analyze::orm
