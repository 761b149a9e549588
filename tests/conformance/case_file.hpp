#pragma once
// Conformance cases: files of cases separated by `-- case: <id>` lines. Every statement of
// a case but the last is context (run first, not observed); the last one is observed.
// For a statement that cannot run in a transaction block, `-- hold: t1, t2`, `-- pin: i1`
// and `-- squat: schema.name` say what other sessions contend for while it is watched,
// so that it waits, visibly, at each step (see trace::Contention).
// `-- needs: 18` runs the case only on a server of that major version or newer: syntax that
// older servers reject.
// Every case is analysed twice (runner.hpp): as one migration, and with schema.sql and the
// context replayed as earlier migrations. `-- same-file-only: <reason>` keeps a case out of
// the second, with the reason it cannot be put that way.
#include <optional>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::tests::conformance {

struct Case {
    std::string id;
    std::string file;
    int line = 0;                         // of the `-- case:` line
    std::vector<std::string> statements;  // without their ';'
    std::vector<std::string> hold;
    std::vector<std::string> pin;
    std::vector<std::string> squat;
    int needs = 0;  // `-- needs:` major version; 0: every server
    std::string same_file_only;  // `-- same-file-only:` reason; empty: both modes
};

// Parses one file's text; a case without statements is an error.
[[nodiscard]] analyze::Result<std::vector<Case>> parse_cases(const std::string& file, const std::string& text);

// Why `c` cannot run on a server of major version `server_major` ("needs PostgreSQL 18,
// the server is 15"); nothing when it can.
[[nodiscard]] std::optional<std::string> skip_reason(const Case& c, int server_major);

// Every *.sql under `dir`, sorted by file name, cases in file order; ids must be unique.
[[nodiscard]] analyze::Result<std::vector<Case>> load_cases(const std::string& dir);

}  // namespace pgfence::tests::conformance
