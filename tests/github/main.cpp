// The suite needs GitHub's schemas from shared/ beside the repository; without them it is
// skipped (exit 77) rather than run against nothing.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>

#include "double_process.hpp"

int main(int argc, char* argv[]) {
    if (!pgfence::test::schemas_present()) {
        std::cerr << "skipped: no GitHub schemas at " << PGFENCE_GITHUB_SCHEMAS << '\n';
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
