#include "bot/governance_envelope.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

#include "annotate/json_report.hpp"
#include "annotate/json_writer.hpp"
#include "bot/sha256.hpp"

namespace pgfence::bot::governance {
namespace {

using annotate::JsonWriter;
using annotate::UploadFileExtras;

// Each statement's context_sha256: the SHA-256 of the file's bytes from its start to the end of
// the statement, or to the end of its transaction when it runs in one (the whole file when the
// tool wraps the file in one): the same context that decides whether a finding is pre-existing
// (bot/pre_existing.cpp), the settings before it (search_path) and the definitions its text
// names (a constant an ORM call sends), and what runs after it while its locks are held. An
// exemption at FILE:LINE binds to it (serve/binding.cpp).
analyze::Result<std::vector<std::string>> bind_contexts(const analyze::FileReport& file, std::string_view bytes,
                                                        const std::string& read_with) {
    const auto& statements = file.statements;
    const std::size_t n = statements.size();
    const auto in_transaction = [&](std::size_t i) { return statements[i].transaction != analyze::Transaction::None; };
    // Each statement's end: its own, the file's when wrapped, else the furthest end of the run of
    // statements in a transaction it starts (one pass from the last, not one per statement: r70 F3).
    std::vector<std::uint64_t> ends(n, 0);
    for (std::size_t i = n; i-- > 0;) {
        const auto& span = statements[i].span;
        std::uint64_t end = std::max(span.begin, span.end);
        if (file.wrapped_in_transaction) {
            end = bytes.size();
        } else if (in_transaction(i) && i + 1 < n && in_transaction(i + 1)) {
            end = std::max(end, ends[i + 1]);
        }
        ends[i] = std::min<std::uint64_t>(end, bytes.size());
    }
    // One running hash over the file: each distinct end's digest is its state then, plus read_with,
    // so the file is hashed once whatever the number of statements.
    std::vector<std::uint64_t> points(ends);
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::map<std::uint64_t, std::string> digest_at;
    RunningSha256 running;
    std::uint64_t fed = 0;
    for (std::uint64_t point : points) {
        auto more = running.update(bytes.substr(static_cast<std::size_t>(fed), static_cast<std::size_t>(point - fed)));
        if (!more) return more.error();
        fed = point;
        auto sha = running.hex_with(read_with);
        if (!sha) return sha.error();
        digest_at.emplace(point, std::move(*sha));
    }
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(digest_at.at(ends[i]));
    return out;
}

constexpr std::size_t k_piece = 1u << 20;  // what is held of the body at a time

}  // namespace

std::string body_text(const Envelope& envelope) {
    std::string out;
    out.reserve(envelope.body_size);
    envelope.write_body([&](std::string_view piece) {
        out.append(piece);
        return true;
    });
    return out;
}

analyze::Result<Envelope> build_envelope(const analyze::Report& report, const Subject& subject,
                                         const BytesAtHead& bytes_at_head, const SuppressionOrigins& origins,
                                         bool include_sql) {
    auto extras = std::make_shared<std::vector<UploadFileExtras>>(report.files.size());
    // "<file sha256> <path>\n" per file, sorted by path in byte order.
    std::vector<std::pair<std::string, std::string>> hashed;  // path, sha256
    for (std::size_t at = 0; at < report.files.size(); ++at) {
        const analyze::FileReport& file = report.files[at];
        UploadFileExtras& extra = (*extras)[at];
        // What a finding at a call is about (Finding::subject: the called body's statement, whole),
        // hashed beside it: its message cuts the statement short, and an approval or an exemption
        // binds to the whole of it (serve/binding.cpp), not to the message's cut (issue #53, BODYTAIL).
        extra.subject_sha256.resize(file.findings.size());
        for (std::size_t i = 0; i < file.findings.size(); ++i) {
            if (file.findings[i].subject.empty()) continue;
            auto sha = sha256_hex(file.findings[i].subject);
            if (!sha) return sha.error();
            extra.subject_sha256[i] = std::move(*sha);
        }
        auto bytes = bytes_at_head(file.path);
        if (!bytes) return bytes.error();
        auto sha = sha256_hex(bytes->value_or(std::string()));
        if (!sha) return sha.error();
        extra.sha256 = *sha;
        // The files it was read with (an imported module an unknown call sends, a tool's settings):
        // their bytes decide what the statement does as much as the file's own.
        std::string read_with;
        for (const auto& other : file.settings_files) {
            auto other_bytes = bytes_at_head(other);
            if (!other_bytes) return other_bytes.error();
            auto other_sha = sha256_hex(other_bytes->value_or(std::string()));
            if (!other_sha) return other_sha.error();
            read_with += std::string("\0read with ", 11) + other + "\n" + (*other_bytes ? *other_sha : std::string("absent")) + "\n";
        }
        auto bound = bind_contexts(file, bytes->value_or(std::string()), read_with);
        if (!bound) return bound.error();
        extra.context_sha256 = std::move(*bound);
        // Every suppressed entry says whether its comment is on the base branch: false unless known.
        auto known = origins.find(file.path);
        extra.suppression_on_base.resize(file.suppressed.size(), false);
        for (std::size_t i = 0; i < file.suppressed.size(); ++i) {
            extra.suppression_on_base[i] = known != origins.end() && i < known->second.size() && known->second[i];
        }
        hashed.emplace_back(file.path, *sha);
    }
    std::sort(hashed.begin(), hashed.end());
    std::string lines;
    for (const auto& [path, sha] : hashed) lines += sha + " " + path + "\n";
    auto content = sha256_hex(lines);
    if (!content) return content.error();

    Envelope envelope;
    envelope.subject = subject;
    envelope.content_hash = "sha256:" + *content;
    const std::string version = PGFENCE_VERSION;
    // The base too (issue #53, red team H2 item 9): the same head re-run after its base moved is
    // another analysis, judged anew, not a replay of the first (nor a 409 for another body).
    auto key = sha256_hex(subject.repository + "\n" + std::to_string(subject.pull_request) + "\n" + subject.head_sha + "\n" +
                          envelope.content_hash + "\n" + version + "\n" + (include_sql ? "sql" : "no-sql") +
                          (subject.job.empty() ? std::string() : "\njob " + subject.job) + "\nbase " + subject.base_sha);
    if (!key) return key.error();
    envelope.idempotency_key = *key;
    // The members in byte order, as the DOM the envelope once was printed them.
    envelope.write_body = [&report, extras, subject, include_sql, content_hash = envelope.content_hash](const BodySink& sink) {
        std::string text;
        text.reserve(k_piece + 64 * 1024);
        bool open = true;
        auto hand_on = [&] {
            if (open && !text.empty()) open = sink(text);
            text.clear();
        };
        JsonWriter w(text, JsonWriter::k_compact);
        // U+0000 in any string (a NUL byte in a migration's SQL) becomes U+FFFD, as invalid UTF-8
        // does: the service refuses a NUL, which PostgreSQL's jsonb cannot hold.
        w.nul_as_replacement(true);
        w.begin_object();
        w.member("base_sha", subject.base_sha).member("content_hash", content_hash).member("head_sha", subject.head_sha);
        if (!subject.head_tree.empty()) w.member("head_tree", subject.head_tree);
        // Only with --name, so that a service that does not know the key still takes every other upload.
        if (!subject.job.empty()) w.member("job", subject.job);
        w.member("pull_request", subject.pull_request);
        w.key("report");
        annotate::write_upload_report(w, {&report, extras.get(), include_sql ? std::string_view() : k_sql_left_out}, [&] {
            if (text.size() >= k_piece) hand_on();
        });
        w.member("repository", subject.repository).member("schema_version", k_envelope_schema_version);
        w.member("sql_included", include_sql);
        w.end_object();
        hand_on();
    };
    envelope.write_body([&](std::string_view piece) {
        envelope.body_size += piece.size();
        return true;
    });
    return envelope;
}

}  // namespace pgfence::bot::governance
