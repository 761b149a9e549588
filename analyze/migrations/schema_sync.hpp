#pragma once
// Schema synchronisation from an ORM's models: TypeORM's `synchronize: true` (and `dropSchema`)
// and Sequelize's `sync({ alter: true })` / `sync({ force: true })` make the ORM compute DDL from
// the entity and model files every time the application starts, outside any migration pgfence
// reads. Where a project turns it on, the setting is an unknown statement (the DDL is computed at
// run time), and in `pr` an entity or model file the pull request changes is one too.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct SchemaSync {
    int line = 1;
    std::string why;  // printable
};

// The settings of `text` that make an ORM change the schema when the application starts.
[[nodiscard]] std::vector<SchemaSync> schema_sync_settings(std::string_view text);

// The line of the entity or model `text` declares (TypeORM @Entity / @ViewEntity, Sequelize
// define() or Model.init()); 0 when it declares none.
[[nodiscard]] int model_line(std::string_view text);

}  // namespace pgfence::analyze::tools
