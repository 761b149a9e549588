// Whether a migration of node-pg-migrate's folder may define type shorthands. The runner
// (node-pg-migrate 6.2.2 dist/runner.js loadMigrations, 7.x the same) gathers every migration's
// `exports.shorthands` in the folder's order, `shorthands = { ...shorthands, ...actions.shorthands }`,
// and hands each migration those of the files before it and its own; applyType
// (dist/utils.js) then replaces a column type named like one. With none defined anywhere in the
// folder, a type that is not built in is written as given: an enum of createType, a domain
// (ordinals-api's `transfer_type`, stranger review 88 F).
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include "analyze/base/regular_file.hpp"
#include "analyze/orm/node_pg_migrate.hpp"

namespace pgfence::analyze::orm {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Each `shorthands` in the text is `shorthands = undefined` or `shorthands: <a type on one line>
// = undefined` (ordinals-api's `export const shorthands: ColumnDefinitions | undefined = undefined`).
// Anything else, a comment or a string included, may define some; so may exports the text does not
// spell: `export * from`, `module.exports = <not an object literal>` (another module's exports), a
// spread into them, Object.assign or defineProperty, `exports[<key>]`.
bool defines_none(std::string_view text) {
    for (std::string_view form : {"export *", "Object.assign", "defineProperty", "exports[", "exports ["}) {
        if (text.find(form) != std::string_view::npos) return false;
    }
    for (std::size_t at = text.find("module.exports"); at != std::string_view::npos; at = text.find("module.exports", at + 1)) {
        std::size_t j = at + 14;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j < text.size() && text[j] == '=' && (j + 1 >= text.size() || text[j + 1] != '=')) {
            ++j;
            while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
            if (j >= text.size() || text[j] != '{' || text.find("...") != std::string_view::npos) return false;
        }
    }
    constexpr std::string_view k_word = "shorthands";
    for (std::size_t at = text.find(k_word); at != std::string_view::npos; at = text.find(k_word, at + 1)) {
        if (at > 0 && name_char(text[at - 1])) continue;  // `myshorthands`
        std::size_t j = at + k_word.size();
        if (j < text.size() && name_char(text[j])) continue;
        auto blanks = [&] {
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        };
        blanks();
        if (j < text.size() && text[j] == ':') {
            const std::size_t eq = text.find('=', j);
            if (eq == std::string_view::npos || eq - j > 200) return false;
            for (std::size_t k = j + 1; k < eq; ++k) {
                const char c = text[k];
                if (!(name_char(c) || c == ' ' || c == '\t' || c == '|' || c == '.' || c == '<' || c == '>' || c == ',')) return false;
            }
            j = eq;
        }
        if (j >= text.size() || text[j] != '=' || (j + 1 < text.size() && (text[j + 1] == '=' || text[j + 1] == '>'))) return false;
        ++j;
        blanks();
        constexpr std::string_view k_undefined = "undefined";
        if (text.substr(j, k_undefined.size()) != k_undefined) return false;
        j += k_undefined.size();
        if (j < text.size() && name_char(text[j])) return false;
    }
    return true;
}

}  // namespace

bool npgm_folder_without_shorthands(std::string_view script_path) {
    namespace fs = std::filesystem;
    if (script_path.empty()) return false;
    std::error_code ec;
    const fs::path dir = fs::path(script_path).parent_path();
    const std::string key = fs::absolute(dir.empty() ? fs::path(".") : dir, ec).lexically_normal().string();
    if (ec) return false;
    static std::mutex lock;
    static std::map<std::string, bool> known;  // by folder: each folder's files are read once
    {
        std::lock_guard<std::mutex> held(lock);
        if (auto it = known.find(key); it != known.end()) return it->second;
    }
    bool none = true;
    std::size_t files = 0;
    for (fs::directory_iterator it(key, ec), end; none && !ec && it != end; it.increment(ec)) {
        std::error_code kind;
        if (it->is_directory(kind)) continue;  // the runner reads the folder, not those below it
        // A folder too large, or a file pgfence cannot read whole: it may define some.
        if (++files > 20000) {
            none = false;
            break;
        }
        auto text = read_regular_file(it->path().string(), 4 * 1024 * 1024, "a migration");
        none = text && defines_none(*text);
    }
    if (ec) none = false;
    std::lock_guard<std::mutex> held(lock);
    return known[key] = none;
}

}  // namespace pgfence::analyze::orm
