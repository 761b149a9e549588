#pragma once
// `pgfence serve ...` and `pgfence audit ...`: run by pgfence-serve, a program of its own beside
// the HTTPS module (serve/serve_main.cpp), which this process becomes (exec).
#include <ostream>
#include <string>
#include <vector>

namespace pgfence::bot {

// Returns only when the program cannot be run (exit 2, with the error line written to `err`).
[[nodiscard]] int run_serve_program(const std::vector<std::string>& args, std::ostream& err);

}  // namespace pgfence::bot
