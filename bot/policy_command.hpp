#pragma once
// `pgfence policy check`: the governance policy (README "Governance") applied to a JSON report,
// the same evaluation the governance service runs on an upload.
#include <iosfwd>
#include <string>
#include <vector>

namespace pgfence::bot {

// args[0] is "policy". Exit codes: 0 the policy holds, 1 sign-off needed or a guardrail broken,
// 2 usage or input error (one `error:` line).
[[nodiscard]] int run_policy(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace pgfence::bot
