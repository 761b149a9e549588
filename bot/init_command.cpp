#include "bot/init_command.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <sstream>

#include "analyze/base/safe_write.hpp"
#include "annotate/printable.hpp"
#include "bot/analyze_command.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "diff/glob.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {
namespace {

namespace fs = std::filesystem;

// The line that runs pgfence; also what a team adds to a hook of its own.
constexpr const char* k_hook_line = "git diff --cached --name-only --diff-filter=ACMR -z | pgfence pre-commit --ci";
// How `init` knows a hook is its own (and may say it is already installed).
constexpr const char* k_marker = "# pgfence pre-commit hook";

std::string hook_text() {
    std::string text = "#!/bin/sh\n";
    text += k_marker;
    text += " (written by `pgfence init`; `pgfence init --force` writes it again).\n"
            "# Stops a commit whose staged migrations take a lock above max_risk (.pgfence.toml,\n"
            "# MEDIUM by default). To skip it once: git commit --no-verify\n"
            "command -v pgfence >/dev/null 2>&1 || {\n"
            "  echo 'pgfence: not found on PATH: install it, or commit with --no-verify' >&2\n"
            "  exit 1\n"
            "}\n";
    text += k_hook_line;
    text += "\n";
    return text;
}

// `path` as the user would type it from the working directory.
std::string shown(const fs::path& path) {
    std::error_code ec;
    fs::path relative = fs::relative(path, fs::current_path(ec), ec);
    bool inside = !ec && !relative.empty() && *relative.begin() != "..";
    return annotate::printable((inside ? relative : path).string());
}

}  // namespace

// `pgfence init --config`: .pgfence.toml, every key with its default and what it does, commented
// out but for the migration folders found here.
std::string config_text() {
    std::string paths;
    std::error_code ec;
    for (const char* folder : {"migrations", "db/migrations", "db/migrate", "prisma/migrations", "src/migrations", "drizzle",
                               "supabase/migrations", "sql/migrations"}) {
        if (fs::is_directory(folder, ec) && !fs::is_symlink(fs::symlink_status(folder, ec))) {
            paths += std::string(paths.empty() ? "" : ", ") + "\"" + folder + "\"";
        }
    }
    std::string text =
        "#:schema https://raw.githubusercontent.com/pgfence/action/main/docs/pgfence-config.schema.json\n"
        "# pgfence's configuration (docs/configuration.md). Command-line flags win over it. The values\n"
        "# shown are the defaults: uncomment a line to change it.\n"
        "\n"
        "# Migration files, folders or globs (relative to this file): what `pgfence analyze` reads when no\n"
        "# path is given, and the files `pgfence pr` counts as migrations.\n";
    text += paths.empty() ? "# paths = [\"db/migrations\"]\n" : "paths = [" + paths + "]\n";
    text +=
        "# exclude = [\"db/migrations/vendor/**\"]  # never analysed\n"
        "\n"
        "# pg_version = 15          # the PostgreSQL major version the migrations run on, 11 to 18\n"
        "# max_risk = \"medium\"      # --ci fails on a finding above it: low, medium, high or critical\n"
        "# unparsable = \"fail\"      # a statement that does not parse fails the run; \"warn\" reports it\n"
        "# direction = \"up\"         # which part of up/down migrations to read: up, down or both\n"
        "# max_file_size = 16       # MiB; a larger migration file is refused\n"
        "# stats_file = \"pgfence-stats.json\"  # table sizes from `pgfence extract-stats`: risk follows them\n"
        "\n"
        "[rules]\n"
        "# profile = \"default\"      # \"strict\" adds the style rules (prefer-*, missing-if-not-exists)\n"
        "# disable = []             # rule ids to turn off (`pgfence rules` lists them)\n"
        "# enable = []              # opt-in rules to turn on\n"
        "\n"
        "# [rules.create-index-without-concurrently]\n"
        "# risk = \"critical\"        # one rule's risk instead of its default\n"
        "\n"
        "[policies]\n"
        "# lock_timeout = true      # a blocking statement needs SET lock_timeout before it\n"
        "# max_lock_timeout = \"10s\"\n"
        "# statement_timeout = true # a rewrite or scan under a blocking lock needs SET statement_timeout\n"
        "# max_statement_timeout = \"10min\"\n"
        "# application_name = false\n"
        "# idle_in_transaction_session_timeout = false\n"
        "# suppression_owner = false  # every pgfence-ignore needs a reason and an owner\n"
        "\n"
        "[stats]                    # with a stats snapshot (stats_file)\n"
        "# throughput = \"50MB/s\"    # what the blocking-time estimate assumes\n"
        "# high_seconds = 5         # estimated blocking from which a finding is HIGH\n"
        "# critical_seconds = 60    # ... CRITICAL\n";
    return text;
}

int write_config(bool force, std::ostream& out, std::ostream& err) {
    std::error_code ec;
    if (!force && fs::exists(fs::symlink_status(".pgfence.toml", ec))) {
        err << "error: init --config: .pgfence.toml is already there: edit it, or replace it with pgfence init --config --force\n";
        return k_exit_input;
    }
    // Written in this folder, never through a link (--force replaces a link, not what it names).
    analyze::WriteOptions options;
    options.replace_link = force;
    auto written = analyze::write_file_under(".", ".pgfence.toml", config_text(), options);
    if (!written) {
        err << "error: init --config: " << annotate::printable(written.error().describe()) << ": the configuration is not written\n";
        return k_exit_input;
    }
    out << "pgfence: wrote .pgfence.toml: every setting with its default, commented out; pgfence analyze reads it from here "
           "and the folders below\n";
    return k_exit_ok;
}

