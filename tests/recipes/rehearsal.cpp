#include "tests/recipes/rehearsal.hpp"

#include "tests/recipes/case_run.hpp"
#include "tests/recipes/predict.hpp"

namespace pgfence::tests::recipes {
namespace {

constexpr const char* k_template = "recipes_template";

}  // namespace

trace::Status Rehearsal::prepare(const std::string& schema_sql) {
    m_schema = schema_sql;
    m_history = schema_history(schema_sql);
    auto admin = m_instance.connect("postgres");
    if (!admin) return admin.error();
    m_admin.emplace(std::move(*admin));
    if (auto s = m_admin->execute(std::string("CREATE DATABASE ") + k_template); !s) return s.error();
    auto loader = m_instance.connect(k_template);
    if (!loader) return loader.error();
    if (auto s = loader->execute(schema_sql); !s) return trace::Error{"schema.sql: " + s.error().message, "", std::nullopt};
    return trace::Done{};
}

Outcome Rehearsal::run(const RecipeCase& c) {
    Outcome out;
    // The setup ran before the statement: it is history too (the index a DROP INDEX names).
    analyze::FileReport original =
        analyze_migration(c.statement, c.setup.empty() ? m_history : schema_history(m_schema + "\n" + c.setup));
    const analyze::Finding* finding = nullptr;
    for (const auto& f : original.findings) {
        if (f.rule == c.rule) {
            finding = &f;
            break;
        }
    }
    if (finding == nullptr) {
        out.problems.push_back("the rule does not fire on: " + c.statement);
        return out;
    }
    if (!finding->recipe || finding->recipe->steps.empty()) {
        out.problems.push_back("the finding has no recipe");
        return out;
    }
    out.log.push_back("recipe: " + finding->recipe->summary);
    std::string db = "recipes_case_" + std::to_string(++m_copies);
    if (auto s = m_admin->execute("CREATE DATABASE " + db + " TEMPLATE " + k_template); !s) {
        out.problems.push_back("cannot copy the template database: " + s.error().message);
        return out;
    }
    {
        CaseRun run(m_instance, *m_admin, c, db, m_schema, out);
        run.run(*finding->recipe);
    }  // its connections close before the copy is dropped
    (void)m_admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    return out;
}

}  // namespace pgfence::tests::recipes
