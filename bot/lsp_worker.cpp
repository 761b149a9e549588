// The analysis worker of `pgfence lsp` (lsp_server.hpp): documents analysed when due, requests
// answered from a current analysis, and the command line.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "analyze/migrations/migration_order.hpp"
#include "annotate/printable.hpp"
#include "bot/analyze_command.hpp"
#include "bot/cli_args.hpp"
#include "bot/lsp_server.hpp"

namespace pgfence::bot::lsp {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t k_most_contexts = 64;

// Whether a change to `changed` can alter what `context` read: its configuration, a stats
// snapshot, git's HEAD or branches, or a file of its migration set.
bool touches(const std::string& changed, const FileContext& context) {
    const std::string name = fs::path(changed).filename().string();
    if (name == ".pgfence.toml" || name == ".pgfence.json" || changed.find("/.git/") != std::string::npos) return true;
    if (changed == context.settings.stats_file || changed == context.config_path) return true;
    return changed != context.path && analyze::migration_set(changed) == analyze::migration_set(context.path);
}

LspPosition position_in(const json& object) {
    return LspPosition{object["line"].get<long long>(), object["character"].get<long long>()};
}

// Whether a codeAction request's context.only lets quick fixes through.
bool quickfix_wanted(const json& params) {
    auto context = params.find("context");
    if (context == params.end() || !context->is_object()) return true;
    auto only = context->find("only");
    if (only == context->end() || !only->is_array()) return true;
    for (const auto& kind : *only) {
        if (kind == "" || kind == "quickfix") return true;
    }
    return false;
}

}  // namespace

void Server::work() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        // A request whose document is gone, changed since it was asked, or analysed as it is now.
        bool served = false;
        for (auto it = m_requests.begin(); it != m_requests.end(); ++it) {
            auto doc = m_documents.find(it->uri);
            const bool gone = doc == m_documents.end();
            const bool moved = !gone && doc->second.version != it->version;
            const bool ready = !gone && !doc->second.dirty && doc->second.analysis && doc->second.generation == m_generation;
            if (!gone && !moved && !ready) continue;
            Request request = std::move(*it);
            m_requests.erase(it);
            std::shared_ptr<const Analysis> analysis = ready && !moved ? doc->second.analysis : nullptr;
            lock.unlock();
            if (gone) reply(request.id, request.method == "textDocument/hover" ? json(nullptr) : json::array());
            else if (moved) fail(request.id, k_content_modified, "the document changed: ask again");
            else answer(request, *analysis);
            lock.lock();
            served = true;
            break;
        }
        if (served) continue;
        auto next = m_documents.end();
        for (auto it = m_documents.begin(); it != m_documents.end(); ++it) {
            if (it->second.dirty && (next == m_documents.end() || it->second.due < next->second.due)) next = it;
        }
        if (next == m_documents.end()) {
            m_wake.wait(lock);
        } else if (next->second.due <= Clock::now()) {
            analyse_locked(lock, next->first);
        } else {
            m_wake.wait_until(lock, next->second.due);
        }
    }
    m_worker_done = true;
    m_done.notify_all();
}

void Server::analyse_locked(std::unique_lock<std::mutex>& lock, const std::string& uri) {
    Document& d = m_documents.at(uri);
    d.dirty = false;
    const std::shared_ptr<const std::string> text = d.text;
    const long long version = d.version, generation = m_generation;
    const std::string path = d.path;
    std::vector<std::string> changed = std::move(m_changed);
    m_changed.clear();
    const bool stale = m_contexts_stale;
    m_contexts_stale = false;
    const Encoding encoding = m_encoding;
    lock.unlock();

    if (stale || m_contexts.size() > k_most_contexts) m_contexts.clear();
    std::erase_if(m_contexts, [&](const auto& entry) {
        return std::any_of(changed.begin(), changed.end(), [&](const std::string& p) { return touches(p, *entry.second); });
    });
    std::shared_ptr<const Analysis> result;
    try {
        if (path.empty()) {
            FileContext none;
            none.path = uri;
            none.excluded = true;
            result = analyse(none, uri, version, text, encoding);
        } else {
            result = analyse(context_for(path), uri, version, text, encoding);
        }
    } catch (const std::exception& e) {
        log(path + ": internal error: " + e.what());
        auto failed = std::make_shared<Analysis>();
        failed->uri = uri;
        failed->version = version;
        failed->text = text;
        failed->index = std::make_unique<TextIndex>(*text, encoding);
        failed->context_error = std::string("internal error: ") + e.what();
        result = failed;
    }

    lock.lock();
    auto it = m_documents.find(uri);
    // Superseded by a newer version, a closed document or changed files: never published.
    // The text itself is compared too: a document closed and opened again may reuse a version.
    if (it == m_documents.end() || it->second.version != version || it->second.text != text || m_generation != generation) return;
    it->second.analysis = result;
    it->second.generation = generation;
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"version", version}, {"diagnostics", diagnostics(*result)}});
}

