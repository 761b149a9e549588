#pragma once
// Runs a program (the real pgfence binary, python3) and captures what it printed.
#include <string>
#include <vector>

namespace pgfence::tests {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// argv[0] is a path; stdin is /dev/null.
RunResult run(const std::vector<std::string>& argv);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
// A fresh temporary folder, removed by the caller.
std::string temp_dir(const std::string& prefix);

}  // namespace pgfence::tests
