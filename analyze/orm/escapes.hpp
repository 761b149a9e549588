#pragma once
// Ways a migration's up() reaches the database other than through the object it is handed, for
// the walker (walker.cpp): code built at run time (eval, Function, vm, a computed require or
// import), database clients and programs the script opens itself, and the names a function
// declares (storing the runner anywhere else lets code pgfence does not follow use it).
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

// The identifier a member, index or call chain starts from; "" when it starts elsewhere.
[[nodiscard]] const std::string& root_of(const Node& n);
// A chain of names without calls: `queryRunner`, `queryRunner.manager`.
[[nodiscard]] bool is_reference(const Node& n);
// `f.bind(x)`.
[[nodiscard]] bool is_bind(const Node& n);
// The nodes of `n`, counting no further than `limit`.
[[nodiscard]] std::size_t count_nodes(const Node& n, std::size_t limit);

// Why a call or `new` runs code pgfence cannot read (eval, Function, vm.runIn*, require or import
// of a name not known statically), "" when it does not.
[[nodiscard]] std::string dynamic_code(const Node& n, const Emitter& e);
// Why the identifier or member `n` named as a value is a way to run code pgfence cannot read
// (`const e = eval`, `globalThis["Function"]`), "" when it is not.
[[nodiscard]] std::string dynamic_value(const Node& n);

// The package a module specifier names: `pg/lib/client` -> pg, `@scope/name/x` -> @scope/name.
[[nodiscard]] std::string_view package_of(std::string_view module);
// Whether `module` (a package name, or a path under one) is a database driver or client, or runs
// programs (psql).
[[nodiscard]] bool driver_module(std::string_view module);
// Whether the name imported as `what` opens a database connection or runs a program when called
// or constructed: any export of a driver package, TypeORM's DataSource/createConnection/
// getConnection/getManager/getRepository, Sequelize's Sequelize class.
[[nodiscard]] bool opens_database(const Import& what);
// Whether a file's tokens open a database connection of their own: it imports a driver package
// or constructs TypeORM's DataSource or Sequelize (for a repository-local module the script imports).
[[nodiscard]] bool file_opens_database(const std::vector<Token>& tokens);

// The names `func` declares (its parameters, and const/let/var in its body and the functions
// nested in it): the runner stored in one of them stays where the walker reads it. With
// `params_only`, the parameters alone (they hide the module's names of a database handle).
void declared_names(const Node& func, std::set<std::string, std::less<>>& out, bool params_only);

}  // namespace pgfence::analyze::orm
