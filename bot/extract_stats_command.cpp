#include "bot/extract_stats_command.hpp"

#include <cstdlib>
#include <fstream>
#include <ostream>

#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "stats/conninfo.hpp"
#include "stats/extractor.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::bot {
namespace {

struct ExtractArgs {
    std::string db_url;
    std::string output = "-";  // standard output, as the original pgfence: `extract-stats ... > FILE`
    stats::ExtractOptions options;
};

ExtractArgs parse_extract(const std::vector<std::string>& args) {
    ExtractArgs a;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (arg.rfind("--", 0) == 0 && eq != std::string::npos) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        if (is("--db-url")) a.db_url = value("--db-url");
        else if (arg == "-o" || is("--output")) a.output = value("--output");
        else if (arg == "--schema") a.options.columns = true;
        else if (is("--statement-timeout")) {
            a.options.statement_timeout_ms = 1000 * parse_int("--statement-timeout", value("--statement-timeout"), 1, 3600);
        } else {
            // Never echo an argument back: it may be a URL with a password in it.
            if (arg.size() > 1 && arg[0] == '-') {
                throw UsageError{"extract-stats: unknown option '" + arg.substr(0, arg.find('=')) + "' (see 'pgfence extract-stats --help')",
                                 arg.substr(0, arg.find('='))};
            }
            throw UsageError{"extract-stats takes no positional arguments; give the database with --db-url URL"};
        }
    }
    if (a.db_url.empty()) {
        if (const char* env = std::getenv("PGFENCE_DB_URL"); env != nullptr && *env != '\0') a.db_url = env;
    }
    if (a.db_url.empty()) throw UsageError{"extract-stats needs --db-url URL (or PGFENCE_DB_URL in the environment)"};
    return a;
}

}  // namespace

std::optional<stats::Snapshot> take_snapshot(const std::string& conninfo, const stats::ExtractOptions& options,
                                             const std::string& who, std::ostream& err) {
    // A server that accepts the connection but never answers must not hang CI; an explicit
    // connect_timeout in the URL, or PGCONNECT_TIMEOUT, wins.
    setenv("PGCONNECT_TIMEOUT", "10", 0);
    setenv("PGAPPNAME", "pgfence", 0);
    std::string shown = stats::redact_conninfo(conninfo);
    if (stats::userinfo_needs_encoding(conninfo)) {
        err << "error: " << who << ": the URL has an '@' after a '/', '?' or '#': percent-encode those "
               "characters in the password (%2F, %3F, %23), or an '@' elsewhere (%40) (database " << shown << ")\n";
        return std::nullopt;
    }
    auto snapshot = stats::extract_snapshot(conninfo, options);
    if (!snapshot) {
        err << "error: " << who << ": " << snapshot.error().message << " (database " << shown << ")\n";
        return std::nullopt;
    }
    return std::move(*snapshot);
}

int run_extract_stats(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ExtractArgs a = parse_extract(args);
    std::string shown = stats::redact_conninfo(a.db_url);
    auto snapshot = take_snapshot(a.db_url, a.options, "extract-stats", err);
    if (!snapshot) return k_exit_input;
    std::string text = stats::snapshot_to_json(*snapshot);
    std::ostream* report = &err;
    if (a.output == "-") {
        out << text;
    } else {
        auto written = analyze::write_output_file(a.output, text);
        if (!written) {
            err << "error: " << annotate::printable(written.error().describe()) << ": the stats snapshot is not written\n";
            return k_exit_input;
        }
        report = &out;
    }
    *report << "pgfence: " << snapshot->tables.size() << " tables from " << shown
            << (snapshot->in_recovery ? " (a standby)" : "") << ", PostgreSQL " << snapshot->server_version
            << (a.output == "-" ? "" : ", written to " + a.output) << "\n";
    return k_exit_ok;
}

}  // namespace pgfence::bot
