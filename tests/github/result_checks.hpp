#pragma once
// Catch2 checks on the GitHub client's results, shared by the unit and double tests.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "bot/github_client.hpp"

namespace pgfence::bot::github::testing {

// The value of a call expected to succeed (the failure's message when it does not).
template <typename T>
T must(Result<T> result) {
    INFO((result ? std::string() : result.error().message()));
    REQUIRE(result.has_value());
    return std::move(*result);
}

// The failure of a call expected to fail.
template <typename T>
GitHubError failure_of(Result<T> result) {
    REQUIRE_FALSE(result.has_value());
    return result.error();
}

}  // namespace pgfence::bot::github::testing
