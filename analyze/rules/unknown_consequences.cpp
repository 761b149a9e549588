#include "analyze/rules/unknown_consequences.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "analyze/rules/common.hpp"
#include "analyze/rules/engine.hpp"

namespace pgfence::analyze::rules {
namespace {

// The table's own name as the catalog keys it: "public"."Patient" -> Patient, public.users -> users.
std::string relname_of(std::string_view relation) {
    std::size_t dot = std::string_view::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < relation.size(); ++i) {
        if (relation[i] == '"') quoted = !quoted;
        else if (relation[i] == '.' && !quoted) dot = i;
    }
    if (dot != std::string_view::npos) relation = relation.substr(dot + 1);
    if (relation.size() >= 2 && relation.front() == '"' && relation.back() == '"') {
        return std::string(relation.substr(1, relation.size() - 2));
    }
    std::string out;
    for (char c : relation) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Does `text` hold `name` as a whole word (letters, digits and _ around it break none)?
bool names(std::string_view text, const std::string& name) {
    if (name.empty()) return false;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string lowered;
    lowered.reserve(text.size());
    for (char c : text) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t at = lowered.find(name); at != std::string::npos; at = lowered.find(name, at + 1)) {
        const bool before = at == 0 || !word(lowered[at - 1]);
        const bool after = at + name.size() >= lowered.size() || !word(lowered[at + name.size()]);
        if (before && after) return true;
    }
    return false;
}

// Does the text spell "create" (CREATE TABLE, createTable)?
bool creates_something(std::string_view text) {
    constexpr std::string_view k_word = "create";
    for (std::size_t i = 0; i + k_word.size() <= text.size(); ++i) {
        std::size_t n = 0;
        while (n < k_word.size() && std::tolower(static_cast<unsigned char>(text[i + n])) == k_word[n]) ++n;
        if (n == k_word.size()) return true;
    }
    return false;
}

}  // namespace

bool cap_consequences_of_unknowns(FileReport& report, const std::function<bool(const std::string&)>& known_before) {
    bool any_unknown = false;
    for (const StatementFacts& s : report.statements) any_unknown = any_unknown || s.status == StatementStatus::Unknown;
    if (!any_unknown) return false;
    bool changed = false;
    for (Finding& f : report.findings) {
        if (f.risk < Risk::High || f.relation.empty() || f.called >= 0 || f.statement < 0 ||
            static_cast<std::size_t>(f.statement) >= report.statements.size()) {
            continue;
        }
        const LockFact* lock = lock_on(report.statements[static_cast<std::size_t>(f.statement)], f.relation);
        const std::string relname = relname_of(f.relation);
        if (lock == nullptr || lock->is_new || known_before(relname)) continue;
        std::string name = relname;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (std::size_t j = static_cast<std::size_t>(f.statement); j-- > 0;) {
            const StatementFacts& unknown = report.statements[j];
            if (unknown.status != StatementStatus::Unknown) continue;
            // Its text may make a table (CREATE, a helper's createTable: an ALTER or an UPDATE of it
            // pgfence could not read made nothing), and it or the reader's note names this one.
            if (!creates_something(unknown.sql)) continue;
            bool named = names(unknown.sql, name);
            for (const std::string& note : unknown.notes) named = named || names(note, name);
            if (!named) continue;
            f.risk = Risk::Medium;
            f.message += " (unless the statement at line " + std::to_string(unknown.span.start.line) +
                         ", which pgfence could not read and which names " + f.relation + ", made it: then " + f.relation +
                         " is new and empty, and this does not apply)";
            changed = true;
            break;
        }
    }
    if (!changed) return false;
    recompute_risks(report);
    return true;
}

}  // namespace pgfence::analyze::rules
