#pragma once
// A plan for a file of a Temporal version folder (tools/temporal_manifest.hpp): temporal-sql-tool
// runs only the files the version's manifest.json lists, so a plan may rewrite the file in place
// (each statement still runs by itself, outside a transaction) and run out-of-band steps by hand,
// but a migration it would add as a new file is never run: such a plan is declined, naming them.
#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

// Declines report.plan (a file of a Temporal version its manifest lists) when a migration of it is a new file.
void fit_temporal_plan(FileReport& report);

}  // namespace pgfence::analyze
