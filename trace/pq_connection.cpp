#include "trace/pq_connection.hpp"

#include "trace/libpq_lazy.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>

namespace pgfence::trace {
namespace {

// Server NOTICEs ("drop cascades to ...") are not errors; callers never want them on stderr.
void ignore_notice(void*, const char*) {}

std::string trimmed(const char* message) {
    std::string out = message ? message : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

std::optional<std::chrono::steady_clock::time_point> g_run_deadline;
int g_budget_seconds = 0;

}  // namespace

void set_run_deadline(std::optional<std::chrono::steady_clock::time_point> deadline, int budget_seconds) {
    g_run_deadline = deadline;
    g_budget_seconds = budget_seconds;
}

bool run_deadline_passed() { return g_run_deadline && std::chrono::steady_clock::now() >= *g_run_deadline; }

std::string run_budget_text() {
    return "the trace's run budget of " + std::to_string(g_budget_seconds) + " s (--trace-budget) is used up";
}

void QueryResult::Clear::operator()(pg_result* r) const { PQclear(r); }

QueryResult::QueryResult(pg_result* result) : m_result(result) {}

int QueryResult::rows() const { return m_result ? PQntuples(m_result.get()) : 0; }
int QueryResult::columns() const { return m_result ? PQnfields(m_result.get()) : 0; }

bool QueryResult::is_null(int row, int column) const {
    return !m_result || PQgetisnull(m_result.get(), row, column) != 0;
}

std::string QueryResult::value(int row, int column) const {
    if (is_null(row, column)) return {};
    return PQgetvalue(m_result.get(), row, column);
}

std::string QueryResult::command_status() const { return m_result ? PQcmdStatus(m_result.get()) : ""; }

void Connection::Finish::operator()(pg_conn* c) const { PQfinish(c); }

Connection::Connection(pg_conn* conn) : m_conn(conn) {}

Result<Connection> Connection::open(const std::string& conninfo) {
    if (auto missing = open_libpq()) return Error{*missing, "", std::nullopt};
    PGconn* raw = PQconnectdb(conninfo.c_str());
    Connection conn(raw);
    if (raw == nullptr) return Error{"cannot connect: out of memory", "", std::nullopt};
    if (PQstatus(raw) != CONNECTION_OK) return Error{"cannot connect: " + trimmed(PQerrorMessage(raw)), "", std::nullopt};
    PQsetNoticeProcessor(raw, ignore_notice, nullptr);
    return conn;
}

Result<QueryResult> Connection::take(pg_result* result) {
    QueryResult owned(result);
    if (result == nullptr) return Error{trimmed(PQerrorMessage(m_conn.get())), "", std::nullopt};
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
        const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        m_last_sqlstate = code ? code : "";
        return Error{trimmed(PQresultErrorMessage(result)), "", std::nullopt};
    }
    return owned;
}

Result<QueryResult> Connection::query(std::string_view sql) {
    if (Status s = send(sql); !s) return s.error();
    return collect(true, deadline());
}

std::optional<std::chrono::steady_clock::time_point> Connection::deadline() const {
    if (m_time_limit.count() <= 0) return std::nullopt;
    const auto own = std::chrono::steady_clock::now() + m_time_limit;
    return g_run_deadline && *g_run_deadline < own ? *g_run_deadline : own;
}

bool Connection::wait_readable(std::optional<std::chrono::steady_clock::time_point> until) {
    int wait_ms = 1000;
    if (until) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        wait_ms = static_cast<int>(std::min<long long>(left.count(), 1000));
    }
    pollfd fd{PQsocket(m_conn.get()), POLLIN, 0};
    if (fd.fd < 0) return true;  // a broken connection: the next libpq call says so
    (void)poll(&fd, 1, wait_ms);
    return true;
}

bool Connection::discard_copy_out(std::optional<std::chrono::steady_clock::time_point> until) {
    for (;;) {
        char* buffer = nullptr;
        const int n = PQgetCopyData(m_conn.get(), &buffer, 1);
        if (buffer != nullptr) PQfreemem(buffer);
        if (n > 0) continue;
        if (n < 0) return true;  // -1: the copy is over; -2: an error, which PQgetResult returns
        if (!wait_readable(until)) return false;
        if (PQconsumeInput(m_conn.get()) == 0) return true;
    }
}

