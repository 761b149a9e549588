#include "analyze/rules/do_block_view.hpp"

#include <map>
#include <string_view>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::rules {
namespace {

// The DO block statements of `called` (a block's own statements have their line; the statements
// of functions it calls have none), by caller.
std::vector<std::vector<std::size_t>> block_statements(const FileReport& file, const std::vector<CalledStatement>& called) {
    std::vector<std::vector<std::size_t>> out(file.statements.size());
    for (std::size_t k = 0; k < called.size(); ++k) {
        const CalledStatement& c = called[k];
        if (c.line <= 0 || c.apart || c.caller < 0 || static_cast<std::size_t>(c.caller) >= file.statements.size()) continue;
        out[static_cast<std::size_t>(c.caller)].push_back(k);
    }
    return out;
}


// A table, view or materialized view renamed: its name before and after, as lock facts name
// relations (the schema the statement names kept).
std::optional<std::pair<std::string, std::string>> renamed_relation(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    if (rename == nullptr || rename->relation == nullptr || rename->newname == nullptr) return std::nullopt;
    if (rename->renameType != OBJECT_TABLE && rename->renameType != OBJECT_VIEW && rename->renameType != OBJECT_MATVIEW &&
        rename->renameType != OBJECT_FOREIGN_TABLE) {
        return std::nullopt;
    }
    std::string schema = rename->relation->schemaname != nullptr ? quote_ident(rename->relation->schemaname) + "." : "";
    return std::make_pair(pg::display_name(rename->relation), schema + quote_ident(rename->newname));
}

// One name per relation over the file: a table renamed keeps the name it was first locked by,
// so that a transaction renaming a table and then changing it holds one table's lock, not two
// (harbor's 0004: multiple-access-exclusive-in-transaction counted the new name as a second table).
void name_relations_once(DoBlockView& view) {
    std::map<std::string, std::string> identity;  // a name now -> the relation's first name
    for (std::size_t i = 0; i < view.file.statements.size(); ++i) {
        StatementFacts& s = view.file.statements[i];
        for (LockFact& l : s.locks) {
            auto it = identity.find(l.relation);
            if (it != identity.end()) l.relation = it->second;
        }
        if (auto renamed = renamed_relation(i < view.stmts.size() ? view.stmts[i] : nullptr)) {
            auto it = identity.find(renamed->first);
            std::string first = it != identity.end() ? it->second : renamed->first;
            identity.erase(renamed->first);
            identity[renamed->second] = first;
        }
    }
}

}  // namespace

std::optional<DoBlockView> do_block_view(const FileReport& file, const std::vector<const pg::Node*>& stmts,
                                         const std::vector<CalledStatement>& called, bool every_block) {
    std::vector<std::vector<std::size_t>> blocks = block_statements(file, called);
    auto whole = [&](std::size_t i) {
        const StatementFacts& s = file.statements[i];
        if (every_block) return s.tag == "DO" && !blocks[i].empty();
        return s.tag == "DO" && s.status == StatementStatus::Analyzed && blocks[i].size() >= 2;
    };
    bool any = false;
    for (std::size_t i = 0; i < file.statements.size() && !any; ++i) {
        any = whole(i) || (!every_block && i < stmts.size() && renamed_relation(stmts[i]).has_value());
    }
    if (!any) return std::nullopt;

    DoBlockView view;
    view.file.path = file.path;
    view.file.tool = file.tool;
    const pg::Node* commit = nullptr;
    auto add = [&](StatementFacts facts, const pg::Node* stmt, DoBlockView::Origin origin) {
        facts.index = static_cast<int>(view.file.statements.size());
        view.file.statements.push_back(std::move(facts));
        view.stmts.push_back(stmt);
        view.origin.push_back(origin);
    };
    for (std::size_t i = 0; i < file.statements.size(); ++i) {
        const StatementFacts& s = file.statements[i];
        const pg::Node* stmt = i < stmts.size() ? stmts[i] : nullptr;
        if (!whole(i)) {
            add(s, stmt, {static_cast<int>(i), -1, 0});
            continue;
        }
        // A block runs in its statement's transaction; in autocommit, in one of its own.
        const bool own_transaction = s.transaction == Transaction::None;
        for (std::size_t k : blocks[i]) {
            const CalledStatement& c = called[k];
            StatementFacts inner = c.facts;
            inner.span.start = Position{c.line, 1};
            inner.span.stop = Position{c.line, 1};
            if (own_transaction) inner.transaction = Transaction::Implicit;
            add(std::move(inner), c.stmt, {static_cast<int>(i), static_cast<int>(k), c.line, own_transaction, c.branch});
        }
        if (own_transaction) {
            if (commit == nullptr) {
                ParsedStatement parsed = parse_statement("COMMIT");
                view.arena = parsed.arena;
                commit = parsed.stmt;
            }
            StatementFacts end;
            end.kind = "TransactionStmt";
            end.tag = "COMMIT";
            end.span.start = end.span.stop = s.span.stop;
            add(std::move(end), commit, {-1, -1, 0, true});
        }
    }
    name_relations_once(view);
    return view;
}

bool map_to_file(const DoBlockView& view, Finding& f) {
    if (f.statement < 0 || static_cast<std::size_t>(f.statement) >= view.origin.size()) return true;
    const DoBlockView::Origin& o = view.origin[static_cast<std::size_t>(f.statement)];
    if (o.statement < 0) return false;
    f.statement = o.statement;
    f.recipe.reset();  // its steps would split the file's statements as the view has them
    if (o.called < 0) return true;
    f.called = o.called;
    f.subcommand = -1;
    f.start = f.stop = Position{o.line, 1};
    f.edit.reset();
    f.message = std::string(o.branch ? "inside DO block, when the condition holds: " : "inside DO block: ") + f.message;
    // A block that is its own transaction ends where the block does: split the block.
    for (std::string_view from : {std::string_view("commit after line "), std::string_view("end the transaction after line ")}) {
        if (o.own_transaction && f.fix.rfind(from, 0) == 0) f.fix.replace(0, from.size(), "end the DO block after line ");
    }
    return true;
}

}  // namespace pgfence::analyze::rules
