#include "bot/config.hpp"

#include "bot/cli_args.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "analyze/analyzer.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "stats/config_keys.hpp"

namespace pgfence::bot {
namespace {

using analyze::Error;
using analyze::Position;
using analyze::Risk;

// One configuration value, from either format, with the line it came from.
struct Value {
    enum class Type { String, Integer, Float, Boolean, Array, Table, Other } type = Type::Other;
    std::string text;
    long integer = 0;
    double real = 0;  // Float
    bool boolean = false;
    std::vector<Value> items;                          // arrays
    std::vector<std::pair<std::string, Value>> fields;  // tables, in file order
    int line = 0;
};

struct ConfigError {
    std::string message;
    int line = 0;
};

// A value as an error names it: a string quoted with its control bytes, quotes and backslashes
// escaped (at most 60 bytes of it), a number or boolean as written, a list or table by its kind.
std::string shown_text(const std::string& text) {
    std::string out = "\"";
    static const char* hex = "0123456789abcdef";
    std::size_t cut = std::min<std::size_t>(text.size(), 60);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a whole character
    for (unsigned char c : text.substr(0, cut)) {
        if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
        else if (c < 0x20 || c == 0x7F) out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
        else out += static_cast<char>(c);
    }
    return out + (cut < text.size() ? "...\"" : "\"");
}

std::string shown_value(const Value& v) {
    switch (v.type) {
        case Value::Type::String: return shown_text(v.text);
        case Value::Type::Integer: return std::to_string(v.integer);
        case Value::Type::Float: {
            std::ostringstream o;
            o << v.real;
            return o.str();
        }
        case Value::Type::Boolean: return v.boolean ? "true" : "false";
        case Value::Type::Array: return "a list";
        case Value::Type::Table: return "a table";
        case Value::Type::Other: break;
    }
    return "a value of another kind";
}

// The error for a bad value: the message, then the value it got.
ConfigError bad(const Value& v, const std::string& message) { return ConfigError{message + ", not " + shown_value(v), v.line}; }

Value from_toml(const toml::node& node) {
    Value v;
    v.line = static_cast<int>(node.source().begin.line);
    if (auto s = node.as_string()) { v.type = Value::Type::String; v.text = s->get(); }
    else if (auto i = node.as_integer()) { v.type = Value::Type::Integer; v.integer = static_cast<long>(i->get()); }
    else if (auto d = node.as_floating_point()) { v.type = Value::Type::Float; v.real = d->get(); }
    else if (auto b = node.as_boolean()) { v.type = Value::Type::Boolean; v.boolean = b->get(); }
    else if (auto a = node.as_array()) {
        v.type = Value::Type::Array;
        for (const auto& item : *a) v.items.push_back(from_toml(item));
    } else if (auto t = node.as_table()) {
        v.type = Value::Type::Table;
        for (const auto& [key, child] : *t) {
            Value c = from_toml(child);
            if (c.line == 0) c.line = static_cast<int>(key.source().begin.line);
            v.fields.emplace_back(std::string(key.str()), std::move(c));
        }
    }
    return v;
}

// nlohmann keeps no positions: the line of a key is found by searching for it in the text,
// starting after the previous key, which keeps file order.
struct JsonLines {
    const std::string& text;
    std::size_t cursor = 0;
    int line_of(const std::string& key) {
        std::size_t at = text.find("\"" + key + "\"", cursor);
        if (at == std::string::npos) return 0;
        cursor = at + 1;
        return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    }
};

Value from_json(const nlohmann::json& node, JsonLines& lines, int line) {
    Value v;
    v.line = line;
    if (node.is_string()) { v.type = Value::Type::String; v.text = node.get<std::string>(); }
    else if (node.is_number_integer()) { v.type = Value::Type::Integer; v.integer = node.get<long>(); }
    else if (node.is_number_float()) { v.type = Value::Type::Float; v.real = node.get<double>(); }
    else if (node.is_boolean()) { v.type = Value::Type::Boolean; v.boolean = node.get<bool>(); }
    else if (node.is_array()) {
        v.type = Value::Type::Array;
        for (const auto& item : node) v.items.push_back(from_json(item, lines, line));
    } else if (node.is_object()) {
        v.type = Value::Type::Table;
        for (const auto& [key, child] : node.items()) {
            int key_line = lines.line_of(key);
            v.fields.emplace_back(key, from_json(child, lines, key_line));
        }
    }
    return v;
}

std::string expect_string(const Value& v, const std::string& key) {
    if (v.type != Value::Type::String) throw bad(v, key + " must be a string");
    return v.text;
}

bool expect_bool(const Value& v, const std::string& key) {
    if (v.type != Value::Type::Boolean) throw bad(v, key + " must be true or false");
    return v.boolean;
}

std::vector<std::string> expect_strings(const Value& v, const std::string& key) {
    std::vector<std::string> out;
    if (v.type == Value::Type::String) return {v.text};
    if (v.type != Value::Type::Array) throw bad(v, key + " must be a list of strings");
    for (const auto& item : v.items) out.push_back(expect_string(item, key));
    return out;
}

Risk expect_risk(const Value& v, const std::string& key) {
    auto r = analyze::parse_risk(expect_string(v, key));
    if (!r || *r == Risk::None) throw bad(v, key + " must be one of low, medium, high, critical");
    return *r;
}

int expect_duration_ms(const Value& v, const std::string& key) {
    if (v.type == Value::Type::Integer && v.integer >= 0) return static_cast<int>(v.integer);
    if (v.type == Value::Type::String) {
        auto ms = analyze::rules::duration_ms(v.text);
        if (ms && *ms >= 0) return static_cast<int>(*ms);
    }
    throw bad(v, key + " must be a duration such as \"5s\", \"500ms\" or a number of milliseconds");
}

std::string known_rule(const Value& v, const std::string& id) {
    if (analyze::rules::find_rule(id) == nullptr) throw ConfigError{"unknown rule id " + shown_text(id), v.line};
    return id;
}

void apply_rules(const Value& table, Config& config) {
    for (const auto& [key, value] : table.fields) {
        if (key == "profile") {
            std::string profile = expect_string(value, "rules.profile");
            if (profile != "default" && profile != "strict") {
                throw bad(value, "rules.profile must be \"default\" or \"strict\"");
            }
            config.rules.strict = profile == "strict";
        } else if (key == "enable" || key == "disable") {
            for (const auto& id : expect_strings(value, "rules." + key)) {
                (key == "enable" ? config.rules.enabled : config.rules.disabled).insert(known_rule(value, id));
            }
        } else if (value.type == Value::Type::Table) {
            std::string id = known_rule(value, key);
            for (const auto& [option, setting] : value.fields) {
                if (option == "risk") config.rules.risk[id] = expect_risk(setting, "rules." + id + ".risk");
                else if (option == "enabled") {
                    (expect_bool(setting, "rules." + id + ".enabled") ? config.rules.enabled : config.rules.disabled).insert(id);
                } else {
                    throw ConfigError{"unknown key rules." + id + "." + option + " (expected risk or enabled)", setting.line};
                }
            }
        } else {
            throw ConfigError{"unknown key rules." + key + " (expected profile, enable, disable or a [rules.<id>] table)", value.line};
        }
    }
}

void apply_policies(const Value& table, Config& config) {
    // Each policy rule names the setting whose switch it is (Rule::policy_setting).
    auto rule_of = [](const std::string& setting) -> const analyze::rules::Rule* {
        for (const auto& rule : analyze::rules::all_rules()) {
            if (!rule.policy_setting.empty() && rule.policy_setting == setting) return &rule;
        }
        return nullptr;
    };
    for (const auto& [key, value] : table.fields) {
        if (const analyze::rules::Rule* rule = rule_of(key)) {
            (expect_bool(value, "policies." + key) ? config.rules.enabled : config.rules.disabled).insert(std::string(rule->id));
        } else if (key == "max_lock_timeout") {
            config.rules.max_lock_timeout_ms = expect_duration_ms(value, "policies.max_lock_timeout");
        } else if (key == "max_statement_timeout") {
            config.rules.max_statement_timeout_ms = expect_duration_ms(value, "policies.max_statement_timeout");
        } else {
            throw ConfigError{"unknown key policies." + key, value.line};
        }
    }
}

void apply_stats(const Value& table, Config& config) {
    int times_line = 0;  // the last line with a *_seconds key: where a disagreement between them is reported
    for (const auto& [key, value] : table.fields) {
        std::optional<double> number;
        std::optional<std::string> text;
        if (value.type == Value::Type::Integer) number = static_cast<double>(value.integer);
        else if (value.type == Value::Type::Float) number = value.real;
        else if (value.type == Value::Type::String) text = value.text;
        if (auto problem = stats::set_size_option(config.stats, key, number, text)) {
            throw problem->starts_with("unknown key") ? ConfigError{*problem, value.line} : bad(value, *problem);
        }
        if (key.ends_with("_seconds")) times_line = std::max(times_line, value.line);
    }
    if (auto problem = stats::check_size_options(config.stats)) throw ConfigError{*problem, times_line};
}

Config interpret(const Value& root) {
    Config config;
    for (const auto& [key, value] : root.fields) {
        if (key == "pg_version") {
            if (value.type != Value::Type::Integer || value.integer < analyze::k_oldest_pg_version || value.integer > analyze::k_newest_pg_version) {
                throw bad(value, "pg_version must be a whole number from 11 to 18");
            }
            config.pg_version = static_cast<int>(value.integer);
        } else if (key == "max_risk") {
            config.max_risk = expect_risk(value, key);
        } else if (key == "unparsable") {
            std::string u = expect_string(value, key);
            if (u != "fail" && u != "warn") throw bad(value, "unparsable must be \"fail\" or \"warn\"");
            config.fail_on_unparsable = u == "fail";
        } else if (key == "unknown") {
            std::string u = expect_string(value, key);
            if (u != "block" && u != "warn") throw bad(value, "unknown must be \"block\" or \"warn\"");
            config.block_unknown = u == "block";
        } else if (key == "direction") {
            std::string d = expect_string(value, key);
            if (d == "up") config.direction = analyze::Direction::Up;
            else if (d == "down") config.direction = analyze::Direction::Down;
            else if (d == "both") config.direction = analyze::Direction::Both;
            else throw bad(value, "direction must be \"up\", \"down\" or \"both\"");
        } else if (key == "tool") {
            // Which tool runs the versioned files where the project leaves two readings (tools/sqlx_crate.hpp).
            std::string t = expect_string(value, key);
            // Or the tool whose markers alone mark the project's .sql migrations (analyze/tools/folder_tool.hpp).
            // Or psql: the project runs its plain .sql files with `psql -f`, one file a run (AnalyzeOptions::tool).
            if (t != "sqlx" && t != "golang-migrate" && t != "supabase" && t != "node-pg-migrate" && t != "goose" && t != "dbmate" &&
                t != "psql") {
                throw bad(value, "tool must be \"sqlx\", \"golang-migrate\", \"supabase\", \"node-pg-migrate\", \"goose\", \"dbmate\" or \"psql\"");
            }
            config.tool = t;
        } else if (key == "max_file_size") {
            if (value.type != Value::Type::Integer || value.integer < 1 || value.integer > 4096) {
                throw bad(value, "max_file_size must be a whole number of MiB from 1 to 4096");
            }
            config.max_file_bytes = static_cast<std::uint64_t>(value.integer) << 20;
        } else if (key == "paths") {
            config.paths = expect_strings(value, key);
        } else if (key == "exclude") {
            config.exclude = expect_strings(value, key);
        } else if (key == "rules" && value.type == Value::Type::Table) {
            apply_rules(value, config);
        } else if (key == "policies" && value.type == Value::Type::Table) {
            apply_policies(value, config);
        } else if (key == "stats_file") {
            config.stats_file = expect_string(value, key);
        } else if (key == "stats" && value.type == Value::Type::Table) {
            apply_stats(value, config);
        } else if (key == "$schema") {
            // The JSON schema's address (docs/pgfence-config.schema.json), for editors.
            (void)expect_string(value, key);
        } else {
            std::string guess = nearest(key, {"pg_version", "max_risk", "unparsable", "unknown", "direction", "tool", "max_file_size", "paths", "exclude",
                                              "stats_file", "rules", "policies", "stats"});
            throw ConfigError{"unknown key '" + key + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                                  " (expected pg_version, max_risk, unparsable, unknown, direction, tool, max_file_size, paths, exclude, stats_file, [rules], [policies], [stats])",
                              value.line};
        }
    }
    return config;
}

}  // namespace

std::optional<std::filesystem::path> find_config(const std::filesystem::path& start) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(start, ec);
    while (!dir.empty()) {
        for (const char* name : {".pgfence.toml", ".pgfence.json"}) {
            if (std::filesystem::is_regular_file(dir / name, ec)) return dir / name;
        }
        if (dir == dir.root_path()) break;
        dir = dir.parent_path();
    }
    return std::nullopt;
}

