// The loads by a computed name pr follows (analyze/orm/load_paths.hpp): how far each name folds.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/load_paths.hpp"

using namespace pgfence::analyze::orm;

namespace {

// Each load as "path" (whole) or "path..." (its start), "?" when nothing of it is known.
std::vector<std::string> loads(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& l : computed_loads(lex_js(text))) out.push_back(l.path.empty() && !l.complete ? "?" : l.path + (l.complete ? "" : "..."));
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("load paths: __dirname joins and templates fold to the script's folder") {
    CHECK(loads("const path = require('path');\nconst h = require(path.join(__dirname, '../lib/helper'));") == V{"./../lib/helper"});
    CHECK(loads("const path = require('node:path');\nrequire(path.resolve(__dirname, '..', 'lib', 'helper'));") == V{"./../lib/helper"});
    CHECK(loads("const { join } = require('path');\nrequire(join(__dirname, 'x'));") == V{"./x"});
    CHECK(loads("import { join as j } from 'path';\nawait import(j(__dirname, 'x.js'));") == V{"./x.js"});
    CHECK(loads("require(`${__dirname}/../lib/helper`);") == V{"./../lib/helper"});
    CHECK(loads("require(__dirname + '/../lib/' + 'helper');") == V{"./../lib/helper"});
    CHECK(loads("await import(import.meta.dirname + '/x.js');") == V{"./x.js"});
}

TEST_CASE("load paths: URLs from import.meta.url, createRequire from another file") {
    CHECK(loads("import { fileURLToPath } from 'url';\nawait import(fileURLToPath(new URL('../lib/h.js', import.meta.url)));") ==
          V{"./../lib/h.js"});
    CHECK(loads("await import(new URL('./h.js', import.meta.url).href);") == V{"././h.js"});
    CHECK(loads("await import(new URL('data:text/javascript,1', import.meta.url));") == V{"?"});
    CHECK(loads("const { pathToFileURL } = require('node:url');\nconst path = require('path');\n"
                "await import(pathToFileURL(path.join(__dirname, '../lib/h.js')).href);") == V{"./../lib/h.js"});
    CHECK(loads("import url from 'url';\nawait import(url.pathToFileURL(`${__dirname}/x/${n}`).href);") == V{"./x/..."});
    // A require made from the script itself with a constant name is module_loads' own.
    CHECK(loads("import { createRequire } from 'module';\nconst r = createRequire(import.meta.url);\nr('./x');").empty());
    CHECK(loads("const r = createRequire(new URL('../lib/index.js', import.meta.url));\nr('./h');") == V{"./../lib/./h"});
    CHECK(loads("const r = createRequire(somewhere);\nr('./h');") == V{"?"});
}

TEST_CASE("load paths: what does not fold") {
    CHECK(loads("const name = 'h';\nrequire(`${__dirname}/../lib/${name}`);") == V{"./../lib/..."});
    CHECK(loads("const path = require('path');\nrequire(path.join(__dirname, 'lib', name, 'x'));") == V{"./lib/..."});
    CHECK(loads("require(process.env.H || './h');") == V{"?"});
    CHECK(loads("require(name);") == V{"?"});
    CHECK(loads("const r = require;\nr('./x');") == V{"?"});
    CHECK(loads("require.main.require(x);") == V{"?"});
    // path.resolve without __dirname starts from the working folder; a join not from Node's path is any function.
    CHECK(loads("const path = require('path');\nrequire(path.resolve('lib', 'h'));") == V{"?"});
    CHECK(loads("require(join(__dirname, 'x'));") == V{"?"});
    // An ES module's own __dirname is its folder only when set from import.meta.url.
    CHECK(loads("import path from 'path';\nimport { fileURLToPath } from 'url';\n"
                "const __dirname = path.dirname(fileURLToPath(import.meta.url));\nrequire(path.join(__dirname, 'x'));") == V{"./x"});
    CHECK(loads("const __dirname = '/tmp';\nrequire(`${__dirname}/x`);") == V{"?"});
    // Constant names, and require itself declared or tested, are no computed loads.
    CHECK(loads("require('./x');\nimport('./y');\nrequire(`./z`);\nif (typeof require === 'function') {}\nconst require2 = 1;").empty());
    CHECK(loads("require.resolve('./x');\nif (require.main === module) {}").empty());
}

namespace {

// Each file read as loads() shows a load, "cwd:" before a path from the working folder.
std::vector<std::string> reads(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& r : file_reads(lex_js(text))) {
        out.push_back(r.path.empty() && !r.complete ? "?" : (r.from_script ? "" : "cwd:") + r.path + (r.complete ? "" : "..."));
    }
    return out;
}

}  // namespace

TEST_CASE("load paths: files read with fs fold as loads do (red team R85a F2)") {
    CHECK(reads("const fs = require('fs'), path = require('path');\nknex.raw(fs.readFileSync(path.join(__dirname, '../sql/a.sql'), 'utf8'));") ==
          V{"./../sql/a.sql"});
    CHECK(reads("import { readFileSync } from 'node:fs';\nknex.raw(readFileSync(new URL('../sql/a.sql', import.meta.url)));") ==
          V{"./../sql/a.sql"});
    CHECK(reads("await fs.promises.readFile(`${__dirname}/sql/${name}.sql`);") == V{"./sql/..."});
    CHECK(reads("fs.readFile('db/a.sql', cb);") == V{"cwd:db/a.sql"});
    CHECK(reads("fs.readFileSync(process.env.SQL);") == V{"?"});
    CHECK(reads("function readFile(p) { return 1; }\nclass A { readFile(p) { return 2; } }").empty());
}
