#include "tests/conformance/compare.hpp"

#include <map>
#include <set>

namespace pgfence::tests::conformance {
namespace {

using analyze::LockMode;
using analyze::lock_mode_name;

// Relation kinds compared exactly: tables, partitioned tables, views, matviews, foreign tables.
bool always_compared(char relkind) {
    return relkind == 'r' || relkind == 'p' || relkind == 'v' || relkind == 'm' || relkind == 'f';
}

bool has_storage_compared(char relkind) { return relkind == 'r' || relkind == 'm'; }

std::string key_of(const trace::RelationState& r) { return r.schema + "." + r.name; }

// TOAST tables go with their table; temporary relations (REFRESH ... CONCURRENTLY's diff
// table) are private to the session, so no other session can ever wait for them.
bool ignored(const trace::RelationState& r) {
    return r.schema == "pg_toast" || r.relkind == 't' || r.oid < 16384 || r.schema.starts_with("pg_temp_");
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

std::string display(const std::string& key) {
    return key.starts_with("public.") ? key.substr(7) : key;
}

}  // namespace

std::string normalise_name(const std::string& written) {
    std::vector<std::string> parts;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < written.size(); ++i) {
        char c = written[i];
        if (c == '"') {
            if (quoted && i + 1 < written.size() && written[i + 1] == '"') {
                cur += '"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == '.' && !quoted) {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    if (parts.size() == 1) parts.insert(parts.begin(), "public");
    return parts[parts.size() - 2] + "." + parts.back();
}

Verdict compare(const analyze::StatementFacts& facts, const trace::Observation& observation,
                bool outside_transaction) {
    Verdict v;
    if (facts.status == analyze::StatementStatus::Unparsable) {
        v.problems.push_back("the analyzer cannot parse the statement");
    } else if (facts.status == analyze::StatementStatus::Unknown) {
        v.problems.push_back("the lock model has no (complete) entry for " + facts.kind);
    }
    if (facts.no_transaction_block != outside_transaction) {
        v.problems.push_back(outside_transaction ? "server refuses it inside a transaction block; model says it can run there"
                                                 : "model says it cannot run inside a transaction block; server ran it there");
    }

    // Predictions, by normalised name; "schema.*" stands for every relation in the schema.
    std::map<std::string, LockMode> predicted;
    std::map<std::string, LockMode> wildcard;
    std::vector<std::string> predicted_text;
    for (const auto& l : facts.locks) {
        std::string key = normalise_name(l.relation);
        if (key.ends_with(".*")) wildcard[key.substr(0, key.size() - 1)] = l.mode;
        else predicted[key] = std::max(predicted[key], l.mode);
        predicted_text.push_back(display(key) + " " + std::string(lock_mode_name(l.mode)));
    }
    std::map<std::string, const trace::ObservedLock*> observed;
    std::vector<std::string> observed_text;
    for (const auto& l : observation.locks) {
        if (ignored(l.relation)) continue;
        std::string key = key_of(l.relation);
        // Two relations under one name: a rebuilt copy that took over the name. The name's lock is the stronger.
        if (auto seen = observed.find(key); seen != observed.end() && seen->second->mode >= l.mode) continue;
        observed[key] = &l;
        bool compared = always_compared(l.relation.relkind) || predicted.count(key) > 0;
        if (!compared) continue;
        observed_text.push_back(display(key) + " " + std::string(lock_mode_name(l.mode)) + (l.granted ? "" : " (waited)"));
    }

    for (const auto& [key, lock] : observed) {
        if (!always_compared(lock->relation.relkind) && predicted.count(key) == 0) continue;
        auto p = predicted.find(key);
        std::optional<LockMode> expected;
        if (p != predicted.end()) expected = p->second;
        for (const auto& [prefix, mode] : wildcard) {
            if (key.starts_with(prefix)) expected = std::max(expected.value_or(mode), mode);
        }
        if (!expected) {
            v.problems.push_back("unpredicted lock: " + display(key) + " " + std::string(lock_mode_name(lock->mode)));
        } else if (*expected != lock->mode) {
            v.problems.push_back("lock on " + display(key) + ": predicted " + std::string(lock_mode_name(*expected)) +
                                 ", observed " + std::string(lock_mode_name(lock->mode)));
        }
    }
    for (const auto& [key, mode] : predicted) {
        if (observed.count(key) == 0) {
            v.problems.push_back("predicted lock not taken: " + display(key) + " " + std::string(lock_mode_name(mode)));
        }
    }

    // Rewrites: relfilenode changes of tables and matviews; other kinds only where predicted.
    std::map<std::string, const analyze::TableEffect*> predicted_rewrites;
    std::vector<std::string> rewrite_text;
    for (const auto& r : facts.rewrites) {
        predicted_rewrites[normalise_name(r.relation)] = &r;
        rewrite_text.push_back(display(normalise_name(r.relation)) + (r.certain ? "" : "?"));
    }
    std::set<std::string> rewritten;
    std::vector<std::string> rewritten_text;
    for (const auto& r : observation.rewritten) {
        if (ignored(r)) continue;
        std::string key = key_of(r);
        if (!has_storage_compared(r.relkind) && predicted_rewrites.count(key) == 0) continue;
        rewritten.insert(key);
        rewritten_text.push_back(display(key));
    }
    for (const auto& key : rewritten) {
        if (predicted_rewrites.count(key) == 0) v.problems.push_back("unpredicted rewrite of " + display(key));
    }
    for (const auto& [key, effect] : predicted_rewrites) {
        auto seen = observed.find(key);
        // Partitioned tables and views have no storage of their own: their partitions are checked instead.
        bool storageless = seen != observed.end() && (seen->second->relation.relkind == 'p' || seen->second->relation.relkind == 'v');
        if (storageless) continue;
        bool happened = rewritten.count(key) > 0;
        if (!effect->certain) {
            v.uncertain.push_back(display(key) + (happened ? " was rewritten" : " was not rewritten"));
        } else if (!happened) {
            v.problems.push_back("predicted rewrite did not happen: " + display(key));
        }
    }

    v.predicted = join(predicted_text, ", ");
    if (!rewrite_text.empty()) v.predicted += "; rewrites " + join(rewrite_text, ", ");
    v.observed = join(observed_text, ", ");
    if (!rewritten_text.empty()) v.observed += "; rewrites " + join(rewritten_text, ", ");
    if (observation.unresolved > 0) v.observed += "; " + std::to_string(observation.unresolved) + " transient";
    return v;
}

}  // namespace pgfence::tests::conformance
