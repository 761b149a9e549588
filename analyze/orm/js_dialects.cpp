#include "analyze/orm/js_dialects.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace pgfence::analyze::orm {
namespace {

// How deep a condition is read (parentheses, `||`, `&&`, `!`, a flag's object): past it, Maybe.
constexpr int k_most_depth = 24;

bool is_punct(const Token& t, std::string_view p) { return t.kind == TokenKind::Punct && t.text == p; }
bool is_word(const Token& t, std::string_view w) { return t.kind == TokenKind::Ident && t.text == w; }

// `=`, `+=`, `||=`...: an assignment, not a comparison or an arrow.
bool assigns(const Token& t) {
    if (t.kind != TokenKind::Punct || t.text.empty() || t.text.back() != '=') return false;
    return t.text != "==" && t.text != "===" && t.text != "!=" && t.text != "!==" && t.text != "<=" && t.text != ">=";
}

// The knex instance's own settings (knex/lib/client.js: `this.config = config`, `this.dialect`,
// `this.driverName`): a migration's `knex` parameter is a binding, but these name its client.
bool knex_client_tail(std::string_view chain) {
    for (std::string_view tail : {".client.config.client", ".client.dialect", ".client.driverName"}) {
        if (chain.size() > tail.size() && chain.ends_with(tail) && chain.find('.') == chain.size() - tail.size()) return true;
    }
    return false;
}

// The Sequelize instance's own dialect, through the migration's query interface: sequelize 6
// lib/sequelize.js picks the dialect's code by `switch (this.getDialect())` (getDialect() returns
// this.options.dialect), so on PostgreSQL it is exactly 'postgres'.
bool sequelize_tail(std::string_view chain) {
    for (std::string_view tail : {".sequelize.options.dialect", ".sequelize.getDialect()"}) {
        if (chain.size() > tail.size() && chain.ends_with(tail) && chain.find('.') == chain.size() - tail.size()) return true;
    }
    return false;
}

}  // namespace

DbName db_name(std::string_view value) {
    std::string v(value);
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // knex/lib/constants.js: SUPPORTED_CLIENTS and CLIENT_ALIASES (pg, postgresql -> postgres), and
    // DRIVER_NAMES (pg-redshift); sqlserver and mariadb as projects name them (wiki's db.type).
    static constexpr std::array<std::string_view, 4> k_postgres = {"pg", "postgres", "postgresql", "pgnative"};
    // Sequelize's others (lib/sequelize.js): db2, snowflake.
    static constexpr std::array<std::string_view, 16> k_other = {
        "mysql", "mysql2", "mariadb", "mssql", "sqlserver", "sqlite", "sqlite3", "better-sqlite3", "oracledb", "oracle",
        "redshift", "pg-redshift", "cockroachdb", "cockroach", "db2", "snowflake"};
    for (std::string_view p : k_postgres) {
        if (v == p) return DbName::Postgres;
    }
    for (std::string_view o : k_other) {
        if (v == o) return DbName::Other;
    }
    return DbName::None;
}

bool may_run_on_postgres(const std::vector<Token>& tokens, std::size_t from, std::size_t to) {
    // Sound only when the branch cannot run on PostgreSQL whatever the value: knex's MySQL-only
    // table methods throw there (charset, engine, collate: knex 2.5 lib/schema/tablebuilder.js
    // specialMethods), so a branch of nothing else is left unread; any other call, string or
    // statement may be SQL that runs (red team R86b F2: an update, a DROP split over two strings,
    // SQL held in a const), and the dialect value is an assumption.
    static constexpr std::string_view k_mysql_only[] = {"charset", "engine", "collate"};
    for (std::size_t k = from; k < to && k < tokens.size(); ++k) {
        const Token& t = tokens[k];
        if (t.kind == TokenKind::Punct) continue;
        if (t.kind == TokenKind::Ident && k + 1 < tokens.size() && tokens[k + 1].text == "(") {
            if (std::find(std::begin(k_mysql_only), std::end(k_mysql_only), t.text) != std::end(k_mysql_only)) continue;
            return true;
        }
        if (t.kind == TokenKind::Ident) continue;  // the receiver, `table` of table.charset(...)
        if (t.kind == TokenKind::String || t.kind == TokenKind::Template) {
            // An argument of a MySQL-only method (`'utf8mb4'`): the call before it decides.
            if (k >= 2 && tokens[k - 1].text == "(" && tokens[k - 2].kind == TokenKind::Ident &&
                std::find(std::begin(k_mysql_only), std::end(k_mysql_only), tokens[k - 2].text) != std::end(k_mysql_only)) {
                continue;
            }
        }
        return true;
    }
    return false;
}

