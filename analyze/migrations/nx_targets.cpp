// The commands an nx target runs (nx_targets.hpp), as nx 19-21 builds them:
// - a target's `command` is shorthand for the executor nx:run-commands with options.command
//   (nx src/project-graph/utils/project-configuration-utils.ts resolveCommandSyntacticSugar);
// - nx.json's targetDefaults entry for the target's executor, else for its name, gives what the
//   target does not set (readTargetDefaultsForTarget; a target with no executor takes the
//   default's), its options under the target's, configuration by configuration;
// - option strings have `{workspaceRoot}/` at their start dropped and `{projectRoot}`,
//   `{projectName}` put in (resolveNxTokensInOptions);
// - run-commands (nx src/executors/run-commands/run-commands.impl.ts normalizeOptions) runs
//   options.command (an array joined with spaces) or each of options.commands (a string or
//   {command, forwardAllArgs}) with exec() in options.cwd, relative to the workspace root (its
//   root when none: calculateCwd); `{args.X}` is the parsed args option or an option run-commands
//   does not know (parseArgs, interpolateArgsIntoCommand), '' when neither sets it (the command
//   line may); with no `{args.`, those options are appended as `--X=value`, then args
//   (forwardAllArgs, true unless set false).
#include "analyze/migrations/nx_targets.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

using Json = nlohmann::json;

constexpr std::size_t k_most_commands = 64;

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// run-commands' own options (propKeys): every other is an argument.
bool own_option(std::string_view key) {
    return one_of(key, {"command", "commands", "color", "no-color", "parallel", "no-parallel", "readyWhen", "cwd", "args", "envFile", "__unparsed__", "env",
                        "usePty", "streamOutput", "verbose", "forwardAllArgs", "tty"});
}

bool run_commands(std::string_view executor) {
    return one_of(executor, {"nx:run-commands", "@nrwl/workspace:run-commands", "@nx/workspace:run-commands"});
}

// A text parsed as nx parses it (JSON with comments); nullopt when it does not parse or is no
// object. The last two texts parsed are kept (a project.json and nx.json read once for each of
// their targets, and for each project a command runs a target in, cost one parse each).
const std::optional<Json>& parse(std::string_view text) {
    struct Kept {
        std::string text;
        std::optional<Json> doc;
    };
    thread_local Kept kept[2];
    thread_local std::size_t last = 0;  // the one used last, kept over the other
    for (std::size_t i = 0; i < 2; ++i) {
        if (kept[i].text.size() == text.size() && kept[i].text == text) return kept[last = i].doc;
    }
    last = 1 - last;
    Kept& k = kept[last];
    k.text.assign(text);
    Json doc = Json::parse(text.begin(), text.end(), nullptr, false, true);
    k.doc = doc.is_discarded() || !doc.is_object() ? std::nullopt : std::optional<Json>(std::move(doc));
    return k.doc;
}

// A scalar option's text as JavaScript's template puts it in; nullopt for an object, an array, null.
std::optional<std::string> scalar(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return std::nullopt;
}

// resolveNxTokensInOptions over one value, nested ones included (at most 4096 strings).
void resolve_tokens(Json& v, std::string_view root, std::string_view name, std::size_t& budget) {
    if (budget == 0) return;
    --budget;
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s.starts_with("{workspaceRoot}")) s.erase(0, s.size() > 15 && s[15] == '/' ? 16 : 15);
        std::string out;
        for (std::size_t i = 0; i < s.size();) {
            if (s.compare(i, 13, "{projectRoot}") == 0) {
                out += root.empty() ? std::string_view(".") : root;
                i += 13;
            } else if (s.compare(i, 13, "{projectName}") == 0) {
                out += name;
                i += 13;
            } else {
                out += s[i++];
            }
        }
        v = out;
    } else if (v.is_object() || v.is_array()) {
        for (auto& e : v) resolve_tokens(e, root, name, budget);
    }
}

// `b` over `a`, key by key (nx merges a target's options over its defaults' this way).
Json merged(const Json& a, const Json& b) {
    Json out = a.is_object() ? a : Json::object();
    if (b.is_object()) {
        for (auto it = b.begin(); it != b.end(); ++it) out[it.key()] = it.value();
    }
    return out;
}

