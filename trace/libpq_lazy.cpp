// libpq, opened when trace or extract-stats first connects (analyze/shared_library.hpp says why).
#include <libpq-fe.h>

#include <array>

#include "trace/libpq_lazy.hpp"
#include "analyze/base/shared_library.hpp"

// Every libpq function pgfence calls: return type, name, parameters, arguments. A new call
// needs its line here (the link fails without it); a line that differs from libpq's own
// declaration does not compile.
#define PGFENCE_LIBPQ_FUNCTIONS(X) \
    X(int, PQbackendPID, (const PGconn *conn), (conn)) \
    X(int, PQcancel, (PGcancel *cancel, char *errbuf, int errbufsize), (cancel, errbuf, errbufsize)) \
    X(void, PQclear, (PGresult *res), (res)) \
    X(char *, PQcmdStatus, (PGresult *res), (res)) \
    X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo)) \
    X(int, PQconsumeInput, (PGconn *conn), (conn)) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn)) \
    X(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query)) \
    X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat), (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(void, PQfinish, (PGconn *conn), (conn)) \
    X(void, PQfreeCancel, (PGcancel *cancel), (cancel)) \
    X(void, PQfreemem, (void *ptr), (ptr)) \
    X(PGcancel *, PQgetCancel, (PGconn *conn), (conn)) \
    X(int, PQgetCopyData, (PGconn *conn, char **buffer, int async), (conn, buffer, async)) \
    X(PGresult *, PQgetResult, (PGconn *conn), (conn)) \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQisBusy, (PGconn *conn), (conn)) \
    X(int, PQnfields, (const PGresult *res), (res)) \
    X(int, PQntuples, (const PGresult *res), (res)) \
    X(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg)) \
    X(PGPing, PQping, (const char *conninfo), (conninfo)) \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res)) \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res)) \
    X(int, PQsendQuery, (PGconn *conn, const char *query), (conn, query)) \
    X(int, PQsetSingleRowMode, (PGconn *conn), (conn)) \
    X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg)) \
    X(int, PQsocket, (const PGconn *conn), (conn)) \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn))

namespace {

struct Table {
    PGFENCE_LIBPQ_FUNCTIONS(PGFENCE_LAZY_SLOT)
};
Table g_table;

constexpr pgfence::LazyLibraryInfo k_info{PGFENCE_LIBPQ_SONAME, "PGFENCE_LIBPQ", "trace mode and extract-stats", "libpq5"};

}  // namespace

namespace pgfence::trace {

std::optional<std::string> open_libpq() {
    static const auto symbols = std::to_array<LazySymbol>({
        PGFENCE_LIBPQ_FUNCTIONS(PGFENCE_LAZY_ENTRY)
    });
    return open_lazy_library(k_info, symbols);
}

}  // namespace pgfence::trace

namespace {
std::optional<std::string> lazy_open() { return pgfence::trace::open_libpq(); }
}  // namespace

PGFENCE_LIBPQ_FUNCTIONS(PGFENCE_LAZY_FORWARD)