std::string dialect_shown(std::string_view v, std::size_t most) {
    std::string out;
    for (char c : v.substr(0, most)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? ' ' : c;
    return v.size() > most ? out + "..." : out;
}

std::vector<std::string> dialect_notes(const std::vector<JsFile::DialectSkip>& skipped, std::string_view text) {
    const auto shown = dialect_shown;
    constexpr std::size_t k_most_listed = 8;
    std::vector<std::string> out;
    std::vector<std::string> subjects;  // in the order first met
    std::map<std::string, std::size_t, std::less<>> index;
    std::vector<std::vector<const JsFile::DialectSkip*>> per;
    for (const auto& s : skipped) {
        auto [it, first] = index.try_emplace(s.subject, subjects.size());
        if (first) {
            subjects.push_back(s.subject);
            per.emplace_back();
        }
        per[it->second].push_back(&s);
    }
    // Lines from the offsets of the text's line breaks, found once.
    std::vector<std::size_t> breaks;
    for (std::size_t k = text.find('\n'); k != std::string_view::npos; k = text.find('\n', k + 1)) breaks.push_back(k);
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        std::string where;
        for (std::size_t k = 0; k < per[i].size() && k < k_most_listed; ++k) {
            const std::size_t line = 1 + static_cast<std::size_t>(std::lower_bound(breaks.begin(), breaks.end(), per[i][k]->at) - breaks.begin());
            where += (where.empty() ? "" : ", ") + std::to_string(line) + " (" + shown(per[i][k]->databases, 60) + ")";
        }
        if (per[i].size() > k_most_listed) where += " and " + std::to_string(per[i].size() - k_most_listed) + " more";
        out.push_back("dialect: `" + shown(subjects[i], 80) +
                      "` is assumed to name PostgreSQL when this migration runs on it (pgfence cannot read its value); "
                      "the branches that run only for other databases are not read as PostgreSQL's, at lines " + where);
    }
    return out;
}

DialectReader::DialectReader(const std::vector<Token>& tokens, const std::vector<std::size_t>& match, const DialectHelpers* helpers)
    : m_t(tokens), m_match(match), m_helpers(helpers) {
    const std::size_t n = m_t.size();
    auto bind = [&](std::size_t k) { ++m_bound[m_t[k].text]; };
    for (std::size_t k = 0; k < n; ++k) {
        const Token& t = m_t[k];
        const bool after_dot = k > 0 && (is_punct(m_t[k - 1], ".") || is_punct(m_t[k - 1], "?."));
        if (t.kind == TokenKind::Ident && !after_dot) {
            const bool declared = k > 0 && (is_word(m_t[k - 1], "const") || is_word(m_t[k - 1], "let") || is_word(m_t[k - 1], "var") ||
                                            is_word(m_t[k - 1], "function") || is_word(m_t[k - 1], "class"));
            if (declared) {
                bind(k);
                if (is_word(m_t[k - 1], "const") && k + 2 < n && is_punct(m_t[k + 1], "=") && is_punct(m_t[k + 2], "{")) {
                    m_const_objects[t.text].push_back(k + 2);
                }
                continue;
            }
            // A chain from this name that is assigned: `WIKI.config.db.type = 'mysql'`, `x = ...`.
            std::size_t j = k + 1;
            while (j + 1 < n && (is_punct(m_t[j], ".") || is_punct(m_t[j], "?.")) && m_t[j + 1].kind == TokenKind::Ident) j += 2;
            if (j < n && (assigns(m_t[j]) || is_punct(m_t[j], "[") || is_punct(m_t[j], "++") || is_punct(m_t[j], "--") ||
                          (j == k + 1 && is_punct(m_t[j], "=>")))) {
                bind(k);  // a computed member (`x[k] = ...`) or an arrow's parameter counts too
            }
        }
        // A pattern after const/let/var, a function's or a catch's parameters: every name in them.
        // (Declarations `const x = <chain>` are read for aliases below, once every name is bound.)
        if (is_punct(t, "{") || is_punct(t, "[") || is_punct(t, "(")) {
            const std::size_t close = m_match[k];
            if (close >= n) continue;
            const bool pattern = k > 0 && (is_word(m_t[k - 1], "const") || is_word(m_t[k - 1], "let") || is_word(m_t[k - 1], "var"));
            const bool control = k > 0 && (is_word(m_t[k - 1], "if") || is_word(m_t[k - 1], "while") || is_word(m_t[k - 1], "for") ||
                                           is_word(m_t[k - 1], "switch") || is_word(m_t[k - 1], "with"));
            const bool params = is_punct(t, "(") && !control && close + 1 < n && (is_punct(m_t[close + 1], "=>") || is_punct(m_t[close + 1], "{"));
            if (!pattern && !params) continue;
            for (std::size_t j = k + 1; j < close; ++j) {
                if (m_t[j].kind == TokenKind::Ident && !is_punct(m_t[j - 1], ".") && !is_punct(m_t[j - 1], "?.")) bind(j);
            }
        }
    }
    // `const dialect = queryInterface.sequelize.getDialect();`: the initialiser is a member chain
    // (and at most Sequelize's getter call), then the declaration ends (`;`, `}`, a new line).
    for (std::size_t k = 1; k + 2 < n; ++k) {
        const bool declared = is_word(m_t[k - 1], "const") || is_word(m_t[k - 1], "let") || is_word(m_t[k - 1], "var");
        if (!declared || m_t[k].kind != TokenKind::Ident || !is_punct(m_t[k + 1], "=")) continue;
        std::size_t j = k + 2;
        if (m_t[j].kind == TokenKind::Ident) ++j;
        while (j + 1 < n && (is_punct(m_t[j], ".") || is_punct(m_t[j], "?.")) && m_t[j + 1].kind == TokenKind::Ident) j += 2;
        if (j + 1 < n && is_punct(m_t[j], "(") && is_punct(m_t[j + 1], ")")) j += 2;
        // A name or keyword next can only start the next statement (`a.b c` parses only with a line
        // break between them); `(`, `[`, an operator or a template would continue the expression.
        const bool ends = j >= n || is_punct(m_t[j], ";") || is_punct(m_t[j], "}") || m_t[j].kind == TokenKind::Ident;
        m_aliases[m_t[k].text].push_back(ends && j > k + 2 ? subject(k + 2, j) : std::string());
    }
}