analyze::Result<Config> load_config(const std::filesystem::path& path) {
    auto text = analyze::read_regular_file(path.string(), analyze::k_config_max_bytes, "the configuration file");
    if (!text) return text.error();
    return parse_config(*text, path.string());
}

analyze::Result<Config> parse_config(const std::string& text, const std::string& file) {
    if (text.size() > analyze::k_config_max_bytes) {
        return Error{"the configuration file is larger than 1 MiB", file, std::nullopt};
    }
    try {
        Value root;
        if (std::filesystem::path(file).extension() == ".json") {
            auto parsed = nlohmann::json::parse(text, nullptr, false);
            if (parsed.is_discarded() || !parsed.is_object()) {
                return Error{"not a JSON object (check the syntax)", file, std::nullopt};
            }
            JsonLines lines{text};
            root = from_json(parsed, lines, 1);
        } else {
            toml::table table = toml::parse(text, file);
            root = from_toml(table);
        }
        Config config = interpret(root);
        config.source = file;
        return config;
    } catch (const toml::parse_error& e) {
        return Error{std::string(e.description()), file,
                     Position{static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}};
    } catch (const ConfigError& e) {
        return Error{e.message, file, e.line > 0 ? std::optional<Position>(Position{e.line, 1}) : std::nullopt};
    }
}

}  // namespace pgfence::bot
