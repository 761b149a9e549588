#pragma once
// The last line of defence of a migration plan (plan.cpp): its statements read in order as
// creating and dropping named objects (tables, indexes, views, sequences, constraints, columns),
// so that a plan that creates one twice or drops one twice (the second fails, and rolls back the
// migration it is in) is declined or reported, never offered as it is.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct Node;  // PostgreSQL's parse node (analyze/pg_tree.hpp)

namespace pgfence::analyze {

class Catalog;

// Statements already parsed, by the very text parse_statement was given: the analyzer's trees of
// a file's statements, but those its model rewrote in place.
using ParsedTexts = std::unordered_map<std::string_view, const ::Node*>;

// While one lives, PlanObjects::read on this thread takes a statement's tree from `parsed` when
// its text is there, instead of parsing the text again: the analyzer lends the file's trees to
// the plan it composes and checks (the file's statements were parsed a second time there, a
// twentieth of a corpus run). The texts and trees must outlive it.
class LentTrees {
public:
    explicit LentTrees(const ParsedTexts& parsed);
    ~LentTrees();
    LentTrees(const LentTrees&) = delete;
    LentTrees& operator=(const LentTrees&) = delete;

private:
    const ParsedTexts* m_previous;
};

class PlanObjects {
public:
    // Reads the statements of `sql` (one migration or out-of-band step of a plan) after those
    // read before; returns what fails: "creates X twice", "drops X twice", and, with a catalog
    // (the schema as the step finds it), "creates X, which already exists".
    std::vector<std::string> read(std::string_view sql, const Catalog* catalog);

    // Tables and views by key: whether each was there before the first statement read that names
    // it (the first creates it: no; drops or renames it: yes), and whether it is there after the last.
    struct Net {
        bool before = false;
        bool after = false;
    };
    [[nodiscard]] const std::map<std::string, Net>& tables() const { return m_tables; }

private:
    void table_event(const std::string& key, bool exists_after);
    std::map<std::string, Net> m_tables;
    void create(const std::string& key, const std::string& what, const Catalog* catalog, std::vector<std::string>& out,
                bool attaching = false);
    // if_exists: DROP ... IF EXISTS may repeat, but what it names is gone after it all the same.
    void drop(const std::string& key, const std::string& what, std::vector<std::string>& out, bool if_exists = false);
    std::set<std::string> m_created;  // keys created by the plan and not dropped since
    std::set<std::string> m_dropped;  // keys dropped by the plan and not created since
};

}  // namespace pgfence::analyze