std::string DialectReader::chain(std::size_t from, std::size_t to) const {
    if (from >= to || to > m_t.size() || m_t[from].kind != TokenKind::Ident || m_t[from].text == "this") return {};
    std::string chain = m_t[from].text;
    std::size_t k = from + 1;
    for (; k + 1 < to + 1 && k < to; k += 2) {
        if (!(is_punct(m_t[k], ".") || is_punct(m_t[k], "?.")) || k + 1 >= to || m_t[k + 1].kind != TokenKind::Ident) return {};
        chain += "." + m_t[k + 1].text;
    }
    return k == to ? chain : std::string();
}

std::string DialectReader::subject(std::size_t from, std::size_t to) const {
    // A local name every binding of which declares it as the same dialect value.
    if (to == from + 1 && to <= m_t.size() && m_t[from].kind == TokenKind::Ident && !(from > 0 && (is_punct(m_t[from - 1], ".") || is_punct(m_t[from - 1], "?.")))) {
        auto alias = m_aliases.find(m_t[from].text);
        auto bound = m_bound.find(m_t[from].text);
        if (alias == m_aliases.end() || bound == m_bound.end() || bound->second != static_cast<int>(alias->second.size())) return {};
        for (const std::string& value : alias->second) {
            if (value.empty() || value != alias->second.front()) return {};
        }
        return alias->second.front();
    }
    // `queryInterface.sequelize.getDialect()`: the one call read, Sequelize's own getter.
    const bool getter = to >= from + 3 && to <= m_t.size() && is_punct(m_t[to - 2], "(") && is_punct(m_t[to - 1], ")") &&
                        is_word(m_t[to - 3], "getDialect");
    std::string chain = this->chain(from, getter ? to - 2 : to);
    if (getter && !chain.empty()) chain += "()";
    if (chain.empty() || chain.find('.') == std::string::npos) return {};
    if (getter && !sequelize_tail(chain)) return {};
    // The process's environment or arguments (`process.env.DB_TYPE`): the deploy sets them, a
    // workflow of the repository among others, so they say nothing of the database it runs on.
    if (chain.starts_with("process.")) return {};
    if (m_bound.count(m_t[from].text) > 0 && !knex_client_tail(chain) && !sequelize_tail(chain)) return {};
    return chain;
}

