#include "analyze/migrations/session_setup.hpp"

#include <array>
#include <cctype>

namespace pgfence::analyze::tools {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// What a line sets up, or "" when nothing. `l` is the line lower-cased; `pooled`: the file speaks
// of a connection pool (Knex's pool.afterCreate, not a Sequelize model's afterCreate hook).
std::string setup_of(std::string_view l, bool pooled) {
    if (l.find("standard_conforming_strings") != std::string_view::npos || l.find("standardconformingstrings") != std::string_view::npos ||
        l.find("standard-conforming-strings") != std::string_view::npos) {
        return "it sets standard_conforming_strings for the tool's connections: with it off, PostgreSQL reads a backslash in '...' as an "
               "escape, so a migration's text may run otherwise than pgfence parsed it (scan.l)";
    }
    if (l.find("pgoptions") != std::string_view::npos) {
        return "PGOPTIONS gives every libpq connection session settings before any migration runs (libpq's options: -c name=value)";
    }
    // libpq's `options` connection parameter (also ?options= in a URL, a driver's `options`):
    // the server reads "-c name=value" as a setting (postinit.c, pg_split_opts).
    if (std::size_t at = l.find("options"); at != std::string_view::npos) {
        const std::string_view rest = l.substr(at);
        for (std::string_view mark : {"-c ", "-c%20", "-c+", "%2dc", "'-c", "\"-c", "=-c"}) {
            if (rest.find(mark) != std::string_view::npos) {
                return "connection options set session settings (\"-c name=value\") for every migration the tool runs";
            }
        }
    }
    // Hooks that run on each new connection, each named as its library spells it.
    static constexpr std::array<std::string_view, 6> k_hooks = {
        "afterconnect",         // Sequelize: hooks.afterConnect(connection, config)
        "connection-init-sql",  // Spring Boot / HikariCP: spring.datasource.hikari.connection-init-sql
        "connectioninitsql",    // HikariCP's connectionInitSql, DBCP's connectionInitSqls
        "connection_init_sql",
        "initsql",              // Tomcat JDBC pool's initSQL
        "init-sql",
    };
    for (auto hook : k_hooks) {
        if (l.find(hook) != std::string_view::npos) {
            return "it runs SQL or code on each new connection of the tool (" + std::string(hook) +
                   ") before the migrations use it: what that sets or changes is not known";
        }
    }
    if (pooled && l.find("aftercreate") != std::string_view::npos) {  // Knex (tarn): pool.afterCreate(conn, done)
        return "the pool's afterCreate runs code, and SQL, on each new connection before the migrations use it: what that sets or "
               "changes is not known";
    }
    for (std::string_view key : {"client_encoding", "clientencoding", "client-encoding"}) {
        if (l.find(key) == std::string_view::npos) continue;
        if (l.find("utf8") != std::string_view::npos || l.find("utf-8") != std::string_view::npos || l.find("unicode") != std::string_view::npos) continue;
        return "it sets a client encoding other than UTF8 for the tool's connections: in some encodings a multibyte character can swallow "
               "the backslash before a quote, so a migration's text may run otherwise than pgfence parsed it";
    }
    return {};
}

}  // namespace

std::vector<SessionSetup> session_setup_settings(std::string_view text) {
    std::vector<SessionSetup> out;
    const bool pooled = text.find("pool") != std::string_view::npos;
    int line = 1;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos) end = text.size();
        // Each line once; a line over 4 KiB is read in its first 4 KiB (minified files: the cost
        // stays linear in the text).
        const std::string_view raw = text.substr(begin, std::min<std::size_t>(end - begin, 4096));
        if (std::string why = setup_of(lower(raw), pooled); !why.empty()) out.push_back(SessionSetup{line, std::move(why)});
        if (end == text.size()) break;
        begin = end + 1;
        ++line;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
