// The plan's pieces of SQL text: recipes' roles and stages, comments, statement keys, units (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"
#include <cstring>

namespace pgfence::analyze {

namespace plan_detail {
// ---- what a finding's recipe means to the plan ----

Role role_of(std::string_view rule) {
    static const std::set<std::string_view> structural = {
        "statement-after-access-exclusive", "multiple-access-exclusive-in-transaction",
        "not-valid-validate-same-transaction", "work-under-held-lock", "transaction-left-open",
        "concurrently-in-transaction", "lock-upgrade-in-transaction", "enum-add-value-in-transaction",
        "copy-and-swap-loses-writes"};
    if (rule == "foreign-key-without-index") return Role::add;
    return structural.count(rule) > 0 ? Role::structural : Role::replace;
}

// ASCII case folding: the words compared are SQL keywords, and no locale call per character.
char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (fold(text[i]) != fold(prefix[i])) return false;
    }
    return true;
}

bool contains_ci(std::string_view text, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > text.size()) return false;
    const char first = fold(needle.front());
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
        if (fold(text[i]) == first && starts_with_ci(text.substr(i), needle)) return true;
    }
    return false;
}

// The lines of `sql` that are comments (`comments`), or those that are not, in order; comment
// lines come without their indentation.
std::string lines_of_kind(std::string_view sql, bool comments) {
    std::string out;
    std::size_t at = 0;
    while (at < sql.size()) {
        std::size_t nl = sql.find('\n', at);
        std::string_view line = sql.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos && line.substr(first).starts_with("--") == comments) {
            out += comments ? line.substr(first) : line;
            out += '\n';
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

// The step's statements with comment lines left out.
std::string without_comments(std::string_view sql) { return lines_of_kind(sql, false); }

// Every statement of the step is a VALIDATE CONSTRAINT.
bool only_validates(std::string_view sql) {
    std::string body = without_comments(sql);
    bool any = false;
    std::size_t at = 0;
    while (at < body.size()) {
        std::size_t semi = body.find(';', at);
        std::string_view part = std::string_view(body).substr(at, semi == std::string::npos ? std::string::npos : semi - at);
        if (part.find_first_not_of(" \t\n") != std::string_view::npos) {
            if (!contains_ci(part, "VALIDATE CONSTRAINT")) return false;
            any = true;
        }
        if (semi == std::string::npos) break;
        at = semi + 1;
    }
    return any;
}

// The comment lines of `sql`, in order.
std::string sql_comments(std::string_view sql) { return lines_of_kind(sql, true); }

bool executable(std::string_view sql) { return without_comments(sql).find_first_not_of(" \t\n") != std::string::npos; }

ValidateCut cut_validate_prefix(std::string_view sql);

// A recipe's steps as the plan takes them: a step that starts with VALIDATE and goes on with
// other statements is two.
std::vector<RecipeStep> plan_steps(const Recipe& recipe) {
    std::vector<RecipeStep> out;
    for (const auto& step : recipe.steps) {
        ValidateCut cut = cut_validate_prefix(step.sql);
        if (cut.validate.empty() || cut.rest.empty()) {
            out.push_back(step);
            continue;
        }
        out.push_back(RecipeStep{step.title, cut.validate, step.in_transaction});
        out.push_back(RecipeStep{step.title, cut.rest, step.in_transaction});
    }
    return out;
}

// Stages of the steps, in order; empty when they do not fit the plan's order (the recipe is
// then kept whole, in place).
std::vector<Stage> stages_of(const std::vector<RecipeStep>& steps) {
    std::vector<Stage> out;
    bool tail = false;
    for (const auto& step : steps) {
        Stage s;
        if (starts_with_ci(step.title, "Or,") || starts_with_ci(step.title, "Or ")) {
            s = Stage::skip;
        } else if (starts_with_ci(step.title, "Before")) {
            s = Stage::before;
        } else if (contains_ci(step.title, "later release") || contains_ci(step.sql, "Once no deployed code")) {
            s = Stage::later;
        } else if (starts_with_ci(step.title, "Out of band")) {
            s = Stage::backfill;
        } else if (only_validates(step.sql)) {
            s = Stage::validate;
        } else {
            s = tail ? Stage::finish : Stage::now;
        }
        if (s == Stage::backfill || s == Stage::validate || s == Stage::later) tail = true;
        out.push_back(s);
    }
    // Work between a backfill and a validation settles before every validation.
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] != Stage::finish) continue;
        bool validation_after = std::find(out.begin() + static_cast<long>(i) + 1, out.end(), Stage::validate) != out.end();
        if (validation_after) out[i] = Stage::settle;
    }
    Stage highest = Stage::now;
    for (Stage s : out) {
        if (s == Stage::skip || s == Stage::before) continue;
        if (s < highest) return {};
        highest = s;
    }
    return out;
}

