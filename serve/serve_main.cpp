// pgfence-serve: the governance service and its tools, a program of its own (cpp-httplib, OpenSSL,
// libpq) that `pgfence serve` and `pgfence audit` run, so `pgfence analyze` never loads them.
//   pgfence serve [--config FILE] [--listen HOST:PORT] [--database-url URL] [--data-dir DIR] [--pg-bin DIR]
//   pgfence serve token create|revoke --repository OWNER/NAME [same database options]
//   pgfence audit verify [--config FILE] [--database-url URL | --data-dir DIR | FILE.jsonl]
// One process owns a data folder (serve/data_lock.hpp): token commands and audit verify reach the
// service that owns it through its admin socket (serve/admin.hpp), else run on the folder themselves.
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "serve/admin.hpp"
#include "serve/audit.hpp"
#include "serve/config.hpp"
#include "serve/data_lock.hpp"
#include "serve/decide.hpp"
#include "serve/github_app.hpp"
#include "serve/payload.hpp"
#include "serve/service.hpp"
#include "serve/store.hpp"
#include "trace/pg_binaries.hpp"
#include "trace/pg_instance.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0"
#endif

namespace {

using namespace pgfence;

constexpr const char* k_usage =
    "usage: pgfence serve [--config FILE] [--listen HOST:PORT] [--database-url URL] [--data-dir DIR] [--pg-bin DIR]\n"
    "       pgfence serve token create|revoke --repository OWNER/NAME [--config FILE] [--database-url URL | --data-dir DIR]\n"
    "       pgfence audit verify [--config FILE] [--database-url URL | --data-dir DIR | FILE.jsonl]\n";

struct Options {
    std::string config_path;
    std::string listen;
    std::string database_url;
    std::string data_dir;
    std::string pg_bin;
    std::string repository;
    std::string file;  // audit verify FILE.jsonl
};

int usage_error(const std::string& message) {
    std::cerr << "error: " << message << "\n" << k_usage;
    return 2;
}

std::optional<Options> parse(const std::vector<std::string>& args, std::size_t from, std::string& problem) {
    Options o;
    for (std::size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) {
                problem = a + " needs a value";
                return false;
            }
            out = args[++i];
            return true;
        };
        bool ok = true;
        if (a == "--config") ok = value(o.config_path);
        else if (a == "--listen") ok = value(o.listen);
        else if (a == "--database-url") ok = value(o.database_url);
        else if (a == "--data-dir") ok = value(o.data_dir);
        else if (a == "--pg-bin") ok = value(o.pg_bin);
        else if (a == "--repository") ok = value(o.repository);
        else if (!a.starts_with("-") && o.file.empty()) o.file = a;
        else {
            problem = "unknown option " + a.substr(0, a.find('='));  // never a value: it may hold a password
            return std::nullopt;
        }
        if (!ok) return std::nullopt;
    }
    return o;
}

void apply_database_options(serve::Config& config, const Options& o) {
    if (!o.database_url.empty()) config.database_url = o.database_url;
    if (!o.data_dir.empty()) config.data_dir = o.data_dir;
}

// The database: the team's (--database-url, the config or PGFENCE_DATABASE_URL), or our own
// PostgreSQL in the data folder, whose lock the caller holds: started here, stopped (a fast
// shutdown, waited for) when we exit.
struct Database {
    std::string conninfo;
    std::unique_ptr<trace::PgInstance> embedded;
};

analyze::Result<Database> open_database(const serve::Config& config, const Options& o, const serve::DataLock* lock) {
    Database db;
    if (!config.database_url.empty()) {
        db.conninfo = config.database_url;
        return db;
    }
    auto bin = trace::find_server_binaries(o.pg_bin, 0);
    if (!bin) return analyze::Error{"no database: give --database-url, or install PostgreSQL's server for the embedded one (" +
                                        bin.error().message + ")",
                                    "", std::nullopt};
    trace::InstanceOptions options;
    options.bin_dir = *bin;
    options.persistent_dir = config.data_dir;
    options.lock_fd = lock != nullptr ? lock->fd() : -1;
    auto instance = trace::PgInstance::start(options);
    if (!instance) {
        return analyze::Error{"the embedded PostgreSQL in " + config.data_dir + " did not start: " + instance.error().message, "",
                              std::nullopt};
    }
    db.conninfo = (*instance)->socket_conninfo("postgres");
    db.embedded = std::move(*instance);
    std::cerr << "pgfence serve: PostgreSQL in " << config.data_dir << " (embedded)\n";
    return db;
}

