#include "bot/capture_command.hpp"

#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/base/safe_write.hpp"
#include "annotate/json_report.hpp"
#include "annotate/printable.hpp"
#include "annotate/terminal.hpp"
#include "bot/analyze_command.hpp"
#include "bot/capture_report.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "capture/command.hpp"
#include "capture/migration_files.hpp"
#include "capture/migrations.hpp"
#include "capture/proxy.hpp"
#include "capture/record_json.hpp"
#include "capture/server_url.hpp"
#include "trace/interrupt.hpp"
#include "trace/pg_binaries.hpp"
#include "trace/pg_instance.hpp"

extern char** environ;

namespace pgfence::bot {
namespace {

struct CaptureArgs {
    std::vector<std::string> command;
    std::string server;  // --server URL: an existing server
    std::string pg_bin;
    int pg_version = 0;
    std::string root = ".";
    std::string format = "text";
    std::string color = "auto";
    std::string output;
    std::string record;
    bool ci = false;
    std::optional<analyze::Risk> max_risk;
    int timeout_seconds = 3600;
    std::uint64_t max_message = analyze::k_default_max_file_bytes;
};

CaptureArgs parse_capture(const std::vector<std::string>& args) {
    CaptureArgs a;
    std::size_t i = 1;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const std::string& flag) -> std::string {
            auto eq = arg.find('=');
            if (eq != std::string::npos && arg.starts_with("--")) return arg.substr(eq + 1);
            if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
            return args[++i];
        };
        auto is = [&](const char* flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
        if (arg == "--") {
            ++i;
            break;
        } else if (is("--server")) {
            a.server = value("--server");
            if (a.server.empty()) throw UsageError{"--server needs a connection URL"};
        } else if (is("--pg-bin")) {
            a.pg_bin = value("--pg-bin");
        } else if (is("--pg-version")) {
            a.pg_version = parse_int("--pg-version", value("--pg-version"), analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
        } else if (is("--root")) {
            a.root = value("--root");
        } else if (is("--format")) {
            a.format = value("--format");
            if (a.format != "text" && a.format != "json") throw UsageError{"--format takes text or json, not '" + a.format + "'"};
        } else if (is("--color") || is("--colour")) {
            a.color = value("--color");
            if (a.color != "auto" && a.color != "always" && a.color != "never")
                throw UsageError{"--color takes auto, always or never, not '" + a.color + "'"};
        } else if (arg == "-o" || is("--output")) {
            a.output = value(arg == "-o" ? "-o" : "--output");
        } else if (is("--record")) {
            a.record = value("--record");
        } else if (arg == "--ci") {
            a.ci = true;
        } else if (is("--max-risk")) {
            std::string r = value("--max-risk");
            auto risk = analyze::parse_risk(r);
            if (!risk || *risk == analyze::Risk::None) throw UsageError{"--max-risk takes low, medium, high or critical, not '" + r + "'"};
            a.max_risk = *risk;
        } else if (is("--timeout")) {
            a.timeout_seconds = parse_int("--timeout", value("--timeout"), 1, 86400);
        } else if (is("--max-message-size")) {
            a.max_message = parse_max_file_size(value("--max-message-size"), "--max-message-size");
        } else {
            throw UsageError{"unknown option '" + arg.substr(0, arg.find('=')) + "' for capture (see 'pgfence capture --help')",
                             arg.substr(0, arg.find('='))};
        }
    }
    for (; i < args.size(); ++i) a.command.push_back(args[i]);
    if (a.command.empty()) throw UsageError{"capture needs the migrate command after --: pgfence capture -- COMMAND..."};
    if (!a.server.empty() && (!a.pg_bin.empty() || a.pg_version != 0)) {
        throw UsageError{"--server cannot be combined with --pg-bin or --pg-version"};
    }
    return a;
}

std::string random_hex(std::size_t bytes) {
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    unsigned char b[32];
    bytes = std::min(bytes, sizeof b);
    if (getrandom(b, bytes, 0) != static_cast<ssize_t>(bytes)) throw std::runtime_error("getrandom failed");
    for (std::size_t i = 0; i < bytes; ++i) {
        out += k_hex[b[i] >> 4];
        out += k_hex[b[i] & 15];
    }
    return out;
}

// The database and role capture works in: on its throwaway server, or made on --server's and
// dropped when the capture ends (the role cannot outlive its database's drop).
class CaptureServer {
public:
    ~CaptureServer() {
        if (m_admin) {
            const std::string name = analyze::quote_ident(m_target.database);
            (void)m_admin->execute("DROP DATABASE IF EXISTS " + name + (m_major >= 13 ? " WITH (FORCE)" : ""));
            (void)m_admin->execute("DROP ROLE IF EXISTS " + analyze::quote_ident(m_target.user));
        }
        if (m_instance) trace::stop_server_on_signals(nullptr);
    }
    [[nodiscard]] std::string start(const CaptureArgs& a) {
        // pgfence's own connections go where their connection strings say: a PGHOSTADDR or
        // PGSERVICE of the caller's (which libpq reads over a string's host) would send them, and
        // not the proxy, elsewhere. The command never sees either (capture/command.hpp).
        unsetenv("PGHOSTADDR");
        unsetenv("PGSERVICE");
        if (!a.server.empty()) return existing(a.server);
        auto bin_dir = trace::find_server_binaries(a.pg_bin, a.pg_version);
        if (!bin_dir) return bin_dir.error().message;
        trace::InstanceOptions options;
        options.bin_dir = *bin_dir;
        auto instance = trace::PgInstance::start(options);
        if (!instance) return "cannot start PostgreSQL: " + instance.error().message;
        m_instance = std::move(*instance);
        trace::stop_server_on_signals(m_instance.get());
        auto admin = m_instance->connect("postgres");
        if (!admin) return admin.error().message;
        m_target.database = "capture";
        m_target.user = trace::PgInstance::migration_role();
        if (auto s = admin->execute("CREATE DATABASE capture OWNER " + m_target.user); !s) return s.error().message;
        // The migration role reaches no other database of this server: from `postgres` a second
        // connection could ALTER DATABASE capture (its owner) out of the proxy's sight (red team
        // R86 F6). template0 takes no connections at all.
        if (auto s = admin->execute("REVOKE CONNECT ON DATABASE postgres, template1 FROM PUBLIC"); !s) return s.error().message;
        m_watch.emplace(std::move(*admin));
        // The migration role's password, from its connection string (32 hex digits).
        const std::string conninfo = m_instance->migration_conninfo("capture");
        const std::size_t at = conninfo.find(" password=");
        if (at == std::string::npos) return "the throwaway server has no password for its migration role";
        m_target.password = conninfo.substr(at + 10, conninfo.find(' ', at + 10) - at - 10);
        m_upstream = capture::Upstream{"127.0.0.1", m_instance->port()};
        m_major = m_instance->major_version();
        return {};
    }
    [[nodiscard]] const capture::Target& target() const { return m_target; }
    capture::Target& target() { return m_target; }
    [[nodiscard]] const capture::Upstream& upstream() const { return m_upstream; }
    [[nodiscard]] int major() const { return m_major; }

