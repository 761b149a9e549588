// Internal to serve/service.cpp, serve/service_run.cpp, serve/service_jobs.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "serve/service.hpp"

#include <httplib.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "analyze/parse/json_depth.hpp"
#include "serve/audit.hpp"
#include "serve/crypto.hpp"
#include "serve/dashboard.hpp"
#include "serve/embedded.hpp"
#include "serve/head_decisions.hpp"
#include "serve/http_server.hpp"
#include "serve/metrics.hpp"
#include "serve/page_routes.hpp"
#include "serve/payload.hpp"
#include "serve/refused_jobs.hpp"
#include "serve/body_budget.hpp"
#include "serve/body_limits.hpp"
#include "serve/upload_target.hpp"

namespace pgfence::serve {
using nlohmann::json;

struct Service::Http {
    std::mutex server_mutex;  // `stop` may come from another thread while `run` makes the server
    std::unique_ptr<httplib::Server> server;
    valijson::Schema schema;
    // The webhook bodies held before their signature is checked (serve/body_budget.hpp).
    BodyBudget unsigned_bodies{k_shared_body_bytes};
};

namespace service_detail {

void reply(httplib::Response& res, int status, const json& body);
std::string bearer(const httplib::Request& req);
std::optional<std::string> content_hash_of(const json& report);
std::string envelope_problem(const json& envelope);

// Refusals kept per repository for heads no webhook named yet (Service::note_refused_upload).
constexpr int k_unnoted_refusals = 100;

// Deeper than this a body is refused before it is parsed: nlohmann's parser copes with any depth,
// but its dump() and valijson recurse, and a million brackets in one upload overflow the stack.
constexpr std::size_t k_max_depth = 64;

bool printable_ascii(const std::string& text);
bool paths_plain(const json& report);
bool has_nul(const json& value);
std::optional<UploadTarget> refused_head(const json& envelope, const std::string& token_repository);
std::string public_message(const StoreError& e);
std::string route_of(const httplib::Request& req);
std::string prometheus(Metrics& m, std::int64_t queued, std::int64_t failed, bool db_ok);
}  // namespace service_detail
using namespace service_detail;

}  // namespace pgfence::serve
