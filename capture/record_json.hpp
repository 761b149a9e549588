#pragma once
// The capture's record as JSON (`pgfence capture --record FILE`): every session and what it
// sent, in order, with the server's status and errors (docs/capture.md#the-record).
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"
#include "capture/recorder.hpp"

namespace pgfence::capture {

void write_record_json(const std::vector<Session>& sessions, std::ostream& out);

// The record read back (`pgfence pr --capture FILE`): every member the writer writes must be there
// with its type, or the whole record is refused with one error naming where (`source`: its path).
[[nodiscard]] analyze::Result<std::vector<Session>> read_record_json(std::string_view text, const std::string& source);

}  // namespace pgfence::capture
