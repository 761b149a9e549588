#pragma once
// One analysed document as the editor sees it: diagnostics, hover, code lenses and code actions,
// built from the FileReport alone (a renderer: it re-derives no fact). Text from the file is
// escaped where it is written: Markdown in hovers, printable() in lens titles.
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analyze/model/facts.hpp"
#include "bot/lsp_context.hpp"
#include "bot/lsp_text.hpp"

namespace pgfence::bot::lsp {

// The analysis of one version of a document.
struct Analysis {
    std::string uri;
    long long version = 0;
    std::shared_ptr<const std::string> text;
    std::optional<analyze::FileReport> report;  // none: not a migration pgfence reads
    std::optional<std::string> context_error;   // the configuration or snapshot could not be read
    bool fail_on_unparsable = true;
    std::unique_ptr<TextIndex> index;           // over *text

    [[nodiscard]] nlohmann::json range(analyze::Position start, analyze::Position stop) const;
    [[nodiscard]] nlohmann::json range_of_bytes(std::size_t begin, std::size_t end) const;
};

// Analyses `text` in `context` (none when `context.reads(text)` is false or it is excluded).
[[nodiscard]] std::unique_ptr<Analysis> analyse(const FileContext& context, const std::string& uri, long long version,
                                                std::shared_ptr<const std::string> text, Encoding encoding);

// The rule's documentation page on GitHub.
[[nodiscard]] std::string rule_url(const std::string& rule);

// textDocument/publishDiagnostics' `diagnostics`: the findings, the statements that do not
// parse, the ORM calls whose SQL cannot be read, and the file's or the configuration's error.
[[nodiscard]] nlohmann::json diagnostics(const Analysis& analysis);

// A Hover for the statement at `position`, or null.
[[nodiscard]] nlohmann::json hover(const Analysis& analysis, LspPosition position);

// One CodeLens per statement that locks something: "ACCESS EXCLUSIVE users" above it.
[[nodiscard]] nlohmann::json code_lenses(const Analysis& analysis);

struct ActionRequest {
    LspPosition start, end;
    bool document_changes = false;  // the client takes versioned documentChanges
};
// The code actions for the findings on the lines of the request's range: each finding's edit
// when proves_edit proves it, a pgfence-ignore comment above its statement, and writing the
// file's migration plan (the pgfence.writePlan command) when it has one.
[[nodiscard]] nlohmann::json code_actions(const Analysis& analysis, const FileContext& context, const ActionRequest& request);

// The command code_actions offers for the plan.
inline constexpr const char* k_write_plan_command = "pgfence.writePlan";

}  // namespace pgfence::bot::lsp
