#include "governance/report_facts.hpp"

namespace pgfence::governance {
namespace {

using nlohmann::json;

struct ReportError {
    std::string message;
};

const json& member(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) throw ReportError{where + "." + key + ": missing"};
    return *it;
}

const json& typed(const json& object, const char* key, const std::string& where, json::value_t type, const char* what) {
    const json& value = member(object, key, where);
    bool ok = value.type() == type || (type == json::value_t::number_integer && value.is_number_unsigned());
    if (!ok) throw ReportError{where + "." + key + ": must be " + what};
    return value;
}

std::string string_of(const json& object, const char* key, const std::string& where) {
    return typed(object, key, where, json::value_t::string, "a string").get<std::string>();
}

std::string nullable_string(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return {};
    if (!it->is_string()) throw ReportError{where + "." + key + ": must be a string or null"};
    return it->get<std::string>();
}

int line_of(const json& object, const char* key, const std::string& where) {
    const std::string inner = where + "." + key;
    const json& position = typed(object, key, where, json::value_t::object, "an object");
    return typed(position, "line", inner, json::value_t::number_integer, "an integer").get<int>();
}

FindingFacts read_finding(const json& f, const std::string& where) {
    if (!f.is_object()) throw ReportError{where + ": must be an object"};
    FindingFacts out;
    out.rule = string_of(f, "rule", where);
    auto risk = analyze::parse_risk(string_of(f, "risk", where));
    if (!risk) throw ReportError{where + ".risk: must be NONE, LOW, MEDIUM, HIGH or CRITICAL"};
    out.risk = *risk;
    out.line = line_of(f, "start", where);
    out.pre_existing = typed(f, "pre_existing", where, json::value_t::boolean, "true or false").get<bool>();
    out.relation = nullable_string(f, "relation", where);
    out.message = string_of(f, "message", where);
    if (auto s = f.find("statement"); s != f.end() && s->is_number_integer()) out.statement = s->get<int>();
    if (auto l = f.find("suppression_line"); l != f.end() && l->is_number_integer()) out.suppression_line = l->get<int>();
    if (auto b = f.find("suppression_on_base"); b != f.end()) {
        if (!b->is_boolean()) throw ReportError{where + ".suppression_on_base: must be true or false"};
        out.suppression_on_base = b->get<bool>();
    }
    if (auto size = f.find("size"); size != f.end() && size->is_object()) {
        auto bytes = size->find("table_bytes");
        auto status = size->find("status");
        bool measured = status != size->end() && status->is_string() && *status == "measured";
        if (measured && bytes != size->end() && bytes->is_number_integer()) out.table_bytes = bytes->get<long long>();
    }
    return out;
}

StatementFacts read_statement(const json& s, const std::string& where) {
    if (!s.is_object()) throw ReportError{where + ": must be an object"};
    StatementFacts out;
    out.index = typed(s, "index", where, json::value_t::number_integer, "an integer").get<int>();
    const json& span = typed(s, "span", where, json::value_t::object, "an object");
    out.line = line_of(span, "start", where + ".span");
    const json& blocks = typed(s, "blocks", where, json::value_t::object, "an object");
    out.blocks_traffic = typed(blocks, "reads", where + ".blocks", json::value_t::boolean, "true or false").get<bool>() ||
                         typed(blocks, "writes", where + ".blocks", json::value_t::boolean, "true or false").get<bool>();
    const json& settings = typed(s, "settings", where, json::value_t::object, "an object");
    if (std::string timeout = nullable_string(settings, "lock_timeout", where + ".settings"); !timeout.empty()) {
        out.lock_timeout = timeout;
    }
    if (auto locks = s.find("locks"); locks != s.end() && locks->is_array()) {
        for (const auto& lock : *locks) {
            if (!lock.is_object() || !lock.value("relation", json()).is_string()) continue;
            if (lock.value("new", false)) continue;
            out.relations.push_back(lock["relation"].get<std::string>());
        }
    }
    return out;
}

std::vector<FindingFacts> read_findings(const json& file, const char* key, const std::string& where) {
    std::vector<FindingFacts> out;
    auto it = file.find(key);
    if (it == file.end()) return out;  // `suppressed` is absent from reports before it existed
    if (!it->is_array()) throw ReportError{where + "." + key + ": must be an array"};
    for (std::size_t i = 0; i < it->size(); ++i) {
        out.push_back(read_finding((*it)[i], where + "." + key + "[" + std::to_string(i) + "]"));
    }
    return out;
}

}  // namespace

analyze::Result<ReportFacts> read_report(const nlohmann::json& document) {
    try {
        if (!document.is_object()) throw ReportError{"the report must be a JSON object"};
        const json* report = &document;
        if (auto inner = document.find("report"); inner != document.end()) {
            if (!inner->is_object()) throw ReportError{"report: must be an object (the upload envelope's report)"};
            report = &*inner;
        }
        const json& files = member(*report, "files", "report");
        if (!files.is_array()) throw ReportError{"report.files: must be an array"};
        ReportFacts out;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const std::string where = "files[" + std::to_string(i) + "]";
            const json& file = files[i];
            if (!file.is_object()) throw ReportError{where + ": must be an object"};
            FileFacts facts;
            facts.path = string_of(file, "path", where);
            facts.findings = read_findings(file, "findings", where);
            facts.suppressed = read_findings(file, "suppressed", where);
            facts.error = nullable_string(file, "error", where);
            if (auto statements = file.find("statements"); statements != file.end()) {
                if (!statements->is_array()) throw ReportError{where + ".statements: must be an array"};
                for (std::size_t j = 0; j < statements->size(); ++j) {
                    facts.statements.push_back(read_statement((*statements)[j], where + ".statements[" + std::to_string(j) + "]"));
                }
            }
            for (const auto& finding : facts.findings) {
                if (finding.table_bytes && !finding.relation.empty()) out.table_bytes[finding.relation] = *finding.table_bytes;
            }
            out.files.push_back(std::move(facts));
        }
        return out;
    } catch (const ReportError& e) {
        return analyze::Error{e.message, "", std::nullopt};
    }
}

}  // namespace pgfence::governance
