#include "analyze/model/function_uses.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <unordered_map>

#include "analyze/model/function_attach.hpp"

namespace pgfence::analyze {

namespace {
std::vector<std::string> read_called_names(const std::string& text);
}  // namespace

std::vector<std::string> called_names(const std::string& text) {
    // The same texts are read again and again: a trigger's or called function's definition for
    // every file after the one that made it (builtin_effect_of, per file), a body statement for
    // every statement that runs it. The names depend on the text only: kept by text on this
    // thread, up to k_kept_bytes of texts, then all let go. Short texts are read, not looked up.
    constexpr std::size_t k_short = 64;
    constexpr std::size_t k_kept_bytes = std::size_t{8} << 20;
    if (text.size() < k_short) return read_called_names(text);
    thread_local std::unordered_map<std::string, std::vector<std::string>> kept;
    thread_local std::size_t kept_bytes = 0;
    if (auto it = kept.find(text); it != kept.end()) return it->second;
    std::vector<std::string> names = read_called_names(text);
    if (kept_bytes + text.size() > k_kept_bytes) {
        kept.clear();
        kept_bytes = 0;
    }
    kept_bytes += text.size();
    kept.emplace(text, names);
    return names;
}

namespace {
std::vector<std::string> read_called_names(const std::string& text) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    // The C locale's classes (pgfence never sets another), inline: this reads every byte of
    // every body a run follows.
    auto alpha = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto word_char = [&](unsigned char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80; };
    auto space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    const std::size_t size = text.size();
    std::size_t i = 0;
    std::string word;
    while (i < size) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        word.clear();
        if (c == '"') {
            std::size_t end = i + 1;
            while (end < size) {
                if (text[end] == '"' && (end + 1 >= size || text[end + 1] != '"')) break;
                word += text[end];
                end += text[end] == '"' ? 2 : 1;
            }
            i = end + 1;
        } else if (alpha(c) || c == '_' || c >= 0x80) {
            std::size_t end = i;
            while (end < size && word_char(static_cast<unsigned char>(text[end]))) ++end;
            word.assign(text, i, end - i);
            for (char& ch : word) {
                if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            }
            i = end;
        } else {
            ++i;
            continue;
        }
        std::size_t next = i;
        // Blanks and comments (block comments nest, scan.l) may stand between a name and its '('
        // (red team I1 SB_COMMENT: `pg_terminate_backend/**/(pg_backend_pid())` runs the call).
        for (;;) {
            while (next < size && space(static_cast<unsigned char>(text[next]))) ++next;
            if (text.compare(next, 2, "/*") == 0) {
                std::size_t depth = 1;
                next += 2;
                while (next < size && depth > 0) {
                    if (text.compare(next, 2, "/*") == 0) ++depth, next += 2;
                    else if (text.compare(next, 2, "*/") == 0) --depth, next += 2;
                    else ++next;
                }
                continue;
            }
            if (text.compare(next, 2, "--") == 0) {
                while (next < size && text[next] != '\n') ++next;
                continue;
            }
            break;
        }
        if (next < size && text[next] == '(' && seen.insert(word).second) out.push_back(word);
    }
    return out;
}
}  // namespace

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

namespace {

// The names each earlier migration's function calls, read from its definition once per process.
// A chained run copies the catalog for every file, but the copies share each FunctionInfo (the
// catalog holds them by shared_ptr), so a function made in file 3 is the same object in the
// catalogs of files 4 to 4,000: reading its definition again for every file that creates or
// alters a function made a history's cost grow with files x functions (9% of a corpus run in
// called_names). Keyed by address and checked by owner through a weak_ptr: a function freed and
// another made at its address is read again. Entries of freed functions are dropped when the
// memo has doubled since it was last pruned (the LSP replays histories for as long as it runs).
struct CalledBy {
    std::weak_ptr<const FunctionInfo> function;
    std::vector<std::string> names;
};
std::mutex g_called_mutex;
std::unordered_map<const FunctionInfo*, CalledBy> g_called;
// The other way round: by each name, the functions whose definition calls it, in the order they
// were read. A catalog's functions are read in their order (Catalog::functions_added), each
// after those before it, so when one of them is read all before it are (a catalog copies the
// list and appends: a function at a place is the same object in every copy that has it).
std::unordered_map<std::string, std::vector<std::weak_ptr<const FunctionInfo>>> g_callers;
std::size_t g_called_prune_at = 1024;

// Whether `function` has been read (its entry is this object's); g_called_mutex held.
bool was_read(const std::shared_ptr<const FunctionInfo>& function) {
    auto hit = g_called.find(function.get());
    return hit != g_called.end() && !hit->second.function.owner_before(function) && !function.owner_before(hit->second.function);
}

// Reads `function`'s definition into g_called and g_callers; g_called_mutex held.
void read_calls(const std::shared_ptr<const FunctionInfo>& function) {
    if (!g_called.contains(function.get()) && g_called.size() >= g_called_prune_at) {
        std::erase_if(g_called, [](const auto& entry) { return entry.second.function.expired(); });
        for (auto& [name, callers] : g_callers) {
            std::erase_if(callers, [](const std::weak_ptr<const FunctionInfo>& f) { return f.expired(); });
        }
        std::erase_if(g_callers, [](const auto& entry) { return entry.second.empty(); });
        g_called_prune_at = std::max<std::size_t>(1024, 2 * g_called.size());
    }
    std::vector<std::string> names = called_names(function->definition);
    for (const std::string& name : names) g_callers[name].push_back(function);
    g_called.insert_or_assign(function.get(), CalledBy{function, std::move(names)});
}

}  // namespace

std::vector<std::string> FunctionUses::of(const Catalog& catalog, const std::string& name, const std::string& schema) {
    std::vector<std::string> out = standing_uses(catalog, name, schema);
    if (const auto* uses = catalog.object_uses(name)) {
        for (const std::string& via : *uses) {
            if (out.size() >= k_max) return out;
            // A domain's DEFAULT already named by a table whose column takes it ("DEFAULT of domain
            // d on t.c", function_attach.cpp): the table's entry says more.
            const std::size_t comma = via.find(", which runs it");
            if (via.starts_with("DEFAULT of domain ") && comma != std::string::npos) {
                const std::string on = via.substr(0, comma) + " on ";
                if (std::any_of(out.begin(), out.end(), [&](const std::string& o) { return o.starts_with(on); })) continue;
            }
            out.push_back(via);
        }
    }
    // The earlier migrations' functions whose definition calls the name, in the order they were made.
    const auto& added = catalog.functions_added();
    const std::size_t existing = std::min(catalog.functions_existing(), added.size());
    std::vector<std::shared_ptr<const FunctionInfo>> calling;
    {
        std::lock_guard lock(g_called_mutex);
        // Those not read yet are the last ones: back to the first read, then forward.
        std::size_t first = existing;
        while (first > 0 && !was_read(added[first - 1])) --first;
        for (std::size_t i = first; i < existing; ++i) read_calls(added[i]);
        // This catalog's own among every run's callers of the name: O(callers), not O(functions).
        if (auto callers = g_callers.find(name); callers != g_callers.end()) {
            for (const auto& weak : callers->second) {
                std::shared_ptr<const FunctionInfo> f = weak.lock();
                if (f && f->order < existing && added[f->order] == f) calling.push_back(std::move(f));
            }
        }
    }
    // In the catalog's order (each catalog's are read in it; sorted all the same).
    std::stable_sort(calling.begin(), calling.end(), [](const auto& a, const auto& b) { return a->order < b->order; });
    if (calling.empty()) return out;
    std::set<std::string> named;
    for (const auto& caller : calling) {
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
