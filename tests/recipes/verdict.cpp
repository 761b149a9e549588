#include "tests/recipes/verdict.hpp"

#include <map>
#include <optional>
#include <set>

namespace pgfence::tests::recipes {
namespace {

using trace::normalise_name;

using analyze::LockMode;

std::string mode_name(LockMode mode) { return std::string(analyze::lock_mode_name(mode)); }

bool compared_kind(char relkind) {
    return relkind == 'r' || relkind == 'p' || relkind == 'v' || relkind == 'm' || relkind == 'f';
}

bool index_kind(char relkind) { return relkind == 'i' || relkind == 'I'; }

// Session-private relations (temporary tables) block nobody; TOAST goes with its table.
bool ignored(const trace::RelationState& r) {
    return r.relkind == 't' || r.schema == "pg_toast" || r.schema.starts_with("pg_temp_");
}

std::string key_of(const trace::RelationState& r) { return r.schema + "." + r.name; }

std::string display(const std::string& key) { return trace::display_name(key); }

std::map<std::string, LockMode> predicted_locks(const analyze::StatementFacts& facts) {
    std::map<std::string, LockMode> out;
    for (const auto& l : facts.locks) {
        std::string key = normalise_name(l.relation);
        auto [it, inserted] = out.try_emplace(key, l.mode);
        if (!inserted && l.mode > it->second) it->second = l.mode;
    }
    return out;
}

}  // namespace

std::vector<Mismatch> judge(const analyze::StatementFacts& facts, const StatementRun& run) {
    std::vector<Mismatch> problems;
    if (facts.status != analyze::StatementStatus::Analyzed) {
        problems.push_back({"", facts.status == analyze::StatementStatus::Unparsable
                                    ? "the analyzer cannot parse it"
                                    : "the lock model has no complete entry for " + std::string(facts.kind)});
    }
    const auto predicted = predicted_locks(facts);
    auto prediction_for = [&](const std::string& key) -> std::optional<LockMode> {
        auto p = predicted.find(key);
        if (p == predicted.end()) return std::nullopt;
        return p->second;
    };

    for (const auto& [oid, mode] : run.taken) {
        const trace::RelationState& rel = run.relations.at(oid);
        if (ignored(rel)) continue;
        const std::string key = key_of(rel);
        const std::string taken = display(key) + " " + mode_name(mode);
        if (auto p = prediction_for(key)) {
            if (mode > *p) {
                problems.push_back({key, "took " + taken + ", the analyzer predicts " + mode_name(*p)});
            }
            continue;
        }
        if (compared_kind(rel.relkind)) {
            problems.push_back({key, "took " + taken + ", which the analyzer does not predict"});
            continue;
        }
        if (!index_kind(rel.relkind)) continue;
        auto owner = run.index_table.find(oid);
        std::optional<LockMode> limit;
        std::string table = "its table";
        if (owner != run.index_table.end() && run.relations.count(owner->second) > 0) {
            table = key_of(run.relations.at(owner->second));
            limit = prediction_for(table);
            table = display(table);
        }
        if (!limit) {
            problems.push_back({key, "took " + taken + " on an index; the analyzer predicts no lock on it or on " + table});
        } else if (mode > *limit) {
            problems.push_back({key, "took " + taken + " on an index, stronger than the " + mode_name(*limit) +
                                         " predicted for its table " + table});
        }
    }

    std::set<std::string> predicted_rewrites;
    for (const auto& r : facts.rewrites) predicted_rewrites.insert(normalise_name(r.relation));
    for (const auto& r : run.rewritten) {
        if (r.relkind != 'r' && r.relkind != 'm') continue;
        if (predicted_rewrites.count(key_of(r)) == 0) {
            problems.push_back({key_of(r), "rewrote " + display(key_of(r)) + " (new relfilenode), which the analyzer does not predict"});
        }
    }
    return problems;
}

std::string describe_prediction(const analyze::StatementFacts& facts) {
    std::string out;
    for (const auto& l : facts.locks) {
        out += (out.empty() ? "" : ", ") + display(normalise_name(l.relation)) + " " + mode_name(l.mode);
    }
    if (out.empty()) out = "no relation locks";
    for (const auto& r : facts.rewrites) out += "; rewrites " + display(normalise_name(r.relation));
    return out;
}

std::string describe_run(const StatementRun& run) {
    std::string out;
    for (const auto& [oid, mode] : run.taken) {
        const auto& rel = run.relations.at(oid);
        out += (out.empty() ? "" : ", ") + display(key_of(rel)) + " " + mode_name(mode) +
               (index_kind(rel.relkind) ? " (index)" : "");
    }
    if (out.empty()) out = "no new relation locks";
    for (const auto& r : run.rewritten) out += "; rewrote " + display(key_of(r));
    if (run.unresolved > 0) out += "; " + std::to_string(run.unresolved) + " transient";
    return out;
}

}  // namespace pgfence::tests::recipes
