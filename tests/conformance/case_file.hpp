#pragma once
// Conformance cases: files of cases separated by `-- case: <id>` lines. Every statement of
// a case but the last is context (run first, not observed); the last one is observed.
// For a statement that cannot run in a transaction block, `-- hold: t1, t2`, `-- pin: i1`
// and `-- squat: schema.name` say what other sessions contend for while it is watched,
// so that it waits, visibly, at each step (see trace::Contention).
#include <string>
#include <vector>

#include "analyze/error.hpp"

namespace pgfence::tests::conformance {

struct Case {
    std::string id;
    std::string file;
    int line = 0;                         // of the `-- case:` line
    std::vector<std::string> statements;  // without their ';'
    std::vector<std::string> hold;
    std::vector<std::string> pin;
    std::vector<std::string> squat;
};

// Parses one file's text; a case without statements is an error.
[[nodiscard]] analyze::Result<std::vector<Case>> parse_cases(const std::string& file, const std::string& text);

// Every *.sql under `dir`, sorted by file name, cases in file order; ids must be unique.
[[nodiscard]] analyze::Result<std::vector<Case>> load_cases(const std::string& dir);

}  // namespace pgfence::tests::conformance
