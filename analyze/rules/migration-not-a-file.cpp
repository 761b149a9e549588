#include <cstdio>

#include "analyze/rules/rule.hpp"
#include "analyze/base/utf8.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_shown_bytes = 256;  // a link's text can be as long as a blob in git

// The target between double quotes, C-style: control bytes, C1 controls, invalid UTF-8, quotes
// and backslashes escaped, so that the text reads the same in every output and can neither end
// a line nor pass for markup of its own. Each writer still escapes it for its format.
std::string quoted(std::string_view target) {
    std::string out = "\"";
    auto hex = [&](unsigned value) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", value & 0xFFu);
        out += buf;
    };
    std::size_t at = 0;
    for (; at < target.size() && at < k_shown_bytes;) {
        auto c = static_cast<unsigned char>(target[at]);
        int step = utf8_step(target, at);
        if (step < 0) {
            for (int k = 0; k < -step; ++k) hex(static_cast<unsigned char>(target[at + static_cast<std::size_t>(k)]));
            at += static_cast<std::size_t>(-step);
            continue;
        }
        if (step == 2 && c == 0xC2 && static_cast<unsigned char>(target[at + 1]) < 0xA0) {  // U+0080..U+009F
            hex(c);
            hex(static_cast<unsigned char>(target[at + 1]));
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7F) {
            hex(c);
        } else {
            out.append(target.substr(at, static_cast<std::size_t>(step)));
        }
        at += static_cast<std::size_t>(step);
    }
    out += '"';
    if (at < target.size()) out += " (first " + std::to_string(at) + " of " + std::to_string(target.size()) + " bytes)";
    return out;
}

void check(const FileContext& ctx, Sink& sink) {
    if (!ctx.file.not_a_file) return;
    const NotAFile& entry = *ctx.file.not_a_file;
    const bool link = entry.kind == NotAFile::Kind::link;
    std::string what = link ? "a symbolic link to " + quoted(entry.target)
                            : "a git submodule at commit " + quoted(entry.target);
    Finding& f = sink.add_at(Position{1, 1}, Position{1, 1},
                             "this migration path is " + what +
                                 ", not a file: pgfence does not read it, so whatever the migration tool runs "
                                 "from it has not been reviewed");
    f.fix = link ? "commit the migration's SQL as a regular file in its place, not a link"
                 : "commit the migration's SQL as a regular file, not a submodule";
}

}  // namespace

PGFENCE_RULE(migration_not_a_file) {
    return Rule{"migration-not-a-file", Risk::Critical,
                "A migration path that is a symbolic link or a submodule is not reviewed", nullptr, check, true,
                "meta"};
}

}  // namespace pgfence::analyze::rules
