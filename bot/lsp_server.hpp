#pragma once
// `pgfence lsp`: a Language Server (LSP 3.17, JSON-RPC 2.0 over standard input and output) in
// the same process as the analyzer. The main thread reads and answers messages and keeps the
// open documents; one worker thread analyses them (a change waits out a short debounce, and a
// newer version supersedes an older one: a result is published only while its version is the
// document's) and answers the requests that need an analysis. docs/editors.md says what it
// offers and how editors start it.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/lsp_context.hpp"
#include "bot/lsp_features.hpp"
#include "bot/lsp_text.hpp"
#include "bot/lsp_transport.hpp"

namespace pgfence::bot::lsp {

// JSON-RPC's and LSP's error codes.
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;
inline constexpr int k_not_initialized = -32002;
inline constexpr int k_request_cancelled = -32800;
inline constexpr int k_content_modified = -32801;

class Server {
public:
    // Reads from `in`, writes protocol messages to `out` and log lines to `log` (standard error).
    Server(int in, int out, std::ostream& log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Until `exit` or the end of the input: 0 after a shutdown request, else 1.
    [[nodiscard]] int run();

private:
    struct Request {  // a request the worker answers once its document's analysis is current
        nlohmann::json id;
        std::string method;
        nlohmann::json params;
        std::string uri;
        std::string path;       // the document's ("" for a URI that is no file)
        long long version = 0;  // the document's when the request came
    };
    struct Document {
        std::string path;  // "" for a URI that is no file: nothing is analysed
        std::shared_ptr<std::string> text;
        long long version = 0;
        bool dirty = true;
        std::chrono::steady_clock::time_point due{};
        std::shared_ptr<const Analysis> analysis;
        long long generation = 0;  // of the contexts it was analysed with
    };

    void handle(const std::string& body);
    void request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
    void notification(const std::string& method, const nlohmann::json& params);
    void response(const nlohmann::json& message);

    nlohmann::json initialize(const nlohmann::json& params);
    void did_open(const nlohmann::json& params);
    void did_change(const nlohmann::json& params);
    void did_close(const nlohmann::json& params);
    void watched_files_changed(const nlohmann::json& params);
    void read_settings(const nlohmann::json& section);
    void ask_configuration();
    void register_watchers();
    void queue(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
    void cancel(const nlohmann::json& id);
    // Every open document analysed again with contexts made afresh (a setting or a file changed).
    void invalidate_locked(std::vector<std::string> changed_paths);

    void send(const nlohmann::json& message);
    void reply(const nlohmann::json& id, nlohmann::json result);
    void fail(const nlohmann::json& id, int code, const std::string& message);
    void notify(const std::string& method, nlohmann::json params);
    void log(const std::string& line);

    // The worker thread.
    void work();
    void analyse_locked(std::unique_lock<std::mutex>& lock, const std::string& uri);
    void answer(const Request& request, const Analysis& analysis);
    void write_plan(const Request& request, const Analysis& analysis);
    const FileContext& context_for(const std::string& path);
    // Whether `path` is inside a workspace folder (root_of falls back to the file's own folder).
    [[nodiscard]] bool inside_root(const std::string& path) const;
    [[nodiscard]] std::string root_of(const std::string& path) const;

    FrameReader m_reader;
    FrameWriter m_writer;
    std::ostream& m_log;
    std::mutex m_log_mutex;

    // Set by initialize, read by both threads under m_mutex afterwards.
    bool m_initialized = false;
    bool m_shutdown = false;
    Encoding m_encoding = Encoding::Utf16;
    std::vector<std::string> m_roots;  // the workspace folders, as paths
    bool m_document_changes = false;
    bool m_pull_configuration = false;
    bool m_watch_registration = false;
    bool m_lens_refresh = false;
    ClientSettings m_client;
    int m_debounce_ms = 150;
    long long m_next_id = 0;
    std::map<std::string, std::string> m_outgoing;  // our requests' ids -> method

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<std::string, Document> m_documents;  // by URI
    std::deque<Request> m_requests;
    long long m_generation = 0;
    std::vector<std::string> m_changed;  // paths changed on disk since the worker last looked
    bool m_stop = false;
    bool m_worker_done = false;
    std::condition_variable m_done;
    std::thread m_worker;

    // The worker's own: the contexts, by path, of the generation they were made in.
    std::map<std::string, std::unique_ptr<FileContext>> m_contexts;
    long long m_contexts_generation = 0;
    bool m_contexts_stale = false;
};

// `pgfence lsp [--stdio]`: the server on standard input and output. Exit code as Server::run.
[[nodiscard]] int run_lsp(const std::vector<std::string>& args, std::ostream& err);

}  // namespace pgfence::bot::lsp
