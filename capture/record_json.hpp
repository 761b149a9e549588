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

// What the record says of the run as a whole, beside its sessions.
struct RunFacts {
    long long bypassed_sessions = 0;  // sessions to the capture's database the proxy did not see
    bool bypass_unchecked = false;    // the server could not count them (PostgreSQL before 14)
    bool exited = false;              // the command exited (not killed by a signal)
    int exit_code = 0;
    int signal = 0;
    bool timed_out = false;
    long long outlived_by = 0;  // processes the command started still running when it ended (killed)
};

struct Record {
    std::vector<Session> sessions;
    RunFacts run;
};

void write_record_json(const std::vector<Session>& sessions, const RunFacts& run, std::ostream& out);

// The record read back (`pgfence pr --capture FILE`): every member the writer writes must be there
// with its type, or the whole record is refused with one error naming where (`source`: its path);
// a record of an older pgfence, without the run's facts, is refused so.
[[nodiscard]] analyze::Result<Record> read_record_json(std::string_view text, const std::string& source);

}  // namespace pgfence::capture
