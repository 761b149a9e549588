// CallFollower: a domain's CHECK functions, run where a statement converts a value to the domain
// (issue 53, red team R82b B7), not only where a column of it is written (function_attach.cpp).
// "Domain constraints ... are checked when converting a value to the domain type" (PostgreSQL 15,
// CREATE DOMAIN, Notes): a cast (`x::d`, CAST(x AS d), `d '1'`, to `d[]`, to a domain over d), a
// PL/pgSQL variable of the domain (its DECLARE checks its first value, NULL too: pl_exec.c
// exec_stmt_block), a function's argument, OUT parameter or result of it, a PREPARE parameter,
// ALTER COLUMN ... TYPE d and ALTER DOMAIN ... VALIDATE over the rows. Each seen on PostgreSQL
// 15.20 to run the CHECK's function. So does a conversion to a composite type with an attribute of
// the domain (`ROW(1, 2)::pair`, `'(1,2)'::pair`, a column of pair or pair[] written), or to a range
// over it: the attribute's or bound's value is converted to the domain too.
#include "analyze/model/function_calls_parts.hpp"
#include "analyze/model/attached_settings.hpp"

namespace pgfence::analyze {

void CallFollower::follow_domain_checks(const TypeName* type, StatementFacts& facts, const std::string& where) {
    if (type == nullptr || pg::length(type->names) == 0 || m_ctx == nullptr) return;
    follow_domain_checks(std::string(pg::last_name(type->names)), facts, where);
}

void CallFollower::follow_domain_checks(const std::string& domain, StatementFacts& facts, const std::string& where) {
    if (domain.empty() || m_ctx == nullptr) return;
    const std::vector<std::string> functions = m_ctx->catalog.domain_check_functions(domain);
    if (functions.empty()) return;
    if (functions.size() > Catalog::k_max_domain_checks) {
        unknown(facts, "converts a value to domain " + domain + ", whose CHECKs call more than " +
                           std::to_string(Catalog::k_max_domain_checks) + " functions: not followed");
        return;
    }
    // A composite or range type runs the CHECKs of the domains among its parts (Catalog::domain_check_functions).
    const std::string via = (m_ctx->catalog.is_domain(domain) ? "domain " + domain + "'s CHECK" : "a domain CHECK inside type " + domain) +
                            " on " + where;
    for (const std::string& f : functions) {
        const auto dot = f.rfind('.');
        const std::string name = dot == std::string::npos ? f : f.substr(dot + 1);
        const std::string schema = dot == std::string::npos ? std::string() : f.substr(0, dot);
        if (is_attached_setting(name)) {
            run_attached_setting(name, via, facts);
            continue;
        }
        const auto found = matching(m_ctx->catalog, name, schema);
        if (found.empty()) {
            if (schema == "pg_catalog" || (is_known_function(name) && !runs_sql_text(name))) continue;
            unknown(facts, "runs " + f + "() (" + via + "), a function not created in these migrations or their history, so its body is not known");
            continue;
        }
        for (const auto& function : found) {
            if (m_body_statements >= k_max_body_statements) {
                unknown(facts, "runs " + f + "() (" + via + ") after " + std::to_string(k_max_body_statements) +
                                   " function-body statements in this file: not followed");
                return;
            }
            run_indirect(function, facts, via);
        }
    }
}

}  // namespace pgfence::analyze
