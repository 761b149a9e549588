// The project's own PostgreSQL version (analyze/tools/project_pg_version.hpp): compose and workflow
// images, a Dockerfile's FROM, .tool-versions and .mise.toml; the lowest when files disagree.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/project_pg_version.hpp"

using namespace pgfence::analyze::tools;

TEST_CASE("project_pg_version: images and entries") {
    auto one = [](std::string_view path, std::string_view text) {
        auto v = versions_in(path, text);
        return v.size() == 1 ? v[0].major * 1000 + v[0].line : -static_cast<int>(v.size());
    };
    // Lemmy's docker/docker-compose.yml.
    CHECK(one("docker/docker-compose.yml", "services:\n  postgres:\n    image: pgautoupgrade/pgautoupgrade:18-alpine\n") == 18003);
    CHECK(one("compose.yaml", "  db:\n    image: \"postgres:15.4\" # pinned\n") == 15002);
    CHECK(one("docker-compose.yml", "image: postgis/postgis:16-3.4\n") == 16001);
    CHECK(one("docker-compose.yml", "image: docker.io/library/postgres:17-bookworm\n") == 17001);
    CHECK(one("docker-compose.yml", "image: timescale/timescaledb:2.14.2-pg16\n") == 16001);
    CHECK(one(".github/workflows/ci.yml", "    services:\n      pg:\n        image: postgres:14\n") == 14003);
    CHECK(one("Dockerfile", "FROM --platform=linux/amd64 postgres:13-alpine AS db\n") == 13001);
    CHECK(one(".tool-versions", "nodejs 20.1.0\npostgres 16.2\n") == 16002);
    CHECK(one(".mise.toml", "[tools]\npostgres = \"12\"\n") == 12002);
    // No version in the tag, another image, a commented line: none.
    CHECK(one("docker-compose.yml", "image: postgres:latest\nimage: redis:7\nimage: postgres\n# image: postgres:9\n") == 0);
    CHECK(one("docker-compose.yml", "image: mypostgres:16\n") == 0);
    CHECK_FALSE(version_file("docs/example.yml"));
    CHECK(version_file("deploy/docker-compose.prod.yml"));
}

TEST_CASE("project_pg_version: the lowest in range, said with its file") {
    std::vector<NamedVersion> named = {{18, "docker/docker-compose.yml", 84, "pgautoupgrade/pgautoupgrade:18-alpine"},
                                       {16, "ci.yml", 3, "postgres:16"},
                                       {9, "old/docker-compose.yml", 2, "postgres:9"}};
    auto chosen = choose_version(named, 11, 18);
    CHECK(chosen.major == 16);
    CHECK(chosen.from.find("ci.yml:3 (postgres:16)") != std::string::npos);
    CHECK(chosen.from.find("16, 18") != std::string::npos);
    CHECK(choose_version({}, 11, 18).major == 0);
    CHECK(choose_version({{18, "a.yml", 1, "postgres:18"}}, 11, 18).from == "a.yml:1 (postgres:18)");
}
