#pragma once
// Settings that make the migration tool's connections run under session settings, or run SQL,
// before any migration does: libpq's `options` ("-c standard_conforming_strings=off") in a
// connection string or a driver's options (Django's OPTIONS, SQLAlchemy's connect_args, TypeORM's
// extra), PGOPTIONS, a pool's hook on each new connection (Knex's pool.afterCreate, Sequelize's
// afterConnect, HikariCP's connection-init-sql), a client encoding other than UTF8. pgfence parses every migration as
// PostgreSQL does under its defaults and sees none of that SQL: each such line of a settings file is
// an unknown statement (a person reviews what it sets), in analyze for the tool's settings files and
// in pr for a line a pull request adds or changes.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct SessionSetup {
    int line = 1;
    std::string why;  // printable
};

// The lines of `text` that set up the tool's sessions, one entry per line, in order.
// With `path` a shell script's (.sh, .bash, or a `#!` line naming sh or bash), a line that is a
// comment (`# usage: initPG $Dir $initSql`) is no setting: the shell runs none of it.
[[nodiscard]] std::vector<SessionSetup> session_setup_settings(std::string_view text, std::string_view path = {});

}  // namespace pgfence::analyze::tools
