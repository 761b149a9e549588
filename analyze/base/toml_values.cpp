#include "analyze/base/toml_values.hpp"

#include <algorithm>

#include <toml++/toml.h>

namespace pgfence::analyze {
namespace {

int line_of(const toml::source_position& p) { return p.line > 0 ? static_cast<int>(p.line) : 1; }

void walk(const toml::node& node, std::vector<std::string>& keys, int item, int key_line, std::vector<TomlValue>& out) {
    const toml::source_region& s = node.source();
    TomlValue v;
    v.keys = keys;
    v.item = item;
    v.first_line = key_line > 0 ? key_line : line_of(s.begin);
    v.last_line = std::max(v.first_line, line_of(s.end));
    if (const auto* t = node.as_table()) {
        v.kind = TomlValue::Kind::Table;
        // A [table]'s region is its header; an inline table's, the braces.
        out.push_back(std::move(v));
        for (auto&& [k, child] : *t) {
            keys.emplace_back(k.str());
            walk(child, keys, -1, line_of(k.source().begin), out);
            keys.pop_back();
        }
        return;
    }
    if (const auto* a = node.as_array()) {
        v.kind = TomlValue::Kind::Array;
        out.push_back(std::move(v));
        int i = 0;
        for (const auto& child : *a) walk(child, keys, i++, 0, out);
        return;
    }
    if (const auto* str = node.as_string()) {
        v.kind = TomlValue::Kind::String;
        v.text = str->get();
    }
    out.push_back(std::move(v));
}

}  // namespace

Result<std::vector<TomlValue>> toml_values(std::string_view text) {
    try {
        const toml::table root = toml::parse(text, std::string_view("TOML"));
        std::vector<TomlValue> out;
        std::vector<std::string> keys;
        for (auto&& [k, child] : root) {
            keys.emplace_back(k.str());
            walk(child, keys, -1, line_of(k.source().begin), out);
            keys.pop_back();
        }
        std::stable_sort(out.begin(), out.end(), [](const TomlValue& a, const TomlValue& b) { return a.first_line < b.first_line; });
        return out;
    } catch (const toml::parse_error& e) {
        // toml++'s description may quote the document: shown printable, its first 120 bytes.
        std::string why(e.description().substr(0, 120));
        for (char& c : why) c = static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F ? '?' : c;
        return Error{why, {}, Position{line_of(e.source().begin), static_cast<int>(e.source().begin.column)}};
    }
}

}  // namespace pgfence::analyze
