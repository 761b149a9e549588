#pragma once
// CREATE EXTENSION runs the extension's install script, ALTER EXTENSION ... UPDATE its update
// scripts: SQL pgfence does not read, which may do anything (event triggers, changes to other
// objects, rewrites of the extension's own tables; red team R68 B15). The extensions PostgreSQL
// itself ships (contrib, the procedural languages and their transforms) and pgvector are known: their
// install scripts only make the extension's own objects. Any other CREATE EXTENSION, and every
// ALTER EXTENSION ... UPDATE, is unknown at its line (issue #53).
#include <string_view>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// Whether pgfence knows what `extension`'s install script does.
[[nodiscard]] bool extension_script_known(std::string_view extension);

// A note that makes the statement unknown when it runs a script pgfence did not read; false then.
[[nodiscard]] bool model_extension_script(const pg::Node* stmt, StatementFacts& facts);

}  // namespace pgfence::analyze::model
