#pragma once
// Findings: what a reviewer acts on. Built by the rules from the facts (facts.hpp), never
// from lock modes of their own; rendered by annotate/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/error.hpp"

namespace pgfence::analyze {

enum class Risk { None = 0, Low, Medium, High, Critical };

[[nodiscard]] std::string_view risk_name(Risk risk);  // "LOW" ... "CRITICAL", "NONE"
[[nodiscard]] std::optional<Risk> parse_risk(std::string_view text);  // any case

// One migration of a recipe: the exact SQL to run instead, in order.
struct RecipeStep {
    std::string title;         // "Migration 1", "Out of band", ...
    std::string sql;           // statements and comments, ready to paste
    bool in_transaction = true;  // false: its own migration, outside any transaction block
};

struct Recipe {
    std::string summary;  // one line: what the safe way is
    std::vector<RecipeStep> steps;
};

struct Finding {
    std::string rule;      // stable kebab-case id
    Risk risk = Risk::Low;
    std::string message;   // names the table, column or index involved
    int statement = -1;    // index into FileReport::statements; -1 for the file itself
    Position start;        // where it points (the statement's span, or a comment's line)
    Position stop;
    std::string relation;  // the relation it is about, if any
    std::string fix;       // one line: what to change (policies: the exact line to add and where)
    std::optional<Recipe> recipe;
    bool pre_existing = false;  // on lines the pull request did not touch (set by the bot)
};

}  // namespace pgfence::analyze
