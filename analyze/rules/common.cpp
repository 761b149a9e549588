#include "analyze/rules/common.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::rules {

const LockFact* lock_on(const StatementFacts& statement, std::string_view relation) {
    for (const auto& l : statement.locks) {
        if (l.relation == relation) return &l;
    }
    return nullptr;
}

const LockFact* existing_lock(const StatementFacts& statement) {
    const LockFact* best = nullptr;
    for (const auto& l : statement.locks) {
        if (!l.is_new && (best == nullptr || l.mode > best->mode)) best = &l;
    }
    return best;
}

std::string describe_lock(const LockFact& lock) {
    std::string blocks = blocks_text(blocks_of(lock.mode));
    auto comma = blocks.rfind(", ");
    if (comma != std::string::npos) blocks.replace(comma, 2, " and ");
    return std::string(lock_mode_name(lock.mode)) + " lock on " + lock.relation + " (blocks " + blocks + ")";
}

bool blocks_traffic(const StatementFacts& statement) {
    Blocks b = statement.blocks();
    return b.reads || b.writes;
}

const TableEffect* effect_on(const std::vector<TableEffect>& effects, const std::string& relation) {
    for (const auto& e : effects) {
        if (e.relation == relation) return &e;
    }
    return nullptr;
}

std::optional<long> duration_ms(std::string_view value) {
    std::string v;
    for (char c : value) {
        if (c != '\'' && c != ' ') v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (v.empty()) return std::nullopt;
    char* end = nullptr;
    double number = std::strtod(v.c_str(), &end);
    if (end == v.c_str()) return std::nullopt;
    std::string unit(end);
    double factor = 1;
    if (unit.empty() || unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "min") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else if (unit == "d") factor = 86'400'000;
    else if (unit == "us") factor = 0.001;
    else return std::nullopt;
    return static_cast<long>(std::llround(number * factor));
}

std::size_t skip_token(std::string_view sql, std::size_t i) {
    // A '$' inside an identifier (a$b) is a letter of it, never the start of a dollar quote.
    if (sql[i] == '$' && i > 0 && is_ident_cont(sql[i - 1])) return i;
    Token t = token_at(sql, i);
    return t.is_opaque() ? t.end : i;
}

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return std::string(text);
}

std::string comment_lines(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        out += line.empty() ? "--" : "-- " + std::string(line);
        if (nl == std::string_view::npos) break;
        out += '\n';
        pos = nl + 1;
    }
    return out;
}

bool keyword_at(std::string_view sql, std::size_t i, std::string_view kw) {
    if (i + kw.size() > sql.size()) return false;
    if (i > 0 && is_ident_cont(sql[i - 1])) return false;
    if (i + kw.size() < sql.size() && is_ident_cont(sql[i + kw.size()])) return false;
    for (std::size_t k = 0; k < kw.size(); ++k) {
        if (std::toupper(static_cast<unsigned char>(sql[i + k])) != kw[k]) return false;
    }
    return true;
}

std::size_t find_keyword(std::string_view sql, std::size_t from, std::size_t to, std::string_view kw) {
    int depth = 0;
    Tokenizer tokens(sql, from, to);
    for (Token t; tokens.next(t);) {
        if (t.is_symbol(sql, '(')) ++depth;
        else if (t.is_symbol(sql, ')')) --depth;
        else if (depth == 0 && t.kind == TokenKind::Word && keyword_at(sql, t.begin, kw)) return t.begin;
    }
    return std::string_view::npos;
}

Range group_at(std::string_view sql, std::size_t from) {
    int depth = 0;
    Tokenizer tokens(sql, from);
    for (Token t; tokens.next(t);) {
        if (t.is_symbol(sql, '(')) {
            if (depth++ == 0) from = t.begin;
        } else if (t.is_symbol(sql, ')') && depth > 0 && --depth == 0) {
            return Range{from, t.end};
        }
    }
    return Range{};
}

std::string insert_after_keyword(std::string_view sql, std::string_view after, std::string_view word) {
    Tokenizer tokens(sql);
    for (Token t; tokens.next(t);) {
        if (t.kind == TokenKind::Word && keyword_at(sql, t.begin, after)) {
            std::size_t at = t.begin + after.size();
            // Already there (ON ONLY, INDEX IF NOT EXISTS as written): nothing to add.
            std::size_t next = sql.find_first_not_of(" \t\r\n", at);
            if (next != std::string_view::npos && sql.size() - next >= word.size()) {
                bool same = true;
                for (std::size_t i = 0; i < word.size() && same; ++i) {
                    same = std::toupper(static_cast<unsigned char>(sql[next + i])) == std::toupper(static_cast<unsigned char>(word[i]));
                }
                if (same) return std::string(sql);
            }
            return std::string(sql.substr(0, at)) + " " + std::string(word) + std::string(sql.substr(at));
        }
    }
    return std::string(sql);
}

std::string parenthesised(std::string_view sql, std::size_t from) {
    Range group = group_at(sql, from);
    return group.found() ? std::string(sql.substr(group.begin, group.end - group.begin)) : std::string();
}

