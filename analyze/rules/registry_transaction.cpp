#include "analyze/rules/registry_transaction.hpp"

#include <map>
#include <set>

#include "analyze/rules/rename_chains.hpp"

namespace pgfence::analyze::rules {

bool opens_transaction(const pg::Node* stmt) {
    const auto* t = pg::as<TransactionStmt>(stmt);
    return t != nullptr && (t->kind == TRANS_STMT_BEGIN || t->kind == TRANS_STMT_START);
}

bool ends_transaction(const pg::Node* stmt) {
    const auto* t = pg::as<TransactionStmt>(stmt);
    return t != nullptr &&
           (t->kind == TRANS_STMT_COMMIT || t->kind == TRANS_STMT_ROLLBACK || t->kind == TRANS_STMT_PREPARE);
}

bool is_session_statement(const StatementFacts& statement) {
    return statement.kind == "VariableSetStmt" || statement.kind == "VariableShowStmt" ||
           statement.kind == "TransactionStmt";
}

std::vector<TransactionScope> transactions(const FileContext& ctx) {
    std::vector<TransactionScope> out;
    bool open = false;
    const auto& statements = ctx.file.statements;
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const StatementFacts& s = statements[i];
        const pg::Node* stmt = i < ctx.stmts.size() ? ctx.stmts[i] : nullptr;
        // A COMMIT's own facts show the state after it; it still belongs to the transaction it ends.
        bool inside = s.transaction != Transaction::None || ends_transaction(stmt);
        if (!inside) {
            open = false;
            continue;
        }
        if (!open) {
            out.push_back(TransactionScope{static_cast<int>(i), static_cast<int>(i)});
            open = true;
        }
        TransactionScope& scope = out.back();
        scope.last = static_cast<int>(i);
        if (opens_transaction(stmt) && s.transaction == Transaction::Explicit) scope.explicit_block = true;
        if (ends_transaction(stmt)) {
            scope.closed = true;
            open = false;
        }
    }
    return out;
}

std::vector<const LockFact*> exclusive_existing_locks(const StatementFacts& statement, bool tables_only) {
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    std::vector<const LockFact*> out;
    for (const auto& l : statement.locks) {
        if (l.mode != LockMode::AccessExclusive || l.is_new) continue;
        if (tables_only && k_not_tables.count(l.kind) > 0) continue;
        out.push_back(&l);
    }
    return out;
}

namespace {

// SET lines for the timeouts in force at `s`, unless `chunk` sets them itself.
std::string carried_settings(const StatementFacts& s, const std::vector<const StatementFacts*>& chunk,
                             const FileContext& ctx) {
    std::string out;
    auto sets_itself = [&](const std::string& name) {
        for (const auto* c : chunk) {
            auto i = static_cast<std::size_t>(c->index);
            const auto* set = i < ctx.stmts.size() ? pg::as<VariableSetStmt>(ctx.stmts[i]) : nullptr;
            if (set != nullptr && pg::text(set->name) == name) return true;
        }
        return false;
    };
    auto add = [&](const std::optional<std::string>& value, const std::string& name) {
        if (!value || sets_itself(name)) return;
        std::string v = *value;
        if (v.empty() || v.front() != '\'') v = "'" + v + "'";
        out += "SET " + name + " = " + v + ";\n";
    };
    add(s.settings->lock_timeout, "lock_timeout");
    add(s.settings->statement_timeout, "statement_timeout");
    return out;
}

}  // namespace

namespace {

std::optional<Recipe> split_scope(const FileContext& ctx, const TransactionScope& scope) {
    std::vector<std::vector<const StatementFacts*>> chunks(1);
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        if (s.status == StatementStatus::Unparsable) return std::nullopt;
        if (s.kind == "TransactionStmt") continue;  // BEGIN/COMMIT are written per chunk
        auto locks = exclusive_existing_locks(s, true);
        std::set<std::string> tables;
        for (const auto* l : locks) tables.insert(l->relation);
        if (tables.size() > 1) return std::nullopt;
        chunks.back().push_back(&s);
        if (!tables.empty()) chunks.emplace_back();
    }
    while (!chunks.empty() && chunks.back().empty()) chunks.pop_back();
    // Trailing SET/SHOW-only chunks are not migrations of their own.
    if (chunks.size() > 1) {
        bool only_session = true;
        for (const auto* s : chunks.back()) only_session = only_session && is_session_statement(*s);
        if (only_session) chunks.pop_back();
    }
    if (chunks.size() < 2) return std::nullopt;
    // A rename into a name given up earlier in the transaction stays with that rename: split, code
    // between the two migrations would miss the name, or read the wrong object under it.
    std::map<std::size_t, std::size_t> chunk_of;
    for (std::size_t n = 0; n < chunks.size(); ++n) {
        for (const auto* s : chunks[n]) chunk_of[static_cast<std::size_t>(s->index)] = n;
    }
    for (const RenameChain& c : rename_chains(ctx.stmts)) {
        auto a = chunk_of.find(c.vacated);
        auto b = chunk_of.find(c.taken);
        if (a != chunk_of.end() && b != chunk_of.end() && a->second != b->second) return std::nullopt;
    }
    Recipe recipe;
    recipe.summary = "Split the transaction so that each migration ends right after the statement that locks a "
                     "table exclusively: no lock is held while the rest of the work runs";
    for (std::size_t n = 0; n < chunks.size(); ++n) {
        std::string sql = carried_settings(*chunks[n].front(), chunks[n], ctx);
        if (scope.explicit_block) sql += "BEGIN;\n";
        for (const auto* s : chunks[n]) sql += s->sql + ";\n";
        if (scope.explicit_block) sql += "COMMIT;\n";
        recipe.steps.push_back({"Migration " + std::to_string(n + 1), sql, true});
    }
    return recipe;
}

}  // namespace

std::optional<Recipe> split_after_exclusive_locks(const FileContext& ctx, const TransactionScope& scope) {
    if (ctx.memo == nullptr) return split_scope(ctx, scope);
    auto [at, added] = ctx.memo->splits.try_emplace({scope.first, scope.last});
    if (added) at->second = split_scope(ctx, scope);
    return at->second;
}

}  // namespace pgfence::analyze::rules
