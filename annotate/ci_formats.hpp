#pragma once
// Reports for the CI systems teams already use besides GitHub:
// - `--format gitlab`: GitLab's Code Quality report (artifacts: reports: codequality), a JSON
//   array of issues, each with description, check_name, fingerprint, severity and location;
// - `--format rdjson`: reviewdog's Diagnostic Format (rdjson), which reviewdog turns into review
//   comments on any forge it supports.
// One entry per finding, fingerprints as SARIF's (they survive lines moving).
#include <ostream>
#include <string>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

struct CiFormatOptions {
    std::string root;  // paths are made relative to it (empty: the current directory)
};

// CRITICAL blocker, HIGH critical, MEDIUM major, LOW minor; pre-existing findings info.
void render_gitlab(const analyze::Report& report, std::ostream& out, const CiFormatOptions& options = {});
// CRITICAL and HIGH ERROR, MEDIUM WARNING, LOW and pre-existing INFO.
void render_rdjson(const analyze::Report& report, std::ostream& out, const CiFormatOptions& options = {});

}  // namespace pgfence::annotate
