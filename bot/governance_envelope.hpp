#pragma once
// The body of `pr --upload` (notes: README "Uploads"): the report of the files pr analysed,
// each with the SHA-256 of its bytes at the head commit, the content hash over them, and the
// idempotency key that makes a retried or repeated upload one analysis at the service.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::bot::governance {

inline constexpr int k_envelope_schema_version = 1;

// What stands where SQL was with --upload-without-sql: the report schema wants a non-empty
// string there, and a consumer told `sql_included: false` knows it is not the migration's.
inline constexpr std::string_view k_sql_left_out = "-- SQL left out of the upload (--upload-without-sql)";

// What the upload is about.
struct Subject {
    std::string repository;  // owner/name
    int pull_request = 0;
    std::string head_sha;  // 40 hex
    std::string base_sha;
    std::string job;  // --name: one of several pgfence jobs on the pull request; each keeps its own decision
    // The head commit's tree (40 hex): what an approval of something pgfence could not see binds
    // to (serve/binding.cpp), since any file of it may decide what that does.
    std::string head_tree;
};

// A sink for the body's text, a piece at a time; false stops the writing (the connection failed).
using BodySink = std::function<bool(std::string_view piece)>;

struct Envelope {
    Subject subject;
    std::string content_hash;     // "sha256:<64 hex>"
    std::string idempotency_key;  // 64 hex
    // The body (compact JSON) is never held whole: its report is a hundred times the migration's
    // bytes (red team r71 F12: a DOM of it took 650 bytes per byte of a 1.2 MB migration).
    // write_body hands it to a sink about a megabyte at a time, the same bytes on every call (a
    // retry sends it again); body_size is their number. It reads the report build_envelope was
    // given, which must outlive the envelope.
    std::function<void(const BodySink&)> write_body;
    std::size_t body_size = 0;
};

// The whole body as one string (tests, small reports).
[[nodiscard]] std::string body_text(const Envelope& envelope);

// A file's bytes at the head commit; nothing when the head has no such regular file (deleted).
using BytesAtHead = std::function<analyze::Result<std::optional<std::string>>(const std::string& path)>;

// By a file's report path: for each of its suppressed findings, in order, whether the
// pgfence-ignore comment that hid it is on the base branch (bot/pre_existing.hpp). The envelope
// carries it as suppression_on_base; the service lets no other suppression lift its policy.
using SuppressionOrigins = std::map<std::string, std::vector<bool>>;

// The envelope for `report` (kept by reference: it must outlive the envelope). Without
// `include_sql` every SQL text (statements, recipe steps, plan steps and the files they write)
// is k_sql_left_out; findings and everything else stay. A file without bytes at the head (deleted by the pull request, or
// a link) hashes as no bytes, so every file entry has its sha256 and the deletion still moves
// the content hash. An Error when a file cannot be read or libcrypto is missing.
[[nodiscard]] analyze::Result<Envelope> build_envelope(const analyze::Report& report, const Subject& subject,
                                                       const BytesAtHead& bytes_at_head, const SuppressionOrigins& origins,
                                                       bool include_sql);


}  // namespace pgfence::bot::governance