ValidateCut cut_validate_prefix(std::string_view sql) {
    ValidateCut cut;
    if (sql.find('$') != std::string_view::npos || !contains_ci(sql, "VALIDATE CONSTRAINT")) return cut;
    std::string pending;
    std::size_t at = 0;
    bool in_prefix = true;
    while (at < sql.size()) {
        std::size_t nl = sql.find('\n', at);
        std::string_view line = sql.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::string text = std::string(line) + "\n";
        at = nl == std::string_view::npos ? sql.size() : nl + 1;
        std::size_t first = line.find_first_not_of(" \t");
        bool comment = first == std::string_view::npos || line.substr(first).starts_with("--");
        if (!in_prefix) {
            cut.rest += text;
        } else if (comment) {
            pending += text;
        } else if (contains_ci(line, "VALIDATE CONSTRAINT") && line.find(';') == line.find_last_not_of(" \t")) {
            cut.validate += pending + text;
            pending.clear();
        } else {
            in_prefix = false;
            cut.rest += pending + text;
            pending.clear();
        }
    }
    cut.rest += pending;
    if (cut.validate.empty() || !executable(cut.rest)) return ValidateCut{};
    while (!cut.validate.empty() && cut.validate.back() == '\n') cut.validate.pop_back();
    while (!cut.rest.empty() && cut.rest.back() == '\n') cut.rest.pop_back();
    return cut;
}

// A statement's text as compared for repeats: comments out, blanks collapsed, ASCII folded.
std::string statement_key(std::string_view sql) {
    std::string out;
    for (char c : without_comments(sql)) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space) {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        out += fold(c);
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
    return out;
}

// `sql` without the statements whose key is in `seen` (with the comment lines before each),
// adding the keys of the others to `seen`: two recipes of one file that produce the same step
// (the NOT VALID CHECK of a column that is both made NOT NULL and a primary key) run it once.
std::string without_repeats(const std::string& sql, std::set<std::string>& seen) {
    std::vector<RawStatement> parts = split_statements(sql, Region{0, sql.size(), false, false});
    std::string out;
    std::size_t from = 0;  // the start of the text not yet given out
    for (const RawStatement& part : parts) {
        std::size_t end = part.end;
        if (end < sql.size() && sql[end] == ';') ++end;
        std::size_t nl = sql.find('\n', end);
        // A comment on the statement's own line goes with it.
        std::size_t chunk_end = nl == std::string::npos ? sql.size() : nl + 1;
        std::string key = statement_key(std::string_view(sql).substr(part.begin, part.end - part.begin));
        if (!key.empty() && !seen.insert(key).second) {
            from = chunk_end;
            continue;
        }
        out += sql.substr(from, chunk_end - from);
        from = chunk_end;
    }
    out += sql.substr(std::min(from, sql.size()));
    while (!out.empty() && out.back() == '\n') out.pop_back();
    out.shrink_to_fit();  // built by appending: kept in no more room than it needs until its step is written
    return out;
}

// A table's name as PostgreSQL stores it, for comparing two spellings of it: the last part
// of the (maybe schema-qualified) name, unquoted, or folded when written without quotes.
std::string table_key(std::string_view name);

