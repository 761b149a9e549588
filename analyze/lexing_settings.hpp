#pragma once
// Session settings that change how PostgreSQL reads the text of the statements after them
// (scan.l): standard_conforming_strings = off makes a backslash in '...' an escape, so
// 'a\''; DROP TABLE t; --' is a literal and a DROP TABLE to the server but one literal to a parser
// with it on; a client_encoding other than UTF8 (SJIS, BIG5, GBK...) lets a multibyte character
// swallow the backslash before a quote in E'...'. pgfence parses every statement as PostgreSQL
// does by default (standard_conforming_strings on, UTF8), so the statements after such a change
// are not known. Settings checked and left alone: backslash_quote (off only makes E'\'' an error
// under UTF8), escape_string_warning (a warning), check_function_bodies (when a body is checked,
// not what it means).
#include <string>
#include <string_view>

#include "analyze/pg_tree.hpp"

namespace pgfence::analyze {

struct LexingChange {
    bool changes = false;   // the statements after it are read differently, or may be
    bool restores = false;  // back to the default reading (SET ... = on, UTF8, RESET)
    std::string what;       // what changed it, for the notes
    // The setting it is about ("standard_conforming_strings", "client_encoding"); "" with
    // `restores` for RESET ALL (both).
    std::string setting;
};

// What `stmt` (its text `sql`) does to how the rest of the session is read: a SET or RESET of
// standard_conforming_strings or client_encoding (SET NAMES) is read; any other statement that
// names either setting (set_config(), a SET inside a DO block or function, ALTER ... SET, a
// function's SET clause) may change it, and is taken to.
[[nodiscard]] LexingChange lexing_change(const pg::Node* stmt, std::string_view sql);

}  // namespace pgfence::analyze
