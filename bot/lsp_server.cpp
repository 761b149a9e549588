#include "bot/lsp_server.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "analyze/parse/json_depth.hpp"
#include "annotate/printable.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::bot::lsp {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Params that do not have the shape the method takes: -32602, with what is wrong.
struct ParamsError {
    std::string message;
};

const json& member(const json& object, const char* key) {
    if (!object.is_object()) throw ParamsError{"expected an object holding '" + std::string(key) + "'"};
    auto it = object.find(key);
    if (it == object.end()) throw ParamsError{"'" + std::string(key) + "' is missing"};
    return *it;
}

std::string text_member(const json& object, const char* key) {
    const json& v = member(object, key);
    if (!v.is_string()) throw ParamsError{"'" + std::string(key) + "' must be a string"};
    return v.get<std::string>();
}

long long integer_member(const json& object, const char* key) {
    const json& v = member(object, key);
    if (!v.is_number_integer()) throw ParamsError{"'" + std::string(key) + "' must be an integer"};
    return v.get<long long>();
}

LspPosition position_of(const json& object) {
    LspPosition p{integer_member(object, "line"), integer_member(object, "character")};
    if (p.line < 0 || p.character < 0) throw ParamsError{"a position's line and character are not negative"};
    return p;
}

std::string uri_of(const json& params) { return text_member(member(params, "textDocument"), "uri"); }

// Optional settings: the value when it has the type, else the default.
bool flag(const json& object, const char* key, bool otherwise) {
    if (!object.is_object()) return otherwise;
    auto it = object.find(key);
    return it != object.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

const json& at_path(const json& object, std::initializer_list<const char*> keys) {
    static const json k_null = nullptr;
    const json* at = &object;
    for (const char* key : keys) {
        if (!at->is_object()) return k_null;
        auto it = at->find(key);
        if (it == at->end()) return k_null;
        at = &*it;
    }
    return *at;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A file: URI's path, percent-decoded; "" for any other URI (untitled:, git:) or a bad one.
std::string uri_path(std::string_view uri) {
    if (!uri.starts_with("file://")) return {};
    uri.remove_prefix(7);
    if (uri.starts_with("localhost/")) uri.remove_prefix(9);
    if (!uri.starts_with("/")) return {};
    uri = uri.substr(0, uri.find_first_of("?#"));
    std::string out;
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] != '%') {
            out += uri[i];
            continue;
        }
        if (i + 2 >= uri.size() || hex(uri[i + 1]) < 0 || hex(uri[i + 2]) < 0) return {};
        char c = static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
        if (c == '\0') return {};
        out += c;
        i += 2;
    }
    return fs::path(out).lexically_normal().generic_string();
}

std::string dump(const json& message) { return message.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Server::Server(int in, int out, std::ostream& log) : m_reader(in), m_writer(out), m_log(log) {}

Server::~Server() {
    if (!m_worker.joinable()) return;
    {
        // However run() ended, the worker is told to stop before it is waited for.
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_wake.notify_all();
    }
    m_worker.join();
}

void Server::log(const std::string& line) {
    std::lock_guard lock(m_log_mutex);
    m_log << "pgfence lsp: " << annotate::printable(line) << "\n";
    m_log.flush();
}

void Server::send(const json& message) { (void)m_writer.write(dump(message)); }

void Server::reply(const json& id, json result) { send(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}); }

