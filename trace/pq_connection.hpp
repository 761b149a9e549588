#pragma once
// The one adapter around libpq: connections and results owned with RAII, failures
// returned as Error values. Everything else in trace talks to PostgreSQL through here.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"

struct pg_conn;
struct pg_result;

namespace pgfence::trace {

using analyze::Done;
using analyze::Error;
using analyze::Result;
using analyze::Status;

// A query's rows, every value as text (libpq's text format).
class QueryResult {
public:
    explicit QueryResult(pg_result* result);

    [[nodiscard]] int rows() const;
    [[nodiscard]] int columns() const;
    [[nodiscard]] bool is_null(int row, int column) const;
    // "" for NULL; use is_null to tell them apart.
    [[nodiscard]] std::string value(int row, int column) const;
    [[nodiscard]] std::string command_status() const;

private:
    struct Clear {
        void operator()(pg_result* r) const;
    };
    std::unique_ptr<pg_result, Clear> m_result;
};

class Connection {
public:
    // `conninfo` is a libpq connection string ("host=... port=... dbname=...").
    [[nodiscard]] static Result<Connection> open(const std::string& conninfo);

    // Runs one or more statements; the result is the last one's, or the first error.
    [[nodiscard]] Result<QueryResult> query(std::string_view sql);
    // One statement with text parameters $1, $2, ...
    [[nodiscard]] Result<QueryResult> query(std::string_view sql, const std::vector<std::string>& params);
    // Runs statements whose rows nobody reads: they are dropped a row at a time. Every query
    // answers the copy protocol: COPY FROM STDIN gets an empty copy, COPY TO STDOUT is read
    // and dropped, COPY BOTH is refused; none waits for data that never comes.
    [[nodiscard]] Status execute(std::string_view sql);

    // Asynchronous use: send, poll `busy` while watching from another connection, then `finish`.
    // With Rows::discard the statement's rows are dropped as they come (finish's result then
    // holds none).
    enum class Rows { keep, discard };
    [[nodiscard]] Status send(std::string_view sql, Rows rows = Rows::keep);
    [[nodiscard]] bool busy();
    [[nodiscard]] Result<QueryResult> finish();
    // Asks the server to cancel the query in flight (a no-op when there is none).
    [[nodiscard]] Status cancel();

    // From now on every query that runs longer than `limit` is cancelled by the client and fails
    // with SQLSTATE 57014: nothing the SQL sets (statement_timeout = 0) lifts it. Zero: no limit.
    void set_time_limit(std::chrono::milliseconds limit) { m_time_limit = limit; }

    [[nodiscard]] int backend_pid() const;
    [[nodiscard]] std::string error_message() const;
    // SQLSTATE of the last failed query ("25001"), "" when it succeeded.
    [[nodiscard]] const std::string& last_sqlstate() const { return m_last_sqlstate; }

private:
    struct Finish {
        void operator()(pg_conn* c) const;
    };
    explicit Connection(pg_conn* conn);
    [[nodiscard]] Result<QueryResult> take(pg_result* result);
    // Every result of what was sent (the first error, else the last result), within the time
    // limit when one is set; rows of single-row mode kept only with `keep_rows`.
    [[nodiscard]] Result<QueryResult> collect(bool keep_rows, std::optional<std::chrono::steady_clock::time_point> until);
    [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> deadline() const;
    // Waits for the socket to be readable, at most a second; false once `until` has passed.
    [[nodiscard]] bool wait_readable(std::optional<std::chrono::steady_clock::time_point> until);
    // Reads a COPY TO STDOUT to its end, dropping it; false when `until` passed first.
    [[nodiscard]] bool discard_copy_out(std::optional<std::chrono::steady_clock::time_point> until);

    std::unique_ptr<pg_conn, Finish> m_conn;
    std::string m_last_sqlstate;
    std::chrono::milliseconds m_time_limit{0};
    bool m_discard_rows = false;
};

// The whole trace's deadline (--trace-budget, red team r70 F10): a query of a connection with a
// time limit (the repository's SQL) is cancelled there too, whichever comes first, and its error
// says the budget is used up. Process-wide (one trace runs per process); nullopt: none.
void set_run_deadline(std::optional<std::chrono::steady_clock::time_point> deadline, int budget_seconds);
// Whether the run's deadline has passed.
[[nodiscard]] bool run_deadline_passed();
// "the trace's run budget of 1800 s (--trace-budget) is used up".
[[nodiscard]] std::string run_budget_text();

// True when a server answers at `conninfo` and accepts connections (PQping).
[[nodiscard]] bool server_accepts(const std::string& conninfo);

}  // namespace pgfence::trace
