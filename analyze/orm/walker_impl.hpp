#pragma once
// The walker's state and steps, shared by walker.cpp (reading up(): aliases, calls, the runner's
// uses) and walker_follow.cpp (helpers followed, escapes of the runner, connections of the
// script's own). Internal to the ORM reader: walker.hpp is its interface.
#include "analyze/orm/walker.hpp"

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/runner_api.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace pgfence::analyze::orm::detail {

enum class Half { None, Up, Down };

// How far the file's own helpers are followed: calls within calls, and the text read in all
// (each follow reads the helper once more), so no script costs more than linear time.
constexpr int k_max_follow_depth = 8;
constexpr std::size_t k_max_follows = 256;
// An alias stands for an expression of at most this many nodes; a bigger one (built to grow
// with each alias) stands for the runner itself, read as unknown.
constexpr std::size_t k_max_alias_nodes = 64;

using Aliases = std::map<std::string, Node, std::less<>>;

// What following helpers may cost in all, shared with the walkers of imported files.
struct Budget {
    std::size_t work_limit = 0;  // bytes of function text read by follows
    std::size_t work = 0;
    std::size_t follows = 0;
    std::vector<std::string> files;  // the imported files read, in the order first read
};


struct ClassInfo {
    std::string base;
    std::map<std::string, const Node*, std::less<>> methods;
};

class Walker {
public:
    Walker(Emitter& emitter, std::string_view text, InputFormat format, Direction direction, const ScriptForm& form,
           std::string path, Budget& budget, int depth)
        : m_e(emitter), m_text(text), m_format(format), m_direction(direction), m_form(form), m_path(std::move(path)),
          m_budget(budget), m_depth(depth) {}

    void collect(const std::vector<Node>& nodes, const std::vector<Token>& tokens);

    // The file's top level: finds up() and down() (and the class each is in) and reads them.
    void scan(const Node& n, Half half);
    // The module's own top-level code, which runs when the tool loads the file: a call or `new`
    // there that opens a connection of the migration's own or runs code pgfence cannot read
    // (opened()) is unknown at its line. Functions and classes are read where they are called.
    void scan_top(const Node& n);

    WalkResult result;
    // Non-empty: only this class's up() and down() are read (a class another module re-exports,
    // reexports.hpp), or its base's in this file when it has none of its own.
    void only_class(std::string name);

private:
    static bool is_class(const Node& n);

    bool wanted(Half half) const;

    void collect(const Node& n, ClassInfo* cls);

    bool rooted(const Node& n) const;

    // --- the function's text, with aliases substituted --------------------------------------

    void read_body(const Node& func, Aliases aliases, Half half);

    // What an alias of `value` stands for: the function `.bind` binds, or the expression.
    Node alias_value(const Node& value) const;

    // Whether `name = value` makes name an alias of the runner (or of something on it): a
    // reference, a bound function, and for Knex a builder (it runs only when awaited), else an
    // unawaited call on it (a repository, a builder, a promise).
    bool aliases_runner(const Node& value) const;

    static void substitute(Node& n, const Node& value);

    void define(Aliases& a, const std::string& name, Node value);
    void forget(Aliases& a, const std::string& name);

    void assign(const Node& left, const Node& right, Aliases& a);

    void rewrite(Node& n, Aliases& a);

    // --- block scopes (walker_scopes.cpp) ------------------------------------------------------

    // A block that binds names of its own (the parser's scope node, Other "{}"): they hide the
    // aliases outside for the block only, and the runner's own name where the block binds it to a
    // value that cannot be the runner (a literal, a catch's parameter), so those uses are not the
    // runner's. What the block assigns to names it does not bind stays after it.
    void rewrite_scope(Node& n, Aliases& a);
    // rewrite() of one statement, which may change a Knex builder in place (walker_scopes.cpp).
    void rewrite_statement(Node& n, Aliases& a);
    // A function's parameters named as the runner: renamed in the function (`#name`), which then
    // binds its own value; a handler that binds the runner to it (a transaction's callback) binds
    // the new name.
    void rename_params(Node& func);
    // The name an identifier is read under in the scope being rewritten.
    void renamed(std::string& name) const;
    // The same for every name an assignment's left side binds (`x`, `{ a, b: c }`, `[d]`).
    void rename_bindings(Node& left) const;
    bool root_name(const std::string& name) const;
    // A callback the runner is handed to (`knex.transaction(async (trx) => ...)`, a transaction's
    // `.then`), its parameter now a root: its body rewritten again with that root, so an alias
    // of it (`const s = trx.schema`) is the runner's, then read.
    void read_callback(const Node& func);
    // Knex: whether method `m` changes a query builder in place; the known builders a statement
    // changes anywhere in it (walker_scopes.cpp).
    static bool builder_change(const std::string& m);
    void changed_in(const Node& n, const Aliases& a, std::vector<std::string>& out, int depth) const;
    // Knex: the arguments of a query chain, a callback visited as a builder (walker.cpp).
    void visit_builder_args(const Node& call);

    // --- what the function does ---------------------------------------------------------------

    void unknown(const Node& where, const std::string& name, std::string why);

    void visit(const Node& n, bool value);

    // How an expression's value is used by its parent: thrown away (a statement, a block's
    // statement, a sequence's element before the last), only tested (compared, negated, typeof,
    // a condition), or flowing on (returned, awaited, yielded, the value of the expression around
    // it, an operand whose value it may be).
    enum class Use { Discarded, Tested, Flows };
    static Use use_of(const Node& parent, std::size_t i);

    // Visits `parent`'s kid `i`: the runner or a member of it only tested there is read for its
    // value, nothing is handed on; an alias of the runner assigned where its value flows on
    // (`(s = k.schema).dropTable(...)`) is unknown, as the runner itself would be (red team R81b B1).
    void visit_kid(const Node& parent, std::size_t i, bool value);

    // `x = <the runner, or something on it>`, which rewrite() records as an alias.
    bool alias_assignment(const Node& n) const;

    // Whether a node is a literal with no side effects, and its truthiness and nullishness.
    struct Literal {
        bool truthy = false;
        bool nullish = false;
    };
    std::optional<Literal> literal(const Node& n) const;
    // What a sequence or a logical operator whose other side is a literal evaluates to:
    // `(0, k.schema)`, `(void 0, pgm.sql)`, `(1 && k.schema)`, `(0 || d)`, `(null ?? d)`; nullptr
    // when it is not one of those.
    const Node* collapsed(const Node& n) const;

    // --- escapes: the runner stored where the walker does not read, handles of its own --------

    // `await knex.transaction()` (knex/lib/knex-builder/make-knex.js: without a callback it
    // resolves to the transaction, a knex of its own whose queries run in it: read as the
    // runner), `await queryRunner.connection.createQueryRunner()`, `await ...getRepository(E)`
    // (typeorm/src/data-source/DataSource.ts): what the name stands for, or nullptr.
    const Node* awaited_handle(const Node& value) const;
    // The same for the call itself (`knex.transaction().then((trx) => ...)` binds trx).
    const Node* handle_of_call(const Node& call) const;

    // `r = helper(queryRunner)` where the file's helper returns a parameter the runner is bound
    // to (`return k`, `(k) => k`): the runner the result stands for, or nullptr.
    const Node* returned_runner(const Node& value) const;

    // `left = <the runner>`: a name this function declares, or this.x (read in the class's
    // methods), stays where the walker reads it; anywhere else (a variable of the module, an
    // object's property, an array's element) code called later without the runner can use it:
    // an unknown statement at the escape.
    void escape(const Node& assignment);

    // Whether an expression starts from a database handle not from the runner: `new pg.Client()`,
    // `knex(...)` of the knex package, `await db`, `db.raw` (its root in m_foreign, not hidden
    // by a parameter, or set from one in the function being read).
    bool foreign(const Node& n) const;

    // A call or `new` that runs code pgfence cannot read, or reaches the database through a
    // connection the migration opens itself (a driver it imports, a module of the repository that
    // opens one): an unknown statement at its line. True when reported.
    bool opened(const Node& n);
    // Why a call loads a module through something other than the plain `require` identifier
    // (an alias of it, module.require, createRequire's result, Module._load), "" when it does not.
    std::string other_require(const Node& call) const;
    // Whether `value` is a require function other than a call of it (`require`, `module.require`,
    // `createRequire(url)`, an alias of one); collect() records the names it is assigned to.
    bool require_value(const Node& value) const;

    // The script's names that hold a database handle of its own: imports of a driver (escapes.cpp),
    // imports of a repository module that opens a connection, and the module's variables set
    // from them (`const pool = new Pool()`).
    void find_foreign(const std::vector<Node>& nodes);
    // Whether the repository module at `path` (or one it imports by a relative path, `depth`
    // more levels) opens a database connection of its own.
    bool module_opens_database(const std::string& path, int depth);

    // `q(cond ? 'A' : 'B')` with both branches strings: the call read once with each, every
    // statement noted as one branch (which runs is known only when it runs); one conditional per
    // call is split, so a call is read at most twice.
    bool split_conditional(const Node& n);

    std::size_t line_of(std::size_t offset) const;

    static bool raw_call(const Node& n);

    bool handle(const Node& n);

    bool hands_runner(const Node& a) const;

    void visit_args(const Node& n, bool skip_runner);
    // After a handler read the call `n`: the arguments of its chain, for the runner's uses the
    // handler did not read (Emitter::read_inside()).
    void visit_unread_args(const Node& n);
    // The arguments of a piece of SQL inside another statement (a knex.raw() as a value, what a
    // handler read): walked as values.
    void visit_fragment_args(const Node& n);

    void call(const Node& n);

    // The file's own function or method a call names; `cls` is set to a method's class.
    const Node* resolve(const Node& callee, std::string& cls) const;

    // An imported helper the runner is handed to, read in its own file when that lies inside the
    // repository (imports.hpp); its statements stand at the call. "" when followed, else why not.
    std::string follow_import(const Node& call, const std::string& name, const Import& what);

    void follow(const Node& call, const Node& func, const std::string& cls, const std::string& name);

    Emitter& m_e;
    std::string_view m_text;
    InputFormat m_format;
    Direction m_direction;
    const ScriptForm& m_form;
    // Whether a template token's `${...}` names the runner, an alias of it or `this` holding it.
    // (`text`: the source the token's offsets, less `base`, index.)
    [[nodiscard]] bool template_names_runner(std::string_view text, const Token& t, std::size_t base, const Aliases& a, int depth) const;
    std::vector<std::string> m_roots;  // the names the runner goes by in the code being read
    std::set<std::string, std::less<>> m_foreign;  // names of database handles not from the runner
    std::set<std::string, std::less<>> m_foreign_local;  // ... set in the function being read
    std::set<std::string, std::less<>> m_require_alias;  // names given to a require (`const r = require`)
    std::vector<std::set<std::string, std::less<>>> m_locals;  // the names each function being read declares
    std::vector<std::set<std::string, std::less<>>> m_params;  // ... of them its (and its closures') parameters
    std::map<std::string, const Node*, std::less<>> m_functions;
    std::map<std::string, ClassInfo, std::less<>> m_classes;
    ImportedNames m_imported;
    std::string m_path;
    Budget& m_budget;
    int m_depth;  // imported files followed to reach this one
    Aliases m_this;  // this.x = queryRunner
    std::string m_class;
    std::string m_only;  // only_class()
    std::vector<const Node*> m_stack;
    bool m_splitting = false;  // reading one branch of a conditional argument
    mutable std::map<const Node*, std::set<std::string, std::less<>>> m_returns;  // names each helper returns
    std::map<std::string, bool, std::less<>> m_opens;  // repository modules judged: whether they open a connection
    std::vector<std::pair<std::string, std::optional<Node>>> m_undo;  // alias changes inside a nested function
    std::vector<std::string> m_renames;  // the runner's names an inner scope binds to something else
    std::vector<std::pair<std::string, Node>> m_mutated;  // Knex builders a statement changed in place
};

}  // namespace pgfence::analyze::orm::detail