void Server::fail(const json& id, int code, const std::string& message) {
    send(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::notify(const std::string& method, json params) {
    send(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

int Server::run() {
    m_worker = std::thread([this] { work(); });
    int code = 1;
    bool exit = false;
    while (!exit) {
        Frame frame = m_reader.next();
        if (frame.kind == Frame::Kind::End) {
            std::lock_guard lock(m_mutex);
            code = m_shutdown ? 0 : 1;
            break;
        }
        if (frame.kind == Frame::Kind::Broken) {
            std::lock_guard lock(m_log_mutex);
            m_log << "error: pgfence lsp: " << frame.error << ": the stream cannot be read on\n";
            m_log.flush();
            break;
        }
        if (frame.kind == Frame::Kind::Oversized) {
            std::string why = "a message of " + std::to_string(frame.length) + " bytes is over the limit of " +
                              std::to_string(k_max_body_bytes >> 20) + " MiB: ignored";
            fail(nullptr, k_invalid_request, why);
            notify("window/showMessage", {{"type", 1}, {"message", "pgfence: " + why}});
            continue;
        }
        try {
            handle(frame.body);
        } catch (const std::exception& e) {
            // Nothing one message holds ends the session.
            log(std::string("a message could not be handled: ") + e.what());
        }
        std::lock_guard lock(m_mutex);
        if (m_stop) {
            exit = true;
            code = m_shutdown ? 0 : 1;
        }
    }
    std::unique_lock lock(m_mutex);
    m_stop = true;
    m_wake.notify_all();
    // An analysis under way ends on its own; the process does not wait long for it.
    if (!m_done.wait_for(lock, std::chrono::seconds(2), [this] { return m_worker_done; })) {
        lock.unlock();
        m_log.flush();
        std::_Exit(code);
    }
    lock.unlock();
    m_worker.join();
    return code;
}

void Server::handle(const std::string& body) {
    json message;
    constexpr std::size_t k_max_depth = 256;
    if (!analyze::json_nesting_within(body, k_max_depth)) {
        fail(nullptr, k_parse_error, "parse error: the message nests deeper than " + std::to_string(k_max_depth) + " levels");
        return;
    }
    try {
        message = json::parse(body);
    } catch (const json::exception&) {
        // Not JSON, or JSON this parser cannot hold (a number past a double's range).
        fail(nullptr, k_parse_error, "parse error: the message is not JSON that can be read");
        return;
    }
    if (!message.is_object()) {
        fail(nullptr, k_invalid_request, "invalid request: a message is one JSON object");
        return;
    }
    auto id_at = message.find("id");
    const bool has_id = id_at != message.end();
    json id = has_id ? *id_at : json(nullptr);
    if (has_id && !id.is_string() && !id.is_number_integer()) {
        fail(nullptr, k_invalid_request, "invalid request: an id is a string or an integer");
        return;
    }
    auto version = message.find("jsonrpc");
    if (version == message.end() || *version != "2.0") {
        fail(id, k_invalid_request, "invalid request: jsonrpc must be \"2.0\"");
        return;
    }
    auto method = message.find("method");
    if (method == message.end()) {
        if (has_id && (message.contains("result") || message.contains("error"))) response(message);
        else fail(id, k_invalid_request, "invalid request: no method");
        return;
    }
    if (!method->is_string()) {
        fail(id, k_invalid_request, "invalid request: method must be a string");
        return;
    }
    json params = message.value("params", json(nullptr));
    try {
        if (!params.is_null() && !params.is_object() && !params.is_array()) throw ParamsError{"params must be an object"};
        if (has_id) request(id, method->get<std::string>(), params);
        else notification(method->get<std::string>(), params);
    } catch (const ParamsError& e) {
        if (has_id) fail(id, k_invalid_params, "invalid params: " + e.message);
        else log(method->get<std::string>() + ": invalid params: " + e.message);
    } catch (const std::exception& e) {
        if (has_id) fail(id, k_internal_error, std::string("internal error: ") + e.what());
        else log(method->get<std::string>() + ": internal error: " + e.what());
    }
}

void Server::request(const json& id, const std::string& method, const json& params) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_initialized && method != "initialize") return fail(id, k_not_initialized, "the server is not initialized");
        if (m_initialized && method == "initialize") return fail(id, k_invalid_request, "initialize was already received");
        if (m_shutdown) return fail(id, k_invalid_request, "the server is shutting down");
    }
    if (method == "initialize") return reply(id, initialize(params));
    if (method == "shutdown") {
        std::lock_guard lock(m_mutex);
        m_shutdown = true;
        return reply(id, nullptr);
    }
    if (method == "textDocument/hover") {
        (void)position_of(member(params, "position"));
    } else if (method == "textDocument/codeAction") {
        const json& range = member(params, "range");
        (void)position_of(member(range, "start"));
        (void)position_of(member(range, "end"));
    } else if (method == "workspace/executeCommand") {
        if (text_member(params, "command") != k_write_plan_command) throw ParamsError{"no such command"};
        const json& arguments = member(params, "arguments");
        if (!arguments.is_array() || arguments.empty()) throw ParamsError{"pgfence.writePlan takes [{uri, version}]"};
        (void)text_member(arguments[0], "uri");
        (void)integer_member(arguments[0], "version");
        return queue(id, method, params);
    } else if (method != "textDocument/codeLens") {
        return fail(id, k_method_not_found, "method not found: " + annotate::printable(method));
    }
    (void)uri_of(params);
    queue(id, method, params);
}

void Server::notification(const std::string& method, const json& params) {
    if (method == "exit") {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        if (!m_initialized || m_shutdown) return;
    }
    if (method == "initialized") {
        register_watchers();
        ask_configuration();
    } else if (method == "textDocument/didOpen") {
        did_open(params);
    } else if (method == "textDocument/didChange") {
        did_change(params);
    } else if (method == "textDocument/didClose") {
        did_close(params);
    } else if (method == "workspace/didChangeWatchedFiles") {
        watched_files_changed(params);
    } else if (method == "workspace/didChangeConfiguration") {
        const json& pushed = at_path(params, {"settings", "pgfence"});
        if (pushed.is_object()) read_settings(pushed);
        ask_configuration();
    } else if (method == "$/cancelRequest") {
        const json& id = member(params, "id");
        if (!id.is_string() && !id.is_number_integer()) throw ParamsError{"an id is a string or an integer"};
        cancel(id);
    }
    // Other notifications ($/setTrace, didSave, ...) need nothing.
}

void Server::response(const json& message) {
    const json& id = message["id"];
    std::string method;
    {
        std::lock_guard lock(m_mutex);
        auto it = id.is_string() ? m_outgoing.find(id.get<std::string>()) : m_outgoing.end();
        if (it == m_outgoing.end()) return;
        method = it->second;
        m_outgoing.erase(it);
    }
    if (message.contains("error")) {
        log(method + " failed: " + dump(message["error"]).substr(0, 300));
        return;
    }
    const json& result = message.value("result", json(nullptr));
    if (method == "workspace/configuration" && result.is_array() && !result.empty() && result[0].is_object()) {
        read_settings(result[0]);
    }
}

json Server::initialize(const json& params) {
    if (!params.is_object()) throw ParamsError{"initialize takes an object"};
    const json& capabilities = params.value("capabilities", json::object());
    const json& encodings = at_path(capabilities, {"general", "positionEncodings"});
    Encoding encoding = Encoding::Utf16;
    if (encodings.is_array()) {
        for (const auto& e : encodings) {
            if (e == "utf-8") encoding = Encoding::Utf8;
        }
    }
    std::vector<std::string> roots;
    const json& folders = params.value("workspaceFolders", json(nullptr));
    if (folders.is_array()) {
        for (const auto& f : folders) {
            if (f.is_object() && f.value("uri", json(nullptr)).is_string()) roots.push_back(uri_path(f["uri"].get<std::string>()));
        }
    }
    if (roots.empty() && params.value("rootUri", json(nullptr)).is_string()) roots.push_back(uri_path(params["rootUri"].get<std::string>()));
    if (roots.empty() && params.value("rootPath", json(nullptr)).is_string()) roots.push_back(params["rootPath"].get<std::string>());
    std::erase(roots, std::string());
    {
        std::lock_guard lock(m_mutex);
        m_encoding = encoding;
        m_roots = std::move(roots);
        m_document_changes = at_path(capabilities, {"workspace", "workspaceEdit", "documentChanges"}) == true;
        m_pull_configuration = at_path(capabilities, {"workspace", "configuration"}) == true;
        m_watch_registration = at_path(capabilities, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"}) == true;
        m_lens_refresh = at_path(capabilities, {"workspace", "codeLens", "refreshSupport"}) == true;
        m_initialized = true;
    }
    const json& options = params.value("initializationOptions", json(nullptr));
    if (options.is_object()) read_settings(options);
    return json{
        {"capabilities",
         {{"positionEncoding", encoding_name(encoding)},
          {"textDocumentSync", {{"openClose", true}, {"change", 2}}},  // incremental
          {"hoverProvider", true},
          {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
          {"codeLensProvider", {{"resolveProvider", false}}},
          {"executeCommandProvider", {{"commands", {k_write_plan_command}}}}}},
        {"serverInfo", {{"name", "pgfence"}, {"version", PGFENCE_VERSION}}}};
}

void Server::read_settings(const json& section) {
    std::lock_guard lock(m_mutex);
    ClientSettings before = m_client;
    if (auto it = section.find("statsFile"); it != section.end() && (it->is_string() || it->is_null())) {
        m_client.stats_file = it->is_string() ? it->get<std::string>() : "";
    }
    m_client.code_lens = flag(section, "codeLens", m_client.code_lens);
    if (auto it = section.find("debounceMs"); it != section.end() && it->is_number_integer()) {
        m_debounce_ms = static_cast<int>(std::clamp<long long>(it->get<long long>(), 0, 5000));
    }
    if (m_client.stats_file != before.stats_file) {
        m_contexts_stale = true;
        invalidate_locked({});
    }
    if (m_client.code_lens != before.code_lens && m_lens_refresh) {
        std::string id = "pgfence-" + std::to_string(++m_next_id);
        m_outgoing[id] = "workspace/codeLens/refresh";
        send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "workspace/codeLens/refresh"}});
    }
}

