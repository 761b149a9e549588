#include "analyze/orm/script_tools.hpp"

#include <array>
#include <cstddef>

namespace pgfence::analyze::orm {
namespace {

constexpr std::array<ScriptTool, 4> k_tools{{
    {"typeorm", "TypeORM", "queryRunner", ".query", true, true},
    {"knex", "Knex", "knex", ".raw", true, true},
    {"sequelize", "Sequelize", "queryInterface", ".sequelize.query", false, false},
    {"db-migrate", "db-migrate", "db", ".runSql", true, false},
}};

}  // namespace

const ScriptTool* script_tool(std::string_view source_kind) {
    for (const ScriptTool& t : k_tools) {
        if (t.kind == source_kind) return &t;
    }
    return nullptr;
}

std::string raw_call(const ScriptTool& tool, std::string_view receiver) {
    return std::string(receiver.empty() ? tool.receiver : receiver) + std::string(tool.raw);
}

std::string knex_no_transaction(std::string_view form) {
    if (form == "esm") return "export const config = { transaction: false }";
    if (form == "esm-default") return "config: { transaction: false }";
    // Not `exports.config`: after `module.exports = { up, down }` that names the old object.
    return "module.exports.config = { transaction: false }";
}

std::string js_string(std::string_view text) {
    std::size_t doubles = 0, singles = 0;
    for (char c : text) {
        doubles += c == '"';
        singles += c == '\'';
    }
    const char quote = doubles <= singles ? '"' : '\'';
    std::string out(1, quote);
    for (char c : text) {
        if (c == quote || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + quote;
}

}  // namespace pgfence::analyze::orm