std::string column_list(const List* names) {
    std::string out;
    for (const String* n : pg::each<String>(names)) {
        if (!out.empty()) out += ", ";
        out += quote_ident(pg::text(n->sval));
    }
    return out;
}

std::string leading_names(const List* names, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        if (!out.empty()) out += ".";
        out += quote_ident(pg::text(pg::nth(names, i)));
    }
    return out;
}

std::string file_runner(const FileReport& file) {
    return file.source_kind != "sql" ? file.source_kind : std::string(tool_name(file.tool));
}

std::string no_transaction_fix(const FileReport& file, Transaction where) {
    switch (file.tool) {
        case MigrationTool::Goose: return "add `-- +goose NO TRANSACTION` at the top of the file, and keep this statement in a migration of its own";
        case MigrationTool::Dbmate:
            return file.one_query ? "split the migration: this statement in a migration of its own whose up section is `-- migrate:up transaction:false` (dbmate sends a section as one query, so a section of several statements runs in one transaction all the same)"
                                  : "write the up section as `-- migrate:up transaction:false`, with this statement in a migration of its own";
        case MigrationTool::Diesel:
            return file.one_query ? "split the migration: this statement in a migration of its own, with `run_in_transaction = false` in its metadata.toml (diesel sends a file as one query, so a file of several statements runs in one transaction all the same)"
                                  : "put `run_in_transaction = false` in the migration's metadata.toml, with this statement in a migration of its own";
        case MigrationTool::Prisma: return "move this statement into a migration folder of its own, whose migration.sql holds only this statement (Prisma sends migration.sql as one query, so a file of several statements runs in one transaction)";
        case MigrationTool::Flyway:
            // Flyway runs a script whose every statement is one it cannot run in a transaction
            // without one (flyway-core ParserSqlScript.executeInTransaction); from Flyway 9.1.2 its
            // default flyway.postgresql.transactional.lock holds pg_try_advisory_xact_lock in an
            // open transaction for the whole migrate (PostgreSQLAdvisoryLockTemplate.execute), which
            // a CONCURRENTLY build waits for forever (flyway/flyway#3497, #3682).
            return "move this statement into a migration of its own with `executeInTransaction=false` in its script configuration "
                   "file (without it Flyway runs a migration holding only CREATE or DROP INDEX CONCURRENTLY, VACUUM and a few "
                   "others outside a transaction by itself, but not REINDEX ... CONCURRENTLY); on Flyway 9.1.2 and later set "
                   "flyway.postgresql.transactional.lock=false, or a CONCURRENTLY build waits forever for the transaction that "
                   "holds Flyway's lock";
        case MigrationTool::Drizzle: return "run this statement outside Drizzle's migrator (its migrations always run in a transaction)";
        case MigrationTool::Sqlx:
            return file.one_query ? "split the migration: this statement in a migration of its own that starts with `-- no-transaction` (sqlx sends a file as one query, so a file of several statements runs in one transaction all the same)"
                                  : "start the file with `-- no-transaction` (its first bytes), with this statement in a migration of its own";
        case MigrationTool::GolangMigrate: {
            std::string fix = "move this statement into a migration of its own, whose .up.sql holds only this statement (golang-migrate sends a file as one query, so a file of several statements runs in one transaction)";
            // x-multi-statement=true also cuts at every `;` inside comments and quotes (golang-migrate
            // database/multistmt/parse.go): advised only with that caveat (red team R68 B1).
            if (where == Transaction::Implicit) {
                fix += "; `x-multi-statement=true` in the database URL also sends each statement by itself, but then golang-migrate cuts "
                       "every migration at each `;` byte, inside comments, strings and function bodies too, so it suits only files "
                       "with no `;` but the statements' own";
            }
            return fix;
        }
        case MigrationTool::Pop: return "run this statement outside pop's migrator (it runs every migration in a transaction)";
        case MigrationTool::Popx:
            return file.one_query ? "split the migration: this statement in a `.autocommit.up.sql` file of its own (popx sends a file as one query, so a file of several statements runs in one transaction all the same)"
                                  : "move this statement into a migration of its own named `<version>_<name>.autocommit.up.sql`, which popx runs outside a transaction";
        case MigrationTool::NodePgMigrate: return "write this migration in JavaScript with `pgm.noTransaction()` (SQL migrations always run in a transaction)";
        case MigrationTool::Synapse: return "run this statement from a Python delta file or a background update (SQL delta files run in a transaction)";
        case MigrationTool::Plain: break;
    }
    return "move this statement out of the BEGIN ... COMMIT block, into a migration of its own";
}

std::string role_list(const List* roles) {
    std::string out;
    for (const RoleSpec* r : pg::each<RoleSpec>(roles)) {
        std::string name = r->roletype == ROLESPEC_CSTRING ? quote_ident(pg::text(r->rolename))
                           : r->roletype == ROLESPEC_PUBLIC ? std::string("PUBLIC")
                                                            : std::string("the current role");
        out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

}  // namespace pgfence::analyze::rules
