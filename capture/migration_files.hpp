#pragma once
// The migration file a tool's bookkeeping write names, found in the project's folder:
//  - Rails: db/migrate/<version>_<name>.rb (ActiveRecord::Migrator reads that folder's
//    `<version>_<name>.rb` files, activerecord/lib/active_record/migration.rb, MigrationContext);
//  - Django: <app>/migrations/<name>.py (the app label is, by default, the app package's last
//    component: django/apps/config.py);
//  - Alembic: the file under a versions/ folder whose `revision = '<id>'` line names the
//    revision (alembic/script/revision.py reads the module's `revision` attribute);
//  - Knex: the file whose name is the one recorded (Migrator.js records the file name).
// The folder is walked once, without following links, skipping .git, node_modules and
// virtual environments, and at most k_max_entries entries. `pr --capture` gives the paths of the
// head commit's tree instead, and reads an Alembic file from the commit.
#include <cstddef>
#include <functional>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "capture/bookkeeping.hpp"

namespace pgfence::capture {

inline constexpr std::size_t k_max_entries = 200000;
// An Alembic revision file larger than this is not read for its `revision` line.
inline constexpr std::uintmax_t k_max_revision_file = std::uintmax_t{1} << 20;

class MigrationFiles {
public:
    explicit MigrationFiles(const std::string& root);
    // Repository-relative paths (a commit's files), `read` giving a file's text ("" when it is
    // larger than k_max_revision_file or cannot be read); it is asked only for Alembic's files.
    MigrationFiles(const std::vector<std::string>& paths, const std::function<std::string(const std::string&)>& read);
    // The file's path (as `root` joined with its place under it), "" when none is found.
    [[nodiscard]] std::string find(const Applied& applied) const;
    // Whether the tree holds migrations of the tool (for Django, of that app): a version of it
    // that find() does not know is then none of the project's migrations. A Django app with no
    // migrations folder here is an installed package's (django.contrib.auth), which the capture
    // runs but whose files are not in the tree.
    [[nodiscard]] bool holds(const Applied& applied) const;
    // Set when the walk stopped at k_max_entries: files past it were not looked at.
    [[nodiscard]] bool truncated() const { return m_truncated; }

private:
    void add(const std::string& shown, const std::function<std::string()>& text);
    std::map<std::string, std::string> m_rails;    // version -> path
    std::map<std::string, std::string> m_django;   // "app/name" -> path
    std::map<std::string, std::string> m_django_name;  // name -> path (the app folder named otherwise)
    std::map<std::string, std::string> m_alembic;  // revision -> path
    std::map<std::string, std::string> m_basename; // file name -> path (Knex)
    bool m_truncated = false;
    std::size_t m_seen = 0;
};

}  // namespace pgfence::capture
