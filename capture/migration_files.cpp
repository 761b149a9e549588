#include "capture/migration_files.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>



namespace pgfence::capture {
namespace fs = std::filesystem;
namespace {

bool skipped_folder(const std::string& name) {
    return name == ".git" || name == "node_modules" || name == "__pycache__" || name == ".venv" || name == "venv" ||
           name == ".tox" || name == "vendor";
}

// `revision = 'abc'` or `revision: str = "abc"` at the start of a line (Alembic's script template),
// in the first 2,000 lines of `text`.
std::string alembic_revision(std::string_view text) {
    std::size_t from = 0;
    for (int n = 0; n < 2000 && from < text.size(); ++n) {
        std::size_t eol = text.find('\n', from);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(from, eol - from);
        from = eol + 1;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (!line.starts_with("revision")) continue;
        std::size_t at = 8;
        while (at < line.size() && line[at] == ' ') ++at;
        if (at < line.size() && line[at] == ':') {
            at = line.find('=', at);
            if (at == std::string_view::npos) continue;
        }
        if (at >= line.size() || line[at] != '=') continue;
        ++at;
        while (at < line.size() && line[at] == ' ') ++at;
        if (at >= line.size() || (line[at] != '\'' && line[at] != '"')) continue;
        const char quote = line[at];
        const std::size_t end = line.find(quote, at + 1);
        if (end == std::string_view::npos) continue;
        return std::string(line.substr(at + 1, end - at - 1));
    }
    return {};
}

std::string read_small(const fs::path& path) {
    std::error_code ec;
    if (fs::file_size(path, ec) >= k_max_revision_file || ec) return {};
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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
        add(shown, [&] { return read_small(path); });
    }
}

MigrationFiles::MigrationFiles(const std::vector<std::string>& paths, const std::function<std::string(const std::string&)>& read) {
    for (const auto& path : paths) {
        if (m_seen >= k_max_entries) {
            m_truncated = true;
            break;
        }
        const fs::path p(path);
        bool skip = false;
        for (const auto& part : p.parent_path()) skip = skip || skipped_folder(part.string());
        if (!skip) add(path, [&] { return read(path); });
    }
}

void MigrationFiles::add(const std::string& shown, const std::function<std::string()>& text) {
    ++m_seen;
    const fs::path path(shown);
    const std::string name = path.filename().string();
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
        std::string revision = alembic_revision(text());
        if (!revision.empty()) m_alembic.emplace(revision, shown);
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

bool MigrationFiles::holds(const Applied& a) const {
    switch (a.tool) {
        case Tool::rails: return !m_rails.empty();
        case Tool::django: {
            auto it = m_django.lower_bound(a.app + "/");
            return it != m_django.end() && it->first.starts_with(a.app + "/");
        }
        case Tool::alembic: return !m_alembic.empty();
        case Tool::knex: return m_seen > 0;
    }
    return false;
}

}  // namespace pgfence::capture
