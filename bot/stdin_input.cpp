#include "bot/stdin_input.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "analyze/base/safe_write.hpp"

namespace pgfence::bot {

namespace fs = std::filesystem;

namespace {

// A relative path of plain components; anything else is reduced to its file name.
std::string safe_name(const std::string& name) {
    fs::path p = fs::path(name).lexically_normal();
    bool plain = !name.empty() && p.is_relative() && !p.empty();
    for (const auto& part : p) plain = plain && part != ".." && part != ".";
    if (plain) return p.generic_string();
    std::string file = p.filename().string();
    return file.empty() || file == ".." || file == "." ? "stdin.sql" : file;
}

}  // namespace

analyze::Result<std::unique_ptr<StdinInput>> StdinInput::read(std::istream& in, const std::string& name, std::uint64_t max_bytes) {
    std::string shown = name.empty() ? "<stdin>" : name;
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes) {
            return analyze::Error{shown + ": standard input is larger than --max-file-size (" + std::to_string(max_bytes >> 20) + " MB)", "",
                                  std::nullopt};
        }
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pgfence-stdin-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return analyze::Error{"standard input: cannot make a temporary folder", "", std::nullopt};
    std::unique_ptr<StdinInput> input(new StdinInput);
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(pattern, ec);
    input->m_folder = ec || resolved.empty() ? pattern : resolved.string();
    input->m_name = shown;
    const std::string relative = safe_name(name.empty() ? "stdin.sql" : name);
    input->m_path = (fs::path(input->m_folder) / relative).string();
    auto written = analyze::write_file_under(input->m_folder, relative, text);
    if (!written) return analyze::Error{"standard input: " + written.error().describe(), "", std::nullopt};
    return input;
}

StdinInput::~StdinInput() {
    std::error_code ec;
    if (!m_folder.empty()) fs::remove_all(m_folder, ec);
}

void StdinInput::rename(analyze::FileReport& report) const {
    if (report.path == m_path) report.path = m_name;
}

}  // namespace pgfence::bot
