#include "annotate/escape.hpp"

#include <algorithm>
#include <cctype>

#include "annotate/finding_view.hpp"
#include "annotate/printable.hpp"

namespace pgfence::annotate {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Control bytes shown as U+FFFD, whitespace runs folded to one space, ends trimmed, then cut.
std::string one_line(std::string_view raw, std::size_t max) {
    std::string text = printable(raw, true);
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        if (is_space(c)) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    if (max > 0 && out.size() > max) out = std::string(utf8_prefix(out, max)) + "...";
    return out;
}

std::size_t longest_backtick_run(std::string_view text) {
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view word) {
    if (at + word.size() > text.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
    }
    return true;
}

}  // namespace

std::string percent_encode(std::string_view text, std::string_view keep) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) != 0 && c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x80 && keep.find(static_cast<char>(c)) != std::string_view::npos) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string md_text(std::string_view raw, std::size_t max) {
    std::string text = one_line(raw, max);
    std::string out;
    out.reserve(text.size() + 16);
    // A block marker at the start ("# ", "- ", "+ ", "=", "1. ", "> "): escaped, so the text
    // can stand at the start of a line.
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        char prev = i > 0 ? text[i - 1] : ' ';
        char next = i + 1 < text.size() ? text[i + 1] : ' ';
        switch (c) {
            case '&': out += "&amp;"; continue;
            case '<': out += "&lt;"; continue;
            case '>': out += "&gt;"; continue;
            case '\\': case '`': case '*': case '[': case ']': case '|': case '~': case '$':  // $: GitHub's math
                out += '\\';
                out += c;
                continue;
            case '_':
                // Inside a word an underscore cannot open emphasis (identifiers stay readable).
                if (!(alnum(prev) && alnum(next))) out += '\\';
                out += c;
                continue;
            case '@':
                out += c;
                out += k_zero_width_space;  // no @mention, no e-mail autolink
                continue;
            case '#':
                if (i == 0) out += '\\';
                out += c;
                if (alnum(next)) out += k_zero_width_space;  // no #123 reference
                continue;
            case ':':
                out += c;
                if (text.substr(i + 1, 2) == "//") out += k_zero_width_space;  // no URL autolink
                continue;
            case '-': case '+': case '=':
                if (i == 0) out += '\\';
                out += c;
                continue;
            case '.': case ')':
                if (digits > 0 && i == digits) out += '\\';  // "1. " would start a list
                out += c;
                continue;
            default: break;
        }
        if ((c == 'w' || c == 'W') && !alnum(prev) && starts_with_ci(text, i, "www.")) {
            out += text.substr(i, 3);
            out += k_zero_width_space;  // no www. autolink
            i += 2;
            continue;
        }
        out += c;
    }
    return out;
}

std::string md_code_span(std::string_view raw, MdPlace place, std::size_t max) {
    std::string text = one_line(raw, max);
    if (place == MdPlace::TableCell) {
        std::string cell;
        for (char c : text) {
            if (c == '|') cell += '\\';
            cell += c;
        }
        text = std::move(cell);
    }
    if (text.empty()) return "` `";
    std::string fence(longest_backtick_run(text) + 1, '`');
    // One space each side is stripped by the reader; it keeps a backtick at either end apart
    // from the fence.
    bool pad = text.front() == '`' || text.back() == '`' || (text.front() == ' ' && text.back() == ' ');
    std::string_view space = pad ? " " : "";
    return fence + std::string(space) + text + std::string(space) + fence;
}

std::string md_code_block(std::string_view raw, std::string_view info) {
    std::string body = printable(raw, true);
    // Markdown ends a line at \r too: every line break becomes \n.
    std::string lines;
    lines.reserve(body.size() + 1);
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\r') {
            lines += '\n';
            if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
        } else {
            lines += body[i];
        }
    }
    if (lines.empty() || lines.back() != '\n') lines += '\n';
    std::string fence(std::max<std::size_t>(3, longest_backtick_run(lines) + 1), '`');
    return fence + std::string(info) + "\n" + lines + fence + "\n";
}

std::string html_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace pgfence::annotate
