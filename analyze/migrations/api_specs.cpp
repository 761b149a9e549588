#include "analyze/migrations/api_specs.hpp"

#include <fstream>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {

namespace {

// A top-level field of an OpenAPI 3.x or Swagger 2.0 object, or a specification extension.
bool api_field(std::string_view key) {
    if (key.starts_with("x-")) return true;
    for (std::string_view f : {"openapi", "swagger", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags",
                               "externalDocs", "host", "basePath", "schemes", "consumes", "produces", "definitions", "parameters", "responses",
                               "securityDefinitions"}) {
        if (key == f) return true;
    }
    return false;
}

}  // namespace

bool openapi_document(const std::string& file, std::string_view rel) {
    const std::string_view name = path_name(rel);
    if (!(name.ends_with(".yml") || name.ends_with(".yaml")) || command_file(rel)) return false;
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == ' ' || line.front() == '#') continue;
        if (first && line == "---") continue;  // the first document's start
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0 || (colon + 1 < line.size() && line[colon + 1] != ' ')) return false;
        const std::string_view key = std::string_view(line).substr(0, colon);
        if (first ? key != "openapi" && key != "swagger" : !api_field(key)) return false;
        first = false;
    }
    return !first && in.eof();
}

}  // namespace pgfence::analyze::tools
