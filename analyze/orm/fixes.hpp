#pragma once
// Fixes for ORM migrations (issue #34). The rules write a finding's fix for SQL files: the SQL
// to add, the transaction to leave. In a TypeORM, Knex, Sequelize or db-migrate script that is
// SQL to paste into code, so the fix is rewritten here, in one place and from one table, for
// the script's tool: the call option it offers, how one migration leaves its transaction, the
// raw-query call that runs a statement. Each (rule, ORM) whose fix is code is proven by a case
// under tests/orm/fixes (the script edited as the fix says, analysed again); the others are
// said in words. The rules stay free of ORM knowledge.
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze::orm {

// Rewrites the fixes of a script's findings for report.source_kind's tool (nothing for SQL
// files). Runs on the rules' findings before they fold into each other (rules/one_cause.hpp),
// so that a folded fix is the rewritten one.
void rewrite_fixes(std::vector<Finding>& findings, const FileReport& report);

// A rule whose fix is written as code for an ORM.
struct OfferedFix {
    std::string_view rule;
    std::string_view orm;  // FileReport::source_kind
};
// Every pair the table offers code for; the unit test checks that each has a proving case.
[[nodiscard]] std::vector<OfferedFix> offered_fixes();

}  // namespace pgfence::analyze::orm