const FileContext& Server::context_for(const std::string& path) {
    auto it = m_contexts.find(path);
    if (it != m_contexts.end()) return *it->second;
    ClientSettings client;
    std::string root;
    {
        std::lock_guard lock(m_mutex);
        client = m_client;
        root = root_of(path);
    }
    return *m_contexts.emplace(path, make_context(path, client, root)).first->second;
}

void Server::answer(const Request& request, const Analysis& analysis) {
    try {
        if (request.method == "textDocument/hover") {
            reply(request.id, hover(analysis, position_in(request.params["position"])));
        } else if (request.method == "textDocument/codeLens") {
            bool on = false;
            {
                std::lock_guard lock(m_mutex);
                on = m_client.code_lens;
            }
            reply(request.id, on ? code_lenses(analysis) : json::array());
        } else if (request.method == "textDocument/codeAction") {
            const std::string& path = request.path;
            if (path.empty() || !quickfix_wanted(request.params)) return reply(request.id, json::array());
            ActionRequest action;
            action.start = position_in(request.params["range"]["start"]);
            action.end = position_in(request.params["range"]["end"]);
            {
                std::lock_guard lock(m_mutex);
                action.document_changes = m_document_changes;
            }
            reply(request.id, code_actions(analysis, context_for(path), action));
        } else if (request.method == "workspace/executeCommand") {
            write_plan(request, analysis);
        }
    } catch (const std::exception& e) {
        fail(request.id, k_internal_error, std::string("internal error: ") + e.what());
    }
}

void Server::write_plan(const Request& request, const Analysis& analysis) {
    const json& argument = request.params["arguments"][0];
    if (argument["version"].get<long long>() != analysis.version) {
        return fail(request.id, k_content_modified, "the document changed since the plan was offered: ask again");
    }
    const auto& report = analysis.report;
    if (!report || !report->plan || !report->plan->declined.empty() || report->plan->steps.empty()) {
        return fail(request.id, k_invalid_params, "this document has no migration plan");
    }
    const FileContext& context = context_for(report->path);
    std::string root;
    {
        std::lock_guard lock(m_mutex);
        root = root_of(context.path);
        if (!inside_root(context.path)) root.clear();
    }
    // Into the workspace's pgfence-plan/: a file outside every workspace folder has no such place.
    if (root.empty()) return fail(request.id, k_invalid_params, "this file is outside the workspace folders: no plan is written");
    const std::string prefix = root.ends_with("/") ? root : root + "/";
    auto relative = [&](std::string path) { return path.starts_with(prefix) ? path.substr(prefix.size()) : path; };
    analyze::Report whole;
    whole.pg_version = context.settings.options.pg_version;
    whole.files.push_back(*report);
    // The plan's files land where the file's own path says, under pgfence-plan/, as from the
    // command line at the repository's root: its path is made relative to the workspace.
    analyze::FileReport& file = whole.files.front();
    file.path = relative(file.path);
    for (auto& step : file.plan->steps) {
        step.path = relative(step.path);
        for (auto& [path, text] : step.extra_files) path = relative(path);
    }
    std::ostringstream out, err;
    // pgfence-plan is opened under the workspace folder without following a link there.
    const bool ok = write_plans(whole, root, context.plan_hint(), out, err, "pgfence-plan");
    const std::string folder = (fs::path(root) / "pgfence-plan").string();
    std::string said = ok ? out.str() : err.str();
    while (!said.empty() && said.back() == '\n') said.pop_back();
    notify("window/showMessage", {{"type", ok ? 3 : 1}, {"message", "pgfence: " + said}});
    if (!ok) return fail(request.id, k_internal_error, said);
    reply(request.id, json{{"folder", folder}, {"report", said}});
}

int run_lsp(const std::vector<std::string>& args, std::ostream& err) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        // vscode-languageclient passes --stdio, and --clientProcessId=N to some servers.
        if (args[i] == "--stdio" || args[i].starts_with("--clientProcessId")) continue;
        throw UsageError{"unknown option '" + args[i].substr(0, args[i].find('=')) + "' (see 'pgfence lsp --help')",
                         args[i].substr(0, args[i].find('='))};
    }
    if (isatty(STDIN_FILENO)) {
        err << "error: pgfence lsp speaks the Language Server Protocol on standard input: an editor starts it "
               "(docs/editors.md)\n";
        return 2;
    }
    // A client that has gone is seen as a failed write, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    Server server(STDIN_FILENO, STDOUT_FILENO, err);
    return server.run();
}

}  // namespace pgfence::bot::lsp
