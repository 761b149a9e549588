#include "analyze/migrations/spring_env.hpp"

#include <cctype>
#include <vector>

namespace pgfence::analyze::tools {
namespace {

// The properties read, and the canonical form of their variable: upper case, with no `_` (Spring
// Boot's binder compares SPRING_JPA_HIBERNATE_DDLAUTO and the legacy SPRING_JPA_HIBERNATE_DDL_AUTO
// to the same property).
struct EnvProperty {
    std::string_view property;
    std::string_view canonical;
};
constexpr EnvProperty k_properties[] = {
    {"spring.jpa.hibernate.ddl-auto", "SPRINGJPAHIBERNATEDDLAUTO"},
    {"spring.jpa.properties.hibernate.hbm2ddl.auto", "SPRINGJPAPROPERTIESHIBERNATEHBM2DDLAUTO"},
    {"spring.jpa.generate-ddl", "SPRINGJPAGENERATEDDL"},
    {"spring.jpa.properties.jakarta.persistence.schema-generation.database.action",
     "SPRINGJPAPROPERTIESJAKARTAPERSISTENCESCHEMAGENERATIONDATABASEACTION"},
    {"spring.jpa.properties.javax.persistence.schema-generation.database.action",
     "SPRINGJPAPROPERTIESJAVAXPERSISTENCESCHEMAGENERATIONDATABASEACTION"},
    {"quarkus.hibernate-orm.database.generation", "QUARKUSHIBERNATEORMDATABASEGENERATION"},
    {"spring.sql.init.mode", "SPRINGSQLINITMODE"},
    {"spring.datasource.initialization-mode", "SPRINGDATASOURCEINITIALIZATIONMODE"},
    {"spring.sql.init.schema-locations", "SPRINGSQLINITSCHEMALOCATIONS"},
    {"spring.sql.init.data-locations", "SPRINGSQLINITDATALOCATIONS"},
    {"spring.flyway.locations", "SPRINGFLYWAYLOCATIONS"},
    {"spring.liquibase.change-log", "SPRINGLIQUIBASECHANGELOG"},
};

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The value at the start of `s`: a quoted string to its quote, else to the end of the line (a YAML
// or JSON value, a comment cut off), or to the first blank after `=` (shell, Dockerfile ENV).
std::string value_at(std::string_view s, bool to_blank) {
    s = trim(s);
    if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
        const std::size_t end = s.find(s.front(), 1);
        return std::string(s.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    std::size_t end = to_blank ? s.find_first_of(" \t") : s.find(" #");
    if (end == std::string_view::npos) end = s.size();
    s = trim(s.substr(0, end));
    while (!s.empty() && (s.back() == '"' || s.back() == '\'' || s.back() == ',' || s.back() == '}' || s.back() == ']')) s.remove_suffix(1);
    return std::string(s);
}

const EnvProperty* property_of(std::string_view name) {
    std::string canonical;
    for (char c : name) {
        if (c != '_') canonical += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (const EnvProperty& p : k_properties) {
        if (p.canonical == canonical) return &p;
    }
    return nullptr;
}

// Each variable of `l` that names a property read: its offsets [at, end).
template <class Fn>
void each_variable(std::string_view l, Fn&& fn) {
    for (std::string_view prefix : {std::string_view("SPRING_"), std::string_view("QUARKUS_")}) {
        for (std::size_t at = l.find(prefix); at != std::string_view::npos; at = l.find(prefix, at + 1)) {
            if (at > 0 && name_char(l[at - 1])) continue;
            std::size_t end = at;
            while (end < l.size() && name_char(l[end])) ++end;
            if (const EnvProperty* p = property_of(l.substr(at, end - at))) fn(*p, at, end);
        }
    }
}

}  // namespace

bool spring_env_line(std::string_view line) {
    bool found = false;
    each_variable(line, [&](const EnvProperty&, std::size_t, std::size_t) { found = true; });
    return found;
}

std::string spring_env_properties(std::string_view text) {
    if (text.find("SPRING_") == std::string_view::npos && text.find("QUARKUS_") == std::string_view::npos) return {};
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t nl = text.find('\n', at);
        lines.push_back(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    }
    std::vector<std::string> out(lines.size());
    bool any = false;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        const std::string_view l = lines[n];
        const std::string_view body = trim(l);
        if (body.starts_with("#") || body.starts_with("//")) continue;
        each_variable(l, [&](const EnvProperty& p, std::size_t at, std::size_t end) {
            std::size_t i = end;
            if (i < l.size() && (l[i] == '"' || l[i] == '\'')) ++i;
            while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
            std::size_t line = n;
            std::string value;
            if (i < l.size() && (l[i] == '=' || l[i] == ':')) {
                // NAME=value (list form, shell, ENV, .env), NAME: value (map form, CI env:).
                value = value_at(l.substr(i + 1), l[i] == '=');
            } else if (l.substr(0, at).find("name") != std::string_view::npos) {
                // Kubernetes `- name: NAME` with `value:` below (or `{name: NAME, value: v}`),
                // ECS's {"name": "NAME", "value": "v"}.
                const auto value_in = [&](std::string_view s) -> bool {
                    std::size_t v = s.find("value");
                    if (v == std::string_view::npos || (v > 0 && name_char(s[v - 1]))) return false;
                    std::size_t j = v + 5;
                    if (s.substr(j).starts_with("From")) {
                        value = "${valueFrom}";
                        return true;
                    }
                    if (j < s.size() && (s[j] == '"' || s[j] == '\'')) ++j;
                    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
                    if (j >= s.size() || s[j] != ':') return false;
                    value = value_at(s.substr(j + 1), false);
                    return true;
                };
                if (!value_in(l.substr(end))) {
                    for (std::size_t k = n + 1; k < lines.size() && k <= n + 4; ++k) {
                        const std::string_view next = trim(lines[k]);
                        if (next.starts_with("-") || next.find("name") != std::string_view::npos) break;
                        if (value_in(next)) {
                            line = k;
                            break;
                        }
                    }
                }
            } else if (body.starts_with("ENV ") && i > end) {
                value = value_at(l.substr(i), false);  // Dockerfile's older `ENV NAME value`
            }
            if (value.empty()) return;
            out[line] = std::string(p.property) + "=" + value;
            any = true;
        });
    }
    if (!any) return {};
    std::string text_out;
    for (std::size_t n = 0; n < out.size(); ++n) {
        if (n) text_out += '\n';
        text_out += out[n];
    }
    return text_out;
}

}  // namespace pgfence::analyze::tools
