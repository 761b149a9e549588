#include "annotate/printable.hpp"

namespace pgfence::annotate {

std::string printable(std::string_view text, bool keep_line_breaks) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        bool layout = c == '\t' || (keep_line_breaks && (c == '\n' || c == '\r'));
        if ((u < 0x20 || u == 0x7f) && !layout) out += "\xEF\xBF\xBD";
        else out += c;
    }
    return out;
}

}  // namespace pgfence::annotate
