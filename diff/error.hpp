#pragma once
// The one error type of the diff library: a single line that says what to do about it
// (the bot prints it as `error: <what()>` and exits 2).
#include <stdexcept>
#include <string>

namespace pgfence::diff {

class DiffError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace pgfence::diff
