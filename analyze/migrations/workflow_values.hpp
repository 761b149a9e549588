#pragma once
// The literal values a GitHub Actions workflow gives the commands of its steps (issue #53, red team
// R81a B4 and B7): the `env:` of the workflow, the job and the step, the job's `strategy.matrix`, and
// the folder a step runs in (`working-directory:`, `defaults.run.working-directory` of the job and
// the workflow). Read by indentation, one pass, so that `npx knex migrate:$ACTION` is judged as the
// runner expands it and `npm run X` is looked up where it runs. Not for use outside analyze/migrations.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools::deploy_detail {

class WorkflowValues {
public:
    explicit WorkflowValues(std::string_view text);

    // `command` (the logical line `line`) with each `$NAME`, `${NAME}`, `${{ env.NAME }}` and `${{
    // matrix.NAME }}` the workflow gives a literal value replaced by it: one command for each value
    // of a matrix (at most 16). A reference bound to a computed value, or to a name the file also
    // sets in its commands (`NAME=`, `read NAME`, `>> $GITHUB_ENV`), is left as it is (unknown where
    // a tool reads it). `uses` gets the lines of every binding the command reads.
    [[nodiscard]] std::vector<std::string> expand(int line, std::string_view command, std::vector<int>& uses) const;

    // The folder, relative to the checkout, the step holding `line` runs in: "" the top, nullopt
    // computed or leaving the checkout. `uses` gets the line that sets it.
    [[nodiscard]] std::optional<std::string> working_directory(int line, std::vector<int>& uses) const;

    // The step (or job, or the workflow) mapping holding `line`: one shell runs a `run:` block.
    [[nodiscard]] int scope(int line) const;

private:
    struct Bound {
        std::vector<int> lines;  // of each value (at most 64)
        std::vector<std::optional<std::string>> values;  // nullopt: computed, or past 16 values
    };
    struct Node {
        int parent = -1;
        std::size_t key_indent = 0;
        std::string opener;  // the key whose value this mapping is (`env`, `matrix`, `steps`, `run`)
        std::string last_key;
        int last_key_line = 1;
        std::vector<std::pair<std::string, Bound>> env, matrix;
        bool env_computed = false, matrix_computed = false;
        std::optional<Bound> workdir, default_workdir;
    };
    const Bound* find(int line, std::string_view name, bool matrix) const;
    bool set_in_commands(std::string_view name) const;

    std::string_view m_text;
    mutable std::vector<std::pair<std::string, bool>> m_set;  // set_in_commands, worked out once a name (at most 64)
    std::vector<Node> m_nodes;
    std::vector<int> m_line_node;  // by physical line (1-based)
};

}  // namespace pgfence::analyze::tools::deploy_detail
