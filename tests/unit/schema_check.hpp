#pragma once
// For unit tests: a JSON document checked against a JSON schema file by Debian's
// python3-jsonschema (the validator that schema's own $schema names).
#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace pgfence::test {

// The first complaints, one a line; empty when `doc` is valid against the schema at `schema_path`.
inline std::string schema_errors(const nlohmann::json& doc, const std::string& schema_path) {
    static int calls = 0;
    const std::string path = "/tmp/pgfence-schema-check-" + std::to_string(::getpid()) + "-" + std::to_string(++calls) + ".json";
    std::ofstream(path) << doc.dump();
    const std::string command = "/usr/bin/python3 -c '"
                                "import json, sys, jsonschema\n"
                                "schema = json.load(open(sys.argv[1]))\n"
                                "cls = jsonschema.validators.validator_for(schema)\n"
                                "errors = list(cls(schema).iter_errors(json.load(open(sys.argv[2]))))\n"
                                "print(\"\\n\".join(\"%s at %s\" % (e.message[:200], list(e.absolute_path)) for e in errors[:5]) if errors else \"ok\")\n"
                                "' " + schema_path + " " + path + " 2>&1";
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        ::pclose(pipe);
    }
    std::remove(path.c_str());
    return out == "ok\n" ? "" : out;
}

}  // namespace pgfence::test