// The same table as far as the file can tell: the same name, in the same schema where both
// name one.
bool same_relation(const RangeVar* a, const RangeVar* b) {
    if (a == nullptr || b == nullptr || pg::relname(a) != pg::relname(b)) return false;
    std::string_view sa = a->schemaname != nullptr ? a->schemaname : "", sb = b->schemaname != nullptr ? b->schemaname : "";
    return sa.empty() || sb.empty() || sa == sb;
}

std::string table_key(std::string_view name) {
    std::string part;
    bool quoted = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '"') {
            if (quoted && i + 1 < name.size() && name[i + 1] == '"') {
                part += '"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == '.' && !quoted) {
            part.clear();
        } else {
            part += quoted ? c : fold(c);
        }
    }
    return part;
}

// The table a statement gives a unique key (CREATE UNIQUE INDEX, ADD PRIMARY KEY / UNIQUE /
// EXCLUDE, a column added PRIMARY KEY or UNIQUE), "" for another statement.
std::string makes_unique(const pg::Node* node) {
    if (const auto* index = pg::as<IndexStmt>(node)) return index->unique ? pg::display_name(index->relation) : std::string();
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr) return {};
    auto unique = [](const Constraint* con) {
        return con != nullptr && (con->contype == CONSTR_PRIMARY || con->contype == CONSTR_UNIQUE || con->contype == CONSTR_EXCLUSION);
    };
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AddConstraint && unique(pg::as<Constraint>(cmd->def))) return pg::display_name(alter->relation);
        if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
            for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
                if (unique(con)) return pg::display_name(alter->relation);
            }
        }
    }
    return {};
}

// ---- the pieces a plan is made of ----

// A plan of a hundred thousand statements has as many units: a long list grows by a quarter
// when it is full, not by doubling (which holds the old and the new list at once).
void push_unit(std::vector<Unit>& units, Unit&& u) {
    if (units.size() >= 1024 && units.size() == units.capacity()) units.reserve(units.size() + units.size() / 4);
    units.push_back(std::move(u));
}

// `sql` ending in ';' when its last statement lacks one (a trailing comment stays last).
// `sql` with every ';' in the comments between its statements made ','.
std::string no_semicolons_in_comments(std::string sql) {
    std::size_t from = 0;
    auto gap = [&](std::size_t to) {
        for (std::size_t at = from; at < to && at < sql.size(); ++at) {
            if (sql.compare(at, 2, "--") == 0) {
                for (; at < to && sql[at] != '\n'; ++at) sql[at] = sql[at] == ';' ? ',' : sql[at];
            } else if (sql.compare(at, 2, "/*") == 0) {
                std::size_t end = sql.find("*/", at + 2);
                for (; at < to && at < end; ++at) sql[at] = sql[at] == ';' ? ',' : sql[at];
            }
        }
    };
    for (const RawStatement& r : split_statements(sql, Region{0, sql.size()})) {
        gap(r.begin);
        from = r.end;
    }
    gap(sql.size());
    return sql;
}

// A statement after which what an earlier statement named may be gone or other: a DROP, a
// RENAME, a move to another schema, or an ALTER TABLE that drops a column or constraint or
// changes a column's type.
bool removes_or_renames(const pg::Node* node) {
    if (pg::is<DropStmt>(node) || pg::is<RenameStmt>(node) || pg::is<AlterObjectSchemaStmt>(node)) return true;
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_DropColumn || cmd->subtype == AT_AlterColumnType || cmd->subtype == AT_DropConstraint) return true;
    }
    return false;
}

