#include "analyze/migrations/flyway_report.hpp"

#include <cctype>

namespace pgfence::analyze::tools {
namespace {

// A placeholder's name as shown: the bytes a Flyway name is made of, at most 60 of them.
std::string shown(const std::string& name) {
    std::string out;
    for (char c : name.substr(0, 60)) {
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-' ? c : '?';
    }
    return name.size() > 60 ? out + "..." : out;
}

}  // namespace

void mark_unknown_placeholders(FileReport& report, const PreparedSource& source, const std::string& path) {
    if (source.replaced.unknown.empty() || report.statements.empty()) return;
    std::size_t k = 0;  // placeholders and statements are both in file order: one pass
    for (const UnknownPlaceholder& u : source.replaced.unknown) {
        while (k + 1 < report.statements.size() && report.statements[k + 1].span.begin <= u.orig) ++k;
        StatementFacts& s = report.statements[k];
        const bool goose = source.tool == MigrationTool::Goose;
        const std::string tool = !u.tool.empty() ? u.tool : goose ? "goose" : "Flyway";
        const std::string what = !u.tool.empty() ? "the " + u.tool + " placeholder " + shown(u.name)
                                 : goose         ? "the goose ENVSUB variable $" + shown(u.name)
                                                 : "the Flyway placeholder ${" + shown(u.name) + "}";
        if (s.status == StatementStatus::Unparsable) {
            // As the analyzer sets aside a statement a template placeholder keeps from parsing
            // (one unknown-statement finding for the file's templated statements).
            s.status = StatementStatus::Unknown;
            if (s.tag.empty()) s.tag = "templated SQL";
            s.notes.push_back("templated: not analysed (a template placeholder stands where the SQL is only known when it runs)");
            s.unanalysable = Error{"a template placeholder stands where the SQL is only known when it runs", path, s.span.start};
            s.parse_error = Boxed<Error>{};
        } else if (s.status == StatementStatus::Analyzed) {
            // Its locks, as read with the stand-in identifier, stay shown; its kind is no longer
            // claimed (an unknown statement has none in the report).
            s.status = StatementStatus::Unknown;
            s.kind = {};
        }
        bool noted = false;
        for (const auto& n : s.notes) noted = noted || n.starts_with("not visible to static analysis: " + what);
        if (noted) continue;
        s.notes.push_back("not visible to static analysis: " + what + " has no value pgfence knows (" + u.why +
                          "); " + tool + " puts its text in before the SQL is parsed, so what this statement runs is not known");
        if (!s.unanalysable) s.unanalysable = Error{what + " has no value pgfence knows", path, s.span.start};
    }
}

}  // namespace pgfence::analyze::tools
