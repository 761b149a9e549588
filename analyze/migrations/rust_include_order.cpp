#include "analyze/migrations/rust_include_order.hpp"

#include <cctype>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace pgfence::analyze {
namespace {

namespace fs = std::filesystem;

std::string normal(const fs::path& p) {
    std::error_code ec;
    fs::path a = fs::absolute(p, ec);
    return (ec ? p : a).lexically_normal().generic_string();
}

std::optional<std::string> read_rust(const fs::path& p) {
    constexpr std::size_t k_most = 1 << 20;
    std::error_code ec;
    if (fs::is_symlink(p, ec) || !fs::is_regular_file(p, ec) || fs::file_size(p, ec) > k_most || ec) return std::nullopt;
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
}

}  // namespace

std::optional<IncludeOrder> rust_include_order(const std::vector<std::string>& files) {
    if (files.size() < 2) return std::nullopt;
    std::map<std::string, std::size_t> index;  // normal path -> position in `files`
    for (std::size_t i = 0; i < files.size(); ++i) index.emplace(normal(files[i]), i);
    if (index.size() != files.size()) return std::nullopt;
    const fs::path folder = fs::path(index.begin()->first).parent_path();
    std::size_t walked = 0, read = 0;
    fs::path up = folder;
    for (int level = 0; level < 2 && up.has_parent_path() && up.parent_path() != up; ++level) {
        up = up.parent_path();
        std::error_code ec;
        const fs::path src = up / "src";
        if (fs::is_symlink(src, ec) || !fs::is_directory(src, ec)) continue;
        for (fs::recursive_directory_iterator it(src, fs::directory_options::none, ec), end; !ec && it != end; it.increment(ec)) {
            if (++walked > 2000) return std::nullopt;
            if (it->is_symlink(ec) || it->path().extension() != ".rs") continue;
            auto text = read_rust(it->path());
            if (!text) continue;
            if ((read += text->size()) > (16u << 20)) return std::nullopt;
            // include_str!("literal"), the path relative to the Rust file's folder (the macro's rule:
            // core::include_str "relative to the current file").
            std::vector<std::size_t> order;
            std::size_t first_line = 0;
            for (std::size_t at = text->find("include_str!"); at != std::string::npos; at = text->find("include_str!", at + 12)) {
                std::size_t q = at + 12;
                while (q < text->size() && (std::isspace(static_cast<unsigned char>((*text)[q])) || (*text)[q] == '(')) ++q;
                if (q >= text->size() || (*text)[q] != '"') continue;
                const std::size_t close = text->find('"', q + 1);
                if (close == std::string::npos) break;
                const std::string lit = text->substr(q + 1, close - q - 1);
                if (lit.find('\\') != std::string::npos) continue;
                auto found = index.find(normal(it->path().parent_path() / lit));
                if (found == index.end()) continue;
                if (order.empty()) first_line = static_cast<std::size_t>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
                order.push_back(found->second);
            }
            std::vector<std::size_t> sorted = order;
            std::sort(sorted.begin(), sorted.end());
            if (order.size() != files.size() || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) continue;
            IncludeOrder out;
            for (std::size_t i : order) out.files.push_back(files[i]);
            out.where = fs::relative(it->path(), fs::current_path(ec), ec).generic_string() + ":" + std::to_string(first_line);
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
