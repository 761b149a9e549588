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

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

struct LexingChange {
    bool changes = false;   // the statements after it are read differently, or may be
    bool restores = false;  // back to the default reading (SET ... = on, UTF8, RESET)
    std::string what;       // what changed it, for the notes
    // The setting it is about ("standard_conforming_strings", "client_encoding"); "" with
    // `restores` for RESET ALL (both).
    std::string setting;
    // Not known either way: set_config() of a name pgfence cannot fold ('standard_' || 'conforming_strings'),
    // a statement that names pg_settings (UPDATE pg_settings calls set_config), a DO block or
    // function body with a Unicode-escaped name (U&"..."). The statements after it
    // read the same under either value of either setting until one of them reads differently
    // (reads_differently): from that one on they are not known.
    bool maybe = false;
    // The statement itself sets a setting pgfence cannot name (set_config of a computed name): unknown.
    bool unnamed_setting = false;
    // ALTER DATABASE / ALTER ROLE / ALTER SYSTEM ... SET or RESET of a reading setting: the default
    // of every later session, whatever connection a later migration runs on (red team R72 F2). Whose
    // default it is ("database app", "role app", "the server"); `setting` is "" for RESET ALL.
    std::string lasting;
    // RESET, SET ... TO DEFAULT, RESET ALL: back to the session's default, which an ALTER DATABASE
    // / ROLE ... SET may have made off (red team R73 F5), not necessarily to on.
    bool to_default = false;
};

// A statement of the history (the earlier deploys) that may have set a reading setting as the
// default of later sessions without pgfence seeing which (red team R73 F3): a DO block or a
// routine whose body may ALTER DATABASE / ROLE / SYSTEM or EXECUTE text, or one that writes
// pg_db_role_setting. What it is, "" when none.
[[nodiscard]] std::string may_set_lasting(const pg::Node* stmt, std::string_view sql);

// What `stmt` (its text `sql`) does to how the rest of the session is read: a SET or RESET of
// standard_conforming_strings or client_encoding (SET NAMES) is read; any other statement that
// names either setting (set_config(), a SET inside a DO block or function, ALTER ... SET, a
// function's SET clause) may change it, and is taken to.
[[nodiscard]] LexingChange lexing_change(const pg::Node* stmt, std::string_view sql);

// Would PostgreSQL read `sql` otherwise with standard_conforming_strings off or another client
// encoding? Only through a backslash: one in a '...' string (not E'...': those read backslashes
// either way) or in a dollar-quoted body (its own strings, read by PL/pgSQL with the session's
// setting), or any backslash in a statement that holds a byte outside ASCII (a multibyte
// character of SJIS, BIG5, GBK ... may end in a backslash byte). Comments are not read.
[[nodiscard]] bool reads_differently(std::string_view sql);

}  // namespace pgfence::analyze
