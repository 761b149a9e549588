#include "trace/compare.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "analyze/model/subcommand_judgement.hpp"

namespace pgfence::trace {
namespace {

using analyze::LockMode;

std::string mode_name(LockMode mode) { return std::string(analyze::lock_mode_name(mode)); }

// What a conditional lock (LockFact::conditional) waits for, as the trace says it was not seen.
constexpr const char* k_conditional = "(rows written, an object IF EXISTS finds, a branch that runs), and none was here";

// Relation kinds compared exactly: tables, partitioned tables, views, matviews, foreign tables.
bool always_compared(char relkind) {
    return relkind == 'r' || relkind == 'p' || relkind == 'v' || relkind == 'm' || relkind == 'f';
}

bool has_storage_compared(char relkind) { return relkind == 'r' || relkind == 'm'; }

std::string key_of(const RelationState& r) { return r.schema + "." + r.name; }

// TOAST tables go with their table; temporary relations (REFRESH ... CONCURRENTLY's diff
// table) are private to the session, so no other session can ever wait for them.
bool ignored(const RelationState& r) {
    return r.schema == "pg_toast" || r.relkind == 't' || r.oid < 16384 || r.schema.starts_with("pg_temp_");
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

void add(Comparison& c, DifferenceKind kind, const std::string& relation, std::optional<LockMode> predicted,
         std::optional<LockMode> observed, std::string text) {
    c.differences.push_back(Difference{kind, relation, predicted, observed, std::move(text)});
}

}  // namespace

std::string_view difference_kind_name(DifferenceKind kind) {
    switch (kind) {
        case DifferenceKind::Unmodelled: return "unmodelled";
        case DifferenceKind::TransactionBlock: return "transaction-block";
        case DifferenceKind::LockMode: return "lock-mode";
        case DifferenceKind::UnpredictedLock: return "unpredicted-lock";
        case DifferenceKind::MissingLock: return "missing-lock";
        case DifferenceKind::UnpredictedRewrite: return "unpredicted-rewrite";
        case DifferenceKind::MissingRewrite: return "missing-rewrite";
    }
    return "unknown";
}

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
            cur += quoted ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    parts.push_back(cur);
    if (parts.size() == 1) parts.insert(parts.begin(), "public");
    return parts[parts.size() - 2] + "." + parts.back();
}

std::string display_name(const std::string& key) { return key.starts_with("public.") ? key.substr(7) : key; }

// An ALTER TABLE subcommand pgfence takes the locks of but does not judge the effect of (INHERIT,
// NO INHERIT, ADD IDENTITY: analyze/model/subcommand_judgement.cpp) is unknown to the reader, who
// must review what it does, yet its locks are modelled: they are compared like any other's.
static bool harm_only_unknown(const analyze::StatementFacts& facts) {
    if (facts.locks.empty()) return false;
    return std::any_of(facts.notes.begin(), facts.notes.end(), analyze::model::unjudged_subcommand_note);
}

Comparison compare(const analyze::StatementFacts& facts, const Observation& observation, bool outside_transaction) {
    Comparison v;
    if (facts.status == analyze::StatementStatus::Unparsable) {
        add(v, DifferenceKind::Unmodelled, "", std::nullopt, std::nullopt, "the analyzer cannot parse the statement");
    } else if (facts.status == analyze::StatementStatus::Unknown && !harm_only_unknown(facts)) {
        add(v, DifferenceKind::Unmodelled, "", std::nullopt, std::nullopt,
            "the lock model has no (complete) entry for " + std::string(facts.kind));
    }
    // SET TRANSACTION must come first in its transaction, where the trace has already looked
    // at the catalog: it runs in autocommit there, which says nothing about transaction blocks.
    std::string head;
    for (char c : facts.sql.substr(0, 64)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool first_in_transaction = facts.kind == "VariableSetStmt" && head.find("transaction") != std::string::npos &&
                                      head.find("characteristics") == std::string::npos;
    // An unparsable statement's facts say nothing about transaction blocks either.
    if (facts.no_transaction_block != outside_transaction && !first_in_transaction &&
        facts.status != analyze::StatementStatus::Unparsable) {
        add(v, DifferenceKind::TransactionBlock, "", std::nullopt, std::nullopt,
            outside_transaction ? "the server refuses it inside a transaction block; the model says it can run there"
                                : "the model says it cannot run inside a transaction block; the server ran it there");
    }

    // Predictions, by normalised name; "schema.*" stands for every relation in the schema.
    std::map<std::string, LockMode> predicted;
    std::map<std::string, LockMode> wildcard;
    // Locks taken only when rows are written or the object exists (LockFact::conditional): the
    // mode taken whatever the data (absent: none), which the trace may see instead.
    std::map<std::string, std::optional<LockMode>> sure;
    std::set<std::string> made;  // relations the migration creates (LockFact::is_new)
    std::vector<std::string> predicted_text;
    for (const auto& l : facts.locks) {
        std::string key = normalise_name(l.relation);
        // The system catalogs' locks are not compared (ignored() leaves them out of what was
        // seen): an unqualified pg_ name is pg_catalog's, which the search path puts first.
        if (key.starts_with("pg_catalog.") || key.starts_with("information_schema.") || key.starts_with("public.pg_")) continue;
        if (l.is_new) made.insert(key);
        if (key.ends_with(".*")) {
            wildcard[key.substr(0, key.size() - 1)] = l.mode;
        } else {
            predicted[key] = std::max(predicted[key], l.mode);
            if (l.conditional) {
                std::optional<LockMode> s = l.sure == LockMode{} ? std::nullopt : std::optional<LockMode>(l.sure);
                sure[key] = s;
            }
        }
        predicted_text.push_back(display_name(key) + " " + mode_name(l.mode) + (l.conditional ? "?" : ""));
    }
    auto if_taken = [&](const std::string& key, const std::string& what) {
        v.uncertain.push_back(display_name(key) + " " + what);
    };
    std::map<std::string, const ObservedLock*> observed;
    std::vector<std::string> observed_text;
    // The session's temporary relations, by name: what the model names without a schema.
    std::set<std::string> temporary;
    for (const auto& l : observation.locks) {
        if (l.relation.schema.starts_with("pg_temp_")) temporary.insert("public." + l.relation.name);
    }
    for (const auto& l : observation.locks) {
        if (ignored(l.relation)) continue;
        std::string key = key_of(l.relation);
        // Two relations under one name: a rebuilt copy that took over the name. The name's lock is the stronger.
        if (auto seen = observed.find(key); seen != observed.end() && seen->second->mode >= l.mode) continue;
        observed[key] = &l;
    }
    for (const auto& [key, l] : observed) {
        if (!always_compared(l->relation.relkind) && predicted.count(key) == 0) continue;
        v.observed_locks.push_back(ComparedLock{key, l->mode, l->granted, l->is_new});
        observed_text.push_back(display_name(key) + " " + mode_name(l->mode) + (l->granted ? "" : " (waited)"));
    }

    for (const auto& [key, lock] : observed) {
        if (!always_compared(lock->relation.relkind) && predicted.count(key) == 0) continue;
        auto p = predicted.find(key);
        std::optional<LockMode> expected;
        if (p != predicted.end()) expected = p->second;
        for (const auto& [prefix, mode] : wildcard) {
            if (key.starts_with(prefix)) expected = std::max(expected.value_or(mode), mode);
        }
        auto cond = sure.find(key);
        if (!expected) {
            add(v, DifferenceKind::UnpredictedLock, key, std::nullopt, lock->mode,
                "unpredicted lock: " + display_name(key) + " " + mode_name(lock->mode));
        } else if (*expected != lock->mode && cond != sure.end() && cond->second == lock->mode) {
            if_taken(key, std::string(mode_name(lock->mode)) + ", not " + std::string(mode_name(*expected)) +
                              ": the stronger mode is conditional " + k_conditional);
        } else if (*expected != lock->mode) {
            add(v, DifferenceKind::LockMode, key, *expected, lock->mode,
                "lock on " + display_name(key) + ": predicted " + mode_name(*expected) + ", observed " +
                    mode_name(lock->mode));
        }
    }
    for (const auto& [key, mode] : predicted) {
        if (observed.count(key) > 0) continue;
        if (temporary.count(key) > 0) continue;  // session-private: nobody waits for it
        // A relation the statement made and then dropped or renamed (a DO block's new table put
        // in an old one's place) has no name of its own by the end, nor anyone waiting for it.
        if (made.count(key) > 0 && (observation.unresolved > 0 || facts.status == analyze::StatementStatus::Unknown)) {
            if_taken(key, std::string(mode_name(mode)) + " not seen under that name: the statement made it, and it was dropped or "
                                                          "renamed before the statement ended");
            continue;
        }
        if (auto cond = sure.find(key); cond != sure.end() && !cond->second) {
            if_taken(key, std::string(mode_name(mode)) + " not taken: it is conditional " + k_conditional);
            continue;
        }
        add(v, DifferenceKind::MissingLock, key, mode, std::nullopt,
            "predicted lock not taken: " + display_name(key) + " " + mode_name(mode));
    }

    // Rewrites: relfilenode changes of tables and matviews; other kinds only where predicted.
    std::map<std::string, const analyze::TableEffect*> predicted_rewrites;
    std::vector<std::string> rewrite_text;
    for (const auto& r : facts.rewrites) {
        predicted_rewrites[normalise_name(r.relation)] = &r;
        rewrite_text.push_back(display_name(normalise_name(r.relation)) + (r.certain ? "" : "?"));
    }
    std::set<std::string> rewritten;
    for (const auto& r : observation.rewritten) {
        if (ignored(r)) continue;
        std::string key = key_of(r);
        if (!has_storage_compared(r.relkind) && predicted_rewrites.count(key) == 0) continue;
        rewritten.insert(key);
    }
    v.observed_rewrites.assign(rewritten.begin(), rewritten.end());
    for (const auto& key : rewritten) {
        if (predicted_rewrites.count(key) == 0) {
            add(v, DifferenceKind::UnpredictedRewrite, key, std::nullopt, std::nullopt,
                "unpredicted rewrite of " + display_name(key));
        }
    }
    for (const auto& [key, effect] : predicted_rewrites) {
        auto seen = observed.find(key);
        // Partitioned tables and views have no storage of their own: their partitions are checked instead.
        bool storageless =
            seen != observed.end() && (seen->second->relation.relkind == 'p' || seen->second->relation.relkind == 'v');
        if (storageless) continue;
        bool happened = rewritten.count(key) > 0;
        if (!effect->certain) {
            v.uncertain.push_back(display_name(key) + (happened ? " was rewritten" : " was not rewritten"));
        } else if (!happened) {
            add(v, DifferenceKind::MissingRewrite, key, std::nullopt, std::nullopt,
                "predicted rewrite did not happen: " + display_name(key));
        }
    }

    std::vector<std::string> rewritten_text;
    for (const auto& key : rewritten) rewritten_text.push_back(display_name(key));
    v.predicted = join(predicted_text, ", ");
    if (!rewrite_text.empty()) v.predicted += "; rewrites " + join(rewrite_text, ", ");
    v.observed = join(observed_text, ", ");
    if (!rewritten_text.empty()) v.observed += "; rewrites " + join(rewritten_text, ", ");
    if (observation.unresolved > 0) v.observed += "; " + std::to_string(observation.unresolved) + " transient";
    return v;
}

}  // namespace pgfence::trace
