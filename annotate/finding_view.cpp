#include "annotate/finding_view.hpp"

#include <algorithm>
#include <filesystem>

namespace pgfence::annotate {

using namespace pgfence::analyze;

Severity severity_of(Risk risk) {
    switch (risk) {
        case Risk::Critical:
        case Risk::High: return Severity::Error;
        case Risk::Medium: return Severity::Warning;
        case Risk::Low:
        case Risk::None: return Severity::Notice;
    }
    return Severity::Notice;
}

Severity severity_of(const Finding& finding) {
    return finding.pre_existing ? Severity::Notice : severity_of(finding.risk);
}

LineSpan span_of(const Finding& finding) {
    LineSpan s;
    s.start_line = std::max(1, finding.start.line);
    s.start_column = std::max(1, finding.start.column);
    if (finding.stop.line >= s.start_line) {
        s.end_line = finding.stop.line;
        s.end_column = std::max(1, finding.stop.column);
    } else {
        s.end_line = s.start_line;
        s.end_column = s.start_column;
    }
    if (s.one_line() && s.end_column < s.start_column) s.end_column = s.start_column;
    return s;
}

const StatementFacts* statement_of(const FileReport& file, const Finding& finding) {
    if (finding.statement < 0) return nullptr;
    auto index = static_cast<std::size_t>(finding.statement);
    if (index < file.statements.size() && file.statements[index].index == finding.statement) return &file.statements[index];
    for (const auto& s : file.statements) {
        if (s.index == finding.statement) return &s;
    }
    return nullptr;
}

std::string repo_path(std::string_view path, std::string_view root) {
    namespace fs = std::filesystem;
    std::string out(path);
    std::replace(out.begin(), out.end(), '\\', '/');
    fs::path p(out);
    if (p.is_absolute()) {
        std::error_code ec;
        fs::path base = root.empty() ? fs::current_path(ec) : fs::path(std::string(root));
        if (!ec) {
            fs::path rel = p.lexically_normal().lexically_relative(base.lexically_normal());
            if (!rel.empty() && *rel.begin() != "..") out = rel.generic_string();
        }
    } else if (!root.empty()) {
        // Relative inputs are relative to the current directory, which the caller says is `root`.
        out = p.lexically_normal().generic_string();
    }
    while (out.rfind("./", 0) == 0) out.erase(0, 2);
    return out;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (ok && length > 1) {
            // Overlong forms, surrogates and code points above U+10FFFF are invalid too.
            unsigned cp = c & (0xFF >> (length + 1));
            for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            static const unsigned k_min[] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= k_min[length] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

std::string fit_bytes(std::string text, std::size_t max_bytes, std::string_view note) {
    if (text.size() <= max_bytes) return text;
    std::size_t room = max_bytes > note.size() ? max_bytes - note.size() : 0;
    std::string_view head = utf8_prefix(text, room);
    // Prefer ending on a whole line, unless that would throw away much of the room.
    std::size_t line_end = head.rfind('\n');
    if (line_end != std::string_view::npos && line_end + 1 >= head.size() * 3 / 4) head = head.substr(0, line_end + 1);
    std::string out(head);
    out += note;
    return std::string(utf8_prefix(out, max_bytes));
}

}  // namespace pgfence::annotate
