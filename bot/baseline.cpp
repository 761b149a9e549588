#include "bot/baseline.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/base/safe_write.hpp"
#include "analyze/model/meaning_context.hpp"
#include "analyze/parse/source_text.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {
namespace {

namespace fs = std::filesystem;
using analyze::Error;

constexpr const char* k_header =
    "# pgfence baseline: findings recorded by `pgfence analyze --baseline FILE`, not reported again.\n"
    "# One finding per line: its file (relative to this file's folder), rule, and a fingerprint of its\n"
    "# statement's text; `line` is for reading only. Delete a line to see its finding again;\n"
    "# --update-baseline writes the file again from the findings of today.\n";

// A fingerprint of the statement's text (FNV-1a, 64 bits, of it with its whitespace folded), and of
// the called statement for a finding at a call, and of the settings that decide what it names
// (analyze::meaning_context): the same statement anywhere in its file matches; an edited one, one
// whose function's body changed, or one run under another search_path, is a new finding.
std::string fingerprint(const analyze::FileReport& file, const analyze::Finding& f) {
    std::string text;
    if (f.statement >= 0 && static_cast<std::size_t>(f.statement) < file.statements.size()) {
        text = analyze::fold_whitespace(file.statements[static_cast<std::size_t>(f.statement)].sql);
        // Two clauses of one statement, or two statements one call runs, are two findings.
        text += "\x1f" + std::to_string(f.subcommand) + "\x1f" + std::to_string(f.called);
        // At a call: the called statement too (a body rewritten behind the same call is new).
        if (!f.subject.empty()) text += "\x1f" + analyze::fold_whitespace(f.subject);
        // And the settings that decide what its text names (search_path): the same text under
        // another search_path is another statement (red team R83 F4).
        text += analyze::meaning_context(file.statements[static_cast<std::size_t>(f.statement)]);
    } else {
        text = "file";
    }
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

// `text` with what is not UTF-8 replaced by U+FFFD, as the file's JSON lines hold it.
std::string valid_utf8(const std::string& text) {
    return nlohmann::json::parse(nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .get<std::string>();
}

}  // namespace

analyze::Result<Baseline> Baseline::load(const std::string& path) {
    Baseline b;
    b.m_path = path;
    std::error_code ec;
    b.m_folder = fs::absolute(fs::path(path), ec).parent_path().lexically_normal().generic_string();
    auto status = fs::symlink_status(path, ec);
    if (status.type() == fs::file_type::not_found) return b;
    if (status.type() != fs::file_type::regular) {
        return Error{"not a regular file: the baseline is read from a file, never through a link", path, std::nullopt};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"cannot read the baseline", path, std::nullopt};
    b.m_exists = true;
    std::ostringstream text;
    text << in.rdbuf();
    auto entries = b.parse(text.str());
    if (!entries) return entries.error();
    for (auto& entry : *entries) {
        ++b.m_left[entry.key];
        ++b.m_entries;
        b.m_loaded.push_back(std::move(entry));
    }
    return b;
}

analyze::Result<std::vector<Baseline::Entry>> Baseline::parse(std::string_view text) const {
    std::vector<Entry> out;
    int number = 0;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        std::string line(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        auto bad = [&](const std::string& why) {
            return Error{"not a baseline entry (" + why + "); each line is {\"file\":...,\"rule\":...,\"statement\":...,\"line\":N}", m_path,
                         analyze::Position{number, 1}};
        };
        auto entry = nlohmann::json::parse(line, nullptr, false);
        if (entry.is_discarded() || !entry.is_object()) return bad("not a JSON object");
        for (const char* key : {"file", "rule", "statement"}) {
            if (!entry.contains(key) || !entry[key].is_string()) return bad(std::string("no string \"") + key + "\"");
        }
        Key key{entry["file"].get<std::string>(), entry["rule"].get<std::string>(), entry["statement"].get<std::string>()};
        int line_number = entry.contains("line") && entry["line"].is_number_integer() ? entry["line"].get<int>() : 0;
        out.push_back(Entry{std::move(key), line_number, number});
    }
    return out;
}

std::size_t Baseline::honour_only(const std::string& base_text) {
    std::map<Key, std::size_t> base;
    if (auto entries = parse(base_text)) {
        for (const auto& entry : *entries) ++base[entry.key];
    }  // a base version that is no baseline honours nothing
    std::size_t dropped = 0;
    for (auto it = m_left.begin(); it != m_left.end();) {
        auto found = base.find(it->first);
        const std::size_t keep = found == base.end() ? 0 : std::min(found->second, it->second);
        dropped += it->second - keep;
        it->second = keep;
        it = keep == 0 ? m_left.erase(it) : std::next(it);
    }
    return dropped;
}

std::vector<std::pair<int, std::string>> Baseline::honour_only_listed(const std::string& base_text) {
    std::map<Key, std::size_t> base;
    if (auto entries = parse(base_text)) {
        for (const auto& entry : *entries) ++base[entry.key];
    }
    std::vector<std::pair<int, std::string>> out;
    for (const auto& entry : m_loaded) {
        auto found = base.find(entry.key);
        if (found != base.end() && found->second > 0) {
            --found->second;
            continue;
        }
        out.emplace_back(entry.at, std::get<0>(entry.key) + " (" + std::get<1>(entry.key) + ")");
    }
    (void)honour_only(base_text);
    return out;
}

std::string Baseline::relative(const std::string& file) const {
    std::error_code ec;
    fs::path absolute = fs::absolute(fs::path(file), ec).lexically_normal();
    fs::path rel = absolute.lexically_relative(m_folder);
    // As the file holds it: a name that is not UTF-8 is written with U+FFFD, and read so.
    return valid_utf8(rel.empty() ? absolute.generic_string() : rel.generic_string());
}

void Baseline::filter(analyze::FileReport& file) {
    std::string path = relative(file.path);
    {
        std::lock_guard lock(*m_mutex);
        m_analysed.insert(path);
    }
    if (file.findings.empty()) return;
    std::vector<Entry> seen;
    std::vector<bool> matched(file.findings.size(), false);
    for (std::size_t i = 0; i < file.findings.size(); ++i) {
        const auto& f = file.findings[i];
        seen.push_back(Entry{Key{path, f.rule, fingerprint(file, f)}, f.start.line});
    }
    {
        std::lock_guard lock(*m_mutex);
        for (std::size_t i = 0; i < seen.size(); ++i) {
            m_seen.push_back(seen[i]);
            if (m_record_only) {
                matched[i] = true;  // recorded now: reported from the next run on only when new
                ++m_hidden;
                continue;
            }
            auto left = m_left.find(seen[i].key);
            if (left == m_left.end() || left->second == 0) continue;
            --left->second;
            matched[i] = true;
            ++m_hidden;
        }
    }
    std::size_t k = 0;
    std::vector<analyze::Finding> kept;
    for (auto& f : file.findings) {
        if (!matched[k++]) kept.push_back(std::move(f));
    }
    file.findings = std::move(kept);
    // A plan resolves findings; with all of them in the baseline there is nothing to resolve.
    if (file.findings.empty()) file.plan.reset();
    file.risk = analyze::Risk::None;
    for (const auto& f : file.findings) file.risk = std::max(file.risk, f.risk);
}

std::size_t Baseline::stale() const {
    std::lock_guard lock(*m_mutex);
    std::size_t n = 0;
    for (const auto& [key, count] : m_left) n += m_analysed.count(std::get<0>(key)) > 0 ? count : 0;
    return n;
}

bool Baseline::write(std::ostream& err) const {
    std::vector<Entry> entries;
    {
        std::lock_guard lock(*m_mutex);
        entries = m_seen;
        // The entries of files this run did not analyse (a subset of the paths, --changed-since)
        // are kept as they were.
        for (const auto& e : m_loaded) {
            if (m_analysed.count(std::get<0>(e.key)) == 0) entries.push_back(e);
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return std::tie(std::get<0>(a.key), a.line, std::get<1>(a.key), std::get<2>(a.key)) <
               std::tie(std::get<0>(b.key), b.line, std::get<1>(b.key), std::get<2>(b.key));
    });
    std::ostringstream text;
    text << k_header;
    for (const auto& e : entries) {
        nlohmann::ordered_json line;
        line["file"] = std::get<0>(e.key);
        line["rule"] = std::get<1>(e.key);
        line["statement"] = std::get<2>(e.key);
        line["line"] = e.line;
        // A file name that is not UTF-8 is written with U+FFFD (relative() matches it so).
        text << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    auto written = analyze::write_output_file(m_path, text.str());
    if (!written) {
        err << "error: " << annotate::printable(written.error().describe()) << "\n";
        return false;
    }
    return true;
}

}  // namespace pgfence::bot
