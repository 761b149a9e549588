#pragma once
// Each rule's documentation page (docs/rules/<id>.md), built into the binary so the SARIF
// renderer can ship it as the rule's help without the docs folder beside the executable.
#include <string>
#include <string_view>

namespace pgfence::annotate {

// The Markdown page of rule `id`, or empty when there is none (generated: rule_docs_embed.cmake).
[[nodiscard]] std::string_view rule_doc(std::string_view id);

// The page's "What happens" section as one plain paragraph: what the rule is about, with
// no instance text (SARIF fullDescription).
[[nodiscard]] std::string doc_description(std::string_view page);
// The page as plain text: headings, emphasis and link syntax removed, code kept.
[[nodiscard]] std::string doc_plain_text(std::string_view page);

}  // namespace pgfence::annotate
