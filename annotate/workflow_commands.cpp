#include "annotate/workflow_commands.hpp"

#include "annotate/annotations.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/printable.hpp"
#include "annotate/runner_commands.hpp"

#include <sstream>
#include <vector>

namespace pgfence::annotate {

using namespace pgfence::analyze;

namespace {

const char* command_name(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Notice: return "notice";
    }
    return "notice";
}

std::string message_of(const Finding& f) {
    std::string text = f.message;
    if (f.pre_existing) text += " (pre-existing: not changed by this pull request)";
    if (!f.fix.empty()) text += "\nFix: " + f.fix;
    if (f.recipe && !f.recipe->summary.empty()) text += "\nSafe way: " + f.recipe->summary;
    return text;
}

}  // namespace

std::string escape_command_data(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    // "##[" is the runner's legacy command form wherever it stands in a line.
    return break_legacy_commands(out);
}

std::string escape_command_property(std::string_view text) {
    std::string out;
    for (char c : escape_command_data(text)) {
        if (c == ':') out += "%3A";
        else if (c == ',') out += "%2C";
        else out += c;
    }
    return out;
}

void render_workflow_commands(const Report& report, std::ostream& out, const WorkflowCommandOptions& options) {
    std::vector<Annotation> annotations = annotations_of(report);
    std::size_t next = 0;
    for (const auto& file : report.files) {
        // printable(): the runner echoes these lines into the log, which a terminal may render;
        // line breaks are kept, as %0A/%0D, so the annotation names the file exactly.
        std::string path = escape_command_property(printable(repo_path(file.path, options.root), true));
        if (file.error) {
            write_workflow_command(out, "::error file=" + path + ",title=pgfence::" +
                                            escape_command_data(printable(file.error->message)));
        }
        for (; next < annotations.size() && annotations[next].file == &file; ++next) {
            const Annotation& a = annotations[next];
            LineSpan s = a.span();
            std::ostringstream line;
            line << "::" << command_name(a.severity()) << " file=" << path << ",line=" << s.start_line
                 << ",endLine=" << s.end_line;
            // Columns only mean something on a one-line span (as in the Checks API).
            if (a.has_columns()) line << ",col=" << s.start_column << ",endColumn=" << s.end_column;
            std::string message = a.folded() ? fold_message(a) : message_of(a.first());
            line << ",title=" << escape_command_property(a.title()) << "::" << escape_command_data(printable(message, true));
            write_workflow_command(out, line.str());
        }
    }
}

}  // namespace pgfence::annotate