// Does `text` hold `word` as a whole word, case aside?
bool has_word(std::string_view text, std::string_view word) {
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.empty()) {
        for (std::size_t at = 0; at <= text.size(); ++at) {
            if (rules::keyword_at(text, at, upper)) return true;
        }
        return false;
    }
    if (upper.size() > text.size()) return false;
    // Only where the first character is found (either case, ASCII folded as keyword_at's toupper
    // does), by memchr: the sets' other migrations are searched whole for each name (3% of a
    // corpus run went to this loop, byte by byte).
    const char first = upper[0];
    const char other = first >= 'A' && first <= 'Z' ? static_cast<char>(first - 'A' + 'a') : first;
    const std::size_t last = text.size() - upper.size();  // the last place a match may start
    auto next = [&](char c, std::size_t from) -> std::size_t {
        if (from > last) return std::string_view::npos;
        const void* hit = std::memchr(text.data() + from, c, last - from + 1);
        return hit == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    };
    std::size_t at_first = next(first, 0);
    std::size_t at_other = other == first ? std::string_view::npos : next(other, 0);
    while (at_first != std::string_view::npos || at_other != std::string_view::npos) {
        const std::size_t at = std::min(at_first, at_other);
        if (rules::keyword_at(text, at, upper)) return true;
        if (at == at_first) at_first = next(first, at + 1);
        if (at == at_other) at_other = next(other, at + 1);
    }
    return false;
}

SessionObject makes_temporary(const pg::Node* node, std::string_view sql) {
    const RangeVar* rv = nullptr;
    if (const auto* c = pg::as<CreateStmt>(node)) rv = c->relation;
    if (const auto* c = pg::as<CreateTableAsStmt>(node); c != nullptr && c->into != nullptr) rv = c->into->rel;
    if (const auto* c = pg::as<SelectStmt>(node); c != nullptr && c->intoClause != nullptr) rv = c->intoClause->rel;
    if (const auto* c = pg::as<ViewStmt>(node)) rv = c->view;
    if (const auto* c = pg::as<CreateSeqStmt>(node)) rv = c->sequence;
    if (rv != nullptr && (rv->relpersistence == 't' || (rv->schemaname != nullptr && std::string_view(rv->schemaname) == "pg_temp"))) {
        return {"the temporary " + std::string(pg::is<ViewStmt>(node) ? "view " : pg::is<CreateSeqStmt>(node) ? "sequence " : "table ") +
                    pg::display_name(rv),
                std::string(pg::relname(rv))};
    }
    if (const auto* f = pg::as<CreateFunctionStmt>(node); f != nullptr && pg::length(f->funcname) > 1 &&
                                                         pg::text(pg::nth(f->funcname, 0)) == "pg_temp") {
        return {"the function " + pg::qualified_name(f->funcname), std::string(pg::last_name(f->funcname))};
    }
    if (const auto* p = pg::as<PrepareStmt>(node)) return {"the prepared statement " + std::string(pg::text(p->name)), ""};
    // What the statement's text shows, where the tree does not (a DO block's body, a type or
    // anything else made in pg_temp, a setting set_config keeps for the session or transaction).
    std::string body = without_comments(sql);
    if (has_word(body, "pg_temp")) {
        return {"an object in pg_temp", ""};
    }
    if (pg::is<DoStmt>(node) && (has_word(body, "TEMP") || has_word(body, "TEMPORARY"))) {
        return {"a temporary table in its DO block", ""};
    }
    if (has_word(body, "set_config")) return {"a setting with set_config", ""};
    return {};
}

std::string with_semicolon(std::string sql) {
    std::size_t end = sql.find_last_not_of(" \t\n");
    if (end == std::string::npos) return sql;
    sql.resize(end + 1);
    std::string body = without_comments(sql);
    std::size_t last = body.find_last_not_of(" \t\n");
    if (last == std::string::npos || body[last] == ';') return sql;
    if (without_comments(sql) == sql + "\n" || sql.find("--") == std::string::npos) return sql + ";";
    // Put the ';' after the last statement line, before the comments that follow it.
    std::size_t line_end = sql.size();
    for (;;) {
        std::size_t start = sql.rfind('\n', line_end == 0 ? 0 : line_end - 1);
        start = start == std::string::npos ? 0 : start + 1;
        std::string_view line = std::string_view(sql).substr(start, line_end - start);
        std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos && !line.substr(first).starts_with("--")) {
            sql.insert(line_end, ";");
            return sql;
        }
        if (start == 0) return sql + ";";
        line_end = start - 1;
    }
}

