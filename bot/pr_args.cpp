// pgfence pr: its arguments and environment, and the pull request it reviews (split from pr_command.cpp).
#include "bot/pr_parts.hpp"

namespace pgfence::bot {

std::span<const AnalyzeOptionNotInPr> analyze_options_not_in_pr() {
    static constexpr AnalyzeOptionNotInPr k_options[] = {
        {"-o", true, "pr writes each format to its own file, --format FORMAT=FILE (and --sarif, --summary)"},
        {"--output", true, "pr writes each format to its own file, --format FORMAT=FILE (and --sarif, --summary)"},
        {"--changed-since", true, "pr reports what the pull request changed"},
        {"--baseline", true, "pr reports what the pull request changed"},
        {"--update-baseline", true, "pr reports what the pull request changed"},
        {"--db-url", true, "pr reads table sizes from --stats-file or the config's stats_file (a snapshot in the base commit)"},
        // pr's table is never coloured, compact only on a terminal narrower than the table, it
        // always gates, and its files come from git.
        {"-v", false, "pr prints the statement table unless its output is a terminal narrower than the table (pipe it to keep the table)"},
        {"--verbose", false, "pr prints the statement table unless its output is a terminal narrower than the table (pipe it to keep the table)"},
        {"--color", false, "pr's table is never coloured"},
        {"--ci", false, "pr always fails on a new finding above --max-risk"},
        {"-", false, "pr reads the pull request's files from git"},
        {"--stdin-filename", false, "pr reads the pull request's files from git"},
        {"--plan-merged", false, "pr writes no plans"},
    };
    return k_options;
}

namespace pr_detail {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

bool env_true(const char* name) {
    std::string v = env(name);
    return v == "true" || v == "1";
}

PrArgs parse_pr(const std::vector<std::string>& args) {
    PrArgs p;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        if (is("--repo")) p.repo_dir = value("--repo");
        else if (is("--base")) p.base = value("--base");
        else if (is("--head")) p.head = value("--head");
        else if (is("--event")) p.event_path = value("--event");
        else if (is("--repository")) p.repository = value("--repository");
        else if (is("--pr")) p.number = parse_int("--pr", value("--pr"), 1, 2'000'000'000);
        else if (is("--sarif")) p.sarif_path = value("--sarif");
        else if (arg == "--no-sarif") p.sarif = false;
        else if (is("--summary")) p.summary_path = value("--summary");
        else if (is("--outputs")) p.outputs_path = value("--outputs");
        else if (arg == "--no-check-run") p.check_run = false;
        else if (arg == "--no-comment") p.comment = false;
        else if (arg == "--upload-sarif") p.upload_sarif = true;
        else if (arg == "--fail-on-pre-existing") p.fail_on_pre_existing = true;
        else if (arg == "--trace") p.trace = true;
        else if (arg == "--trace-as-superuser") p.trace = p.trace_as_superuser = true;
        else if (is("--trace-timeout")) p.trace_timeout = std::to_string(parse_int("--trace-timeout", value("--trace-timeout"), 1, 86400));
        else if (is("--trace-budget")) p.trace_budget = std::to_string(parse_int("--trace-budget", value("--trace-budget"), 1, 86400));
        else if (is("--name")) p.name = checked_name(value("--name"));
        else if (is("--config-from")) {
            std::string from = value("--config-from");
            if (from != "base" && from != "head") throw UsageError{"--config-from takes base or head, not '" + from + "'"};
            p.config_from = from == "base" ? ConfigFrom::Base : ConfigFrom::Head;
        } else if (is("--comment-author")) {
            p.comment_author = value("--comment-author");
            if (p.comment_author.empty() || p.comment_author.size() > 100 ||
                p.comment_author.find_first_of(" \t\r\n") != std::string::npos)
                throw UsageError{"--comment-author takes a GitHub login, e.g. my-app[bot]"};
        } else if (is("--max-suggestions")) {
            p.max_suggestions = parse_int("--max-suggestions", value("--max-suggestions"), 0, 100);
        } else if (is("--upload")) {
            p.upload_url = value("--upload");
        } else if (arg == "--upload-without-sql") {
            p.upload_sql = false;
        } else if (arg == "--upload-required") {
            p.upload_required = true;
        } else if (is("--capture")) {
            p.capture = value("--capture");
            if (p.capture.empty()) throw UsageError{"--capture takes the file `pgfence capture --record FILE` wrote"};
        } else if (arg == "--") {
            // Everything after it is a glob, even one that looks like an option.
            p.analyze_args.insert(p.analyze_args.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            break;
        }
        else if (is("--format")) {
            std::string given = value("--format");
            std::size_t eq = given.find('=');
            std::string format = given.substr(0, eq), file = eq == std::string::npos ? "" : given.substr(eq + 1);
            static const std::vector<std::string> k_formats = {"text", "json", "markdown", "sarif", "gitlab", "rdjson"};
            if (std::find(k_formats.begin(), k_formats.end(), format) == k_formats.end()) {
                std::string guess = nearest(format, k_formats);
                throw UsageError{"pr --format takes text, json, markdown, sarif, gitlab or rdjson (FORMAT or FORMAT=FILE), not '" + format +
                                 "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?")};
            }
            if (eq != std::string::npos && file.empty()) throw UsageError{"--format " + format + "= needs a file name after '='"};
            if (file.empty()) {
                for (const auto& [f, path] : p.formats) {
                    if (path.empty()) {
                        throw UsageError{"pr --format: one format goes to standard output (" + f + "); give " + format +
                                         " a file: --format " + format + "=FILE"};
                    }
                }
            }
            p.formats.emplace_back(format, file);
        } else {
            // Never the value after '=': --db-url's may hold a password.
            const std::string option = arg.substr(0, arg.find('='));
            for (const auto& o : analyze_options_not_in_pr()) {
                if (o.refused && option == o.option)
                    throw UsageError{option + " is analyze's, not accepted by pr: " + std::string(o.why) + " (see 'pgfence pr --help')"};
            }
            p.analyze_args.push_back(arg);
        }
    }
    if (p.upload_url.empty() && (!p.upload_sql || p.upload_required))
        throw UsageError{std::string(!p.upload_sql ? "--upload-without-sql" : "--upload-required") + " needs --upload URL"};
    if (!p.upload_url.empty()) {
        if (auto problem = governance::url_problem(p.upload_url)) throw UsageError{"--upload URL " + *problem};
    }
    return p;
}

// --upload's options; the token, trimmed as a pasted secret often needs, must be there.
governance::UploadOptions upload_options(const PrArgs& p) {
    governance::UploadOptions options;
    options.url = p.upload_url;
    std::string token = env(governance::k_token_variable);
    token.erase(0, token.find_first_not_of(" \t\r\n"));
    token.erase(token.find_last_not_of(" \t\r\n") + 1);
    if (token.empty()) throw UsageError{std::string("--upload needs the service's token in ") + governance::k_token_variable};
    options.token = token;
    return options;
}

// A file path as the job's later steps can use it: relative to the workspace when it lies there.
// A container action sees the workspace at /github/workspace, the runner's host elsewhere, so an
// absolute path from inside the container names nothing for upload-sarif.
std::string step_path(const std::string& path) {
    std::string workspace = env("GITHUB_WORKSPACE");
    if (path.empty() || workspace.empty()) return path;
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    std::filesystem::path base = std::filesystem::absolute(workspace, ec);
    if (ec) return path;
    std::filesystem::path rel = absolute.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.generic_string();
}

// Where the review's links point: the analysed commit in this repository, and this run.
annotate::ReviewLinks review_links(const Target& target) {
    annotate::ReviewLinks links;
    links.server = env("GITHUB_SERVER_URL");
    if (links.server.empty() && target.in_actions) links.server = "https://github.com";
    links.repository = target.repository;
    links.sha = target.head;
    std::string run = env("GITHUB_RUN_ID");
    if (!links.server.empty() && !target.repository.empty() && !run.empty()) {
        links.run_url = links.server + "/" + target.repository + "/actions/runs/" + run;
    }
    return links;
}

// The pull request number of the event payload: GitHub's are 1 and up; anything else (a
// float, a string, 4294967303 that an int would wrap to 7) is refused, never guessed at.
std::optional<int> event_number(const nlohmann::json& pr, std::string& problem) {
    if (!pr.is_object() || !pr.contains("number")) return std::nullopt;
    const auto& n = pr["number"];
    if (n.is_number_unsigned() && n.get<std::uint64_t>() >= 1 && n.get<std::uint64_t>() <= 2'000'000'000u) {
        return static_cast<int>(n.get<std::uint64_t>());
    }
    problem = "the event payload's pull request number " + annotate::printable(n.dump().substr(0, 40)) +
              " is not a pull request number (1 to 2000000000): nothing is commented";
    return std::nullopt;
}

Target locate(const PrArgs& p) {
    Target t;
    t.in_actions = env_true("GITHUB_ACTIONS");
    t.repo_dir = !p.repo_dir.empty() ? p.repo_dir : !env("GITHUB_WORKSPACE").empty() ? env("GITHUB_WORKSPACE") : ".";
    t.repository = !p.repository.empty() ? p.repository : env("GITHUB_REPOSITORY");
    t.base = p.base;
    t.head = p.head;
    t.number = p.number;
    std::string event_path = !p.event_path.empty() ? p.event_path : env("GITHUB_EVENT_PATH");
    if (!event_path.empty() && (t.base.empty() || t.head.empty() || !t.number)) {
        auto text = analyze::read_regular_file(event_path, analyze::k_event_max_bytes, "the GitHub event payload");
        if (!text) throw UsageError{annotate::printable(text.error().describe())};
        nlohmann::json event = nlohmann::json::parse(*text, nullptr, false);
        if (event.is_discarded()) throw UsageError{annotate::printable(event_path) + ": the GitHub event payload is not JSON"};
        if (auto shas = diff::pull_request_shas(event)) {
            if (t.base.empty()) t.base = shas->first;
            if (t.head.empty()) t.head = shas->second;
        }
        if (!t.number && event.is_object()) {
            const auto& pr = event.contains("pull_request") ? event["pull_request"] : event;
            t.number = event_number(pr, t.number_problem);
        }
    }
    if (t.base.empty() || t.head.empty()) {
        throw UsageError{"pr needs --base and --head, or a pull_request event in GITHUB_EVENT_PATH"};
    }
    return t;
}

}  // namespace pr_detail

}  // namespace pgfence::bot