// yargs-parser's reading of the args option, near enough: `--x=v`, `--x v`, `--x` (true), each
// also under its camelCase name.
void parse_args(std::string_view args, std::map<std::string, std::string>& out) {
    std::vector<std::string> words;
    std::string w;
    char quote = 0;
    for (char c : args) {
        if (quote) {
            if (c == quote) quote = 0;
            else w += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (!w.empty()) words.push_back(std::move(w));
            w.clear();
        } else {
            w += c;
        }
    }
    if (!w.empty()) words.push_back(std::move(w));
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (!words[i].starts_with("--") || words[i].size() < 3) continue;
        std::string key = words[i].substr(2), value = "true";
        if (const std::size_t eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key.erase(eq);
        } else if (i + 1 < words.size() && !words[i + 1].starts_with("-")) {
            value = words[++i];
        }
        std::string camel;
        for (std::size_t k = 0; k < key.size(); ++k) {
            if (key[k] == '-' && k + 1 < key.size()) camel += static_cast<char>(std::toupper(static_cast<unsigned char>(key[++k])));
            else camel += key[k];
        }
        out[key] = value;
        out[camel] = value;
    }
}

// The line of `needle` (a JSON string's value) in `text`, else of `"key"`, else 1; nullopt when neither is there.
std::optional<int> line_in(std::string_view text, const std::string& needle, std::string_view key) {
    std::size_t at = text.find(Json(needle).dump(-1, ' ', false, Json::error_handler_t::replace));
    if (at == std::string_view::npos && !key.empty()) at = text.find("\"" + std::string(key) + "\"");
    if (at == std::string_view::npos) return std::nullopt;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// The folder a cwd option names, from the workspace root; "\x01" when computed or outside it.
std::string cwd_folder(const Json& options) {
    const auto it = options.find("cwd");
    if (it == options.end() || it->is_null()) return "";
    if (!it->is_string()) return "\x01";
    std::string c = it->get<std::string>();
    if (c.starts_with("/") || c.find_first_of("$`~\\'\"") != std::string::npos) return "\x01";
    std::vector<std::string> parts;
    for (std::size_t at = 0; at <= c.size();) {
        const std::size_t slash = std::min(c.find('/', at), c.size());
        const std::string part = c.substr(at, slash - at);
        at = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (parts.empty()) return "\x01";
            parts.pop_back();
        } else {
            parts.push_back(part);
        }
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

}  // namespace

bool nx_file(std::string_view path) {
    const std::string_view name = path_name(path);
    return (name == "project.json" || name == "nx.json") && path.find("node_modules/") == std::string_view::npos;
}

std::vector<std::string> nx_target_names(std::string_view text, bool defaults) {
    std::vector<std::string> out;
    const auto& doc = parse(text);
    if (!doc) return out;
    const auto it = doc->find(defaults ? "targetDefaults" : "targets");
    if (it == doc->end() || !it->is_object()) return out;
    for (auto t = it->begin(); t != it->end() && out.size() < 256; ++t) out.push_back(t.key());
    return out;
}

std::optional<NxTarget> nx_target(std::string_view project, std::string_view nx_json, std::string_view project_root, std::string_view target) {
    const std::optional<Json>& doc = parse(project);  // kept until nx.json is parsed below: what it needs is copied first
    const std::string name(target);
    if (!doc) {
        // Not JSON pgfence parses: a target of that name may be there.
        if (project.find("\"" + name + "\"") == std::string_view::npos) return std::nullopt;
        return NxTarget{"its project.json does not parse as JSON, so the target's command is not read", {}};
    }
    const auto targets = doc->find("targets");
    if (targets == doc->end() || !targets->is_object() || !targets->contains(name)) return std::nullopt;
    Json t = (*targets)[name];
    if (!t.is_object()) return NxTarget{"its target is not an object pgfence reads", {}};
    const std::string project_name = doc->contains("name") && (*doc)["name"].is_string() ? (*doc)["name"].get<std::string>() : std::string(path_name(project_root));
    // The command shorthand.
    auto sugar = [](Json& x) {
        if (!x.is_object() || !x.contains("command") || x["command"].is_null()) return true;
        if (x.contains("executor")) return false;  // nx refuses both
        x["executor"] = "nx:run-commands";
        Json options = x.contains("options") ? x["options"] : Json::object();
        if (!options.is_object()) return false;
        options["command"] = x["command"];
        x["options"] = options;
        x.erase("command");
        return true;
    };
    if (!sugar(t)) return NxTarget{"its target sets both command and executor, which nx refuses", {}};
    // nx.json's targetDefaults: by the target's executor, else by its name.
    std::string executor = t.contains("executor") && t["executor"].is_string() ? t["executor"].get<std::string>() : "";
    static const std::optional<Json> none;
    if (const std::optional<Json>& nx = nx_json.empty() ? none : parse(nx_json)) {
        const auto td = nx->find("targetDefaults");
        if (td != nx->end() && td->is_object()) {
            Json d;
            if (!executor.empty() && td->contains(executor)) d = (*td)[executor];
            else if (td->contains(name)) d = (*td)[name];
            if (d.is_object() && sugar(d)) {
                const std::string de = d.contains("executor") && d["executor"].is_string() ? d["executor"].get<std::string>() : "";
                if (executor.empty() || de.empty() || de == executor) {
                    if (executor.empty()) executor = de;
                    t["options"] = merged(d.contains("options") ? d["options"] : Json(), t.contains("options") ? t["options"] : Json());
                    Json confs = d.contains("configurations") && d["configurations"].is_object() ? d["configurations"] : Json::object();
                    if (t.contains("configurations") && t["configurations"].is_object()) {
                        for (auto it = t["configurations"].begin(); it != t["configurations"].end(); ++it) {
                            confs[it.key()] = merged(confs.contains(it.key()) ? confs[it.key()] : Json(), it.value());
                        }
                    }
                    t["configurations"] = confs;
                }
            }
        }
    }
    if (executor.empty()) return NxTarget{"its target names no executor or command pgfence reads", {}};
    if (executor == "nx:noop") return NxTarget{};
    if (!run_commands(executor)) {
        return NxTarget{"its executor " + executor.substr(0, 80) + " runs code pgfence does not read", {}};
    }
    const Json base = t.contains("options") ? t["options"] : Json::object();
    if (!base.is_object()) return NxTarget{"its options are not an object pgfence reads", {}};
    std::vector<Json> variants = {base};
    if (t.contains("configurations") && t["configurations"].is_object()) {
        for (const auto& c : t["configurations"]) {
            if (variants.size() < 16) variants.push_back(merged(base, c));
        }
    }
    NxTarget out;
    for (Json& options : variants) {
        if (!options.is_object()) return NxTarget{"a configuration of it is not an object pgfence reads", {}};
        Json raw = options;  // before the tokens, as the file writes them (for the line)
        std::size_t budget = 4096;
        resolve_tokens(options, project_root, project_name, budget);
        // Each command as written and as resolved, with whether options are forwarded to it.
        struct One {
            std::string written, resolved;
            bool forward = true;
        };
        std::vector<One> ones;
        const bool forward_all = !(options.contains("forwardAllArgs") && options["forwardAllArgs"] == false);
        auto joined = [](const Json& c) -> std::optional<std::string> {
            if (c.is_string()) return c.get<std::string>();
            if (!c.is_array()) return std::nullopt;
            std::string s;
            for (const auto& p : c) {
                if (!p.is_string()) return std::nullopt;
                s += (s.empty() ? "" : " ") + p.get<std::string>();
            }
            return s;
        };
        if (options.contains("command") && !options["command"].is_null()) {
            const auto w = joined(raw["command"]), r = joined(options["command"]);
            if (!w || !r) return NxTarget{"its command is not a string pgfence reads", {}};
            ones.push_back(One{*w, *r, forward_all});
        } else if (options.contains("commands")) {
            if (!options["commands"].is_array()) return NxTarget{"its commands are not a list pgfence reads", {}};
            for (std::size_t i = 0; i < options["commands"].size(); ++i) {
                const Json& c = options["commands"][i];
                const Json& w = raw["commands"][i];
                if (c.is_string()) {
                    ones.push_back(One{w.get<std::string>(), c.get<std::string>(), forward_all});
                } else if (c.is_object() && c.contains("command") && c["command"].is_string()) {
                    const bool f = c.contains("forwardAllArgs") ? c["forwardAllArgs"] != false : forward_all;
                    ones.push_back(One{w["command"].get<std::string>(), c["command"].get<std::string>(), f});
                } else {
                    return NxTarget{"one of its commands is not a string pgfence reads", {}};
                }
            }
        }
        // The arguments: options run-commands does not know, and the args option parsed.
        std::map<std::string, std::string> args;
        std::map<std::string, bool> computed;
        std::string forwarded;
        for (auto it = options.begin(); it != options.end(); ++it) {
            if (own_option(it.key())) continue;
            const auto v = scalar(it.value());
            if (!v) {
                computed[it.key()] = true;
                continue;
            }
            args[it.key()] = *v;
            forwarded += " --" + it.key() + "=" + *v;
        }
        if (options.contains("args")) {
            std::string a;
            if (const auto s = scalar(options["args"])) a = *s;
            else if (const auto j = joined(options["args"])) a = *j;
            else return NxTarget{"its args option is not a string pgfence reads", {}};
            parse_args(a, args);
            forwarded += " " + a;
        }
        const std::string cwd = cwd_folder(options);
        for (const One& one : ones) {
            std::string command;
            if (one.resolved.find("{args.") != std::string::npos) {
                for (std::size_t i = 0; i < one.resolved.size();) {
                    const std::size_t close = one.resolved.find('}', i);
                    if (one.resolved.compare(i, 6, "{args.") != 0 || close == std::string::npos) {
                        command += one.resolved[i++];
                        continue;
                    }
                    const std::string key = one.resolved.substr(i + 6, close - i - 6);
                    i = close + 1;
                    // Not set here (the command line that runs the target may set it) or not a literal: computed.
                    if (const auto a = args.find(key); a != args.end() && !computed.contains(key)) command += a->second;
                    else command += "$NX_ARG";
                }
            } else {
                command = one.resolved + (one.forward ? forwarded : std::string());
            }
            NxTargetCommand c{1, false, std::move(command), cwd};
            if (const auto l = line_in(project, one.written, "")) {
                c.line = *l;
            } else if (const auto n = line_in(nx_json, one.written, "")) {
                c.line = *n;
                c.in_nx_json = true;
            } else if (const auto k = line_in(project, one.written, name)) {
                c.line = *k;
            }
            const bool seen = std::any_of(out.commands.begin(), out.commands.end(),
                                          [&](const NxTargetCommand& o) { return o.command == c.command && o.cwd == c.cwd && o.line == c.line; });
            if (!seen && out.commands.size() < k_most_commands) out.commands.push_back(std::move(c));
        }
    }
    return out;
}

std::string nx_file_commands(std::string_view path, std::string_view text, const ReadFile& read, const std::function<bool(std::string_view)>& counts,
                             std::string& root) {
    const bool defaults = path_name(path) == "nx.json";
    const std::string folder(path_folder(path));
    // The workspace root: the nearest folder up with an nx.json (the repository's top when none).
    std::optional<std::string> nx_json = defaults ? std::optional<std::string>(text) : std::nullopt;
    root = defaults ? folder : std::string();
    for (std::string up = folder; !defaults && read;) {
        if (auto n = read(up.empty() ? std::string("nx.json") : up + "/nx.json")) {
            nx_json = std::move(n);
            root = up;
            break;
        }
        if (up.empty()) break;
        up = up.find('/') == std::string::npos ? std::string() : up.substr(0, up.rfind('/'));
    }
    const std::string project_root = root.empty() ? folder : folder == root ? std::string() : folder.substr(root.size() + 1);
    std::vector<std::string> lines(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    for (const std::string& name : nx_target_names(text, defaults)) {
        if (!counts(name)) continue;
        // nx.json: each default as a target that sets nothing itself takes it.
        const std::string stub = "{\"targets\": {" + Json(name).dump(-1, ' ', false, Json::error_handler_t::replace) + ": {}}}";
        const auto t = defaults ? nx_target(stub, text, "", name) : nx_target(text, nx_json.value_or(""), project_root, name);
        if (!t) continue;
        for (const NxTargetCommand& c : t->commands) {
            if (c.in_nx_json != defaults || c.line < 1 || static_cast<std::size_t>(c.line) > lines.size()) continue;
            std::string& l = lines[static_cast<std::size_t>(c.line) - 1];
            if (l.size() > 4096) continue;
            std::string one;
            for (char ch : c.command.substr(0, 4096)) one += ch == '\n' || ch == '\r' ? ';' : ch;
            const std::string cwd = c.cwd == "\x01" ? std::string("\"$NX_CWD\"") : "'" + c.cwd + "'";
            l += (l.empty() ? "" : " ; ") + (c.cwd.empty() ? one : "(cd " + cwd + " && " + one + ")");
        }
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace pgfence::analyze::tools
