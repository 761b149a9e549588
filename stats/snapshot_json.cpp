#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyze/base/regular_file.hpp"
#include "stats/snapshot.hpp"

namespace pgfence::stats {
namespace {

using nlohmann::json;
using analyze::Error;

// A malformed snapshot, reported with the path to the offending field.
struct FormatError {
    std::string message;
};

const json& field(const json& object, const char* key, const std::string& where) {
    if (!object.is_object() || !object.contains(key)) throw FormatError{where + ": missing \"" + key + "\""};
    return object[key];
}

std::string text(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_string()) throw FormatError{where + "." + key + " must be a string"};
    return v.get<std::string>();
}

std::int64_t bytes(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0) throw FormatError{where + "." + key + " must be a whole number of bytes"};
    return v.get<std::int64_t>();
}

TableStats table_from(const json& t, const std::string& where) {
    TableStats out;
    out.schema = text(t, "schema", where);
    out.name = text(t, "name", where);
    out.kind = t.contains("kind") && t["kind"].is_string() ? t["kind"].get<std::string>() : "table";
    const json& rows = field(t, "rows", where);
    if (rows.is_number() && rows.get<double>() >= 0) out.rows = rows.get<double>();
    else if (!rows.is_null()) throw FormatError{where + ".rows must be a number or null"};
    out.rows_source = t.value("rows_source", std::string(out.rows ? "catalog" : "none"));
    out.table_bytes = bytes(t, "table_bytes", where);
    out.total_bytes = bytes(t, "total_bytes", where);
    if (t.contains("parent") && t["parent"].is_string()) out.parent = t["parent"].get<std::string>();
    if (t.contains("indexes")) {
        for (const auto& i : t["indexes"]) out.indexes.push_back({text(i, "name", where + ".indexes"), bytes(i, "bytes", where + ".indexes")});
    }
    if (t.contains("columns")) {
        for (const auto& c : t["columns"]) {
            out.columns.push_back({text(c, "name", where + ".columns"), text(c, "type", where + ".columns"),
                                   c.value("not_null", false)});
        }
    }
    return out;
}

}  // namespace

analyze::Result<Snapshot> parse_snapshot(const std::string& input, const std::string& source) {
    json doc = json::parse(input, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return Error{"not a JSON object: is it a pgfence stats snapshot?", source, std::nullopt};
    if (!doc.contains("pgfence_stats_version")) {
        return Error{"no \"pgfence_stats_version\": not a snapshot written by `pgfence extract-stats`", source, std::nullopt};
    }
    const json& version = doc["pgfence_stats_version"];
    if (!version.is_number_integer() || version.get<int>() != k_snapshot_version) {
        return Error{"snapshot version " + version.dump() + " is not supported (this pgfence reads version " +
                         std::to_string(k_snapshot_version) + "); run extract-stats again",
                     source, std::nullopt};
    }
    try {
        Snapshot s;
        s.taken_at = text(doc, "taken_at", "snapshot");
        if (doc.contains("replayed_at") && doc["replayed_at"].is_string()) s.replayed_at = doc["replayed_at"].get<std::string>();
        const json& server = doc.value("server", json::object());
        s.server_version = server.value("version", std::string());
        s.server_version_num = server.value("version_num", 0);
        s.in_recovery = server.value("in_recovery", false);
        s.database = server.value("database", std::string());
        s.search_path = doc.value("search_path", std::vector<std::string>{"public"});
        s.has_columns = doc.value("has_columns", false);
        const json& tables = field(doc, "tables", "snapshot");
        if (!tables.is_array()) throw FormatError{"snapshot.tables must be an array"};
        for (std::size_t i = 0; i < tables.size(); ++i) s.tables.push_back(table_from(tables[i], "tables[" + std::to_string(i) + "]"));
        if (doc.contains("schema_sql")) {
            const json& ddl = doc["schema_sql"];
            if (!ddl.is_array()) throw FormatError{"snapshot.schema_sql must be an array of strings"};
            for (const auto& statement : ddl) {
                if (!statement.is_string()) throw FormatError{"snapshot.schema_sql must be an array of strings"};
                s.schema_sql.push_back(statement.get<std::string>());
            }
        }
        return s;
    } catch (const FormatError& e) {
        return Error{e.message, source, std::nullopt};
    } catch (const json::exception& e) {
        return Error{std::string("malformed snapshot: ") + e.what(), source, std::nullopt};
    }
}

analyze::Result<Snapshot> load_snapshot(const std::string& path) {
    auto text = analyze::read_regular_file(path, analyze::k_stats_max_bytes, "the stats snapshot");
    if (!text) return text.error();
    return parse_snapshot(*text, path);
}

std::string snapshot_to_json(const Snapshot& s) {
    json tables = json::array();
    for (const auto& t : s.tables) {
        json indexes = json::array();
        for (const auto& i : t.indexes) indexes.push_back({{"name", i.name}, {"bytes", i.bytes}});
        json entry = {{"schema", t.schema}, {"name", t.name}, {"kind", t.kind},
                      {"rows", t.rows ? json(static_cast<std::int64_t>(*t.rows + 0.5)) : json(nullptr)},
                      {"rows_source", t.rows_source},
                      {"table_bytes", t.table_bytes}, {"total_bytes", t.total_bytes},
                      {"parent", t.parent ? json(*t.parent) : json(nullptr)},
                      {"indexes", indexes}};
        if (s.has_columns) {
            json columns = json::array();
            for (const auto& c : t.columns) columns.push_back({{"name", c.name}, {"type", c.type}, {"not_null", c.not_null}});
            entry["columns"] = columns;
        }
        tables.push_back(entry);
    }
    json doc = {{"pgfence_stats_version", s.version},
                {"taken_at", s.taken_at},
                {"replayed_at", s.replayed_at ? json(*s.replayed_at) : json(nullptr)},
                {"server", {{"version", s.server_version}, {"version_num", s.server_version_num},
                            {"in_recovery", s.in_recovery}, {"database", s.database}}},
                {"search_path", s.search_path},
                {"has_columns", s.has_columns},
                {"tables", tables}};
    if (!s.schema_sql.empty()) doc["schema_sql"] = s.schema_sql;
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace pgfence::stats
