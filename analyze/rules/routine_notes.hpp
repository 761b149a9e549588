#pragma once
// The routines a DROP, RENAME TO, SET SCHEMA or ALTER FUNCTION names, as model/routine_note.hpp
// noted them, for drop-function, rename-function and function-options-changed.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/model/routine_note.hpp"

namespace pgfence::analyze::rules {

struct NamedRoutine {
    std::string made;  // "earlier", "here" or "not-seen"
    bool trigger = false;
    std::string name;  // "f(int4, text)" as written, "f" without arguments
};

inline std::vector<NamedRoutine> named_routines(const StatementFacts& statement) {
    std::vector<NamedRoutine> out;
    for (const std::string& note : statement.notes) {
        if (!note.starts_with(model::k_routine_note)) continue;
        std::string_view rest = std::string_view(note).substr(model::k_routine_note.size());
        const std::size_t a = rest.find(' ');
        if (a == std::string_view::npos) continue;
        const std::size_t b = rest.find(' ', a + 1);
        if (b == std::string_view::npos) continue;
        out.push_back(NamedRoutine{std::string(rest.substr(0, a)), rest.substr(a + 1, b - a - 1) == "trigger", std::string(rest.substr(b + 1))});
    }
    return out;
}

}  // namespace pgfence::analyze::rules
