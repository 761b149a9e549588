#include "governance/policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "analyze/base/regular_file.hpp"
#include "analyze/rules/rule.hpp"
#include "governance/policy_toml.hpp"
#include "stats/units.hpp"

namespace pgfence::governance {
namespace {

using analyze::Error;
using analyze::Position;
using analyze::Risk;

constexpr std::string_view k_keys =
    "signoff_at, unknown_needs_signoff, require_lock_timeout, critical_needs_exemption, concurrently_above_bytes, exemptable, approvers, "
    "min_approvals, author_may_approve, exemption_granters, max_exemption_days";

struct PolicyError {
    std::string message;
    toml::source_region where;
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool expect_bool(const toml::node& value, const std::string& name) {
    if (auto b = value.as_boolean()) return b->get();
    throw PolicyError{name + " must be true or false", value.source()};
}

std::optional<Risk> expect_threshold(const toml::node& value, const std::string& name) {
    const std::string problem = name + " must be one of low, medium, high, critical, never";
    auto text = value.as_string();
    if (!text) throw PolicyError{problem, value.source()};
    if (lower(text->get()) == "never") return std::nullopt;
    auto risk = analyze::parse_risk(text->get());
    if (!risk || *risk == Risk::None) throw PolicyError{problem, value.source()};
    return risk;
}

std::uint64_t expect_bytes(const toml::node& value, const std::string& name) {
    if (auto i = value.as_integer(); i && i->get() >= 0) return static_cast<std::uint64_t>(i->get());
    if (auto s = value.as_string()) {
        if (auto bytes = stats::parse_bytes(s->get()); bytes && *bytes >= 0 && std::isfinite(*bytes)) {
            return static_cast<std::uint64_t>(*bytes);
        }
    }
    throw PolicyError{name + " must be a number of bytes (0 or more) or a size such as \"10GB\"", value.source()};
}

std::vector<std::string> expect_rules(const toml::node& value, const std::string& name) {
    auto array = value.as_array();
    if (!array) throw PolicyError{name + " must be a list of rule ids or \"*\"", value.source()};
    std::vector<std::string> out;
    for (const auto& item : *array) {
        auto id = item.as_string();
        if (!id) throw PolicyError{name + " must be a list of rule ids or \"*\"", item.source()};
        if (id->get() != "*" && analyze::rules::find_rule(id->get()) == nullptr) {
            throw PolicyError{name + ": unknown rule id '" + id->get() + "'", item.source()};
        }
        out.push_back(id->get());
    }
    return out;
}

int expect_int(const toml::node& value, const std::string& name, std::int64_t low, std::int64_t high) {
    if (auto i = value.as_integer(); i && i->get() >= low && i->get() <= high) return static_cast<int>(i->get());
    throw PolicyError{name + " must be a whole number from " + std::to_string(low) + " to " + std::to_string(high), value.source()};
}

// GitHub's logins: letters, digits and single inner hyphens, at most 39; team slugs alike, longer.
bool login_like(std::string_view text, std::size_t max) {
    if (text.empty() || text.size() > max || text.front() == '-' || text.back() == '-') return false;
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::vector<std::string> expect_people(const toml::node& value, const std::string& name) {
    const std::string problem = name + " must be a list of \"@org/team\" or \"login\"";
    auto array = value.as_array();
    if (!array) throw PolicyError{problem, value.source()};
    std::vector<std::string> out;
    for (const auto& item : *array) {
        auto text = item.as_string();
        if (!text) throw PolicyError{problem, item.source()};
        const std::string& entry = text->get();
        bool valid = false;
        if (entry.starts_with("@")) {
            const auto slash = entry.find('/');
            valid = slash != std::string::npos && login_like(std::string_view(entry).substr(1, slash - 1), 39) &&
                    login_like(std::string_view(entry).substr(slash + 1), 100);
        } else {
            valid = login_like(entry, 39);
        }
        if (!valid) throw PolicyError{name + ": '" + entry + "' is neither \"@org/team\" nor a GitHub login", item.source()};
        out.push_back(lower(entry));
    }
    return out;
}

// Applies the keys of one `[policy]` or `[repositories."..."]` table; `table_name` prefixes
// the key in messages.
void apply(const toml::table& table, const std::string& table_name, PolicySettings& settings) {
    for (const auto& [key, value] : table) {
        const std::string name = table_name + "." + std::string(key.str());
        const std::string_view k = key.str();
        if (k == "signoff_at") settings.signoff_at = expect_threshold(value, name);
        else if (k == "unknown_needs_signoff") settings.unknown_needs_signoff = expect_bool(value, name);
        else if (k == "require_lock_timeout") settings.require_lock_timeout = expect_bool(value, name);
        else if (k == "critical_needs_exemption") settings.critical_needs_exemption = expect_bool(value, name);
        else if (k == "concurrently_above_bytes") settings.concurrently_above_bytes = expect_bytes(value, name);
        else if (k == "exemptable") settings.exemptable = expect_rules(value, name);
        else if (k == "approvers") settings.approvers = expect_people(value, name);
        else if (k == "min_approvals") settings.min_approvals = expect_int(value, name, 1, 20);
        else if (k == "author_may_approve") settings.author_may_approve = expect_bool(value, name);
        else if (k == "exemption_granters") settings.exemption_granters = expect_people(value, name);
        else if (k == "max_exemption_days") settings.max_exemption_days = expect_int(value, name, 1, 3650);
        else throw PolicyError{"unknown key " + name + " (expected " + std::string(k_keys) + ")", key.source()};
    }
}

const toml::table& expect_table(const toml::node& value, const std::string& name) {
    if (auto t = value.as_table()) return *t;
    throw PolicyError{name + " must be a table", value.source()};
}

// OWNER/NAME as GitHub spells them: one slash, neither part empty.
bool repository_name(std::string_view name) {
    auto slash = name.find('/');
    return slash != std::string_view::npos && slash > 0 && slash + 1 < name.size() &&
           name.find('/', slash + 1) == std::string_view::npos;
}

Policy interpret(const toml::table& root) {
    Policy policy;
    if (const toml::node* base = root.get("policy")) apply(expect_table(*base, "policy"), "policy", policy.settings);
    if (const toml::node* repos = root.get("repositories")) {
        std::map<std::string, const toml::key*> seen;  // toml++ iterates in key order, not file order
        for (const auto& [key, value] : expect_table(*repos, "repositories")) {
            const std::string name(key.str());
            const std::string where = "repositories.\"" + name + "\"";
            if (!repository_name(name)) throw PolicyError{where + ": a repository is named OWNER/NAME", key.source()};
            if (auto [it, added] = seen.emplace(lower(name), &key); !added) {
                const toml::key& later = it->second->source().begin.line > key.source().begin.line ? *it->second : key;
                throw PolicyError{"repositories.\"" + std::string(later.str()) +
                                      "\": the repository has another table (names are compared in any case)",
                                  later.source()};
            }
            PolicySettings settings = policy.settings;
            apply(expect_table(value, where), where, settings);
            policy.repositories.emplace(lower(name), std::move(settings));
        }
    }
    return policy;
}

Error error_at(const std::string& message, const std::string& file, const toml::source_region& where) {
    if (where.begin.line == 0) return Error{message, file, std::nullopt};
    return Error{message, file, Position{static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)}};
}

}  // namespace

bool PolicySettings::may_exempt(std::string_view rule, Risk risk) const {
    if (!exemptable) return risk != Risk::Critical;
    return std::any_of(exemptable->begin(), exemptable->end(), [&](const std::string& id) { return id == "*" || id == rule; });
}

const PolicySettings& Policy::for_repository(std::string_view repository) const {
    auto it = repositories.find(lower(repository));
    return it == repositories.end() ? settings : it->second;
}

analyze::Result<Policy> policy_from_toml(const toml::table& root, const std::string& file) {
    try {
        Policy policy = interpret(root);
        policy.source = file;
        return policy;
    } catch (const PolicyError& e) {
        return error_at(e.message, file, e.where);
    }
}

analyze::Result<Policy> load_policy(const std::string& path) {
    auto text = analyze::read_regular_file(path, analyze::k_config_max_bytes, "the policy file");
    if (!text) return text.error();
    return parse_policy(*text, path);
}

analyze::Result<Policy> parse_policy(const std::string& text, const std::string& file) {
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        return error_at(std::string(e.description()), file, e.source());
    }
    // A file of its own holds nothing else: a misspelt table name must not pass unread.
    for (const auto& [key, value] : root) {
        if (key.str() != "policy" && key.str() != "repositories") {
            return error_at("unknown key '" + std::string(key.str()) + "' (expected [policy] and [repositories.\"OWNER/NAME\"])",
                            file, key.source());
        }
    }
    return policy_from_toml(root, file);
}

}  // namespace pgfence::governance
