#pragma once
// `pgfence analyze -`: a migration read from standard input. It is written to a private
// temporary folder under the name --stdin-filename gives (so that the conventions that go by a
// file's path and extension apply), analysed like any file, and reported under that name.
#include <cstdint>
#include <istream>
#include <memory>
#include <string>

#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::bot {

class StdinInput {
public:
    // Reads all of `in`, at most `max_bytes`. `name` is what the report calls it ("<stdin>"
    // when empty); the temporary file takes it when it is a relative path without "..", else
    // its last component ("stdin.sql" when empty).
    [[nodiscard]] static analyze::Result<std::unique_ptr<StdinInput>> read(std::istream& in, const std::string& name,
                                                                          std::uint64_t max_bytes);
    ~StdinInput();  // the folder goes with it
    StdinInput(const StdinInput&) = delete;
    StdinInput& operator=(const StdinInput&) = delete;

    [[nodiscard]] const std::string& path() const { return m_path; }  // the temporary file
    // The temporary folder, its links resolved: pgfence's own (AnalyzeOptions::own_folder), so
    // the checkout confinement of GitHub Actions does not refuse the copy.
    [[nodiscard]] const std::string& folder() const { return m_folder; }
    // The report's path is the name when it is the temporary file.
    void rename(analyze::FileReport& report) const;

private:
    StdinInput() = default;
    std::string m_folder, m_path, m_name;
};

}  // namespace pgfence::bot
