#include "analyze/model/view_options_note.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze {
namespace {

// The value as written: a bare word (`= off`, `= local`) is parsed as a type name (gram.y
// def_arg), a quoted one as a string; `WITH (security_invoker)` alone means true.
std::string written_value(const DefElem* option) {
    if (option->arg == nullptr) return "true";
    if (const auto* s = pg::as<String>(option->arg)) return s->sval != nullptr ? s->sval : "";
    if (const auto* t = pg::as<TypeName>(option->arg)) return std::string(pg::last_name(t->names));
    if (const auto* i = pg::as<Integer>(option->arg)) return std::to_string(i->ival);
    if (const auto* b = pg::as<Boolean>(option->arg)) return b->boolval ? "true" : "false";
    return "?";
}

}  // namespace

std::map<std::string, std::string> view_options(const ViewStmt* view) {
    std::map<std::string, std::string> out;
    if (view == nullptr) return out;
    for (const DefElem* option : pg::each<DefElem>(view->options)) {
        if (option->defname == nullptr) continue;
        const std::string name = option->defname;
        std::string value = written_value(option);
        if (name == "check_option") {
            for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (const std::optional<bool> on = boolean_input(value)) {
            value = *on ? "true" : "false";  // reloptions.c parses booleans with parse_bool
        }
        out[name] = value;
    }
    if (view->withCheckOption == LOCAL_CHECK_OPTION) out.insert_or_assign(std::string("check_option"), std::string("local"));
    if (view->withCheckOption == CASCADED_CHECK_OPTION) out.insert_or_assign(std::string("check_option"), std::string("cascaded"));
    return out;
}

std::optional<std::map<std::string, std::string>> view_options_of(std::string_view old_sql, std::string_view relname) {
    ParsedStatement parsed = parse_statement(old_sql);
    if (parsed.failure) return std::nullopt;
    return view_options_of(parsed.stmt, relname);
}

std::optional<std::map<std::string, std::string>> view_options_of(const pg::Node* old_stmt, std::string_view relname) {
    if (old_stmt == nullptr) return std::nullopt;
    if (const auto* view = pg::as<ViewStmt>(old_stmt)) return view_options(view);
    if (const auto* schema = pg::as<CreateSchemaStmt>(old_stmt)) {
        for (const pg::Node* element : pg::each(schema->schemaElts)) {
            const auto* view = pg::as<ViewStmt>(element);
            if (view != nullptr && view->view != nullptr && pg::relname(view->view) == relname) return view_options(view);
        }
    }
    return std::nullopt;
}

std::string view_old_options_note(std::string_view display, const std::map<std::string, std::string>& options) {
    std::string out = std::string(k_view_old_options_note) + std::string(display) + ":";
    bool first = true;
    for (const auto& [name, value] : options) {
        out += (first ? " " : ", ") + name + "=" + value;
        first = false;
    }
    return out;
}

std::optional<std::map<std::string, std::string>> view_old_options(const StatementFacts& statement, std::string_view display) {
    const std::string head = std::string(k_view_old_options_note) + std::string(display) + ":";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(head)) continue;
        std::map<std::string, std::string> out;
        std::string_view rest = std::string_view(note).substr(head.size());
        while (!rest.empty()) {
            if (rest.front() == ' ') rest.remove_prefix(1);
            const std::size_t end = std::min(rest.find(", "), rest.size());
            const std::string_view item = rest.substr(0, end);
            const std::size_t eq = item.find('=');
            if (eq != std::string_view::npos) out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
        return out;
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