void Server::ask_configuration() {
    std::lock_guard lock(m_mutex);
    if (!m_pull_configuration) return;
    std::string id = "pgfence-" + std::to_string(++m_next_id);
    m_outgoing[id] = "workspace/configuration";
    send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "workspace/configuration"},
              {"params", {{"items", json::array({json{{"section", "pgfence"}}})}}}});
}

void Server::register_watchers() {
    std::lock_guard lock(m_mutex);
    if (!m_watch_registration) return;
    json watchers = json::array();
    for (const char* glob : {"**/*.sql", "**/*.{ts,js,mjs,cjs,mts,cts}", "**/.pgfence.{toml,json}", "**/.git/HEAD",
                             "**/.git/refs/heads/**"}) {
        watchers.push_back(json{{"globPattern", glob}});
    }
    std::string id = "pgfence-" + std::to_string(++m_next_id);
    m_outgoing[id] = "client/registerCapability";
    send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "client/registerCapability"},
              {"params", {{"registrations", json::array({json{{"id", "pgfence-watched-files"},
                                                              {"method", "workspace/didChangeWatchedFiles"},
                                                              {"registerOptions", {{"watchers", watchers}}}}})}}}});
}

void Server::did_open(const json& params) {
    const json& doc = member(params, "textDocument");
    std::string uri = text_member(doc, "uri");
    Document d;
    d.path = uri_path(uri);
    d.version = integer_member(doc, "version");
    d.text = std::make_shared<std::string>(text_member(doc, "text"));
    d.due = Clock::now();
    std::lock_guard lock(m_mutex);
    m_documents[uri] = std::move(d);
    m_wake.notify_all();
}