    // How many sessions the server has established to any of its databases so far
    // (pg_stat_database.sessions, PostgreSQL 14 and later), once no session of the capture's role
    // or on its database is left (a backend counts its session in the statistics when it ends, at
    // the latest); none when the server cannot say. Compared before and after the command with the
    // sessions that went through the proxy, it tells whether the command reached the server another
    // way (its own port, which `SELECT inet_server_port()` names), on whichever database: from
    // `postgres`, ALTER DATABASE changes the capture's database too (red team R86 F6). pgfence's own
    // connection is open across both counts and was counted before the first (a backend reports
    // its session when it first waits for a query, PostgreSQL 15; at its start, 14).
    [[nodiscard]] std::optional<long long> server_sessions() {
        if (m_major < 14) return std::nullopt;
        trace::Connection* conn = m_admin ? &*m_admin : m_watch ? &*m_watch : nullptr;
        if (conn == nullptr) return std::nullopt;
        const std::vector<std::string> ours{m_target.database, m_target.user};
        for (int i = 0; i < 100; ++i) {  // up to 5 s for the command's backends to end
            auto left = conn->query("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                                    "AND (datname = $1 OR usename = $2)", ours);
            if (!left || left->rows() != 1) return std::nullopt;
            if (left->value(0, 0) == "0") break;
            usleep(50000);
        }
        (void)conn->execute("SELECT pg_stat_clear_snapshot()");
        auto n = conn->query("SELECT sum(sessions) FROM pg_stat_database");
        if (!n || n->rows() != 1 || n->is_null(0, 0)) return std::nullopt;
        return std::atoll(n->value(0, 0).c_str());
    }

private:
    [[nodiscard]] std::string existing(const std::string& url) {
        auto upstream = capture::upstream_of(url);
        if (!upstream) return "--server: the URL's host or port cannot be read";
        m_upstream = *upstream;
        auto admin = trace::Connection::open(url);
        if (!admin) return "--server: " + admin.error().message;
        auto version = admin->query("SHOW server_version_num");
        if (!version || version->rows() != 1) return "--server: cannot read the server's version";
        m_major = std::atoi(version->value(0, 0).c_str()) / 10000;
        const std::string name = "pgfence_capture_" + random_hex(6);
        const std::string password = random_hex(16);
        if (auto s = admin->execute("CREATE ROLE " + name + " LOGIN PASSWORD " + analyze::quote_literal(password)); !s) {
            return "--server: cannot create the capture's role: " + s.error().message;
        }
        m_target = capture::Target{0, name, password, name};
        m_admin.emplace(std::move(*admin));
        if (auto s = m_admin->execute("CREATE DATABASE " + name + " OWNER " + name); !s) {
            return "--server: cannot create the capture's database: " + s.error().message;
        }
        return {};
    }

    std::unique_ptr<trace::PgInstance> m_instance;
    std::optional<trace::Connection> m_admin;
    std::optional<trace::Connection> m_watch;  // the throwaway server's: counts its sessions
    capture::Target m_target;
    capture::Upstream m_upstream;
    int m_major = 15;
};

// A signal that asked pgfence to stop while the command ran: the loop stops the command's process
// group, then the capture's database and role are dropped (--server) or the throwaway server is
// stopped and removed before pgfence exits. Outside that loop trace's handlers cover the server.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void note_stop_signal(int signal) { g_stop_signal = signal; }

// How the command ended.
struct CommandEnd {
    bool exited = false;
    int code = 0;
    int signal = 0;
    bool timed_out = false;
    bool stopped = false;  // pgfence was asked to stop
};

std::string describe(const CommandEnd& end, const std::string& command, int timeout) {
    if (end.timed_out) return "the command '" + command + "' ran longer than --timeout " + std::to_string(timeout) + " seconds and was killed";
    if (end.signal != 0) return "the command '" + command + "' was killed by signal " + std::to_string(end.signal);
    return "the command '" + command + "' exited with code " + std::to_string(end.code);
}

int capture_command(const CaptureArgs& a, std::ostream& out, std::ostream& err) {
    std::unique_ptr<analyze::OutputFile> file;
    std::ostream* sink = open_output(a.output, file, out, err);
    if (sink == nullptr) return k_exit_input;

    std::vector<capture::Session> sessions;
    CommandEnd end;
    int major = 15;
    capture::RunFacts run;  // bypassed sessions, how the command ended, processes that outlived it
    {
        CaptureServer server;
        if (std::string why = server.start(a); !why.empty()) {
            err << "error: " << annotate::printable(why) << "\n";
            return k_exit_input;
        }
        major = server.major();
        auto proxy = capture::Proxy::open(server.upstream(), static_cast<std::size_t>(a.max_message));
        if (!proxy) {
            err << "error: " << proxy.error().message << "\n";
            return k_exit_input;
        }
        server.target().port = (*proxy)->port();
        const std::optional<long long> sessions_before = server.server_sessions();
        capture::become_subreaper();
        std::vector<pid_t> own_before;
        for (const auto& [child, ended] : capture::own_children()) own_before.push_back(child);
        auto pid = capture::start_command(a.command, capture::command_environment(environ, server.target()));
        if (!pid) {
            err << "error: " << annotate::printable(pid.error().message) << "\n";
            return k_exit_input;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_seconds);
        bool reaped = false;
        std::chrono::steady_clock::time_point stopped_at;
        struct sigaction previous[3];
        const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};
        {
            struct sigaction on_stop {};
            on_stop.sa_handler = note_stop_signal;
            sigemptyset(&on_stop.sa_mask);
            for (int i = 0; i < 3; ++i) sigaction(stop_signals[i], &on_stop, &previous[i]);
        }
        (*proxy)->serve(
            [&] {
                if (reaped) return true;
                int status = 0;
                if (waitpid(*pid, &status, WNOHANG) == *pid) {
                    reaped = true;
                    end.exited = WIFEXITED(status);
                    end.code = end.exited ? WEXITSTATUS(status) : 0;
                    end.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
                    return true;
                }
                if (g_stop_signal != 0 && !end.stopped) {
                    end.stopped = true;
                    stopped_at = std::chrono::steady_clock::now();
                    kill(-*pid, SIGTERM);
                } else if (end.stopped && std::chrono::steady_clock::now() - stopped_at > std::chrono::seconds(5)) {
                    kill(-*pid, SIGKILL);  // it had its chance to roll back
                }
                if (std::chrono::steady_clock::now() >= deadline && !end.timed_out) {
                    end.timed_out = true;
                    kill(-*pid, SIGKILL);
                }
                return false;
            },
            std::chrono::seconds(5));
        // Nothing the command started outlives it (a server it left running, a sleep its shell
        // ran, a job it spawned in a group or session of its own, re-parented to pgfence as the
        // subreaper): all are killed once it has ended, while the capture's database still
        // exists, and their count makes the capture incomplete (unknown).
        run.outlived_by = static_cast<long long>(capture::kill_leftovers(own_before));
        kill(-*pid, SIGKILL);
        sessions = (*proxy)->sessions();
        for (int i = 0; i < 3; ++i) sigaction(stop_signals[i], &previous[i], nullptr);
        const std::optional<long long> sessions_after = g_stop_signal == 0 ? server.server_sessions() : std::nullopt;
        long long proxied = 0;
        // A session the server ended during its start (an invalid `options` setting after the
        // password) is not one pg_stat_database counts: counted here, it would hide one session
        // that bypassed the proxy (red team I1, C_DIRECTSLACK). Left out, an uncounted one can
        // only make pgfence say "unknown" where nothing bypassed it. A proxied session to another
        // database is counted there, and its statements were seen.
        for (const auto& s : sessions) proxied += s.authenticated && !s.error ? 1 : 0;
        if (!sessions_before || !sessions_after) {
            run.bypass_unchecked = true;
        } else {
            run.bypassed_sessions = std::max(0LL, *sessions_after - *sessions_before - proxied);
        }
        run.exited = end.exited;
        run.exit_code = end.code;
        run.signal = end.signal;
        run.timed_out = end.timed_out;
    }  // the capture's database and role are dropped, the throwaway server stopped
    if (g_stop_signal != 0) {
        err << "error: interrupted (signal " << g_stop_signal << "): the command was stopped; the capture's database and role were dropped\n";
        return 128 + g_stop_signal;
    }

