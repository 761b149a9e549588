#include "analyze/rules/operation_common.hpp"

#include <cctype>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze::rules::operation {

const LockFact* existing(const StatementFacts& statement, const std::string& relation) {
    const LockFact* lock = lock_on(statement, relation);
    return lock != nullptr && !lock->is_new ? lock : nullptr;
}

std::string a_lock(const LockFact& lock) { return with_article(describe_lock(lock)); }

bool blocks_reads_or_writes(const LockFact& lock) {
    Blocks b = blocks_of(lock.mode);
    return b.reads || b.writes;
}

std::optional<Drop> drop_of(const StatementContext& ctx, ObjectType remove_type) {
    const auto* stmt = ctx.as<DropStmt>();
    if (stmt == nullptr || stmt->removeType != remove_type) return std::nullopt;
    return Drop{stmt, stmt->objects, stmt->behavior == DROP_CASCADE};
}

std::string outside_transaction_fix(const StatementContext& ctx, const std::string& what) {
    if (ctx.statement.transaction == Transaction::None) return what + " (it cannot run inside a transaction block)";
    return what + "; " + no_transaction_fix(ctx.file, ctx.statement.transaction);
}

void for_each_around(const StatementContext& ctx, bool later,
                     FunctionRef<bool(const StatementFacts&, const pg::Node*)> visit) {
    for (std::size_t i = 0; i < ctx.file.statements.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (!later && s.index >= ctx.statement.index) break;
        if (later && s.index <= ctx.statement.index) continue;
        if (s.status == StatementStatus::Unparsable || s.kind.empty()) continue;
        // The trees the analyzer kept; parsing again is for callers without them.
        if (ctx.stmts != nullptr && i < ctx.stmts->size()) {
            const pg::Node* stmt = (*ctx.stmts)[i];
            if (stmt != nullptr && visit(s, stmt)) return;
            continue;
        }
        ParsedStatement parsed = parse_statement(s.sql);
        if (parsed.failure || parsed.stmt == nullptr) continue;
        if (visit(s, parsed.stmt)) return;
    }
}

void for_each_earlier(const StatementContext& ctx,
                      FunctionRef<bool(const StatementFacts&, const pg::Node*)> visit) {
    for_each_around(ctx, false, visit);
}

bool schema_created_earlier(const StatementContext& ctx, const std::string& name) {
    bool found = false;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* stmt) {
        const auto* create = pg::as<CreateSchemaStmt>(stmt);
        found = create != nullptr && pg::text(create->schemaname) == name;
        return found;
    });
    return found;
}

bool role_created_earlier(const StatementContext& ctx, const RoleSpec* role) {
    if (role == nullptr || role->roletype != ROLESPEC_CSTRING) return false;
    const std::string_view name = pg::text(role->rolename);
    bool found = false;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* stmt) {
        const auto* create = pg::as<CreateRoleStmt>(stmt);
        found = create != nullptr && create->role != nullptr && pg::text(create->role) == name;
        return found;
    });
    return found;
}

std::string role_spec_text(const RoleSpec* role) {
    if (role == nullptr) return {};
    switch (role->roletype) {
        case ROLESPEC_CSTRING: return quote_ident(pg::text(role->rolename));
        case ROLESPEC_PUBLIC: return "PUBLIC";
        case ROLESPEC_CURRENT_ROLE: return "CURRENT_ROLE";
        case ROLESPEC_CURRENT_USER: return "CURRENT_USER";
        case ROLESPEC_SESSION_USER: return "SESSION_USER";
    }
    return {};
}

namespace {
// Does the statement make type `type` (an enum, a composite, a domain, a range)?
bool makes_type(const pg::Node* node, const schema::QualifiedName& type) {
    const List* name = nullptr;
    if (const auto* e = pg::as<CreateEnumStmt>(node)) name = e->typeName;
    if (const auto* c = pg::as<CompositeTypeStmt>(node); c != nullptr && c->typevar != nullptr) {
        return schema::same_name(schema::name_of_range_var(c->typevar), type);
    }
    if (const auto* d = pg::as<CreateDomainStmt>(node)) name = d->domainname;
    if (const auto* r = pg::as<CreateRangeStmt>(node)) name = r->typeName;
    return name != nullptr && schema::same_name(schema::name_of_list(name), type);
}
// Does the statement rename another type (or domain) to `type`'s name, in its schema: Prisma's
// enum swap, `ALTER TYPE "E_new" RENAME TO "E"`?
bool renames_into(const pg::Node* node, const schema::QualifiedName& type) {
    const auto* rename = pg::as<RenameStmt>(node);
    if (rename == nullptr || (rename->renameType != OBJECT_TYPE && rename->renameType != OBJECT_DOMAIN) ||
        rename->newname == nullptr) {
        return false;
    }
    const List* names = pg::as<List>(rename->object);
    if (names == nullptr) return false;
    schema::QualifiedName renamed = schema::name_of_list(names);
    renamed.name = std::string(pg::text(rename->newname));
    return schema::same_name(renamed, type);
}
}  // namespace

bool type_made_earlier(const StatementContext& ctx, const schema::QualifiedName& type) {
    bool made = false;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* node) { return made = makes_type(node, type); });
    return made;
}

int type_made_again(const StatementContext& ctx, const schema::QualifiedName& type) {
    if (ctx.statement.transaction == Transaction::None) return 0;
    int line = 0;
    for_each_around(ctx, true, [&](const StatementFacts& s, const pg::Node* node) {
        if (pg::is<TransactionStmt>(node) || s.transaction == Transaction::None) return true;
        if (makes_type(node, type) || renames_into(node, type)) line = s.span.start.line;
        return line > 0;
    });
    return line;
}

std::vector<std::string> split_list(std::string_view list) {
    std::vector<std::string> out;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < list.size();) {
        std::size_t next = skip_token(list, i);
        if (next != i) { i = next; continue; }
        if (list[i] == '(' || list[i] == '[') ++depth;
        if (list[i] == ')' || list[i] == ']') --depth;
        if (list[i] == ',' && depth == 0) {
            out.push_back(trim(list.substr(start, i - start)));
            start = i + 1;
        }
        ++i;
    }
    std::string last = trim(list.substr(start));
    if (!last.empty() || !out.empty()) out.push_back(last);
    return out;
}

bool same_word(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

RecipeStep release_first_step(const std::string& what, const std::string& check_sql, const std::string& backup) {
    std::string sql = comment_lines(
        "1. Deploy application code that no longer reads or writes " + what + ",\n"
        "   and wait until no instance of the old code is running.\n"
        "2. Check that nothing uses it any more, for example that these counters stop moving:\n"
        "   " + check_sql + "\n"
        "3. Keep a copy if the data may be needed again:\n"
        "   " + backup);
    return RecipeStep{"Before this migration (application release)", sql, false};
}

std::string batched_delete_comment(const std::string& table) {
    return comment_lines(
        "Out of band, one batch per transaction, repeated until it deletes 0 rows: each batch\n"
        "locks only the rows it deletes, and VACUUM can reclaim them between batches.\n"
        "DELETE FROM " + table + "\n"
        " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " LIMIT 5000));");
}

}  // namespace pgfence::analyze::rules::operation
