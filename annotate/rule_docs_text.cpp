#include "annotate/rule_docs.hpp"

#include <vector>

namespace pgfence::annotate {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        out.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return out;
}

// "**x**" -> "x", "[text](url)" -> "text (url)"; backticks stay (they mark SQL).
std::string plain_inline(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line.compare(i, 2, "**") == 0) {
            ++i;
            continue;
        }
        if (line[i] == '[') {
            std::size_t close = line.find("](", i);
            std::size_t end = close == std::string_view::npos ? close : line.find(')', close);
            if (end != std::string_view::npos) {
                out.append(line.substr(i + 1, close - i - 1));
                out += " (";
                out.append(line.substr(close + 2, end - close - 2));
                out += ')';
                i = end;
                continue;
            }
        }
        out += line[i];
    }
    return out;
}

}  // namespace

std::string doc_description(std::string_view page) {
    std::string out;
    bool inside = false;
    for (std::string_view line : lines_of(page)) {
        if (line.rfind("## ", 0) == 0) {
            if (inside) break;
            inside = line.find("What happens") != std::string_view::npos;
            continue;
        }
        if (!inside) continue;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            if (!out.empty()) break;  // the first paragraph only
            continue;
        }
        if (!out.empty()) out += ' ';
        out += plain_inline(line);
    }
    return out;
}

std::string doc_plain_text(std::string_view page) {
    std::string out;
    for (std::string_view line : lines_of(page)) {
        if (line.rfind("```", 0) == 0) continue;  // fences: the code itself stays
        std::size_t hashes = line.find_first_not_of('#');
        if (hashes != std::string_view::npos && hashes > 0 && line[hashes] == ' ') line.remove_prefix(hashes + 1);
        out += plain_inline(line);
        out += '\n';
    }
    return out;
}

}  // namespace pgfence::annotate
