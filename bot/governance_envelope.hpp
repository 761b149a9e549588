#pragma once
// The body of `pr --upload` (notes: README "Uploads"): the report of the files pr analysed,
// each with the SHA-256 of its bytes at the head commit, the content hash over them, and the
// idempotency key that makes a retried or repeated upload one analysis at the service.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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

struct Envelope {
    nlohmann::json body;
    std::string content_hash;     // "sha256:<64 hex>"
    std::string idempotency_key;  // 64 hex
};

// A file's bytes at the head commit; nothing when the head has no such regular file (deleted).
using BytesAtHead = std::function<analyze::Result<std::optional<std::string>>(const std::string& path)>;

// By a file's report path: for each of its suppressed findings, in order, whether the
// pgfence-ignore comment that hid it is on the base branch (bot/pre_existing.hpp). The envelope
// carries it as suppression_on_base; the service lets no other suppression lift its policy.
using SuppressionOrigins = std::map<std::string, std::vector<bool>>;

// The envelope for `report`. A file without bytes at the head (deleted by the pull request, or
// a link) hashes as no bytes, so every file entry has its sha256 and the deletion still moves
// the content hash. An Error when a file cannot be read or libcrypto is missing.
[[nodiscard]] analyze::Result<Envelope> build_envelope(const analyze::Report& report, const Subject& subject,
                                                       const BytesAtHead& bytes_at_head, const SuppressionOrigins& origins,
                                                       bool include_sql);

// Replaces every SQL text of a report document (statements, recipe steps, plan steps and the
// files they write) with k_sql_left_out; findings and everything else stay.
void strip_sql(nlohmann::json& report);

}  // namespace pgfence::bot::governance
