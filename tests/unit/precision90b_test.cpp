// Review 90's false unknowns (laudspeaker, openfga, nango): TypeORM's migrations glob, options a
// class method returns, a commented-out option, `[[ ... ||` continued, `dir=$(pwd)`.

#include <catch2/catch.hpp>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/shell_forms.hpp"
#include "analyze/migrations/typeorm_glob_files.hpp"
#include "analyze/migrations/typeorm_options_factory.hpp"

using namespace pgfence::analyze::tools;

TEST_CASE("precision90b: a TypeORM migrations glob loads only the scripts it matches", "[typeorm]") {
    CHECK(typeorm_glob_below("**/migrations/**/*.ts") == "**/migrations/**/*.ts");
    CHECK(typeorm_glob_below("dist/**/migrations/*.{ts,js}") == "**/migrations/*.{ts,js}");
    CHECK(typeorm_glob_below("src/migrations") == "");
    CHECK(typeorm_glob_loads("src/migrations/1-Init.ts", "**/migrations/**/*.ts"));
    CHECK(typeorm_glob_loads("migrations/1-Init.ts", "**/migrations/**/*.ts"));
    CHECK(typeorm_glob_loads("src/migrations/helpers/wait.ts", "**/migrations/**/*.ts"));
    CHECK_FALSE(typeorm_glob_loads("src/utils/wait.ts", "**/migrations/**/*.ts"));
    CHECK_FALSE(typeorm_glob_loads("src/api/accounts/accounts.controller.ts", "**/migrations/*.{ts,js}"));
    CHECK(typeorm_glob_loads("src/utils/wait.ts", ""));
    CHECK(typeorm_glob_loads("src/x/*.ts", "*.ts"));  // `*` crosses folders: never narrower
}

namespace {

const std::string k_service =
    "import { TypeOrmOptionsFactory } from '@nestjs/typeorm';\n"
    "export class TypeOrmConfigService implements TypeOrmOptionsFactory {\n"
    "  public createTypeOrmOptions(): TypeOrmModuleOptions {\n"
    "    return {\n"
    "      type: 'postgres',\n"
    "      migrations: ['dist/**/migrations/*.{ts,js}'],\n"
    "    };\n"
    "  }\n"
    "}\n";

LoadModule only(std::string path, std::string text) {
    return [path, text](std::string_view, std::string_view spec) -> std::optional<std::pair<std::string, std::string>> {
        if (spec != "./shared/typeorm/typeorm.service") return std::nullopt;
        return std::pair{path, text};
    };
}

}  // namespace

TEST_CASE("precision90b: a data source's options from a class method returning a literal", "[typeorm]") {
    const std::string ds =
        "import { DataSource, DataSourceOptions } from 'typeorm';\n"
        "import { TypeOrmConfigService } from './shared/typeorm/typeorm.service';\n"
        "dotenv.config();\n"
        "const config = new TypeOrmConfigService().createTypeOrmOptions();\n"
        "const DS = new DataSource(config as DataSourceOptions);\n"
        "export default DS;\n";
    const std::string svc = "src/shared/typeorm/typeorm.service.ts";
    auto f = factory_options("src/data-source.ts", ds, only(svc, k_service));
    REQUIRE(f);
    CHECK(f->path == svc);
    CHECK(f->masked.size() == k_service.size());
    CHECK(f->masked.find("migrations: ['dist/**/migrations/*.{ts,js}']") != std::string::npos);
    CHECK(f->masked.find("class") == std::string::npos);
    // Line numbers kept: the literal's key on line 6.
    CHECK(std::count(f->masked.begin(), f->masked.begin() + static_cast<std::ptrdiff_t>(f->masked.find("migrations")), '\n') == 5);

    // Controls, each not read: a computed body, a decorator, a spread result, a second use, a static call to an instance method.
    std::string computed = k_service;
    computed.replace(computed.find("    return {"), 12, "    if (x) return {};\n    return {");
    CHECK_FALSE(factory_options("src/data-source.ts", ds, only(svc, computed)));
    CHECK_FALSE(factory_options("src/data-source.ts", ds, only(svc, "@Injectable()\n" + k_service)));
    std::string more = ds;
    more.replace(more.find("export default DS;"), 18, "config.migrations = [];\nexport default DS;");
    CHECK_FALSE(factory_options("src/data-source.ts", more, only(svc, k_service)));
    std::string twice = ds;
    twice.replace(twice.find(".createTypeOrmOptions();"), 24, ".createTypeOrmOptions().extra;");
    CHECK_FALSE(factory_options("src/data-source.ts", twice, only(svc, k_service)));
    std::string statically = ds;
    statically.replace(statically.find("new TypeOrmConfigService()"), 26, "TypeOrmConfigService");
    CHECK_FALSE(factory_options("src/data-source.ts", statically, only(svc, k_service)));
    std::string static_svc = k_service;
    static_svc.replace(static_svc.find("public createTypeOrmOptions"), 6, "static");
    CHECK(factory_options("src/data-source.ts", statically, only(svc, static_svc)));
    // The class in the same file.
    const std::string here = k_service + "const config = new TypeOrmConfigService().createTypeOrmOptions();\nexport default new DataSource(config);\n";
    auto h = factory_options("src/data-source.ts", here, only(svc, ""));
    REQUIRE(h);
    CHECK(h->path == "src/data-source.ts");
}

