#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const StatementFacts& s = ctx.statement;
    if (s.status != StatementStatus::Unparsable) return;
    std::string why = s.parse_error ? s.parse_error->message : std::string("parse error");
    Finding& f = sink.add(s, "statement does not parse (" + why + "): pgfence cannot tell what it locks");
    if (s.parse_error && s.parse_error->where) f.start = *s.parse_error->where;
    f.fix = "check the syntax against PostgreSQL " + std::to_string(ctx.options.pg_version) +
            ", or suppress with `-- pgfence-ignore: unparsable-statement` once reviewed by hand "
            "(added by a pull request, a suppression does not lift governance: that needs an exemption from the service)";
}

}  // namespace

PGFENCE_RULE(unparsable_statement) {
    return Rule{"unparsable-statement", Risk::High, "A statement PostgreSQL's parser rejects cannot be checked", check,
                nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
