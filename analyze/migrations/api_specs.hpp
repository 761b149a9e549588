#pragma once
// An OpenAPI or Swagger document in YAML (review89 G): analyze reads every YAML file as a possible
// settings file (a Kubernetes manifest whose Job runs psql, tools/tool_dirs.hpp named_settings_file),
// and one too large to read is an unknown. An API description is not one: its top-level keys are
// the specification's own, which no migration tool, manifest or workflow reads as settings.
// Not for use outside analyze.
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

// Whether the YAML file at `file` (repository path `rel`; not a command file such as a workflow) is
// a single OpenAPI 3 or Swagger 2 document: its first key `openapi:` or `swagger:`, and every line
// at column 0 a comment or one of the specification's top-level fields (spec.openapis.org/oas/v3.1.0
// "OpenAPI Object", swagger.io/specification/v2 "Swagger Object") or an `x-` extension; no second
// document (`---`, `...`), directive, quoted or merge key. Read once, line by line.
[[nodiscard]] bool openapi_document(const std::string& file, std::string_view rel);

}  // namespace pgfence::analyze::tools
