#pragma once
// The analyzer's facts for the statements of one recipe step, read two ways:
//  - alone: the step as its own migration file, which is how pgfence reads it in a repository;
//  - in context: after the suite's schema and the recipe's earlier steps, as the conformance
//    suite reads its cases, so the lock model knows the tables and constraints involved (a
//    VALIDATE CONSTRAINT then knows which table its foreign key references).
#include <memory>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::tests::recipes {

struct Prediction {
    std::vector<analyze::StatementFacts> alone;
    std::vector<analyze::StatementFacts> in_context;  // same statements, same order
};

// `context` is the SQL that ran before (schema, earlier steps); `sql` the step itself.
[[nodiscard]] analyze::Result<Prediction> predict(const std::string& context, const std::string& sql);

// The suite's schema.sql as earlier migrations (pgfence analyze --history): the catalog the
// original statement is read against.
[[nodiscard]] std::shared_ptr<const analyze::Catalog> schema_history(const std::string& schema_sql);

// The findings of the original migration statement, rules on (PostgreSQL 15), read against the
// user's schema as `pgfence analyze --history` reads it: the recipe then names what the schema
// knows (the partition key, the tables a TRUNCATE ... CASCADE reaches).
[[nodiscard]] analyze::FileReport analyze_migration(const std::string& sql,
                                                    const std::shared_ptr<const analyze::Catalog>& history);

}  // namespace pgfence::tests::recipes
