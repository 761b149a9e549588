// pgfence_trace_oracle: the plan oracle (trace/plan_oracle.hpp) fed a plan written by the test,
// not by the generator, so that plans the generator would never offer (a plan that drops a row,
// deploys too early, leaves a placeholder) can be shown to be caught. Built only with the tests.
//   pgfence_trace_oracle SETUP.sql ORIGINAL.sql PLAN.json
// PLAN.json: {"tables": ["t"], "empty": ["u"] (traffic, no seeded rows), "steps": [{"title", "run": "in transaction"|"no transaction"|
// "out of band", "sql", "after_release"}], "later": ["SQL", ...]}. Prints the verdict as JSON.
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "trace/pg_instance.hpp"
#include "trace/plan_oracle.hpp"

namespace {

std::string read(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<pgfence::trace::OracleStatement> statements(const std::string& sql) {
    pgfence::analyze::AnalyzeOptions options;
    options.run_rules = false;
    auto report = pgfence::analyze::analyze_text("f.sql", sql, options);
    std::vector<pgfence::trace::OracleStatement> out;
    for (const auto& s : report.statements) out.push_back({s.sql, std::string(s.kind)});
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace pgfence::trace;
    if (argc != 4) {
        std::cerr << "usage: pgfence_trace_oracle SETUP.sql ORIGINAL.sql PLAN.json\n";
        return 2;
    }
    auto plan = nlohmann::json::parse(read(argv[3]));
    auto instance = PgInstance::start();
    if (!instance) {
        std::cerr << "error: " << instance.error().message << "\n";
        return 2;
    }
    auto admin = (*instance)->connect("postgres");
    if (!admin || !admin->execute("CREATE DATABASE oracle_base")) {
        std::cerr << "error: cannot create the base database\n";
        return 2;
    }
    {
        auto base = (*instance)->connect("oracle_base");
        if (!base || !base->execute(read(argv[1]))) {
            std::cerr << "error: the setup fails\n";
            return 2;
        }
        for (const auto& t : plan["tables"]) {
            for (const auto& line : seed_deterministic(*base, t.get<std::string>(), 50)) std::cerr << "rows: " << line << "\n";
        }
    }
    OracleServer server;
    server.copy = [&](const std::string& db) { return admin->execute("CREATE DATABASE " + db + " TEMPLATE oracle_base"); };
    server.drop = [&](const std::string& db) { (void)admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"); };
    server.conninfo = [&](const std::string& db) { return (*instance)->conninfo(db); };
    server.identity = [&](const std::string& db) { return database_identity(*admin, db); };
    server.base = "oracle_base";
    OracleInput input;
    input.original = statements(read(argv[2]));
    for (const auto& t : plan["tables"]) input.tables.push_back(t.get<std::string>());
    // Tables the traffic writes that are not seeded (a file that presumes them empty).
    for (const auto& t : plan.value("empty", nlohmann::json::array())) input.tables.push_back(t.get<std::string>());
    for (const auto& s : plan["steps"]) {
        pgfence::analyze::PlanStep step;
        step.title = s["title"].get<std::string>();
        std::string run = s["run"].get<std::string>();
        step.run = run == "out of band"      ? pgfence::analyze::PlanRun::out_of_band
                   : run == "no transaction" ? pgfence::analyze::PlanRun::no_transaction
                                             : pgfence::analyze::PlanRun::in_transaction;
        step.sql = s["sql"].get<std::string>();
        step.after_release = s.value("after_release", false);
        input.steps.push_back(std::move(step));
    }
    for (const auto& later : plan.value("later", nlohmann::json::array())) input.later.push_back(statements(later.get<std::string>()));
    OracleVerdict v = run_plan_oracle(server, input);
    std::cout << nlohmann::json{{"result", v.verdict}, {"reason", v.reason}, {"details", v.details}, {"rescued_writes", v.rescued},
                                {"deploy", v.deploy}, {"position", v.position}, {"statements", v.statements}}
                     .dump()
              << "\n";
    return 0;
}