int run_init(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    bool force = false, config = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--force") force = true;
        else if (args[i] == "--config") config = true;
        else throw UsageError{"init takes --config and --force, not '" + args[i].substr(0, args[i].find('=')) + "'", args[i].substr(0, args[i].find('='))};
    }
    if (config) return write_config(force, out, err);
    auto repo = diff::Repository::open(".");
    if (!repo) {
        err << "error: init: " << annotate::printable(repo.error().message) << "\n";
        return k_exit_input;
    }
    auto hooks = repo->hooks_dir();
    if (!hooks) {
        err << "error: init: " << annotate::printable(hooks.error().message) << "\n";
        return k_exit_input;
    }
    fs::path hooks_dir = fs::path(*hooks);
    if (!hooks_dir.has_filename()) hooks_dir = hooks_dir.parent_path();
    const fs::path husky = fs::path(repo->root()) / ".husky";
    std::error_code ec;
    const bool use_husky = fs::is_directory(husky, ec) || fs::is_symlink(fs::symlink_status(husky, ec));
    const fs::path target = (use_husky ? husky : hooks_dir) / "pre-commit";
    const std::string text = hook_text();

    if (fs::exists(fs::symlink_status(target, ec))) {
        std::ifstream file(target, std::ios::binary);
        std::string existing((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        if (existing.find(k_marker) != std::string::npos && !force) {
            out << "pgfence: the pre-commit hook is already installed in " << shown(target)
                << (existing == text ? "" : " (edited since: pgfence init --force writes it again)") << "\n";
            return k_exit_ok;
        }
        if (!force) {
            err << "error: init: " << shown(target) << " is a hook pgfence did not write: add the line '" << k_hook_line
                << "' to it, or replace it with pgfence init --force\n";
            return k_exit_input;
        }
    }
    // .husky/ is the checkout's: it and the hook are opened without following a link (a
    // committed .husky link must not carry the hook elsewhere). The hooks folder is git's own.
    // --force over a link at the hook's own name replaces the link, never writes through it.
    analyze::WriteOptions options;
    options.mode = 0755;
    options.exact_mode = true;
    options.create_base = !use_husky;
    options.replace_link = force;
    auto written = use_husky ? analyze::write_file_under(repo->root(), ".husky/pre-commit", text, options)
                             : analyze::write_file_under(hooks_dir.string(), "pre-commit", text, options);
    if (!written) {
        err << "error: init: " << annotate::printable(written.error().describe()) << ": the hook is not written\n";
        return k_exit_input;
    }
    out << "pgfence: wrote the pre-commit hook to " << shown(target)
        << ": a commit whose staged migrations have a finding above max_risk is refused\n";
    if (use_husky) {
        // husky runs .husky/ only once installed (its prepare script sets core.hooksPath).
        fs::path runs_from = fs::weakly_canonical(hooks_dir, ec);
        fs::path husky_dir = fs::weakly_canonical(husky, ec);
        auto [end, _] = std::mismatch(husky_dir.begin(), husky_dir.end(), runs_from.begin(), runs_from.end());
        if (end != husky_dir.end()) {
            err << "note: git runs hooks from " << shown(hooks_dir) << ", not .husky/: husky runs it once installed (npx husky)\n";
        }
    }
    return k_exit_ok;
}

int run_pre_commit(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    AnalyzeArgs a = parse_analyze(args);
    if (!a.paths.empty()) {
        throw UsageError{"pre-commit reads the paths on standard input (git diff --cached --name-only -z | pgfence pre-commit)"};
    }
    // NUL-separated as the hook sends them (git diff -z); one a line when there is no NUL.
    std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const char separator = input.find('\0') == std::string::npos ? '\n' : '\0';
    std::vector<std::string> staged;
    std::istringstream paths(input);
    for (std::string path; std::getline(paths, path, separator);) {
        if (!path.empty()) staged.push_back(path);
    }
    if (staged.empty()) return k_exit_ok;

    // The config's `paths` (made absolute: they are relative to its folder), else the globs
    // `pgfence pr` uses; paths from git are relative to the top of the working tree, where
    // git runs the hook.
    bool config_failed = false;
    Settings settings = resolve(a, err, config_failed);
    if (config_failed) return k_exit_input;
    const fs::path cwd = fs::current_path();
    std::vector<std::string> patterns;
    for (const auto& p : settings.paths) patterns.push_back((cwd / p).lexically_normal().generic_string());
    for (const auto& path : staged) {
        const std::string full = (cwd / path).lexically_normal().generic_string();
        bool wanted = patterns.empty() ? diff::matches_any(diff::default_migration_globs(), path)
                                       : diff::selects(patterns, full);
        // A link where a folder of migrations may stand (prisma/migrations/<id>): reported by
        // analyze (migration-not-a-file), never followed.
        std::error_code ec;
        if (!wanted && fs::is_symlink(fs::symlink_status(path, ec))) {
            wanted = patterns.empty() ? diff::may_hold(diff::default_migration_globs(), path) : diff::may_hold(patterns, full);
        }
        if (wanted) a.paths.push_back(path);
    }
    if (a.paths.empty()) return k_exit_ok;
    a.history_from_index = true;
    return run_analyze(a, out, err);
}

}  // namespace pgfence::bot
