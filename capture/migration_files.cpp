#include "capture/migration_files.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <system_error>



namespace pgfence::capture {
namespace fs = std::filesystem;
namespace {

bool skipped_folder(const std::string& name) {
    return name == ".git" || name == "node_modules" || name == "__pycache__" || name == ".venv" || name == "venv" ||
           name == ".tox" || name == "vendor";
}

// `revision = 'abc'` or `revision: str = "abc"` at the start of a line (Alembic's script template).
std::string alembic_revision(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int n = 0; n < 2000 && std::getline(in, line); ++n) {
        if (!line.starts_with("revision")) continue;
        std::size_t at = 8;
        while (at < line.size() && line[at] == ' ') ++at;
        if (at < line.size() && line[at] == ':') {
            at = line.find('=', at);
            if (at == std::string::npos) continue;
        }
        if (at >= line.size() || line[at] != '=') continue;
        ++at;
        while (at < line.size() && line[at] == ' ') ++at;
        if (at >= line.size() || (line[at] != '\'' && line[at] != '"')) continue;
        const char quote = line[at];
        const std::size_t end = line.find(quote, at + 1);
        if (end == std::string::npos) continue;
        return line.substr(at + 1, end - at - 1);
    }
    return {};
}

}  // namespace

MigrationFiles::MigrationFiles(const std::string& root) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    std::size_t seen = 0;
    for (; !ec && it != end; it.increment(ec)) {
        if (++seen > k_max_entries) {
            m_truncated = true;
            break;
        }
        const fs::directory_entry& entry = *it;
        const std::string name = entry.path().filename().string();
        if (entry.is_symlink(ec)) continue;
        if (entry.is_directory(ec)) {
            if (skipped_folder(name)) it.disable_recursion_pending();
            continue;
        }
        if (!entry.is_regular_file(ec)) continue;
        const fs::path path = entry.path().lexically_normal();
        const std::string shown = path.generic_string().starts_with("./") ? path.generic_string().substr(2) : path.generic_string();
        const fs::path parent = path.parent_path();
        const std::string folder = parent.filename().string();
        m_basename.emplace(name, shown);
        if (name.ends_with(".rb") && folder == "migrate" && parent.parent_path().filename() == "db") {
            std::size_t digits = 0;
            while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
            if (digits > 0 && digits < name.size() && name[digits] == '_') m_rails.emplace(name.substr(0, digits), shown);
        } else if (name.ends_with(".py") && folder == "migrations") {
            const std::string stem = name.substr(0, name.size() - 3);
            m_django.emplace(parent.parent_path().filename().string() + "/" + stem, shown);
            m_django_name.emplace(stem, shown);
        } else if (name.ends_with(".py") && folder == "versions") {
            std::error_code size_ec;
            if (fs::file_size(path, size_ec) < (std::uintmax_t{1} << 20) && !size_ec) {
                std::string revision = alembic_revision(path.string());
                if (!revision.empty()) m_alembic.emplace(revision, shown);
            }
        }
    }
}

std::string MigrationFiles::find(const Applied& a) const {
    auto get = [](const std::map<std::string, std::string>& m, const std::string& key) -> std::string {
        auto it = m.find(key);
        return it == m.end() ? std::string() : it->second;
    };
    switch (a.tool) {
        case Tool::rails: return get(m_rails, a.version);
        case Tool::django: {
            std::string path = get(m_django, a.app + "/" + a.version);
            return path.empty() ? get(m_django_name, a.version) : path;
        }
        case Tool::alembic: return get(m_alembic, a.version);
        case Tool::knex: return a.version.find('/') == std::string::npos ? get(m_basename, a.version) : std::string();
    }
    return {};
}

}  // namespace pgfence::capture
