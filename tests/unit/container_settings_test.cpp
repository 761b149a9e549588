// Where a container or a build plugin decides what a migration tool runs
// (analyze/tools/container_settings.hpp, flyway_build_plugins.hpp): the lines that count, the host
// folders mapped to the tool's folder, the Flyway plugins' locations.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/flyway_build_plugins.hpp"
#include "analyze/migrations/tool_dirs.hpp"

using namespace pgfence::analyze::tools;

namespace {

std::string lines_of(const std::vector<int>& v) {
    std::string out;
    for (int n : v) out += (out.empty() ? "" : ",") + std::to_string(n);
    return out;
}

std::string dirs_of(const std::vector<ContainerDir>& v) {
    std::string out;
    for (const auto& d : v) out += (out.empty() ? "" : ";") + d.tool + ":" + std::to_string(d.line) + ":" + (d.unknown.empty() ? d.folder : "?");
    return out;
}

}  // namespace

TEST_CASE("container_settings: a compose service of a migration tool, every line; another service, none") {
    const std::string compose =
        "services:\n  db:\n    image: postgres:15\n    ports: [\"5432:5432\"]\n  migrate:\n    image: migrate/migrate\n"
        "    volumes:\n      - ./db/schema:/migrations\n    command: [\"-path\", \"/migrations\", \"up\"]\nvolumes:\n  data: {}\n";
    CHECK(lines_of(container_tool_lines("docker-compose.yml", compose)) == "5,6,7,8,9");
    CHECK(dirs_of(container_dirs("docker-compose.yml", compose)) == "migrate:8:./db/schema");
    // Long syntax, a nested path under the target, working_dir for a relative -dir.
    const std::string goose =
        "services:\n  g:\n    image: ghcr.io/kukymbr/goose-docker\n    working_dir: /work\n    volumes:\n      - type: bind\n"
        "        source: ./ops\n        target: /work\n    environment:\n      GOOSE_MIGRATION_DIR: sql/up\n";
    CHECK(dirs_of(container_dirs("compose.yaml", goose)) == "goose:8:./ops/sql/up");
    // A named volume, an absolute host folder: unknown.
    CHECK(dirs_of(container_dirs("compose.yml", "services:\n  m:\n    image: migrate/migrate\n    volumes: [\"mig:/m\"]\n    command: -path /m up\n")) ==
          "migrate:4:?");
    CHECK(dirs_of(container_dirs("compose.yml", "services:\n  m:\n    image: migrate/migrate\n    volumes: [\"/srv/m:/m\"]\n    command: -path /m up\n")) ==
          "migrate:4:?");
    CHECK(compose_variables("services:\n  m:\n    image: migrate/migrate\n    command: -database ${DATABASE_URL} -path $DIR $$X\n") ==
          std::vector<std::string>{"DATABASE_URL", "DIR"});
    const auto env = compose_env_files("services:\n  migrate:\n    image: x\n    env_file: [ops/a.env, b.env]\n  app:\n    env_file: app.env\n");
    REQUIRE(env.size() == 2);
    CHECK(env[0].value == "ops/a.env");
    CHECK(env[1].value == "b.env");
}

TEST_CASE("container_settings: a goose or dbmate service's folder set in its env_file") {
    // R72 L2: read through the reader, relative to the compose file's folder, the last file that sets it winning.
    const std::string compose =
        "services:\n  goose:\n    image: ghcr.io/kukymbr/goose-docker\n    env_file:\n      - goose.vars\n      - path: secrets.vars\n"
        "        required: false\n    volumes:\n      - ./db/extra:/migrations/extra\n";
    const ReadFile read = [](const std::string& p) -> std::optional<std::string> {
        if (p == "ops/goose.vars") return std::string("GOOSE_DRIVER=postgres\n# GOOSE_MIGRATION_DIR=/nowhere\nGOOSE_MIGRATION_DIR=\"/migrations/extra\"\n");
        return std::nullopt;
    };
    // secrets.vars is not in the repository: it may set the folder, unknown at its line.
    CHECK(dirs_of(container_dirs("ops/docker-compose.yml", compose, read)) == "goose:6:?;goose:9:./db/extra");
    // Its own environment takes precedence: the env_file is not read for the folder.
    const std::string own = compose + "    environment:\n      GOOSE_MIGRATION_DIR: /migrations/extra\n";
    CHECK(dirs_of(container_dirs("ops/docker-compose.yml", own, read)) == "goose:9:./db/extra");
    // Without a reader, as before.
    CHECK(dirs_of(container_dirs("ops/docker-compose.yml", compose)).empty());
}