TEST_CASE("precision90b: a commented-out TypeORM option is not set", "[typeorm]") {
    const std::string on = "import { TypeOrmModuleOptions } from '@nestjs/typeorm';\nconst o: TypeOrmModuleOptions = {\n  type: 'postgres',\n  migrationsRun: true,\n};\n";
    CHECK(schema_sync_settings(on, "src/typeorm.service.ts").size() == 1);
    for (const char* off : {"  // migrationsRun: true,\n", "  /* migrationsRun: true, */\n", "  /*\n  migrationsRun: true,\n  */\n"}) {
        std::string text = on;
        text.replace(text.find("  migrationsRun: true,\n"), 23, off);
        INFO(text);
        CHECK(schema_sync_settings(text, "src/typeorm.service.ts").empty());
    }
    // `synchronize` in a comment beside a real one: only the real one.
    const std::string sync = "import 'typeorm';\nconst o = {\n  synchronize: true, // synchronize: false\n  // synchronize: true\n};\n";
    auto found = schema_sync_settings(sync, "src/ds.ts");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 3);
}

TEST_CASE("precision90b: `||` inside [[ ]] does not start a command", "[deploy]") {
    using deploy_detail::shell_form_why;
    const std::string joined =
        "if [[ \"${{ needs.unit.result }}\" != \"success\" ||  \"${{ needs.storage.result }}\" != \"success\" ||  "
        "\"${{ needs.matrix.result }}\" != \"success\" ]]; then";
    CHECK(shell_form_why(joined, nullptr, true, true).empty());
    CHECK(shell_form_why("[[ a == b && ( \"${{ x }}\" < y ) ]] && echo ok", nullptr, true, true).empty());
    // After `]]`, a command again; a `[[` with no `]]` is read as before.
    CHECK_FALSE(shell_form_why("[[ -n \"$X\" ]] || \"${{ inputs.command }}\" --now", nullptr, true, true).empty());
    CHECK_FALSE(shell_form_why("[[ -n \"$X\" ||  \"${{ inputs.command }}\" --now", nullptr, true, true).empty());
    CHECK_FALSE(shell_form_why("[[ -n x ; \"${{ inputs.command }}\" ]]", nullptr, true, true).empty());
    CHECK_FALSE(shell_form_why("\"${{ inputs.command }}\" --now", nullptr, true, true).empty());
}

TEST_CASE("precision90b: a name set from pwd holds the working directory", "[deploy]") {
    using deploy_detail::pwd_assignment;
    const std::optional<std::string> cwd = std::string("packages/server");
    for (const char* line : {"dir=$(pwd)", "dir=\"$(pwd)\"", "dir=`pwd`", "export dir=$PWD", "  local dir=\"${PWD}\""}) {
        INFO(line);
        const auto d = pwd_assignment(line, cwd);
        REQUIRE(d);
        CHECK(d->first == "dir");
        CHECK(d->second == "packages/server");
    }
    for (const char* line : {"dir=$(some_cmd)", "dir=$(pwd)/x", "dir=$(pwd -P)", "dir=$(cd .. && pwd)", "dir=$OTHER", "1dir=$(pwd)", "echo $(pwd)"}) {
        INFO(line);
        CHECK_FALSE(pwd_assignment(line, cwd));
    }
    CHECK_FALSE(pwd_assignment("dir=$(pwd)", std::nullopt));
}

TEST_CASE("precision90b: an array assignment's lines are its words", "[deploy]") {
    using namespace deploy_detail;
    for (const char* line : {"results=(", "  local xs+=(", "declare -a xs=("}) {
        INFO(line);
        CHECK(opens_array(line));
    }
    for (const char* line : {"results=(a b)", "1x=(", "x=( # c", "echo x=(", "f() ("}) {
        INFO(line);
        CHECK_FALSE(opens_array(line));
    }
    CHECK(array_line("    \"${{ needs.deploy.result }}\"") == ArrayLine::words);
    CHECK(array_line("  a 'b c' \"d\"") == ArrayLine::words);
    CHECK(array_line("  )") == ArrayLine::closes);
    for (const char* line : {"  \"$(psql -c x)\"", "  a) b", "  a; psql", "  `psql`", "  \"open", "  a | b"}) {
        INFO(line);
        CHECK(array_line(line) == ArrayLine::other);
    }
}
