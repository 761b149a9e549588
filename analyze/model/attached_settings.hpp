#pragma once
// PostgreSQL's own set_config() written straight into an expression it evaluates later: a column
// DEFAULT, a CHECK (a table's or a domain's), a domain's DEFAULT, a view's query, a policy
// (red team R83b H2). A statement that evaluates it changes the session's timeout as a body's
// set_config does (body_settings.hpp): `INSERT INTO audit (who) ...` with `note text DEFAULT
// set_config('lock_timeout', '0', false)` leaves lock_timeout at 0 for the session (checked on
// PostgreSQL 15.20; "Configuration Settings Functions": set_config "sets the parameter
// setting_name to new_value ... If is_local is true, the new value will only apply during the
// current transaction"). Each such call is kept with the object as an attachment
// (function_attach.hpp) named by attached_setting_names, a name no function has, and read where a
// statement fires it. A call of a setting that is no timeout ('app.user_id') is not kept.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/body_settings.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// One name per set_config() call in `expr` (unqualified or pg_catalog's) that sets a timeout
// body_settings follows, or a setting whose name pgfence cannot fold; in order. No name holds a
// dot, so a domain's list of "schema.function" names keeps them whole.
[[nodiscard]] std::vector<std::string> attached_setting_names(const pg::Node* expr);

[[nodiscard]] bool is_attached_setting(std::string_view name);

// What a name of attached_setting_names sets: nullopt when it is a setting whose name pgfence
// cannot fold. The setting is a `maybe`: it runs once per row evaluated, perhaps never.
[[nodiscard]] std::optional<BodySetting> attached_setting(std::string_view name);

// Whether PostgreSQL restores the settings the expressions `stmt` evaluates change: index builds,
// REINDEX, CLUSTER, VACUUM, ANALYZE, CREATE and REFRESH MATERIALIZED VIEW run them as a
// security-restricted operation inside a new GUC nest level (index.c index_build, matview.c
// ExecRefreshMatView: NewGUCNestLevel ... AtEOXact_GUC(false, ...); on PostgreSQL 15.20
// lock_timeout was 2s again after each).
[[nodiscard]] bool restores_settings(const pg::Node* stmt);

}  // namespace pgfence::analyze
