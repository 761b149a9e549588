#include <nlohmann/json.hpp>
#include <ostream>

#include "annotate/runner_commands.hpp"
#include "trace/render.hpp"
#include "trace/proof_scope.hpp"

namespace pgfence::trace {
namespace {

using nlohmann::json;

json mode_or_null(const std::optional<analyze::LockMode>& mode) {
    return mode ? json(std::string(analyze::lock_mode_name(*mode))) : json(nullptr);
}

json statement_json(const TracedStatement& s) {
    json locks = json::array();
    for (const auto& l : s.predicted.locks) {
        locks.push_back({{"relation", display_name(normalise_name(l.relation))},
                         {"mode", std::string(analyze::lock_mode_name(l.mode))}});
    }
    json rewrites = json::array();
    for (const auto& r : s.predicted.rewrites) {
        rewrites.push_back({{"relation", display_name(normalise_name(r.relation))}, {"certain", r.certain}});
    }
    json seen_locks = json::array();
    for (const auto& l : s.comparison.observed_locks) {
        seen_locks.push_back({{"relation", display_name(l.relation)},
                              {"mode", std::string(analyze::lock_mode_name(l.mode))},
                              {"granted", l.granted},
                              {"new", l.is_new}});
    }
    json seen_rewrites = json::array();
    for (const auto& r : s.comparison.observed_rewrites) seen_rewrites.push_back(display_name(r));
    json changes = json::array();
    for (const auto& c : s.changes) {
        changes.push_back({{"object", c.object}, {"name", c.name}, {"before", c.before}, {"after", c.after}});
    }
    json differences = json::array();
    for (const auto& d : s.comparison.differences) {
        differences.push_back({{"kind", std::string(difference_kind_name(d.kind))},
                               {"relation", d.relation.empty() ? json(nullptr) : json(display_name(d.relation))},
                               {"predicted", mode_or_null(d.predicted)},
                               {"observed", mode_or_null(d.observed)},
                               {"message", d.text}});
    }
    json out = {
        {"index", s.index},
        {"line", s.start.line},
        {"column", s.start.column},
        {"sql", s.sql},
        {"verdict", std::string(verdict_name(s.verdict))},
        {"risk", std::string(analyze::risk_name(s.risk))},
        {"static_risk", std::string(analyze::risk_name(s.static_risk))},
        {"findings", s.findings},
        {"executed", s.executed},
        {"predicted", {{"locks", locks}, {"rewrites", rewrites}, {"no_transaction_block", s.predicted.no_transaction_block}}},
        {"observed",
         {{"locks", seen_locks},
          {"rewrites", seen_rewrites},
          {"outside_transaction", s.outside_transaction},
          {"changes", changes}}},
        {"differences", differences},
        {"uncertain", s.comparison.uncertain},
        {"error", s.verdict == Verdict::Error || s.verdict == Verdict::NeedsSuperuser ? json{{"message", s.error}, {"sqlstate", s.sqlstate}} : json(nullptr)},
    };
    if (!s.note.empty()) out["note"] = s.note;
    return out;
}

// What the verdict covers (proof_scope.hpp); null for a declined plan (nothing ran).
json scope_json(const TracedPlan& p, const std::string& server_version) {
    if (p.verdict == "declined") return json(nullptr);
    const ProofScope s = proof_scope(p, server_version);
    return json{{"postgresql", s.postgresql},
                {"execution", s.execution},
                {"traffic", s.traffic},
                {"release", s.release},
                {"release_between", s.release_between.empty() ? json(nullptr) : json(s.release_between)},
                {"not_covered", s.not_covered}};
}

}  // namespace

void write_trace_json(const TraceReport& report, std::ostream& out) {
    json files = json::array();
    for (const auto& f : report.files) {
        json statements = json::array();
        for (const auto& s : f.statements) statements.push_back(statement_json(s));
        files.push_back({{"path", f.path},
                         {"error", f.error ? json(f.error->describe()) : json(nullptr)},
                         {"statements", statements}});
    }
    json plans = json::array();
    for (const auto& p : report.plans) {
        json steps = json::array();
        for (const auto& st : p.steps) {
            steps.push_back({{"title", st.title},
                             {"path", st.path},
                             {"run", std::string(analyze::plan_run_name(st.run))},
                             {"ok", st.ok},
                             {"outcome", st.outcome},
                             {"table", st.table},
                             {"writes", st.writes},
                             {"reads", st.reads},
                             {"longest_wait_ms", st.longest_wait_ms},
                             {"wait_allowed", st.wait_allowed},
                             {"writer_error", st.writer_error}});
        }
        json verdict = p.verdict.empty() ? json(nullptr)
                                         : json{{"result", p.verdict},
                                                {"reason", p.reason},
                                                {"details", p.details},
                                                {"deploy", p.deploy},
                                                {"position", p.position < 0 ? json(nullptr) : json(p.position)},
                                                {"rescued_writes", p.rescued},
                                                {"label", shown_verdict(p, report.server_version)},
                                                {"scope", scope_json(p, report.server_version)}};
        plans.push_back({{"path", p.path},
                         {"summary", p.summary},
                         {"seeded", p.seeded},
                         {"ok", p.ok()},
                         {"steps", steps},
                         {"verdict", verdict}});
    }
    json summary = json::object();
    for (Verdict v : {Verdict::Confirmed, Verdict::Mismatch, Verdict::TraceOnly, Verdict::StaticOnly, Verdict::Error,
                      Verdict::Skipped, Verdict::NeedsSuperuser}) {
        summary[std::string(verdict_name(v))] = report.count(v);
    }
    json doc = {{"pgfence_trace", 1},
                {"server_version", report.server_version},
                {"setup", report.setup},
                {"seconds", report.seconds},
                {"summary", summary},
                {"failed", report.failed()},
                {"stopped", report.stopped.empty() ? json(nullptr) : json(report.stopped)},
                {"files", files},
                {"plans", plans}};
    // Invalid UTF-8 in a migration or a server message is replaced, never a thrown exception.
    out << annotate::json_without_legacy_commands(doc.dump(2, ' ', false, json::error_handler_t::replace)) << "\n";
}

}  // namespace pgfence::trace
