#include "analyze/migrations/unrun_scripts.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

bool script_name(std::string_view name) {
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".py", ".rb", ".go", ".sh"}) {
        if (name.ends_with(ext) && name.size() > ext.size() && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

// A test of the migration's helpers is not run by the runner (`utils.test.ts`).
bool runnable(std::string_view name) {
    return script_name(name) && name.find(".test.") == std::string_view::npos && name.find(".spec.") == std::string_view::npos;
}

// A folder whose migration is `migration.ts` (named as Prisma's migration.sql): the runner runs
// that one, and the others (`types.ts`, `utils.ts`) are modules it loads: it stands for them.
bool own(std::string_view n) { return n.starts_with("migration."); }

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 120)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return out;
}

}  // namespace

std::vector<UnrunScript> prisma_folder_scripts(const std::string& dir) {
    constexpr std::size_t k_most = 256;
    constexpr std::size_t k_most_entries = 20000;  // entries looked at, folders and files
    std::vector<UnrunScript> out;
    std::vector<fs::path> folders;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator() && ++seen < k_most_entries; it.increment(ec)) {
        if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
        folders.push_back(it->path());
    }
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) {
        std::vector<std::string> names;
        for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator() && ++seen < k_most_entries; it.increment(ec)) {
            if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
            const std::string name = it->path().filename().string();
            if (runnable(name)) names.push_back(name);
        }
        ec.clear();
        std::sort(names.begin(), names.end());
        if (std::any_of(names.begin(), names.end(), own)) std::erase_if(names, [&](const std::string& n) { return !own(n); });
        for (const auto& name : names) {
            if (out.size() >= k_most) return out;
            const std::string path = (folder / name).generic_string();
            out.push_back(UnrunScript{path, prisma_folder_why(folder.filename().string())});
        }
    }
    return out;
}

bool prisma_folder_script(std::string_view name, const std::vector<std::string>& folder_names) {
    if (!runnable(name)) return false;
    if (own(name)) return true;
    return std::none_of(folder_names.begin(), folder_names.end(), [](const std::string& n) { return runnable(n) && own(n); });
}

bool prisma_folder_helper(std::string_view name, const std::vector<std::string>& folder_names) {
    return runnable(name) && !own(name) && !prisma_folder_script(name, folder_names);
}

std::string prisma_folder_why(std::string_view folder) {
    return "this script is in a Prisma migration folder (" + printable(folder) +
           "), where `prisma migrate deploy` runs only migration.sql: something else runs it (the "
           "project's own runner), which pgfence does not follow, so the SQL it and the modules it "
           "loads send is not seen";
}

}  // namespace pgfence::analyze::tools