OnPg DialectReader::compared(const std::string& value, bool equal, bool sequelize) {
    if (db_name(value) == DbName::Other) return equal ? OnPg::No : OnPg::Yes;
    if (sequelize && value == "postgres") return equal ? OnPg::Yes : OnPg::No;
    return OnPg::Maybe;
}

OnPg DialectReader::helper_call(std::size_t from, std::size_t to, std::string& subj) const {
    if (m_helpers == nullptr || m_helpers->empty() || to < from + 3 || !is_punct(m_t[to - 1], ")")) return OnPg::Maybe;
    std::size_t open = from + 1;
    std::string callee = m_t[from].kind == TokenKind::Ident ? m_t[from].text : std::string();
    if (open + 2 < to && is_punct(m_t[open], ".") && m_t[open + 1].kind == TokenKind::Ident) {
        callee += "." + m_t[open + 1].text;
        open += 2;
    }
    if (callee.empty() || !is_punct(m_t[open], "(") || m_match[open] != to - 1) return OnPg::Maybe;
    auto test = m_helpers->find(callee);
    if (test == m_helpers->end()) return OnPg::Maybe;
    // The name is the one the file binds once (its definition or its import), never assigned.
    auto bound = m_bound.find(m_t[from].text);
    if (bound == m_bound.end() || bound->second != 1) return OnPg::Maybe;
    // The argument the helper compares: a member chain of the migration's.
    std::size_t arg = open + 1, index = 0;
    for (; index < test->second.param && arg < to - 1; ++index) {
        const std::size_t comma = top_level(arg, to - 1, ",");
        if (comma == std::string_view::npos) return OnPg::Maybe;
        arg = comma + 1;
    }
    std::size_t end = top_level(arg, to - 1, ",");
    if (end == std::string_view::npos) end = to - 1;
    const std::string base = chain(arg, end);
    if (base.empty()) return OnPg::Maybe;
    const std::string whole = base + test->second.tail;
    const bool sequelize = sequelize_tail(whole);
    // The migration's own parameter's dialect, or a value it neither declares nor assigns.
    if (!sequelize && !knex_client_tail(whole) && (m_bound.count(m_t[arg].text) > 0 || whole.starts_with("process."))) return OnPg::Maybe;
    const OnPg value = compared(test->second.value, test->second.equal, sequelize);
    if (value != OnPg::Maybe) subj = whole + " (" + callee + "())";
    return value;
}

bool DialectReader::literal(std::size_t k, std::string& value) const {
    const Token& t = m_t[k];
    if (t.kind == TokenKind::String) {
        value = t.string.value;
        return true;
    }
    if (t.kind == TokenKind::Template && !t.unterminated && t.parts.size() <= 1 && (t.parts.empty() || !t.parts[0].interpolation)) {
        value = t.parts.empty() ? std::string() : t.parts[0].text.value;
        return true;
    }
    return false;
}

std::size_t DialectReader::top_level(std::size_t from, std::size_t to, std::string_view op) const {
    for (std::size_t k = from; k < to; ++k) {
        const Token& t = m_t[k];
        if ((is_punct(t, "(") || is_punct(t, "[") || is_punct(t, "{")) && m_match[k] < to) {
            k = m_match[k];
            continue;
        }
        if (t.kind == TokenKind::Punct && t.text == op) return k;
    }
    return std::string_view::npos;
}

