#include "analyze/rules/common.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "analyze/splitter.hpp"

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

namespace {

bool keyword_at(std::string_view sql, std::size_t i, std::string_view kw) {
    if (i + kw.size() > sql.size()) return false;
    for (std::size_t k = 0; k < kw.size(); ++k) {
        if (std::toupper(static_cast<unsigned char>(sql[i + k])) != kw[k]) return false;
    }
    auto boundary = [&](std::size_t p) {
        return p >= sql.size() || !(std::isalnum(static_cast<unsigned char>(sql[p])) || sql[p] == '_');
    };
    return (i == 0 || boundary(i - 1)) && boundary(i + kw.size());
}

// Skips a quoted string or identifier starting at i; returns the index after it.
std::size_t skip_quote(std::string_view sql, std::size_t i) {
    char q = sql[i];
    for (++i; i < sql.size(); ++i) {
        if (sql[i] == q) {
            if (i + 1 < sql.size() && sql[i + 1] == q) { ++i; continue; }
            return i + 1;
        }
    }
    return sql.size();
}

}  // namespace

std::string insert_after_keyword(std::string_view sql, std::string_view after, std::string_view word) {
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '\'' || sql[i] == '"') { i = skip_quote(sql, i) - 1; continue; }
        if (keyword_at(sql, i, after)) {
            std::size_t at = i + after.size();
            return std::string(sql.substr(0, at)) + " " + std::string(word) + std::string(sql.substr(at));
        }
    }
    return std::string(sql);
}

std::string parenthesised(std::string_view sql, std::size_t from) {
    std::size_t open = sql.find('(', from);
    if (open == std::string_view::npos) return {};
    int depth = 0;
    for (std::size_t i = open; i < sql.size(); ++i) {
        if (sql[i] == '\'' || sql[i] == '"') { i = skip_quote(sql, i) - 1; continue; }
        if (sql[i] == '(') ++depth;
        if (sql[i] == ')' && --depth == 0) return std::string(sql.substr(open, i - open + 1));
    }
    return {};
}

std::string column_list(const Node& names) {
    std::string out;
    for (const auto& n : names) {
        if (!n.contains("String")) continue;
        if (!out.empty()) out += ", ";
        out += quote_ident(n["String"].value("sval", std::string()));
    }
    return out;
}

std::string no_transaction_fix(const FileReport& file) {
    switch (file.tool) {
        case MigrationTool::Goose: return "add `-- +goose NO TRANSACTION` at the top of the file, and keep this statement in a migration of its own";
        case MigrationTool::Dbmate: return "write the up section as `-- migrate:up transaction:false`, with this statement in a migration of its own";
        case MigrationTool::Diesel: return "put `run_in_transaction = false` in the migration's metadata.toml, with this statement in a migration of its own";
        case MigrationTool::Prisma: return "move this statement into a migration.sql of its own: a single statement is not wrapped in a transaction";
        case MigrationTool::Flyway: return "move this statement into a migration of its own with `executeInTransaction=false` in its script configuration file";
        case MigrationTool::Drizzle: return "run this statement outside Drizzle's migrator (its migrations always run in a transaction)";
        case MigrationTool::Plain: break;
    }
    return "move this statement out of the BEGIN ... COMMIT block, into a migration of its own";
}

}  // namespace pgfence::analyze::rules
