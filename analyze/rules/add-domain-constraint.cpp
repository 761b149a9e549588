#include <vector>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// AlterDomainStmt.subtype codes (parsenodes.h).
constexpr char k_set_not_null = 'O';
constexpr char k_add_constraint = 'C';

void report(const StatementFacts& s, const AlterDomainStmt* stmt, Sink& sink) {
    QualifiedName d = name_of_list(stmt->typeName);
    std::string domain = pg::qualified_name(stmt->typeName);
    bool set_not_null = stmt->subtype == k_set_not_null;
    const auto* con = pg::as<Constraint>(stmt->def);
    std::string conname(con != nullptr ? pg::text(con->conname) : std::string_view());
    std::string name = set_not_null     ? object_name(d.name, "", "not_null")
                       : conname.empty() ? object_name(d.name, "", "check")
                                         : conname;
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
                                      : "CHECK " + parenthesised(s.sql, static_cast<std::size_t>(std::max(0, con != nullptr ? con->location : 0)));
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
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (const auto* create = pg::as<CreateDomainStmt>(ctx.stmts[i])) {
            created.push_back(name_of_list(create->domainname));
            continue;
        }
        const auto* stmt = pg::as<AlterDomainStmt>(ctx.stmts[i]);
        if (stmt == nullptr) continue;
        const auto* con = pg::as<Constraint>(stmt->def);
        bool adds = (stmt->subtype == k_add_constraint && con != nullptr && con->contype == CONSTR_CHECK &&
                     !con->skip_validation) ||
                    stmt->subtype == k_set_not_null;
        if (!adds) continue;
        QualifiedName d = name_of_list(stmt->typeName);
        bool is_new = false;
        for (const auto& c : created) is_new = is_new || same_name(c, d);
        if (!is_new) report(s, stmt, sink);  // a domain created in this migration has no stored values yet
    }
}

}  // namespace

PGFENCE_RULE(add_domain_constraint) {
    return Rule{"add-domain-constraint", Risk::High,
                "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID checks every column of that domain while writes wait",
                nullptr, check, true, "locking"};
}

}  // namespace pgfence::analyze::rules
