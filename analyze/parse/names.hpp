#pragma once
// Identifiers as PostgreSQL prints them: quoted only where it needs quotes.
#include <string>
#include <string_view>

namespace pgfence::analyze {

[[nodiscard]] std::string quote_ident(std::string_view name);
// quote_ident(name), appended to `out`.
void append_quoted_ident(std::string& out, std::string_view name);
// A string literal: 'it''s' (standard_conforming_strings on, PostgreSQL's default since 9.1).
[[nodiscard]] std::string quote_literal(std::string_view text);

// PostgreSQL's makeObjectName: name1_name2_label, the longer part cut first (never inside a UTF-8
// character) so that the whole fits in 63 bytes.
[[nodiscard]] std::string object_name(std::string_view name1, std::string_view name2, std::string_view label);

}  // namespace pgfence::analyze
