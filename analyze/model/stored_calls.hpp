#pragma once
// Calls a statement stores for later (red team e, N): a view's query, a column's or domain's
// DEFAULT, a CHECK (NOT VALID too), a generated column, an index expression, a trigger (its
// function and its WHEN), a rule's actions, a policy, a cast, an operator, an aggregate. Every
// function call anywhere in the statement's tree is found (no list of positions), with the
// functions it attaches by name (function_attach.hpp). When the object is one the application
// already uses (it existed before this file, or it applies wherever it is used: a cast, an
// operator, a policy), a function of the migrations whose body writes or runs DDL runs those
// writes on the application's reads and writes from the moment the statement commits: the
// stored-call-writes rule reports it; the body's statements are judged apart, as where
// CREATE OR REPLACE FUNCTION changes what existing objects run (function_uses.hpp).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/model/function_attach.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// The object a statement stores calls into, and when PostgreSQL runs them.
struct StoredTarget {
    std::string object;  // "view v_things", "trigger t on users", "a cast"
    std::string when;    // "on every read of v_things"
    // The application's own statements run it: an object that existed before this file (`start`,
    // the catalog as the file began; a relation the catalog does not know was made before the
    // migrations pgfence read), or one applied wherever it is used (a cast, an operator, a policy).
    bool reachable = false;
};

// What `stmt` stores its calls into; none for a statement that runs its calls now (a query, a
// write, CALL: function_calls.cpp follows them there) or a function's definition (its parameters'
// DEFAULTs run with its body, function_uses.hpp). Any other statement kind stores them somewhere
// PostgreSQL runs later: reachable.
[[nodiscard]] std::optional<StoredTarget> stored_target(const pg::Node* stmt, const Catalog& catalog, const Catalog* start);

// The functions `stmt` names (name, schema as written), each once: every FuncCall of its tree,
// whatever field holds it (but an ALTER COLUMN ... TYPE's USING, which runs once, now), and those
// it attaches by name (`attached`: a trigger's function, a cast's...). pg_catalog's are left out.
// Nothing when the tree is too deep to read.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> stored_calls(
    const pg::Node* stmt, const std::vector<Attachment>& attached);

// Whether a statement of a body writes or runs DDL: anything but a plain query (a SELECT
// without INTO, locking or a data-modifying WITH), RETURN, an assignment, SET or SHOW.
[[nodiscard]] bool writes_or_ddl(const pg::Node* stmt);

// The note on a statement that stores a call of a function whose body writes, for the
// stored-call-writes rule: the finding's message follows the prefix.
inline constexpr std::string_view k_stored_write_note = "stored call that writes: ";
[[nodiscard]] std::string stored_write_note(const StoredTarget& target, std::string_view function, std::string_view writes,
                                            std::size_t more);

// Shared by function_calls.cpp and stored_calls.cpp.
namespace calls {
// Facts for a statement run inside `facts`' statement: its place in the file, transaction and
// settings, nothing it found.
[[nodiscard]] StatementFacts facts_inside(const StatementFacts& facts);
// The catalog's functions a call of `name` may run (all overloads); none for pg_catalog's.
[[nodiscard]] std::vector<std::shared_ptr<const FunctionInfo>> matching(const Catalog& catalog, const std::string& name,
                                                                        const std::string& schema);
// The function calls and operators of `node`'s tree (calls_and_operators_in, pg_parser.hpp),
// read once per node while a NamesKept is alive on this thread: follow_stored asks them of a
// statement's nodes twice (the functions it stores, the built-ins it stores), each reading a
// write of the whole tree as JSON and its decoding.
[[nodiscard]] std::optional<CallsAndOperators> names_in(const pg::Node* node);
class NamesKept {
public:
    NamesKept();
    ~NamesKept();
    NamesKept(const NamesKept&) = delete;
    NamesKept& operator=(const NamesKept&) = delete;

private:
    void* m_outer;
};
}  // namespace calls

}  // namespace pgfence::analyze
