#include "annotate/terminal.hpp"

#include <algorithm>
#include <sstream>
#include <string>

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;

// One line of SQL, whitespace folded, cut to `width` characters (UTF-8 aware).
std::string one_line(const std::string& sql, int width) {
    std::string out;
    bool space = false;
    for (char c : sql) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    int chars = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if ((static_cast<unsigned char>(out[i]) & 0xC0) == 0x80) continue;
        if (++chars > width) {
            out.resize(i);
            // "..." keeps the width; the cut never splits a code point.
            int drop = 0;
            while (!out.empty() && drop < 3) {
                while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
                if (!out.empty()) out.pop_back();
                ++drop;
            }
            return out + "...";
        }
    }
    return out;
}

int display_width(const std::string& s) {
    int n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string pad(const std::string& s, int width) {
    int w = display_width(s);
    return w >= width ? s + " " : s + std::string(static_cast<std::size_t>(width - w), ' ');
}

struct Paint {
    bool on;
    std::string operator()(const std::string& text, const char* code) const {
        return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    }
};

const char* mode_color(LockMode m) {
    Blocks b = blocks_of(m);
    if (b.reads) return "1;31";
    if (b.writes) return "33";
    return "32";
}

std::string lock_cell(const StatementFacts& s) {
    const LockFact* l = s.strongest_lock();
    if (l == nullptr) return "-";
    std::string out = std::string(lock_mode_name(l->mode)) + " " + l->relation;
    if (l->is_new) out += " (new)";
    std::size_t others = s.locks.size() - 1;
    if (others > 0) out += " +" + std::to_string(others);
    return out;
}

std::string rewrite_cell(const StatementFacts& s) {
    std::string out;
    for (const auto& r : s.rewrites) {
        if (!out.empty()) out += ", ";
        out += r.relation + (r.certain ? "" : "?");
    }
    if (out.empty()) {
        for (const auto& sc : s.scans) {
            if (!out.empty()) out += ", ";
            out += "scan " + sc.relation;
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace

void render_terminal(const Report& report, std::ostream& out, const TerminalOptions& options) {
    Paint paint{options.color};
    std::size_t statements = 0, unparsable = 0, unknown = 0;
    for (const auto& file : report.files) {
        std::string header = file.path;
        std::string detail = std::string(tool_name(file.tool));
        if (file.wrapped_in_transaction) detail += ", runs in one transaction";
        out << paint(header, "1") << "  (" << detail << ")\n";
        if (file.error) {
            out << "  error: " << file.error->message << "\n\n";
            continue;
        }
        if (file.skipped) {
            out << "  skipped: " << file.skip_reason << "\n\n";
            continue;
        }
        if (file.statements.empty()) {
            out << "  no statements\n\n";
            continue;
        }
        out << "  " << pad("line", 8) << pad("statement", options.sql_width + 1) << pad("lock", 40)
            << pad("blocks", 20) << "rewrite/scan\n";
        for (const auto& s : file.statements) {
            ++statements;
            std::string where = std::to_string(s.span.start.line) + ":" + std::to_string(s.span.start.column);
            std::string sql = pad(one_line(s.sql, options.sql_width), options.sql_width + 1);
            if (s.status == StatementStatus::Unparsable) {
                ++unparsable;
                Position p = s.parse_error && s.parse_error->where ? *s.parse_error->where : s.span.start;
                out << "  " << pad(where, 8) << sql
                    << paint("unparsable: " + (s.parse_error ? s.parse_error->message : std::string("parse error")) +
                                 " (" + std::to_string(p.line) + ":" + std::to_string(p.column) + ")",
                             "35")
                    << "\n";
                continue;
            }
            const LockFact* strongest = s.strongest_lock();
            std::string lock = pad(lock_cell(s), 40);
            if (strongest) lock = paint(lock, mode_color(strongest->mode));
            std::string blocks = blocks_text(s.blocks());
            out << "  " << pad(where, 8) << sql << lock << pad(blocks, 20) << rewrite_cell(s);
            if (s.status == StatementStatus::Unknown) {
                ++unknown;
                out << "  " << paint("unknown to the lock model", "35");
            }
            if (s.no_transaction_block && s.transaction != Transaction::None) {
                out << "  " << paint("cannot run inside a transaction block", "1;31");
            }
            out << "\n";
        }
        out << "\n";
    }
    out << "summary: " << report.files.size() << (report.files.size() == 1 ? " file, " : " files, ") << statements
        << " statements, " << unparsable << " unparsable, " << unknown << " unknown to the lock model\n";
}

}  // namespace pgfence::annotate
