#include "analyze/model/function_uses.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "analyze/model/function_attach.hpp"

namespace pgfence::analyze {

std::vector<std::string> called_names(const std::string& text) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto word_char = [](unsigned char c) { return std::isalnum(c) != 0 || c == '_' || c == '$' || c >= 0x80; };
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        std::string word;
        if (c == '"') {
            std::size_t end = i + 1;
            while (end < text.size()) {
                if (text[end] == '"' && (end + 1 >= text.size() || text[end + 1] != '"')) break;
                word += text[end];
                end += text[end] == '"' ? 2 : 1;
            }
            i = end + 1;
        } else if (std::isalpha(c) != 0 || c == '_' || c >= 0x80) {
            std::size_t end = i;
            while (end < text.size() && word_char(static_cast<unsigned char>(text[end]))) {
                word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[end])));
                ++end;
            }
            i = end;
        } else {
            ++i;
            continue;
        }
        std::size_t next = i;
        while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next])) != 0) ++next;
        if (next < text.size() && text[next] == '(' && seen.insert(word).second) out.push_back(word);
    }
    return out;
}

const ObjectWithArgs* altered_function(const pg::Node* stmt, std::string& change) {
    auto is_function = [](ObjectType t) { return t == OBJECT_FUNCTION || t == OBJECT_PROCEDURE || t == OBJECT_ROUTINE; };
    const ObjectWithArgs* o = nullptr;
    if (const AlterFunctionStmt* alter = pg::as<AlterFunctionStmt>(stmt)) {
        for (const DefElem* d : pg::each<DefElem>(alter->actions)) {
            const std::string_view option = pg::text(d->defname);
            if (option == "cost" || option == "rows" || option == "parallel" || option == "support") continue;
            std::string shown(option);
            for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            change = "ALTER FUNCTION ... " + shown;
            o = alter->func;
        }
    } else if (const RenameStmt* rename = pg::as<RenameStmt>(stmt); rename != nullptr && is_function(rename->renameType)) {
        change = "RENAME";
        o = pg::as<ObjectWithArgs>(rename->object);
    } else if (const AlterOwnerStmt* owner = pg::as<AlterOwnerStmt>(stmt); owner != nullptr && is_function(owner->objectType)) {
        change = "OWNER TO";
        o = pg::as<ObjectWithArgs>(owner->object);
    } else if (const AlterObjectSchemaStmt* moved = pg::as<AlterObjectSchemaStmt>(stmt); moved != nullptr && is_function(moved->objectType)) {
        change = "SET SCHEMA";
        o = pg::as<ObjectWithArgs>(moved->object);
    }
    return o != nullptr && pg::length(o->objname) > 0 ? o : nullptr;
}

std::vector<std::string> FunctionUses::of(const Catalog& catalog, const std::string& name, const std::string& schema) {
    std::vector<std::string> out = standing_uses(catalog, name, schema);
    if (const auto* uses = catalog.object_uses(name)) {
        for (const std::string& via : *uses) {
            if (out.size() >= k_max) return out;
            out.push_back(via);
        }
    }
    const auto& added = catalog.functions_added();
    const std::size_t existing = std::min(catalog.functions_existing(), added.size());
    for (; m_indexed < existing; ++m_indexed) {
        for (const std::string& called : called_names(added[m_indexed]->definition)) m_callers[called].push_back(added[m_indexed]);
    }
    auto callers = m_callers.find(name);
    if (callers == m_callers.end()) return out;
    std::set<std::string> named;
    for (const auto& caller : callers->second) {
        if (caller->name == name) continue;  // its own earlier body (a recursive call, its header)
        const std::string shown = (caller->schema.empty() ? "" : caller->schema + ".") + caller->name + "()";
        if (!named.insert(shown).second) continue;
        if (out.size() >= k_max) return out;
        // How the first few callers are reached (each look-up goes through every relation).
        std::vector<std::string> reached = named.size() <= 3 ? standing_uses(catalog, caller->name, caller->schema) : std::vector<std::string>{};
        out.push_back("function " + shown + ", which calls " + name + "() and runs " +
                      (reached.empty() ? "wherever it is called" : "as the " + reached.front()));
    }
    return out;
}

}  // namespace pgfence::analyze
