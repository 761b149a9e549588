#include "analyze/rules/rename_chains.hpp"

#include <cctype>
#include <map>
#include <set>
#include <tuple>

namespace pgfence::analyze::rules {
namespace {

using schema::QualifiedName;

struct Rename {
    std::size_t at;
    bool column;
    QualifiedName table;  // columns: the table; relations: the object renamed
    std::string from, to;
};

bool relation_kind(ObjectType type) {
    return type == OBJECT_TABLE || type == OBJECT_VIEW || type == OBJECT_MATVIEW || type == OBJECT_FOREIGN_TABLE;
}

std::vector<Rename> renames_of(const std::vector<const pg::Node*>& stmts) {
    std::vector<Rename> out;
    for (std::size_t i = 0; i < stmts.size(); ++i) {
        const auto* stmt = pg::as<RenameStmt>(stmts[i]);
        if (stmt == nullptr || stmt->relation == nullptr) continue;
        QualifiedName rel = schema::name_of_range_var(stmt->relation);
        std::string to(pg::text(stmt->newname));
        if (stmt->renameType == OBJECT_COLUMN && relation_kind(stmt->relationType)) {
            out.push_back({i, true, rel, std::string(pg::text(stmt->subname)), to});
        } else if (relation_kind(stmt->renameType)) {
            out.push_back({i, false, rel, rel.name, to});
        }
    }
    return out;
}

bool same_place(const Rename& a, const Rename& b) {
    if (a.column != b.column) return false;
    if (a.column) return schema::same_name(a.table, b.table);
    // Relations: a rename keeps the schema, so both must be in the same one.
    return schema::same_name({a.table.schema, ""}, {b.table.schema, ""});
}

bool digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
    }
    return true;
}

}  // namespace

bool named_after(const std::string& taker, const std::string& name) {
    if (name.empty() || taker.size() <= name.size()) return false;
    if (taker.compare(0, name.size(), name) == 0) {
        std::string rest = taker.substr(name.size());
        return rest.front() == '_' || digits(rest);
    }
    if (taker.compare(taker.size() - name.size(), name.size(), name) == 0) {
        return taker[taker.size() - name.size() - 1] == '_';
    }
    return false;
}

std::vector<RenameChain> rename_chains(const std::vector<const pg::Node*>& stmts) {
    std::vector<Rename> renames = renames_of(stmts);
    // Columns are keyed by their table's name, relations by nothing (a rename keeps the schema);
    // same_place() checks the schemas. One pass, so a file of many renames stays linear.
    using Key = std::tuple<bool, std::string, std::string>;
    auto key = [](const Rename& r, const std::string& name) {
        return Key{r.column, r.column ? r.table.name : std::string(), name};
    };
    std::map<Key, std::vector<std::size_t>> by_from;  // renames of a name, in file order
    for (std::size_t m = 0; m < renames.size(); ++m) by_from[key(renames[m], renames[m].from)].push_back(m);
    std::map<Key, std::size_t> vacated;  // a name given up, not taken since: the rename that gave it up
    std::vector<RenameChain> out;
    for (std::size_t m = 0; m < renames.size(); ++m) {
        const Rename& next = renames[m];
        auto it = vacated.find(key(next, next.to));
        if (it != vacated.end() && same_place(renames[it->second], next)) {
            const Rename& first = renames[it->second];
            vacated.erase(it);
            if (next.from != first.to) {  // tmp -> a is the original taking its name back
                RenameChain chain;
                chain.column = first.column;
                chain.vacated = first.at;
                chain.taken = next.at;
                chain.table = next.table;
                chain.name = first.from;
                chain.moved_to = first.to;
                chain.taker = next.from;
                chain.replacement = named_after(next.from, first.from);
                auto later = by_from.find(key(first, first.to));
                if (later != by_from.end()) {
                    for (std::size_t k : later->second) {
                        if (k > m && same_place(first, renames[k]) && renames[k].to == next.from) {
                            chain.swap_end = renames[k].at;
                            break;
                        }
                    }
                }
                out.push_back(std::move(chain));
            }
        }
        vacated[key(next, next.from)] = m;
    }
    // The swap's last rename (tmp -> b) takes the name b gave up: the same swap, not a chain.
    std::set<std::size_t> swap_ends;
    for (const auto& c : out) {
        if (c.swap_end != 0) swap_ends.insert(c.swap_end);
    }
    for (auto& c : out) {
        if (c.swap_end == 0 && swap_ends.count(c.taken) > 0) c.swap_end = c.taken;
    }
    return out;
}

}  // namespace pgfence::analyze::rules
