#pragma once
// Reading webhook payloads and request fields by checked paths: a missing key or a wrong type is
// nothing, never undefined behaviour. Shared by the service's handlers.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

namespace pgfence::serve {

// A field of a webhook payload by path, when it is there.
inline const nlohmann::json* field(const nlohmann::json& root, std::initializer_list<const char*> path) {
    const nlohmann::json* at = &root;
    for (const char* key : path) {
        if (!at->is_object()) return nullptr;
        auto it = at->find(key);
        if (it == at->end()) return nullptr;
        at = &*it;
    }
    return at;
}

inline std::optional<std::string> text_at(const nlohmann::json& root, std::initializer_list<const char*> path) {
    const nlohmann::json* f = field(root, path);
    if (f == nullptr || !f->is_string()) return std::nullopt;
    return f->get<std::string>();
}

inline std::optional<std::int64_t> number_at(const nlohmann::json& root, std::initializer_list<const char*> path) {
    const nlohmann::json* f = field(root, path);
    if (f == nullptr || !f->is_number_integer()) return std::nullopt;
    return f->get<std::int64_t>();
}

// OWNER/NAME as GitHub allows them, never "." or "..".
inline bool valid_repository(const std::string& name) {
    static const std::regex k_pattern(R"(^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$)");
    if (!std::regex_match(name, k_pattern)) return false;
    const auto slash = name.find('/');
    const std::string owner = name.substr(0, slash);
    const std::string repo = name.substr(slash + 1);
    return owner != "." && owner != ".." && repo != "." && repo != "..";
}

// A GitHub login (users and bots: "name[bot]"), in the characters GitHub allows.
inline bool valid_login(const std::string& login) {
    static const std::regex k_pattern(R"(^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})(?:\[bot\])?$)");
    return std::regex_match(login, k_pattern);
}

inline bool is_hex(const std::string& text, std::size_t size) {
    return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

inline std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace pgfence::serve