// SIGINT, SIGTERM: the service stops (from a thread of ours: nothing else is safe in a handler).
std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

// An admin command (serve/admin.hpp) where the data is: the team's database; else the service
// that owns the data folder, through its socket; else our own PostgreSQL on the folder.
analyze::Result<nlohmann::json> run_command(const serve::Config& config, const Options& o, const nlohmann::json& request) {
    std::optional<serve::Folder> folder;
    if (config.database_url.empty()) {
        auto reached = serve::reach_folder(config.data_dir, request);
        if (!reached) return reached.error();
        if (reached->answer) return std::move(*reached->answer);
        folder = std::move(*reached);
    }
    auto db = open_database(config, o, folder && folder->lock ? &*folder->lock : nullptr);
    if (!db) return db.error();
    serve::Store store(db->conninfo);
    if (request.value("command", "") != "audit verify") {
        if (auto m = store.migrate(); !m) return analyze::Error{m.error().message, "", std::nullopt};
    }
    return serve::admin_command(store, request);
}

int run_serve(const Options& o) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    auto config = serve::load_config(o.config_path);
    if (!config) return std::cerr << "error: " << config.error().message << "\n", 2;
    if (!o.listen.empty()) {
        auto colon = o.listen.rfind(':');
        if (colon == std::string::npos || colon == 0) return usage_error("--listen takes HOST:PORT");
        config->host = o.listen.substr(0, colon);
        try {
            config->port = std::stoi(o.listen.substr(colon + 1));
        } catch (...) {
            return usage_error("--listen takes HOST:PORT");
        }
    }
    if (config->webhook_secret.empty()) {
        std::cerr << "warning: no webhook_secret (or PGFENCE_WEBHOOK_SECRET): every webhook will be refused\n";
    }
    auto policies = serve::Policies::load(config->policy_toml, config->path);
    if (!policies) return std::cerr << "error: " << policies.error().message << "\n", 2;
    std::unique_ptr<serve::GitHubApp> app;
    if (!config->app_id.empty() && !config->private_key_pem.empty()) {
        auto key = serve::SigningKey::from_pem(config->private_key_pem);
        if (!key) return std::cerr << "error: the App's private key: " << key.error().message << "\n", 2;
        app = std::make_unique<serve::GitHubApp>(config->github_api_url, config->app_id, std::move(*key),
                                                 std::string("pgfence-governance/") + PGFENCE_VERSION);
    } else {
        std::cerr << "warning: no GitHub App (app_id and private_key_path): decisions are recorded, no check run is posted\n";
    }
    apply_database_options(*config, o);
    std::optional<serve::DataLock> lock;
    if (config->database_url.empty()) {
        auto folder = serve::reach_folder(config->data_dir, {{"command", "ping"}}, &g_stop);
        if (!folder) return std::cerr << "error: " << folder.error().message << "\n", 2;
        if (folder->answer) {
            std::cerr << "error: " << config->data_dir << " is owned by a running pgfence serve (pid "
                      << folder->answer->value("pid", 0) << "): one process owns a data folder; token commands reach it\n";
            return 2;
        }
        if (!folder->lock) return 0;  // stopped while waiting
        lock = std::move(folder->lock);
    }
    auto db = open_database(*config, o, lock ? &*lock : nullptr);
    if (!db) return std::cerr << "error: " << db.error().message << "\n", 2;
    if (g_stop) return 0;
    serve::Store store(db->conninfo);
    auto migrated = store.migrate();
    if (!migrated) return std::cerr << "error: " << migrated.error().message << "\n", 2;
    if (*migrated > 0) std::cerr << "pgfence serve: applied " << *migrated << " schema migration(s)\n";
    std::unique_ptr<serve::AdminSocket> admin;
    if (lock) {
        auto opened = serve::AdminSocket::open(config->data_dir, [&store](const nlohmann::json& r) { return serve::admin_command(store, r); });
        if (!opened) return std::cerr << "error: " << opened.error().message << "\n", 2;
        admin = std::move(*opened);
    }
    serve::Service service(*config, store, std::move(*policies), std::move(app));
    std::atomic<bool> finished{false};
    std::thread stopper([&] {
        while (!finished) {
            if (g_stop) service.stop();  // again until run() returns: a stop before it listens is not lost
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    auto ran = service.run();
    finished = true;
    stopper.join();
    if (!ran) return std::cerr << "error: " << ran.error().message << "\n", 2;
    return 0;
}

int run_token(const Options& o, bool revoke) {
    if (!serve::valid_repository(o.repository)) return usage_error("token create and revoke need --repository OWNER/NAME");
    auto config = serve::load_config(o.config_path);
    if (!config) return std::cerr << "error: " << config.error().message << "\n", 2;
    apply_database_options(*config, o);
    auto answer = run_command(*config, o, {{"command", revoke ? "token revoke" : "token create"}, {"repository", o.repository}});
    if (!answer) return std::cerr << "error: " << answer.error().message << "\n", 2;
    if (answer->contains("error")) return std::cerr << "error: " << answer->value("error", "") << "\n", 2;
    std::string repository = serve::lower(o.repository);
    if (revoke) {
        const int n = answer->value("revoked", 0);
        std::cout << "revoked " << n << (n == 1 ? " token of " : " tokens of ") << repository << "\n";
        return 0;
    }
    std::cout << answer->value("token", "") << "\n";
    std::cerr << "a token for " << o.repository
              << ": store it as the repository's secret (governance-token); it is not shown again\n";
    return 0;
}

int run_audit_verify(const Options& o) {
    std::vector<nlohmann::json> events;
    serve::audit::Heads heads;  // from the database only: an exported file has no heads to check against
    if (!o.file.empty()) {
        std::ifstream in(o.file);
        if (!in) return std::cerr << "error: " << o.file << ": cannot be read\n", 2;
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.empty()) continue;
            std::string why;
            auto event = serve::audit::parse_exported(line, why);
            if (!event) {
                std::cout << "error: " << o.file << ":" << number << ": " << why << ": the chain cannot be verified\n";
                return 1;
            }
            events.push_back(std::move(*event));
        }
    } else {
        auto config = serve::load_config(o.config_path);
        if (!config) return std::cerr << "error: " << config.error().message << "\n", 2;
        apply_database_options(*config, o);
        auto answer = run_command(*config, o, {{"command", "audit verify"}});
        if (!answer) return std::cerr << "error: " << answer.error().message << "\n", 2;
        if (answer->contains("error")) return std::cerr << "error: " << answer->value("error", "") << "\n", 2;
        if (const auto* p = answer->contains("problem") ? &(*answer)["problem"] : nullptr) {
            std::cout << "error: " << p->value("repository", "") << " seq " << p->value("seq", 0) << ": " << p->value("what", "") << "\n";
            return 1;
        }
        const auto chains = answer->value("chains", 0);
        const auto count = answer->value("events", 0);
        std::cout << "verified: " << chains << (chains == 1 ? " chain, " : " chains, ") << count << (count == 1 ? " event\n" : " events\n");
        return 0;
    }
    auto v = serve::audit::verify_to_heads(events, heads);
    if (v.problem) {
        std::cout << "error: " << v.problem->repository << " seq " << v.problem->seq << ": " << v.problem->what << "\n";
        return 1;
    }
    std::cout << "verified: " << v.chains << (v.chains == 1 ? " chain, " : " chains, ") << v.events
              << (v.events == 1 ? " event\n" : " events\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    try {
        std::string problem;
        if (args.size() >= 2 && args[1] == "serve") {
            if (args.size() >= 4 && args[2] == "token" && (args[3] == "create" || args[3] == "revoke")) {
                auto o = parse(args, 4, problem);
                return o ? run_token(*o, args[3] == "revoke") : usage_error(problem);
            }
            if (args.size() >= 3 && args[2] == "token") return usage_error("serve token takes create or revoke");
            auto o = parse(args, 2, problem);
            return o ? run_serve(*o) : usage_error(problem);
        }
        if (args.size() >= 3 && args[1] == "audit" && args[2] == "verify") {
            auto o = parse(args, 3, problem);
            return o ? run_audit_verify(*o) : usage_error(problem);
        }
        return usage_error("expected serve, serve token create or audit verify");
    } catch (const std::exception& e) {
        std::cerr << "error: internal error: " << e.what() << "\n";
        return 2;
    }
}
