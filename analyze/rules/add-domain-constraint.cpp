#include <vector>
#include "analyze/json_access.hpp"

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void report(const StatementFacts& s, const json& stmt, Sink& sink) {
    QualifiedName d = name_of_list(member(stmt, "typeName"));
    std::string domain = qualified_name(member(stmt, "typeName"));
    bool set_not_null = stmt.value("subtype", std::string()) == "O";
    const json& con = member(member(stmt, "def"), "Constraint");
    std::string name = set_not_null ? object_name(d.name, "", "not_null")
                                    : con.value("conname", std::string()).empty() ? object_name(d.name, "", "check")
                                                                                   : con.value("conname", std::string());
    std::string locks;
    for (const auto& l : s.locks) {
        if (!l.is_new) locks += (locks.empty() ? "" : " and ") + describe_lock(l);
    }
    std::string what = set_not_null ? "SET NOT NULL" : "ADD CONSTRAINT " + quote_ident(name);
    Finding& f = sink.add(s, "ALTER DOMAIN " + domain + " " + what +
                                 " checks every stored value of the domain, in every table that uses it, " +
                                 (locks.empty() ? std::string("blocking writes to those tables while it reads them")
                                                : "while holding " + locks));
    f.fix = "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration";
    std::string clause = set_not_null ? "CHECK (VALUE IS NOT NULL)"
                                      : "CHECK " + parenthesised(s.sql, static_cast<std::size_t>(std::max(0, con.value("location", 0))));
    Recipe recipe;
    recipe.summary = "Add the constraint NOT VALID (instant, new values are checked), then validate it in a separate migration";
    recipe.steps.push_back({"Migration 1", "ALTER DOMAIN " + domain + " ADD CONSTRAINT " + quote_ident(name) + " " + clause +
                                               " NOT VALID;\n-- Instant: values written from now on are checked; stored ones are not read.",
                            true});
    recipe.steps.push_back(
        {"Migration 2",
         "-- Validation still blocks writes to the tables that use the domain while it reads them (in\n"
         "-- PostgreSQL releases to date), but it can run at a quiet time with a short lock_timeout, and be retried.\n"
         "ALTER DOMAIN " + domain + " VALIDATE CONSTRAINT " + quote_ident(name) + ";",
         true});
    f.recipe = std::move(recipe);
}

void check(const FileContext& ctx, Sink& sink) {
    std::vector<QualifiedName> created;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.nodes.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (!ctx.nodes[i].is_object() || !ctx.nodes[i].contains(s.kind)) continue;
        const json& stmt = ctx.nodes[i][s.kind];
        if (s.kind == "CreateDomainStmt") {
            created.push_back(name_of_list(member(stmt, "domainname")));
            continue;
        }
        if (s.kind != "AlterDomainStmt") continue;
        std::string sub = stmt.value("subtype", std::string());
        const json& con = member(member(stmt, "def"), "Constraint");
        bool adds = (sub == "C" && con.value("contype", std::string()) == "CONSTR_CHECK" && !con.value("skip_validation", false)) ||
                    sub == "O";
        if (!adds) continue;
        QualifiedName d = name_of_list(member(stmt, "typeName"));
        bool is_new = false;
        for (const auto& c : created) is_new = is_new || same_name(c, d);
        if (!is_new) report(s, stmt, sink);  // a domain created in this migration has no stored values yet
    }
}

}  // namespace

Rule rule_add_domain_constraint() {
    return Rule{"add-domain-constraint", Risk::High,
                "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID checks every column of that domain while writes wait",
                nullptr, check, true, "locking"};
}

}  // namespace pgfence::analyze::rules
