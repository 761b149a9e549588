#pragma once
// What the ALTER TABLE model's files share: the relation altered and the lock its subcommands
// add up to. Internal to analyze/model.
#include <string>

#include "analyze/model/alter_table_locks.hpp"
#include "analyze/model/model.hpp"

namespace pgfence::analyze::model::alter {

using M = LockMode;

struct Target {
    std::string relname;
    std::string display;
    std::string kind;
};

struct Accumulated {
    M mode = M::AccessShare;
    std::string reason;
    M recursive_mode = M::AccessShare;
    bool any_recursive = false;
};

inline void raise(Accumulated& acc, M mode, const std::string& reason, bool recursive) {
    if (mode > acc.mode || acc.reason.empty()) {
        if (mode >= acc.mode) {
            acc.mode = mode;
            acc.reason = reason;
        }
    }
    if (recursive) {
        acc.any_recursive = true;
        if (mode > acc.recursive_mode) acc.recursive_mode = mode;
    }
}

// ATTACH PARTITION / DETACH PARTITION [CONCURRENTLY]: the partitioned table, the partition and
// any DEFAULT partition (alter_partition.cpp).
void attach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx);
void detach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx);

}  // namespace pgfence::analyze::model::alter
