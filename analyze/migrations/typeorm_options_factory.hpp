#pragma once
// A TypeORM data source whose options come from a class method that returns an object literal:
// `const config = new TypeOrmConfigService().createTypeOrmOptions(); new DataSource(config)`, or a
// static `Options.make()` (laudspeaker's packages/server/src/data-source.ts; review90 A). The
// method's object is read as a `new DataSource({...})` literal is (read_js). Only that shape: one
// `const` used once, a method whose whole body is `return {...}`, in a class of the same file or of
// a relative import, no decorator or prototype write in that file. Anything else is not read, and
// the data source stays unknown (typeorm_data_source.cpp).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pgfence::analyze::tools {

struct FactoryOptions {
    std::string path;    // the file that holds the method (repository-relative)
    std::string masked;  // its text with all but the returned object literal blanked (lines kept)
};

// The module a relative import `spec` of `from` names, read: (path, text), or nullopt when none or
// more than one file answers.
using LoadModule = std::function<std::optional<std::pair<std::string, std::string>>(std::string_view from, std::string_view spec)>;

// The options object of `text`'s `new DataSource(name)` when `name` is built by such a method.
[[nodiscard]] std::optional<FactoryOptions> factory_options(std::string_view path, std::string_view text, const LoadModule& load);

}  // namespace pgfence::analyze::tools
