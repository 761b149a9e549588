// package.json "imports" resolved as Node resolves them (analyze/orm/aliases.cpp; red team R86b F8):
// the target Node picks for require() and import from the conditions, `*` patterns.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "analyze/orm/imports.hpp"

namespace fs = std::filesystem;
using pgfence::analyze::orm::resolve_import;

namespace {

struct Project {
    fs::path dir;
    explicit Project(const std::string& imports) {
        dir = fs::temp_directory_path() / ("pgfence_package_imports_" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir / ".git");
        for (const char* f : {"src/boot.js", "src/browser.js", "src/cjs.js", "src/esm.js", "src/lib/a.js", "src/lib/a-a.js", "src/dev.js", "src/legacy/a.js"}) {
            fs::create_directories((dir / f).parent_path());
            std::ofstream(dir / f) << "exports.ok = true;\n";
        }
        std::ofstream(dir / "package.json") << "{\"name\":\"app\",\"imports\":" << imports << "}\n";
        std::ofstream(dir / "knexfile.js") << "require('#boot');\n";
    }
    ~Project() { fs::remove_all(dir); }
    std::string resolve(const std::string& spec, std::string* why = nullptr) const {
        auto f = resolve_import((dir / "knexfile.js").string(), spec, why);
        return f ? fs::path(*f).lexically_relative(dir).generic_string() : std::string();
    }
};

}  // namespace

TEST_CASE("package imports: exact keys and patterns", "[aliases]") {
    Project p(R"({"#boot":"./src/boot.js","#lib/*":"./src/lib/*.js","#twice/*":"./src/lib/*-*.js"})");
    CHECK(p.resolve("#boot") == "src/boot.js");
    CHECK(p.resolve("#lib/a") == "src/lib/a.js");
    CHECK(p.resolve("#twice/a") == "src/lib/a-a.js");  // every `*` of the target
    std::string why;
    CHECK(p.resolve("#lib/", &why).empty());  // `*` stands for one character at least
    CHECK(p.resolve("#none", &why).empty());
    CHECK(!why.empty());
}

TEST_CASE("package imports: a tie of prefixes goes to the longer key, as Node's patternKeyCompare", "[aliases]") {
    for (const char* imports : {R"({"#lib/*":"./src/lib/*","#lib/*.js":"./src/legacy/*.js"})", R"({"#lib/*.js":"./src/legacy/*.js","#lib/*":"./src/lib/*"})"}) {
        Project p(imports);
        CHECK(p.resolve("#lib/a.js") == "src/legacy/a.js");
    }
}

TEST_CASE("package imports: the target Node picks from conditions", "[aliases]") {
    SECTION("node before default: both loaders pick it") {
        Project p(R"({"#boot":{"types":"./src/boot.d.ts","node":"./src/boot.js","default":"./src/browser.js"}})");
        CHECK(p.resolve("#boot") == "src/boot.js");
    }
    SECTION("require and import pick different files: not known") {
        Project p(R"({"#boot":{"import":"./src/esm.js","require":"./src/cjs.js"}})");
        std::string why;
        CHECK(p.resolve("#boot", &why).empty());
        CHECK(!why.empty());
    }
    SECTION("a custom condition before the pick: not known") {
        Project p(R"({"#boot":{"development":"./src/dev.js","default":"./src/boot.js"}})");
        std::string why;
        CHECK(p.resolve("#boot", &why).empty());
        CHECK(!why.empty());
    }
    SECTION("a package, or a path out of the repository: not known") {
        for (const char* imports : {R"({"#boot":"lodash"})", R"({"#boot":"./../outside.js"})", R"({"#boot":"./src/missing.js"})"}) {
            Project p(imports);
            std::string why;
            CHECK(p.resolve("#boot", &why).empty());
            CHECK(!why.empty());
        }
    }
    SECTION("a fallback array: the first valid target") {
        Project p(R"({"#boot":["../x.js","./src/boot.js"]})");
        CHECK(p.resolve("#boot") == "src/boot.js");
    }
}
