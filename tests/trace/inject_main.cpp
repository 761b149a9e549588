// pgfence_trace_inject: `pgfence trace` with a deliberately wrong lock model, built only with
// the tests. The first predicted lock of every statement gets another mode (ACCESS EXCLUSIVE
// becomes SHARE UPDATE EXCLUSIVE, anything else ACCESS EXCLUSIVE): the trace must report a
// mismatch and --ci must fail. The shipped binary has no way to do this.
#include <iostream>
#include <string>
#include <vector>

#include "bot/trace_command.hpp"

int main(int argc, char** argv) {
    using pgfence::analyze::LockMode;
    std::vector<std::string> args(argv + 1, argv + argc);
    return pgfence::bot::run_trace(args, std::cout, std::cerr, [](pgfence::analyze::StatementFacts& facts) {
        if (facts.locks.empty()) return;
        auto& lock = facts.locks.front();
        lock.mode = lock.mode == LockMode::AccessExclusive ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
    });
}
