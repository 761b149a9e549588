// DROP EXTENSION drops the objects ALTER EXTENSION ... ADD made members of it, whatever CASCADE
// says: a table with its rows, a sequence with the DEFAULTs that use it, a view (red team h1 item
// 6: T_EXTADDTAB, T_EXTDROPLATER across two pull requests, T_EXTADDSEQ, T_EXTADDVIEW; PG15: orders
// gone). Membership is remembered by analyze/model/extension_members.cpp (a note on the statement).
#include <string>

#include "analyze/model/extension_members.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(model::k_extension_member_note)) continue;
        const std::string message = note.substr(model::k_extension_member_note.size());
        Finding& f = sink.add(ctx.statement, message);
        const bool through_cascade = message.find(" CASCADE also drops extension ") != std::string::npos ||
                                     message.find(" CASCADE may also drop extension ") != std::string::npos;
        // A table goes with its rows: as DROP SCHEMA ... CASCADE of a schema with tables.
        if ((message.find(" drops table ") != std::string::npos || message.find(" with it table ") != std::string::npos) &&
            message.find(" may also drop ") == std::string::npos) {
            f.risk = Risk::Critical;
        }
        f.fix = through_cascade
                    ? "drop it without CASCADE: PostgreSQL then refuses while another extension requires it; take the application's "
                      "objects out of that one (ALTER EXTENSION ... DROP), in their own migration, before dropping either"
                    : "ALTER EXTENSION ... DROP the application's objects from the extension first (ALTER SEQUENCE ... OWNED BY NONE for a "
                      "sequence), in their own migration, then drop the extension or the table";
    }
}

}  // namespace

PGFENCE_RULE(drop_extension_members) {
    return Rule{"drop-extension-members", Risk::High,
                "DROP EXTENSION drops the tables, sequences and views an earlier ALTER EXTENSION ... ADD made its members (with CASCADE, those of the extensions that require it); DROP TABLE the sequences ALTER SEQUENCE ... OWNED BY tied to it",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