OnPg DialectReader::eval(std::size_t from, std::size_t to, std::string& subj, int depth) const {
    if (depth > k_most_depth || from >= to || to > m_t.size()) return OnPg::Maybe;
    while (to - from >= 2 && is_punct(m_t[from], "(") && m_match[from] == to - 1) {
        ++from;
        --to;
    }
    if (from >= to) return OnPg::Maybe;
    // Operators below `||` in precedence, or an assignment: not read.
    for (std::string_view low : {"?", "??", ",", "=", "||=", "&&=", "?\?="}) {
        if (top_level(from, to, low) != std::string_view::npos) return OnPg::Maybe;
    }
    if (std::size_t k = top_level(from, to, "||"); k != std::string_view::npos) {
        const OnPg a = eval(from, k, subj, depth + 1), b = eval(k + 1, to, subj, depth + 1);
        if (a == OnPg::Yes || b == OnPg::Yes) return OnPg::Yes;
        return a == OnPg::No && b == OnPg::No ? OnPg::No : OnPg::Maybe;
    }
    if (std::size_t k = top_level(from, to, "&&"); k != std::string_view::npos) {
        const OnPg a = eval(from, k, subj, depth + 1), b = eval(k + 1, to, subj, depth + 1);
        if (a == OnPg::No || b == OnPg::No) return OnPg::No;
        return a == OnPg::Yes && b == OnPg::Yes ? OnPg::Yes : OnPg::Maybe;
    }
    if (is_punct(m_t[from], "!")) {
        const OnPg a = eval(from + 1, to, subj, depth + 1);
        return a == OnPg::Yes ? OnPg::No : a == OnPg::No ? OnPg::Yes : OnPg::Maybe;
    }
    for (std::string_view op : {"===", "==", "!==", "!="}) {
        const std::size_t k = top_level(from, to, op);
        if (k == std::string_view::npos) continue;
        std::string value, chain;
        if (k + 2 == to && literal(k + 1, value)) chain = subject(from, k);
        else if (k == from + 1 && literal(from, value)) chain = subject(k + 1, to);
        const OnPg got = chain.empty() ? OnPg::Maybe : compared(value, op.front() == '=', sequelize_tail(chain));
        if (got != OnPg::Maybe) subj = chain;
        return got;
    }
    if (OnPg called = helper_call(from, to, subj); called != OnPg::Maybe) return called;
    // `dbCompat.charset`: a key of an object the file declares with const (once per function:
    // up() and down() may each declare it) and never changes; every declaration must agree.
    if (to - from == 3 && m_t[from].kind == TokenKind::Ident && is_punct(m_t[from + 1], ".") && m_t[from + 2].kind == TokenKind::Ident) {
        auto objects = m_const_objects.find(m_t[from].text);
        auto bound = m_bound.find(m_t[from].text);
        if (objects == m_const_objects.end() || bound == m_bound.end() || bound->second != static_cast<int>(objects->second.size())) {
            return OnPg::Maybe;
        }
        const std::string flag = m_t[from].text + "." + m_t[from + 2].text;
        if (auto known = m_flags.find(flag); known != m_flags.end()) {
            if (known->second.first != OnPg::Maybe) subj = known->second.second;
            return known->second.first;
        }
        m_flags[flag] = {OnPg::Maybe, {}};  // while it is read: a flag defined by itself is Maybe
        std::optional<OnPg> all;
        std::string flag_subject;
        for (std::size_t open : objects->second) {
            const OnPg one = key_of(open, m_t[from + 2].text, flag_subject, depth + 1);
            if (all && *all != one) {
                all = OnPg::Maybe;
                break;
            }
            all = one;
        }
        const OnPg value = all.value_or(OnPg::Maybe);
        m_flags[flag] = {value, flag_subject};
        if (value != OnPg::Maybe) subj = flag_subject;
        return value;
    }
    return OnPg::Maybe;
}

OnPg DialectReader::key_of(std::size_t open, const std::string& name, std::string& subj, int depth) const {
    const std::size_t close = m_match[open];
    if (close >= m_t.size()) return OnPg::Maybe;
    for (std::size_t k = open + 1; k + 1 < close; ++k) {
        if ((is_punct(m_t[k], "(") || is_punct(m_t[k], "[") || is_punct(m_t[k], "{")) && m_match[k] < close) {
            k = m_match[k];
            continue;
        }
        const bool key = (is_punct(m_t[k - 1], "{") || is_punct(m_t[k - 1], ",")) && is_punct(m_t[k + 1], ":") &&
                         ((m_t[k].kind == TokenKind::Ident && m_t[k].text == name) || (m_t[k].kind == TokenKind::String && m_t[k].string.value == name));
        if (!key) continue;
        std::size_t end = top_level(k + 2, close, ",");
        if (end == std::string_view::npos) end = close;
        return eval(k + 2, end, subj, depth);
    }
    return OnPg::Maybe;
}

OnPg DialectReader::condition(std::size_t from, std::size_t to, std::string& subj) const { return eval(from, to, subj, 0); }

DbName DialectReader::label(std::size_t from, std::size_t to) const {
    while (to - from >= 2 && to <= m_t.size() && is_punct(m_t[from], "(") && m_match[from] == to - 1) {
        ++from;
        --to;
    }
    std::string value;
    if (to != from + 1 || !literal(from, value)) return DbName::None;
    return db_name(value);
}

}  // namespace pgfence::analyze::orm
