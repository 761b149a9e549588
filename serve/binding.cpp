#include "serve/binding.hpp"

#include "serve/crypto.hpp"

namespace pgfence::serve {

using nlohmann::json;

namespace {

const json* file_of(const json& report, const std::string& path) {
    const json* files = report.is_object() && report.contains("files") ? &report["files"] : nullptr;
    if (files == nullptr || !files->is_array()) return nullptr;
    for (const auto& file : *files) {
        if (file.is_object() && file.value("path", std::string()) == path) return &file;
    }
    return nullptr;
}

int line_at(const json& statement, const char* end) {
    const json* span = statement.contains("span") ? &statement["span"] : nullptr;
    if (span == nullptr || !span->is_object() || !span->contains(end) || !(*span)[end].is_object()) return 0;
    return (*span)[end].value("line", 0);
}

// The messages of `rule`'s findings in `file` (those whose span holds `line`, when given), each
// with its length. A finding made inside a function a statement calls names the body's statement
// in its message ("inside cleanup(): TRUNCATE staging_sessions CASCADE ..."), so a rewrite of the
// body, in whatever file it is, changes what the exemption covers.
std::string findings_of(const json& file, const std::string& rule, std::optional<int> line) {
    std::string out;
    if (!file.contains("findings") || !file["findings"].is_array()) return out;
    for (const auto& f : file["findings"]) {
        if (!f.is_object() || f.value("rule", std::string()) != rule) continue;
        if (line) {
            const int start = f.contains("start") && f["start"].is_object() ? f["start"].value("line", 0) : 0;
            const int end = f.contains("end") && f["end"].is_object() ? f["end"].value("line", 0) : 0;
            if (start > *line || end < *line) continue;
        }
        const std::string message = f.value("message", std::string());
        out += "finding " + std::to_string(message.size()) + "\n" + message + "\n";
        // The whole called statement (bot/governance_envelope.cpp): the message cuts it short.
        if (f.contains("subject_sha256") && f["subject_sha256"].is_string()) out += "subject " + f["subject_sha256"].get<std::string>() + "\n";
    }
    return out;
}

}  // namespace

std::string unseen_binding(const json& envelope) {
    const std::string tree = envelope.value("head_tree", std::string());
    return (tree.empty() ? "commit " + envelope.value("head_sha", std::string()) : "tree " + tree) + "\nbase " +
           envelope.value("base_sha", std::string()) + "\n";
}

namespace {

// What pgfence could not see may take what it does from any file of the commit (as
// signoff_item_identity says): an exemption of it binds to the head's whole tree too (red team r84
// #8), or to its commit when the upload has no tree, and to the base it was judged against (R86 F2).
std::string unseen_tree(const json& envelope, const std::string& rule) {
    if (rule != "unknown-statement" && rule != "unparsable-statement") return {};
    return unseen_binding(envelope);
}

std::string scope_of(const json& envelope, const std::string& rule, const std::optional<std::string>& path, std::optional<int> line);

}  // namespace

std::string exemption_scope(const json& envelope, const std::string& rule, const std::optional<std::string>& path,
                            std::optional<int> line) {
    const std::string tree = unseen_tree(envelope, rule);
    const std::string scope = scope_of(envelope, rule, path, line);
    return tree.empty() ? scope : sha256_hex(scope + "\n" + tree);
}

namespace {

std::string scope_of(const json& envelope, const std::string& rule, const std::optional<std::string>& path, std::optional<int> line) {
    static const json k_empty = json::object();
    const json& report = envelope.contains("report") && envelope["report"].is_object() ? envelope["report"] : k_empty;
    const std::string head = "rule " + std::to_string(rule.size()) + "\n" + rule + "\n";
    if (!path) {
        std::string covered = head + "rule-wide\n" + envelope.value("content_hash", std::string()) + "\n";
        if (report.contains("files") && report["files"].is_array()) {
            for (const auto& f : report["files"]) {
                if (f.is_object()) covered += findings_of(f, rule, std::nullopt);
            }
        }
        return sha256_hex(covered);
    }
    const json* file = file_of(report, *path);
    if (file == nullptr) return sha256_hex("absent\n" + *path);
    const std::string file_sha = file->value("sha256", std::string());
    if (!line || !envelope.value("sql_included", false)) {
        return sha256_hex(head + "file\n" + *path + "\n" + file_sha + "\n" + findings_of(*file, rule, line));
    }
    std::string covered = head + "statements\n" + *path + "\n" + std::to_string(*line) + "\n" + findings_of(*file, rule, line);
    if (file->contains("statements") && (*file)["statements"].is_array()) {
        for (const auto& s : (*file)["statements"]) {
            if (!s.is_object() || line_at(s, "start") > *line || line_at(s, "end") < *line) continue;
            const std::string sql = s.value("sql", std::string());
            covered += std::to_string(line_at(s, "start")) + "-" + std::to_string(line_at(s, "end")) + " " +
                       std::to_string(sql.size()) + "\n" + sql + "\n";
            // What decides what it does (bot/governance_envelope.cpp): the file before it and
            // its transaction after it, so a SET search_path above it or a rewrite of the
            // constant an unknown call sends voids the exemption.
            if (s.contains("context_sha256") && s["context_sha256"].is_string())
                covered += "context " + s["context_sha256"].get<std::string>() + "\n";
        }
    }
    return sha256_hex(covered);
}

}  // namespace

std::string signoff_item_identity(const json& item, const json& envelope) {
    static const json k_empty = json::object();
    const json& report = envelope.contains("report") && envelope["report"].is_object() ? envelope["report"] : k_empty;
    const std::string path = item.value("path", std::string());
    const int line = item.value("line", 0);
    std::string context;
    if (const json* file = file_of(report, path); file != nullptr) {
        if (file->contains("statements") && (*file)["statements"].is_array()) {
            for (const auto& s : (*file)["statements"]) {
                if (!s.is_object() || line_at(s, "start") > line || line_at(s, "end") < line) continue;
                if (s.contains("context_sha256") && s["context_sha256"].is_string()) context += s["context_sha256"].get<std::string>() + " ";
            }
        }
        if (context.empty()) context = "file " + file->value("sha256", std::string());
        // What the item's findings at its line are about when that is a called body elsewhere.
        context += findings_of(*file, item.value("rule", ""), line);
    } else {
        context = "absent";
    }
    // What pgfence could not see (a call it did not follow, SQL it could not parse) may take what
    // it does from any file of the commit (a path read at run time, a module loaded by a computed
    // name): an approval of it binds to the head's whole tree, so any change to the repository
    // voids it (an upload without the tree: its head commit). What merges is the head and the
    // base: a file the call reads may change on the base (R86 F2), so it binds to the base commit
    // the upload was judged against too, and a re-run after the base moved needs a new approval.
    const std::string rule = item.value("rule", "");
    if (rule == "unknown-statement" || rule == "unparsable-statement") context += " " + unseen_binding(envelope);
    return json{item.value("kind", ""), path, line, rule, item.value("message", ""), context}.dump();
}

ExemptionSplit split_exemptions(const std::vector<StoredExemption>& stored, const json& envelope) {
    ExemptionSplit out;
    for (const auto& s : stored) {
        if (s.voided) {
            out.voided.push_back(s.exemption);
            continue;
        }
        if (!s.scope && s.pending_head && (s.pending_head->empty() || *s.pending_head != envelope.value("head_sha", std::string()))) {
            out.pending.push_back(s.exemption);
            continue;
        }
        if (s.scope && *s.scope != exemption_scope(envelope, s.exemption.rule, s.exemption.path, s.exemption.line)) {
            out.voided.push_back(s.exemption);
            out.newly_voided.push_back(s.id);
            continue;
        }
        out.applying.push_back(s.exemption);
    }
    return out;
}

}  // namespace pgfence::serve