    if (!a.record.empty()) {
        auto record = analyze::create_output_file(a.record);
        if (!record) {
            err << "error: " << annotate::printable(record.error().describe()) << "\n";
            return k_exit_input;
        }
        capture::write_record_json(sessions, run, (*record)->stream());
        if (auto done = (*record)->commit(); !done) {
            err << "error: " << annotate::printable(done.error().describe()) << "\n";
            return k_exit_input;
        }
    }

    auto migrations = capture::split_migrations(sessions);
    const capture::MigrationFiles files(a.root);
    Settings settings;
    settings.options.pg_version = std::clamp(major, analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
    settings.options.input_format = analyze::orm::InputFormat::Sql;
    settings.options.check_plans = false;
    if (a.max_risk) settings.max_risk = *a.max_risk;
    CaptureJudgement judged = judge_capture(migrations, files, "under " + annotate::printable(a.root) + " (--root)", settings.options, err);
    analyze::Report report;
    report.pg_version = settings.options.pg_version;
    report.files = std::move(judged.files);
    std::vector<std::string>& unseen = judged.unseen;
    const bool failed_migration = judged.failed_migration;
    // The command's own end is its exit status below; the rest of the run's facts are unknowns.
    capture::RunFacts facts = run;
    facts.exited = true;
    facts.exit_code = 0;
    facts.timed_out = false;
    for (auto& why : run_unseen(facts)) unseen.push_back(std::move(why));
    add_run_unknowns(report.files, unseen, settings.options);
    Diagnosis diagnosis = diagnose(report, settings, a.ci, err);
    diagnosis.failed = diagnosis.failed || judged.unreadable;
    if (a.format == "json") {
        annotate::write_json_report(report, *sink);
    } else {
        bool tty = a.output.empty() && &out == &std::cout && isatty(STDOUT_FILENO);
        annotate::TerminalOptions options;
        options.color = a.color == "always" || (a.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
        annotate::render_terminal(report, *sink, options);
    }
    sink->flush();
    if (!finish_output(file, err)) return k_exit_input;

    std::size_t connected = 0, statements = 0, closed = 0;
    for (const auto& s : sessions) {
        connected += s.authenticated ? 1 : 0;
        statements += s.events.size();
        if (!s.protocol_error.empty()) {
            err << "error: session " << s.id << ": " << annotate::printable(s.protocol_error) << "\n";
            diagnosis.failed = true;
        }
    }
    closed = judged.closed;
    err << "pgfence: captured " << statements << (statements == 1 ? " statement" : " statements") << " in " << connected
        << (connected == 1 ? " session" : " sessions") << ", " << closed << (closed == 1 ? " migration" : " migrations")
        << " recognised";
    if (judged.looked > 0) err << "; " << judged.looked << " reads of the system catalogs left out";
    if (judged.quiet > 0) err << "; " << judged.quiet << " reads and session settings outside any migration not reported";
    err << "\n";
    err << "pgfence: assumed: the command ran on an empty database, so migration code that looks at the data (a data "
           "migration's rows, a branch on a count) was seen only as it runs on no rows\n";
    const std::string command = annotate::printable(a.command.front());
    if (failed_migration) {
        err << "pgfence: a migration failed: the server rejected a statement the command sent\n";
        return k_exit_migration_failed;
    }
    if (end.timed_out || !end.exited || end.code != 0) {
        err << "error: " << describe(end, command, a.timeout_seconds) << "\n";
        return k_exit_command_failed;
    }
    if (connected == 0) {
        err << "error: the command '" << command << "' never connected to the database (DATABASE_URL and PG* point at the capture's proxy)\n";
        return k_exit_never_connected;
    }
    if (diagnosis.failed) return k_exit_input;
    if (a.ci && diagnosis.unseen > 0) {
        err << "pgfence: " << diagnosis.unseen << " statement(s) pgfence could not see (unknown-statement)\n";
        return k_exit_findings;
    }
    if (a.ci && diagnosis.over) {
        err << "pgfence: findings above --max-risk " << analyze::risk_name(settings.max_risk) << "\n";
        return k_exit_findings;
    }
    return k_exit_ok;
}

}  // namespace

int run_capture(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const CaptureArgs a = parse_capture(args);
    try {
        return capture_command(a, out, err);
    } catch (const std::exception& e) {
        err << "error: internal error: " << e.what() << "\n";
        return k_exit_input;
    }
}

}  // namespace pgfence::bot
