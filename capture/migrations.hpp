#pragma once
// A capture's sessions cut into migrations: each bookkeeping write (capture/bookkeeping.hpp)
// closes the migration whose statements the session sent since the previous one. The tool's
// own statements (its tables') are left out; the transaction control it sent (BEGIN, COMMIT,
// SAVEPOINT) stays, and where the tool's transaction spans a boundary, as Alembic's one
// transaction for every revision does, the migration gets the BEGIN or COMMIT it lies between,
// as the server's ReadyForQuery status says (T: in a transaction block).
#include <optional>
#include <string>
#include <vector>

#include "capture/bookkeeping.hpp"
#include "capture/recorder.hpp"

namespace pgfence::capture {

struct CapturedMigration {
    int session = 0;
    std::optional<Applied> applied;  // none: what the session sent after its last migration
    std::vector<std::string> statements;  // in order, each without its final ';'
    bool continues_transaction = false;   // it starts inside a transaction an earlier one opened
    bool leaves_transaction_open = false; // the transaction goes on into the next migration
    std::vector<const Event*> failed;      // rejected by the server (their errors)
    std::vector<const Event*> unreadable;  // what ran is not known (Event::unreadable)
    std::size_t bookkeeping = 0;           // the tool's own statements left out
    // The session rewrote the tool's record here or earlier (capture/bookkeeping.hpp
    // rewrites_history), or a version this migration's write names closed twice in the capture:
    // which migration sent these statements is not known (`applied` is only what was claimed).
    bool forged = false;
    // The session's startup settings (Session::settings), as the SET statements that make them,
    // read before the migration's own statements: every statement of the session runs under them.
    std::vector<std::string> session_settings;
    std::string unread_options;  // Session::unread_options

    // The session's settings, then the statements, as one SQL text, each ending in ";\n".
    [[nodiscard]] std::string text() const;
    // "Django polls.0002_add_index", "Alembic 1a2b3c", "session 2, after its last migration".
    [[nodiscard]] std::string label() const;
};

// `sessions` must outlive the result (it points at their events).
[[nodiscard]] std::vector<CapturedMigration> split_migrations(const std::vector<Session>& sessions);

// Whether a statement only reads or sets the session (SELECT, SHOW, SET, transaction control),
// by its first word: a group of such statements outside any migration is not worth a report.
[[nodiscard]] bool is_quiet_statement(std::string_view sql);

}  // namespace pgfence::capture