TEST_CASE("container_settings: a Dockerfile's COPY into the folder the tool reads") {
    const std::string df = "FROM golang:1.22\nRUN go install github.com/pressly/goose/v3/cmd/goose@latest\nWORKDIR /app\n"
                           "COPY db/schema ./sql\nCMD goose -dir ./sql postgres up\n";
    CHECK(lines_of(container_tool_lines("Dockerfile", df)) == "1,3,4,5");
    CHECK(dirs_of(container_dirs("Dockerfile", df)) == "goose:4:./db/schema");
    CHECK(container_tool_lines("app/Dockerfile", "FROM node:20\nCOPY src ./src\n").empty());
    CHECK(dirs_of(container_dirs("Dockerfile", "FROM ghcr.io/pressly/goose\nCMD [\"goose\", \"-dir\", \"/m\", \"up\"]\n")) == "goose:2:?");
}

TEST_CASE("container_settings: what is shown is printable") {
    const auto d = container_dirs("compose.yml", "services:\n  m:\n    image: migrate/migrate\n    volumes: [\"\x1b[31mv\xc3:/m\"]\n    command: -path /m up\n");
    REQUIRE(d.size() == 1);
    for (const std::string* t : {&d[0].setting, &d[0].unknown}) {
        for (char c : *t) CHECK((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F));
    }
    CHECK_FALSE(d[0].unknown.empty());
}

TEST_CASE("container_settings: docker run -v and x-migrations-table") {
    const std::string run = "docker run --rm -v \"$PWD/db/schema:/migrations\" ghcr.io/kukymbr/goose-docker -dir /migrations postgres up";
    CHECK(container_tool_line(run));
    CHECK(dirs_of(container_dirs(".github/workflows/x.yml", run)) == "goose:1:./db/schema");
    CHECK(container_tool_line("DATABASE_URL=postgres://h/db?x-migrations-table=v2"));
    CHECK_FALSE(container_tool_line("docker run --rm -v $PWD:/src node:20 npm test"));
}

TEST_CASE("container_settings: Flyway's Maven and Gradle plugins") {
    const std::string pom = "<project>\n<version>1</version>\n<plugin>\n<artifactId>flyway-maven-plugin</artifactId>\n<configuration>\n"
                            "<locations><location>filesystem:sql/prod</location><location>classpath:db/m</location></locations>\n"
                            "<table>t</table>\n</configuration>\n</plugin>\n<properties><flyway.schemas>s</flyway.schemas></properties>\n</project>\n";
    CHECK(lines_of(container_tool_lines("pom.xml", pom)) == "3,4,5,6,7,8,9,10");
    auto locs = flyway_plugin_locations("svc/pom.xml", pom);
    REQUIRE(locs.size() == 1);
    CHECK(locs[0].folders == std::vector<std::string>{"sql/prod", "src/main/resources/db/m"});
    CHECK(flyway_plugin_locations("pom.xml", "<plugin><artifactId>flyway-maven-plugin</artifactId>\n<location>${dir}</location></plugin>\n")[0].unknown !=
          "");
    const std::string gradle = "version = '1'\nflyway {\n  locations = ['filesystem:$projectDir/sql', \"classpath:db/x\"]\n  table = 't'\n}\n";
    CHECK(lines_of(container_tool_lines("build.gradle", gradle)) == "2,3,4,5");
    locs = flyway_plugin_locations("build.gradle", gradle);
    REQUIRE(locs.size() == 1);
    CHECK(locs[0].folders == std::vector<std::string>{"sql", "src/main/resources/db/x"});
    // read_tool_dirs follows them from the build file's folder.
    bool found = false;
    for (const auto& d : read_tool_dirs("svc/pom.xml", pom)) found = found || (d.tool == "flyway" && d.folder == "svc/sql/prod");
    CHECK(found);
}