// The recipe text without the note that the other subcommands are not repeated: the plan
// keeps them.
std::string drop_others_note(std::string sql) {
    const std::string note = "-- Only this subcommand is shown";
    std::size_t at = sql.find(note);
    if (at == std::string::npos) return sql;
    std::size_t nl = sql.find('\n', at);
    sql.erase(at, nl == std::string::npos ? std::string::npos : nl + 1 - at);
    return sql;
}

int count_statements(std::string_view sql) {
    std::string body = without_comments(sql);
    int n = 0;
    bool text = false;
    for (char c : body) {
        if (c == ';') {
            n += text ? 1 : 0;
            text = false;
        } else if (!std::isspace(static_cast<unsigned char>(c))) {
            text = true;
        }
    }
    return n + (text ? 1 : 0);
}

// A DROP of an object a table can depend on without being dropped with it: a type or domain
// its columns use, a function its defaults, checks or triggers call, a sequence, collation,
// schema or extension.
bool depends_on_later_drop(const pg::Node* node) {
    const auto* drop = pg::as<DropStmt>(node);
    if (drop == nullptr) return false;
    switch (drop->removeType) {
        case OBJECT_TYPE: case OBJECT_DOMAIN: case OBJECT_FUNCTION: case OBJECT_SEQUENCE: case OBJECT_COLLATION:
        case OBJECT_SCHEMA: case OBJECT_EXTENSION: case OBJECT_OPERATOR: case OBJECT_OPCLASS: case OBJECT_OPFAMILY:
        case OBJECT_TSCONFIGURATION: case OBJECT_TSDICTIONARY: case OBJECT_AGGREGATE: case OBJECT_ROUTINE:
            return true;
        default: return false;
    }
}

// The existing table a statement locks in a mode that blocks writes, "" if none.
std::string strong_table(const StatementFacts& s) {
    const LockFact* best = nullptr;
    for (const auto& l : s.locks) {
        if (l.is_new || l.mode < LockMode::Share) continue;
        if (best == nullptr || l.mode > best->mode) best = &l;
    }
    return best != nullptr ? best->relation : std::string();
}

// An ALTER TABLE subcommand that enables or disables triggers.
bool changes_writes_subcommand(AlterTableType type) {
    switch (type) {
        case AT_EnableTrig: case AT_EnableAlwaysTrig: case AT_EnableReplicaTrig: case AT_DisableTrig:
        case AT_EnableTrigAll: case AT_DisableTrigAll: case AT_EnableTrigUser: case AT_DisableTrigUser:
            return true;
        default: return false;
    }
}

// A change to what the old release's writes store or whether they succeed, on a table that
// exists: a default set or dropped, a trigger created, dropped, enabled or disabled, a column
// dropped (the old release's writes that name it fail from then on: Dokploy's 0026 dropped
// customGitSSHKey of application and of compose in one transaction; split, the writes to one
// table failed while those to the other went through, which no position of the original has). The original
// makes all of its changes at once; two of them in different migrations leave a position with
// one and not the other (the old release's inserts into one table meet the new default, into
// another the old one), which no position of the original has.
bool changes_writes(const pg::Node* node, const StatementFacts& s) {
    bool existing = std::any_of(s.locks.begin(), s.locks.end(), [](const LockFact& l) { return l.kind == "table" && !l.is_new; });
    if (!existing) return false;
    if (pg::is<CreateTrigStmt>(node)) return true;
    if (const auto* drop = pg::as<DropStmt>(node)) return drop->removeType == OBJECT_TRIGGER;
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_ColumnDefault || cmd->subtype == AT_DropColumn || changes_writes_subcommand(cmd->subtype)) return true;
    }
    return false;
}
}  // namespace plan_detail

}  // namespace pgfence::analyze
