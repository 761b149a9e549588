#include "analyze/base/error.hpp"

namespace pgfence::analyze {

std::string Error::describe() const {
    std::string out;
    if (!file.empty()) {
        out += file;
        if (where) {
            out += ":" + std::to_string(where->line) + ":" + std::to_string(where->column);
        }
        out += ": ";
    }
    out += message;
    return out;
}

}  // namespace pgfence::analyze
