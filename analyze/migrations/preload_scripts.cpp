// Which package.json scripts a preload matters in (preload_scripts.hpp).
#include "analyze/migrations/preload_scripts.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

struct Script {
    std::string name, command;
    int line = 1;
    bool counted = false;
};

// Whether a command runs a migration tool (deploy_detail::tool_word of a word).
bool runs_tool(std::string_view command) {
    static const std::set<std::string, std::less<>> k_tools = {"knex", "sequelize", "node-pg-migrate", "typeorm", "db-migrate", "graphile-migrate",
                                                               "prisma", "mikro-orm", "umzug", "drizzle-kit", "kysely", "migrate"};
    for (const auto& words : deploy_detail::simple_commands(command)) {
        for (const std::string& w : words) {
            if (k_tools.contains(deploy_detail::tool_word(w))) return true;
        }
    }
    return false;
}

}  // namespace

std::set<int> quiet_script_lines(std::string_view text) {
    const std::vector<orm::Token> t = orm::lex_js(text);
    const auto punct = [&](std::size_t i, std::string_view p) { return i < t.size() && t[i].kind == orm::TokenKind::Punct && t[i].text == p; };
    const auto string_at = [&](std::size_t i) { return i < t.size() && t[i].kind == orm::TokenKind::String && !t[i].unterminated; };
    std::vector<int> line_of(t.size(), 1);
    {
        int line = 1;
        std::size_t counted = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
            line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted), text.begin() + static_cast<std::ptrdiff_t>(t[i].begin), '\n'));
            counted = t[i].begin;
            line_of[i] = line;
        }
    }
    // The top level's "scripts": { "name": "command", ... }, its pairs all plain strings.
    std::vector<Script> scripts;
    std::vector<int> other_lines;  // lines of every other string
    int depth = 0;
    std::size_t scripts_open = t.size();
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (punct(i, "{") || punct(i, "[")) {
            ++depth;
            if (depth == 2 && i >= 2 && punct(i - 1, ":") && string_at(i - 2) && t[i - 2].string.value == "scripts" && punct(i, "{")) scripts_open = i;
            continue;
        }
        if (punct(i, "}") || punct(i, "]")) {
            if (depth-- == 2) scripts_open = t.size();
            continue;
        }
        if (!string_at(i)) continue;
        const bool in_scripts = scripts_open < t.size() && depth == 2;
        if (in_scripts && punct(i + 1, ":") && string_at(i + 2) && (punct(i + 3, ",") || punct(i + 3, "}"))) {
            scripts.push_back(Script{t[i].string.value, t[i + 2].string.value, line_of[i + 2]});
            i += 2;
            continue;
        }
        other_lines.push_back(line_of[i]);
    }
    // Counted: a deploy's step by name, or a command of the migration tool; then what they name
    // (`npm run db:x`, `yarn db:x`: a word equal to a script's name) and their pre/post scripts.
    std::map<std::string, std::size_t, std::less<>> by_name;
    for (std::size_t k = 0; k < scripts.size(); ++k) by_name.emplace(scripts[k].name, k);
    std::vector<std::size_t> work;
    for (std::size_t k = 0; k < scripts.size(); ++k) {
        // A developer's `db:rollback` is as deploy_command_unknowns reads it: a deploy that runs it
        // is unknown at that line.
        if (deploy_detail::deploy_task_name(scripts[k].name) || (!deploy_detail::helper_task_name(scripts[k].name) && runs_tool(scripts[k].command))) {
            scripts[k].counted = true;
            work.push_back(k);
        }
    }
    while (!work.empty()) {
        const Script s = scripts[work.back()];
        work.pop_back();
        auto count = [&](std::string_view name) {
            auto it = by_name.find(name);
            if (it == by_name.end() || scripts[it->second].counted) return;
            scripts[it->second].counted = true;
            work.push_back(it->second);
        };
        count("pre" + s.name);
        count("post" + s.name);
        for (const auto& words : deploy_detail::simple_commands(s.command)) {
            for (const std::string& w : words) count(w);
        }
    }
    std::set<int> quiet, loud;
    for (const Script& s : scripts) (s.counted ? loud : quiet).insert(s.line);
    for (int l : other_lines) loud.insert(l);
    for (int l : loud) quiet.erase(l);
    return quiet;
}

}  // namespace pgfence::analyze::tools
