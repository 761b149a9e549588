// Which modules a helper file may load without making the migration that imports it unknown
// (reach.hpp helper_module_harmless). Stranger review 86, class F: codimd's
// lib/migrations/20150915153700-change-notes-title-to-text.js takes isSQLite from lib/utils.js,
// which also loads fs, path, body-parser and mime-types for the web app. A migration's own loads
// stay allowlisted (allowed_module); a helper's are judged by what they can reach: a module that
// is a way to a database, a program, the network, other code or the files is still unknown.
#include <algorithm>
#include <array>
#include <cctype>

#include "analyze/orm/reach.hpp"

namespace pgfence::analyze::orm {

bool helper_module_harmless(std::string_view module, bool writes_files) {
    if (module.starts_with("node:")) module.remove_prefix(5);
    std::string name(module);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // fs only to read (existsSync, readFileSync): what it reads reaches the database only through
    // a call the migration makes, read there; `pgfence pr` counts the reads as loads
    // (load_paths.hpp unnamed_file_reads). A helper that may write a file (another migration,
    // a module loaded later) is unknown.
    if (name == "fs" || name == "fs/promises") return !writes_files;
    // Words of a name that say it may reach a database, a program, the network, code or files.
    static constexpr std::array<std::string_view, 17> k_inside = {
        "postgres", "sql", "mongo", "redis", "prisma", "sequelize", "typeorm", "knex", "drizzle", "kysely", "migrat", "spawn",
        "exec", "shell", "fetch", "http", "socket"};
    for (std::string_view w : k_inside) {
        if (name.find(w) != std::string::npos) return false;
    }
    static constexpr std::array<std::string_view, 46> k_parts = {
        "pg", "db", "orm", "fs", "net", "tls", "dgram", "dns", "request", "client", "pool", "query", "worker", "worker_threads",
        "vm", "process", "child", "child_process", "cluster", "module", "inspector", "repl", "v8", "wasi", "file", "files",
        "database", "conn", "connect", "connection", "axios", "got", "undici", "ws", "zx", "execa", "needle", "ky", "superagent",
        "tedious", "oracledb", "mariadb", "slonik", "massive", "umzug", "postgrator"};
    std::size_t at = 0;
    while (at <= name.size()) {
        std::size_t end = name.find_first_of("-_./@", at);
        if (end == std::string::npos) end = name.size();
        const std::string_view part = std::string_view(name).substr(at, end - at);
        if (std::find(k_parts.begin(), k_parts.end(), part) != k_parts.end()) return false;
        at = end + 1;
    }
    return true;
}

bool writes_files(const std::vector<Token>& tokens) {
    // fs's calls that change the disk (nodejs.org/api/fs.html), as names or strings (`fs["rm"]`).
    static constexpr std::array<std::string_view, 16> k_prefixes = {"write", "append", "copy", "cp", "rename", "rm", "unlink", "mkdir",
                                                                  "symlink", "link", "truncate", "chmod", "chown", "utimes",
                                                                  "createWriteStream", "open"};
    for (const Token& t : tokens) {
        if (t.kind != TokenKind::Ident && t.kind != TokenKind::String) continue;
        const std::string& w = t.kind == TokenKind::Ident ? t.text : t.string.value;
        for (std::string_view p : k_prefixes) {
            if (w.starts_with(p)) return true;
        }
        if (w == "promises" || w == "lchown" || w == "lchmod" || w == "lutimes" || w == "futimes" || w == "ftruncate") return true;
    }
    return false;
}

}  // namespace pgfence::analyze::orm
