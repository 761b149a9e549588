#include "bot/typeorm_identity.hpp"

#include <algorithm>

#include "analyze/migrations/typeorm_names.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {

TypeormRenames typeorm_renamed(const std::string& path, std::string_view base_text, std::string_view head_text) {
    using analyze::tools::TypeormName;
    const auto base = analyze::tools::typeorm_migration_names(base_text);
    const auto head = analyze::tools::typeorm_migration_names(head_text);
    TypeormRenames out;
    for (std::size_t i = 0; i < base.size(); ++i) {
        // The class the head keeps under the same class name, else the one at its place.
        auto same = std::find_if(head.begin(), head.end(), [&](const TypeormName& h) { return h.class_name == base[i].class_name; });
        const TypeormName* now = same != head.end() ? &*same : i < head.size() ? &head[i] : nullptr;
        if (now == nullptr) {
            // The merged class is gone and no class of the head stands in its place: what the
            // file's migrations are recorded by now is not read.
            if (head.empty()) {
                out.unknown.push_back(analyze::SettingUnknown{1, "TypeORM records a migration by its `name` or else its class name, and "
                                                                 "pgfence finds no class in this file any more where the merged migration " +
                                                                     annotate::printable(base[i].name) + " was",
                                                              "TypeORM migration name"});
                return out;
            }
            continue;
        }
        if (!now->unknown.empty() || !base[i].unknown.empty()) {
            std::string why = now->unknown.empty() ? "the merged version's name is not known: " + annotate::printable(base[i].unknown)
                                                   : annotate::printable(now->unknown);
            out.unknown.push_back(analyze::SettingUnknown{now->line, "whether the pull request renames the merged migration is not known: " + why,
                                                          "TypeORM migration name"});
            continue;
        }
        if (now->name == base[i].name) continue;
        analyze::SettingChange change;
        change.line = now->line;
        change.what = "renames migration " + annotate::printable(path) + " for TypeORM, which records a migration by its `name` "
                      "property or else its class name (typeorm src/migration/MigrationExecutor.ts), from " +
                      annotate::printable(base[i].name) + " to " + annotate::printable(now->name) +
                      ": the migrations table holds the old name, so TypeORM runs the merged migration again on a database that "
                      "has its objects and rows, and the old record is orphaned";
        out.renamed.push_back(std::move(change));
        break;  // one rename says it
    }
    return out;
}

void add_typeorm_rename(analyze::FileReport& file, std::string_view base_text, std::string_view head_text,
                        const analyze::AnalyzeOptions& options) {
    if (file.source_kind != "typeorm") return;
    TypeormRenames found = typeorm_renamed(file.path, base_text, head_text);
    if (found.renamed.empty() && found.unknown.empty()) return;
    analyze::FileReport more = analyze::analyze_tool_settings(file.path, std::move(found.renamed), options, head_text, found.unknown);
    // Its statements (the unknown ones) after the file's own, and its findings pointing at them.
    const int offset = static_cast<int>(file.statements.size());
    for (auto& st : more.statements) {
        st.index += offset;
        file.statements.push_back(std::move(st));
    }
    for (auto& f : more.findings) {
        if (f.statement >= 0) f.statement += offset;
        file.findings.push_back(std::move(f));
    }
    std::stable_sort(file.findings.begin(), file.findings.end(),
                     [](const analyze::Finding& a, const analyze::Finding& b) { return a.start.line < b.start.line; });
    file.risk = std::max(file.risk, more.risk);
}

}  // namespace pgfence::bot