void Server::did_change(const json& params) {
    const json& doc = member(params, "textDocument");
    const std::string uri = text_member(doc, "uri");
    const long long version = integer_member(doc, "version");
    const json& changes = member(params, "contentChanges");
    if (!changes.is_array()) throw ParamsError{"contentChanges must be an array"};
    std::vector<TextChange> read;
    for (const auto& c : changes) {
        TextChange change;
        change.text = text_member(c, "text");
        if (c.contains("range")) {
            change.start = position_of(member(c["range"], "start"));
            change.end = position_of(member(c["range"], "end"));
        } else {
            change.whole = true;
        }
        read.push_back(std::move(change));
    }
    std::lock_guard lock(m_mutex);
    auto it = m_documents.find(uri);
    if (it == m_documents.end()) throw ParamsError{"didChange of a document that is not open"};
    // A copy: the worker may be analysing the old text.
    auto text = std::make_shared<std::string>(*it->second.text);
    for (const auto& change : read) apply_change(*text, change, m_encoding);
    it->second.text = std::move(text);
    it->second.version = version;
    it->second.dirty = true;
    it->second.due = Clock::now() + std::chrono::milliseconds(m_debounce_ms);
    m_wake.notify_all();
}

void Server::did_close(const json& params) {
    const std::string uri = uri_of(params);
    std::lock_guard lock(m_mutex);
    if (m_documents.erase(uri) == 0) return;
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
    m_wake.notify_all();
}

