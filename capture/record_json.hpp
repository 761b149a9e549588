#pragma once
// The capture's record as JSON (`pgfence capture --record FILE`): every session and what it
// sent, in order, with the server's status and errors (docs/capture.md#the-record).
#include <ostream>
#include <vector>

#include "capture/recorder.hpp"

namespace pgfence::capture {

void write_record_json(const std::vector<Session>& sessions, std::ostream& out);

}  // namespace pgfence::capture