Result<QueryResult> Connection::collect(bool keep_rows, std::optional<std::chrono::steady_clock::time_point> until) {
    std::optional<Result<QueryResult>> last;
    std::optional<Error> first_error;
    bool timed_out = false;
    auto cancel_once = [&] {
        if (timed_out) return;
        timed_out = true;
        (void)cancel();
    };
    for (;;) {
        // Waits for the next result without reading past it (a row at a time in single-row mode),
        // cancelling the statement once the time limit is reached.
        while (busy()) {
            if (!wait_readable(timed_out ? std::nullopt : until)) cancel_once();
        }
        PGresult* r = PQgetResult(m_conn.get());
        if (r == nullptr) break;
        const ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
            // COPY ... FROM STDIN: an empty copy (the migration's data is not the trace's to
            // give). COPY BOTH (replication) is refused, and ended the same way.
            PQclear(r);
            if (status == PGRES_COPY_BOTH && !first_error) {
                first_error = Error{"COPY BOTH (a replication stream) is not run by trace", "", std::nullopt};
            }
            if (PQputCopyEnd(m_conn.get(), status == PGRES_COPY_BOTH ? "refused by pgfence trace" : nullptr) < 0) break;
            continue;
        }
        if (status == PGRES_COPY_OUT) {
            // COPY ... TO STDOUT: read to the end and thrown away.
            PQclear(r);
            if (!discard_copy_out(timed_out ? std::nullopt : until)) {
                cancel_once();
                (void)discard_copy_out(std::nullopt);
            }
            continue;
        }
        if (status == PGRES_SINGLE_TUPLE && !keep_rows) {
            PQclear(r);  // a row of the migration's own query: nothing reads it
            continue;
        }
        auto taken = take(r);
        if (!taken && !first_error) first_error = taken.error();
        last.emplace(std::move(taken));
    }
    if (timed_out) {
        m_last_sqlstate = "57014";
        if (run_deadline_passed()) return Error{"cancelled: " + run_budget_text(), "", std::nullopt};
        return Error{"cancelled: still running after " + std::to_string(m_time_limit.count() / 1000) +
                         " s (the trace's time limit per statement)",
                     "", std::nullopt};
    }
    if (first_error) return *first_error;
    if (!last) return Error{"no result: " + trimmed(PQerrorMessage(m_conn.get())), "", std::nullopt};
    return std::move(*last);
}

Result<QueryResult> Connection::query(std::string_view sql, const std::vector<std::string>& params) {
    m_last_sqlstate.clear();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    return take(PQexecParams(m_conn.get(), std::string(sql).c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
}

Status Connection::execute(std::string_view sql) {
    if (Status s = send(sql, Rows::discard); !s) return s;
    auto r = collect(false, deadline());
    if (!r) return r.error();
    return Done{};
}

Status Connection::send(std::string_view sql, Rows rows) {
    m_last_sqlstate.clear();
    if (PQsendQuery(m_conn.get(), std::string(sql).c_str()) == 0) {
        return Error{trimmed(PQerrorMessage(m_conn.get())), "", std::nullopt};
    }
    // Rows nobody reads come one at a time and are dropped (`finish`, `execute`): a statement
    // that selects gigabytes costs a row's memory, not the result set's.
    if (rows == Rows::discard) (void)PQsetSingleRowMode(m_conn.get());
    m_discard_rows = rows == Rows::discard;
    return Done{};
}

bool Connection::busy() {
    if (PQconsumeInput(m_conn.get()) == 0) return false;  // broken connection: finish() reports it
    return PQisBusy(m_conn.get()) != 0;
}

Result<QueryResult> Connection::finish() {
    return collect(!m_discard_rows, std::nullopt);  // the caller watched the statement, with its own limit
}

Status Connection::cancel() {
    PGcancel* handle = PQgetCancel(m_conn.get());
    if (handle == nullptr) return Error{"cannot cancel: no connection", "", std::nullopt};
    char message[256] = {0};
    int ok = PQcancel(handle, message, sizeof message);
    PQfreeCancel(handle);
    if (ok == 0) return Error{std::string("cannot cancel: ") + message, "", std::nullopt};
    return Done{};
}

int Connection::backend_pid() const { return PQbackendPID(m_conn.get()); }

std::string Connection::error_message() const { return trimmed(PQerrorMessage(m_conn.get())); }

bool server_accepts(const std::string& conninfo) {
    if (open_libpq()) return false;  // the connection that follows says why
    return PQping(conninfo.c_str()) == PQPING_OK;
}

}  // namespace pgfence::trace