void Server::watched_files_changed(const json& params) {
    const json& changes = member(params, "changes");
    if (!changes.is_array()) throw ParamsError{"changes must be an array"};
    std::vector<std::string> paths;
    for (const auto& c : changes) paths.push_back(uri_path(text_member(c, "uri")));
    std::erase(paths, std::string());
    std::lock_guard lock(m_mutex);
    invalidate_locked(std::move(paths));
}

void Server::invalidate_locked(std::vector<std::string> changed) {
    m_changed.insert(m_changed.end(), changed.begin(), changed.end());
    // A storm of changes (a checkout, a build) forgets the paths: every context is read again.
    if (m_changed.size() > 10000) {
        m_changed.clear();
        m_contexts_stale = true;
    }
    ++m_generation;
    // Debounced like typing: a run of file events is one analysis once they stop, not one
    // discarded analysis per event.
    for (auto& [uri, d] : m_documents) {
        d.dirty = true;
        d.due = Clock::now() + std::chrono::milliseconds(m_debounce_ms);
    }
    m_wake.notify_all();
}

void Server::queue(const json& id, const std::string& method, const json& params) {
    std::string uri = method == "workspace/executeCommand" ? params["arguments"][0]["uri"].get<std::string>() : uri_of(params);
    std::lock_guard lock(m_mutex);
    auto doc = m_documents.find(uri);
    if (doc == m_documents.end()) {
        if (method == "workspace/executeCommand") return fail(id, k_invalid_params, "the document is not open");
        return reply(id, method == "textDocument/hover" ? json(nullptr) : json::array());
    }
    m_requests.push_back(Request{id, method, params, uri, doc->second.path, doc->second.version});
    // Asked about: analysed now rather than after the debounce.
    doc->second.due = std::min(doc->second.due, Clock::now());
    m_wake.notify_all();
}

void Server::cancel(const json& id) {
    std::lock_guard lock(m_mutex);
    for (auto it = m_requests.begin(); it != m_requests.end(); ++it) {
        if (it->id != id) continue;
        fail(id, k_request_cancelled, "cancelled");
        m_requests.erase(it);
        return;
    }
}

bool Server::inside_root(const std::string& path) const {
    for (const auto& root : m_roots) {
        if (path.starts_with(root.ends_with("/") ? root : root + "/")) return true;
    }
    return false;
}

std::string Server::root_of(const std::string& path) const {
    std::string best;
    for (const auto& root : m_roots) {
        std::string prefix = root.ends_with("/") ? root : root + "/";
        if (path.starts_with(prefix) && root.size() > best.size()) best = root;
    }
    return best.empty() ? fs::path(path).parent_path().string() : best;
}

}  // namespace pgfence::bot::lsp
