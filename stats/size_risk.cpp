#include "stats/size_risk.hpp"

#include <algorithm>

#include "analyze/model/lock_mode.hpp"
#include "analyze/rules/engine.hpp"
#include "analyze/rules/rule.hpp"
#include "stats/lookup.hpp"
#include "stats/units.hpp"

namespace pgfence::stats {
namespace {

using namespace pgfence::analyze;

using rules::SizeWork;

// The work a finding's rule does on the table (Rule::size_work), none for unknown rules.
SizeWork work_of(std::string_view rule) {
    const rules::Rule* r = rules::find_rule(rule);
    return r != nullptr ? r->size_work : SizeWork::none;
}

std::string_view work_name(SizeWork w) {
    switch (w) {
        case SizeWork::rewrite: return "rewrite";
        case SizeWork::index_build: return "index build";
        case SizeWork::scan: return "scan";
        case SizeWork::none: break;
    }
    return "";
}

std::string size_class(const TableSize& size, const SizeThresholds& t) {
    double rows = size.rows.value_or(0);
    auto bytes = static_cast<double>(size.total_bytes);
    if (rows >= t.huge_rows || bytes >= t.huge_bytes) return "huge";
    if (rows >= t.large_rows || bytes >= t.large_bytes) return "large";
    if (rows < t.small_rows && bytes < t.small_bytes) return "small";
    return "medium";
}

Risk shift(Risk r, int by) {
    int v = std::clamp(static_cast<int>(r) + by, static_cast<int>(Risk::Low), static_cast<int>(Risk::Critical));
    return static_cast<Risk>(v);
}

// The statement's strongest lock on `table` (any spelling that resolves to it).
const LockFact* lock_on_table(const StatementFacts* s, const SnapshotIndex& index, const TableStats* table,
                              const std::string& relation) {
    if (s == nullptr) return nullptr;
    const LockFact* best = nullptr;
    for (const auto& l : s->locks) {
        bool same = l.relation == relation || (table != nullptr && index.find(l.relation) == table);
        if (same && (best == nullptr || l.mode > best->mode)) best = &l;
    }
    return best;
}

// A finding's risk after sizing, and what moved it for the message ("huge table", "under 5 s").
struct Moved {
    Risk risk = Risk::None;
    std::string because;
};

void describe(Finding& f, const SizeFacts& size, SizeWork work, const SizeOptions& options, const std::string& because) {
    std::string text = " — " + size.relation + ": ";
    if (size.status == "new") {
        text += "created in this migration, so the snapshot's sizes do not apply";
    } else if (size.status == "absent") {
        text += "not in the stats snapshot: treated as unknown size";
    } else {
        text += (size.rows ? format_rows(*size.rows) : std::string("rows unknown")) + ", " +
                format_bytes(static_cast<double>(size.total_bytes));
        std::string moved;
        if (f.risk != size.base_risk) {
            moved = "risk " + std::string(risk_name(size.base_risk)) + " → " + std::string(risk_name(f.risk));
        }
        if (size.blocking_seconds) {
            double bytes = static_cast<double>(work == SizeWork::rewrite ? size.total_bytes : size.table_bytes);
            double seconds = *size.blocking_seconds;
            text += std::string("; ") + (seconds < 1 ? "less than 1 s" : "about " + format_seconds(seconds)) + " under " +
                    size.lock + " (" + std::string(work_name(work)) + " of " + format_bytes(bytes) + " at " +
                    format_bytes(options.throughput) + "/s)";
            if (!moved.empty()) text += "; " + moved + " (" + because + ")";
        } else if (!moved.empty()) {
            text += "; " + because + ": " + moved;
        }
    }
    f.message += text;
}

// The risk an estimated blocking time gives a finding of risk `base` (TimeThresholds).
Moved risk_from_time(Risk base, double seconds, const LockFact* lock, const TimeThresholds& t) {
    if (seconds >= t.critical_seconds) {
        std::string at_least = "at least " + format_threshold_seconds(t.critical_seconds);
        Blocks blocks = lock != nullptr ? blocks_of(lock->mode) : Blocks{};
        if (blocks.reads || blocks.writes) return {Risk::Critical, at_least};
        std::string mode = lock != nullptr ? std::string(lock_mode_name(lock->mode)) : std::string("its lock");
        return {Risk::High, at_least + ", but " + mode + " blocks no reads or writes"};
    }
    if (seconds >= t.high_seconds) return {Risk::High, "at least " + format_threshold_seconds(t.high_seconds)};
    if (seconds >= t.low_seconds) return {std::min(base, Risk::Medium), "under " + format_threshold_seconds(t.high_seconds)};
    return {std::min(shift(base, -1), Risk::Medium), "under " + format_threshold_seconds(t.low_seconds)};
}

// The risk the size class gives, where there is no time estimate.
Moved risk_from_rows(Risk base, const std::string& size_class, const LockFact* lock) {
    Blocks blocks = lock != nullptr ? blocks_of(lock->mode) : Blocks{};
    std::string because = size_class + " table";
    if (size_class == "small") return {shift(base, -1), because};
    if (size_class == "large") return {shift(base, +1), because};
    if (size_class == "huge") return {blocks.reads || blocks.writes ? Risk::Critical : shift(base, +1), because};
    return {base, because};
}

// Sizes one finding; returns true when its risk moved.
bool size_finding(Finding& f, const FileReport& file, const SnapshotIndex& index, const SizeOptions& options,
                  SizeSummary& summary) {
    SizeWork work = work_of(f.rule);
    if (work == SizeWork::none) return false;
    const StatementFacts* s = f.statement >= 0 && f.statement < static_cast<int>(file.statements.size())
                                  ? &file.statements[static_cast<std::size_t>(f.statement)]
                                  : nullptr;
    std::string relation = f.relation;
    if (relation.empty() && s != nullptr) {
        if (const LockFact* l = s->strongest_lock()) relation = l->relation;
    }
    if (relation.empty()) return false;

    SizeFacts size;
    size.relation = relation;
    size.base_risk = f.risk;
    size.size_class = "unknown";
    size.throughput_bytes_per_second = options.throughput;
    const TableStats* table = index.find(relation);
    const LockFact* lock = lock_on_table(s, index, table, relation);
    if (lock == nullptr && s != nullptr) lock = s->strongest_lock();
    if (lock != nullptr) size.lock = std::string(lock_mode_name(lock->mode));
    Moved moved;
    if (lock != nullptr && lock->is_new) {
        size.status = "new";
    } else if (table == nullptr) {
        size.status = "absent";
        ++summary.absent;
    } else {
        ++summary.measured;
        TableSize measured = index.size_of(*table);
        size.status = "measured";
        size.table = table->qualified();
        size.rows = measured.rows;
        size.table_bytes = measured.table_bytes;
        size.total_bytes = measured.total_bytes;
        size.size_class = size_class(measured, options.thresholds);
        size.work = std::string(work_name(work));
        double bytes = static_cast<double>(work == SizeWork::rewrite ? size.total_bytes : size.table_bytes);
        if (options.throughput > 0 && bytes > 0) size.blocking_seconds = bytes / options.throughput;
        moved = size.blocking_seconds ? risk_from_time(f.risk, *size.blocking_seconds, lock, options.times)
                                      : risk_from_rows(f.risk, size.size_class, lock);
        f.risk = moved.risk;
    }
    describe(f, size, work, options, moved.because);
    f.size = std::move(size);
    return f.risk != f.size->base_risk;
}

void recompute_risks(FileReport& file) {
    file.risk = Risk::None;
    for (auto& s : file.statements) s.risk = Risk::None;
    for (const auto& f : file.findings) {
        file.risk = std::max(file.risk, f.risk);
        if (f.statement >= 0 && f.statement < static_cast<int>(file.statements.size())) {
            auto& s = file.statements[static_cast<std::size_t>(f.statement)];
            s.risk = std::max(s.risk, f.risk);
        }
    }
}

}  // namespace

bool size_sensitive(std::string_view rule) { return work_of(rule) != SizeWork::none; }

SizeSummary apply_size_risk(Report& report, const Snapshot& snapshot, const SizeOptions& options) {
    SizeSummary summary;
    SnapshotIndex index(snapshot);
    for (auto& file : report.files) {
        summary += apply_size_risk(file, index, options);
    }
    return summary;
}

SizeSummary apply_size_risk(FileReport& file, const SnapshotIndex& index, const SizeOptions& options) {
    SizeSummary summary;
    for (auto& f : file.findings) summary.adjusted += size_finding(f, file, index, options, summary);
    analyze::rules::order_findings(file.findings);  // a finding's new risk moves it among those on its line
    recompute_risks(file);
    return summary;
}

}  // namespace pgfence::stats
