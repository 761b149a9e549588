// One finding per statement and cause (rules/one_cause.hpp), on findings made by hand: the
// shapes the goldens reach only through particular migrations.
#include <catch2/catch.hpp>

#include "analyze/rules/one_cause.hpp"

using namespace pgfence::analyze;

namespace {

Finding transaction_finding(const char* rule, int statement, const char* message, const char* fold_note, const char* fix) {
    Finding f;
    f.rule = rule;
    f.risk = Risk::High;
    f.statement = statement;
    f.message = message;
    f.fold_note = fold_note;
    f.fix = fix;
    return f;
}

}  // namespace

TEST_CASE("one cause: transaction findings of a statement with no HIGH finding of its own are one finding") {
    std::vector<Finding> findings;
    findings.push_back(transaction_finding("lock-upgrade-in-transaction", 3, "t is locked ROW EXCLUSIVE, then ACCESS EXCLUSIVE",
                                           "", "commit after line 8 and run this in a migration of its own"));
    findings.push_back(transaction_finding("work-under-held-lock", 3, "this ALTER TABLE scans every row of t while u is held",
                                           "the transaction holds ACCESS EXCLUSIVE on u (line 7)",
                                           "commit after line 7 and run this ALTER TABLE in a migration of its own"));
    Finding medium = transaction_finding("lock-timeout-missing", 3, "lock_timeout is not set", "", "set it");
    medium.risk = Risk::Medium;
    findings.push_back(medium);
    findings.push_back(transaction_finding("work-under-held-lock", 5, "another statement's work", "held", "commit after line 9"));

    rules::fold_held_lock_findings(findings, false);
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].rule == "lock-upgrade-in-transaction");
    CHECK(findings[0].message.find("the transaction holds ACCESS EXCLUSIVE on u (line 7) (work-under-held-lock)") != std::string::npos);
    CHECK(findings[0].fix == "commit after line 8 and run this in a migration of its own; and for work-under-held-lock: commit after "
                             "line 7 and run this ALTER TABLE in a migration of its own");
    CHECK(findings[1].rule == "lock-timeout-missing");
    CHECK(findings[2].statement == 5);  // another statement keeps its own

    // As the rules run (held_only), the plan still reads both.
    std::vector<Finding> as_run;
    as_run.push_back(transaction_finding("lock-upgrade-in-transaction", 3, "a", "", "x"));
    as_run.push_back(transaction_finding("work-under-held-lock", 3, "b", "held", "y"));
    rules::fold_held_lock_findings(as_run, true);
    CHECK(as_run.size() == 2);
}
