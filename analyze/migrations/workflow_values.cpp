#include "analyze/migrations/workflow_values.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/deploy_packages.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

constexpr std::size_t k_most_nodes = 4096;
constexpr std::size_t k_most_bindings = 256;
constexpr std::size_t k_most_variants = 16;

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
    return v;
}

// A YAML scalar's literal value (quotes and a trailing comment dropped); nullopt where the runner
// or the shell computes it (`${{ }}`, `$X`, a backquote) or it is a block (`|`, `>`), a flow mapping.
std::optional<std::string> literal(std::string_view v) {
    v = trim(v);
    // A tag (`!!str "a\nb"`, `!!str |`), an anchor (`&a`) or an alias (`*a`) before the value: the
    // runner takes the parser's decoded scalar (actions/runner YamlObjectReader.cs, AllowLiteral
    // accepts the str tag and returns scalar.Value), which is not the text after it: not literal.
    if (!v.empty() && (v.front() == '!' || v.front() == '&' || v.front() == '*')) return std::nullopt;
    if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
        const std::size_t end = v.find(v.front(), 1);
        if (end == std::string_view::npos) return std::nullopt;
        // YAML 1.2 decodes a double-quoted scalar's escapes (`\n`, `\x22`, `\"`; spec 7.3.1) and a
        // single-quoted one's `''` (7.3.2): not decoded here, so such a value is not literal.
        const std::string_view after = trim(v.substr(end + 1));
        if (!after.empty() && after.front() != '#') return std::nullopt;
        v = v.substr(1, end - 1);
        if (v.find('\\') != std::string_view::npos) return std::nullopt;
    } else if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) {
        v = trim(v.substr(0, hash));
    }
    if (v.find_first_of("$`") != std::string_view::npos) return std::nullopt;
    if (!v.empty() && (v.front() == '|' || v.front() == '>' || v.front() == '{' || v.front() == '*' || v.front() == '&')) return std::nullopt;
    return std::string(v);
}

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

WorkflowValues::WorkflowValues(std::string_view text) : m_text(text) {
    m_nodes.push_back(Node{});
    m_line_node.push_back(0);
    std::vector<int> stack{0};
    std::size_t block_indent = std::string_view::npos;  // inside a block scalar of a key at this indent
    std::size_t bindings = 0;
    // The value bound on the line before: a plain scalar that goes on to the next line is folded
    // by YAML (spec 7.3.3), which this reader does not do, so that value is not literal.
    std::optional<std::string>* last_value = nullptr;
    auto bind = [&](std::vector<std::pair<std::string, Bound>>& list, std::string_view name, int line, std::optional<std::string> value) {
        if (++bindings > k_most_bindings) return;
        for (auto& [n, b] : list) {
            if (n == name) {
                if (b.lines.size() < 64) b.lines.push_back(line);
                // Past the bound a value is not read: the name is taken as computed, not as the values read so far.
                if (b.values.size() < k_most_variants) b.values.push_back(std::move(value));
                else if (b.values.back()) b.values.push_back(std::nullopt);
                last_value = &b.values.back();
                return;
            }
        }
        list.emplace_back(std::string(name), Bound{{line}, {std::move(value)}});
        last_value = &list.back().second.values.back();
    };
    // A key's value in the mapping `node` (`opener` is what that mapping is): env, matrix, working folder.
    auto key_value = [&](int node, std::string_view key, std::string_view value, int line) {
        Node& m = m_nodes[static_cast<std::size_t>(node)];
        const int parent = m.parent;
        if (m.opener == "env" && parent >= 0) {
            // A YAML merge key (`<<: *defaults`) brings names pgfence does not see: the block is computed.
            if (key == "<<") m_nodes[static_cast<std::size_t>(parent)].env_computed = true;
            else bind(m_nodes[static_cast<std::size_t>(parent)].env, key, line, literal(value));
        } else if (m.opener == "matrix" && parent >= 0 && m_nodes[static_cast<std::size_t>(parent)].parent >= 0 && key != "include" && key != "exclude") {
            Node& job = m_nodes[static_cast<std::size_t>(m_nodes[static_cast<std::size_t>(parent)].parent)];
            value = trim(value);
            if (key == "<<") {
                job.matrix_computed = true;  // a merge key brings names pgfence does not see
            } else if (value.starts_with("[") && value.find(']') == std::string_view::npos) {
                bind(job.matrix, key, line, std::nullopt);  // a list that goes on to the next lines
            } else if (value.starts_with("[")) {
                std::string_view list = value.substr(1, value.find(']') == std::string_view::npos ? std::string_view::npos : value.find(']') - 1);
                for (std::size_t at = 0; at <= list.size();) {
                    const std::size_t comma = std::min(list.find(','), list.size());
                    bind(job.matrix, key, line, literal(list.substr(at, comma - at)));
                    if (comma >= list.size()) break;
                    list = list.substr(comma + 1);
                }
            } else if (!value.empty()) {
                bind(job.matrix, key, line, literal(value));
            }
        } else if (m.opener == "include" && parent >= 0 && m_nodes[static_cast<std::size_t>(parent)].opener == "matrix") {
            // strategy.matrix.include's entries add combinations (docs.github.com, "Expanding or adding matrix configurations").
            const int strategy = m_nodes[static_cast<std::size_t>(parent)].parent;
            if (strategy >= 0 && m_nodes[static_cast<std::size_t>(strategy)].parent >= 0 && key == "<<") {
                m_nodes[static_cast<std::size_t>(m_nodes[static_cast<std::size_t>(strategy)].parent)].matrix_computed = true;
            } else if (strategy >= 0 && m_nodes[static_cast<std::size_t>(strategy)].parent >= 0) {
                bind(m_nodes[static_cast<std::size_t>(m_nodes[static_cast<std::size_t>(strategy)].parent)].matrix, key, line, literal(value));
            }
        } else if (key == "working-directory") {
            Bound b{{line}, {literal(value)}};
            // defaults.run.working-directory of a job or the workflow (docs.github.com, "defaults.run").
            if (m.opener == "run" && parent >= 0 && m_nodes[static_cast<std::size_t>(parent)].opener == "defaults" &&
                m_nodes[static_cast<std::size_t>(parent)].parent >= 0) {
                m_nodes[static_cast<std::size_t>(m_nodes[static_cast<std::size_t>(parent)].parent)].default_workdir = std::move(b);
            } else {
                m.workdir = std::move(b);
            }
        }
        if ((key == "env" || key == "matrix") && !trim(value).empty() && trim(value).front() != '#') {
            if (key == "env") m.env_computed = true;
            else if (parent >= 0) m_nodes[static_cast<std::size_t>(parent)].matrix_computed = true;
        }
    };
    each_line(text, [&](int n, std::string_view l) {
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        const std::size_t indent = l.find_first_not_of(" ");
        if (indent == std::string_view::npos || l[indent] == '#' || (block_indent != std::string_view::npos && indent > block_indent)) {
            m_line_node.push_back(stack.back());
            return;
        }
        block_indent = std::string_view::npos;
        std::string_view rest = l.substr(indent);
        std::size_t column = indent;
        const bool item = rest == "-" || rest.starts_with("- ");
        if (item) {
            while (stack.size() > 1 && m_nodes[static_cast<std::size_t>(stack.back())].key_indent > indent) stack.pop_back();
            const std::size_t skip = rest.find_first_not_of(' ', 1);
            rest = skip == std::string_view::npos ? std::string_view() : rest.substr(skip);
            column = indent + (skip == std::string_view::npos ? 1 : skip);
        } else {
            while (stack.size() > 1 && m_nodes[static_cast<std::size_t>(stack.back())].key_indent > indent) stack.pop_back();
        }
        // A key, plain or quoted (`"ACTION": rollback`).
        std::size_t colon = rest.find(':');
        std::string_view quoted;
        if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
            const std::size_t close = rest.find(rest.front(), 1);
            colon = close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':' ? std::string_view::npos : close + 1;
            if (colon != std::string_view::npos) quoted = rest.substr(1, close - 1);
        }
        const bool key = colon != std::string_view::npos && colon > 0 && (colon + 1 == rest.size() || rest[colon + 1] == ' ');
        if (!key && !item && last_value != nullptr) *last_value = std::nullopt;
        last_value = nullptr;
        const int top = stack.back();
        if (key && (item || m_nodes[static_cast<std::size_t>(top)].key_indent < column) && m_nodes.size() < k_most_nodes &&
            (item || stack.size() > 1 || column > 0)) {
            // A new mapping: an item's, or one more indented than its parent's keys.
            Node node;
            node.parent = top;
            node.key_indent = column;
            node.opener = m_nodes[static_cast<std::size_t>(top)].last_key;
            m_nodes.push_back(std::move(node));
            stack.push_back(static_cast<int>(m_nodes.size() - 1));
        }
        const int here = stack.back();
        m_line_node.push_back(here);
        if (key) {
            const std::string_view k = quoted.data() != nullptr ? quoted : trim(rest.substr(0, colon));
            const std::string_view value = rest.substr(colon + 1);
            key_value(here, k, value, n);
            Node& node = m_nodes[static_cast<std::size_t>(here)];
            node.last_key = std::string(k);
            node.last_key_line = n;
            const std::string_view v = trim(value);
            if (v.starts_with("|") || v.starts_with(">")) block_indent = column;
        } else if (item && !rest.empty()) {
            // A list's scalar (`- rollback` under `action:`): a value of the key it is under.
            const Node& node = m_nodes[static_cast<std::size_t>(here)];
            if (!node.last_key.empty()) key_value(here, node.last_key, rest, n);
        }
    });
}

int WorkflowValues::scope(int line) const {
    return line >= 1 && static_cast<std::size_t>(line) < m_line_node.size() ? m_line_node[static_cast<std::size_t>(line)] : 0;
}

const WorkflowValues::Bound* WorkflowValues::find(int line, std::string_view name, bool matrix) const {
    // A workflow nests a few levels (workflow, jobs, job, steps, step); past 64 the name stays unbound.
    int depth = 0;
    for (int node = scope(line); node >= 0 && ++depth <= 64; node = m_nodes[static_cast<std::size_t>(node)].parent) {
        const Node& m = m_nodes[static_cast<std::size_t>(node)];
        for (const auto& [n, b] : matrix ? m.matrix : m.env) {
            if (n == name) return &b;
        }
        if (matrix ? m.matrix_computed : m.env_computed) return nullptr;
    }
    return nullptr;
}

// Whether a command of the file sets `name` itself (`NAME=`, `export NAME`, `read NAME`, `for NAME
// in`, `echo "NAME=x" >> $GITHUB_ENV`): any use of it but a reference and a YAML key.
bool WorkflowValues::set_in_commands(std::string_view name) const {
    for (const auto& [n, set] : m_set) {
        if (n == name) return set;
    }
    if (m_set.size() >= 64) return true;  // past the bound: not resolved, unknown where a tool reads it
    m_set.emplace_back(std::string(name), true);
    // A step that writes $GITHUB_ENV sets names for the steps after it (docs.github.com, workflow
    // commands, "Setting an environment variable"), whatever it writes: none is taken as known.
    if (m_text.find("GITHUB_ENV") != std::string_view::npos) return true;
    for (std::size_t at = m_text.find(name); at != std::string_view::npos; at = m_text.find(name, at + 1)) {
        const char before = at > 0 ? m_text[at - 1] : ' ';
        const char after = at + name.size() < m_text.size() ? m_text[at + name.size()] : ' ';
        if (ident(before) || ident(after)) continue;
        if (before == '$' || before == '{' || before == '.' || after == ':') continue;
        return true;
    }
    m_set.back().second = false;
    return false;
}

std::vector<std::string> WorkflowValues::expand(int line, std::string_view command, std::vector<int>& uses) const {
    struct Ref {
        std::size_t at, size;
        const Bound* bound;
    };
    std::vector<Ref> refs;
    for (std::size_t i = command.find('$'); i != std::string_view::npos && refs.size() < 16; i = command.find('$', i + 1)) {
        std::string_view name;
        std::size_t size = 0;
        bool matrix = false;
        if (command.substr(i).starts_with("${{")) {
            const std::size_t end = command.find("}}", i);
            if (end == std::string_view::npos) break;
            const std::string_view e = trim(command.substr(i + 3, end - i - 3));
            size = end + 2 - i;
            if (e.starts_with("env.")) name = e.substr(4);
            else if (e.starts_with("matrix.")) name = e.substr(7), matrix = true;
            if (!std::all_of(name.begin(), name.end(), ident)) name = {};
        } else {
            const bool brace = i + 1 < command.size() && command[i + 1] == '{';
            std::size_t j = i + 1 + (brace ? 1 : 0);
            const std::size_t from = j;
            while (j < command.size() && ident(command[j])) ++j;
            name = command.substr(from, j - from);
            if (brace && (j >= command.size() || command[j] != '}')) name = {};  // ${X:-default} and the like
            size = j + (brace ? 1 : 0) - i;
        }
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) continue;
        const Bound* b = find(line, name, matrix);
        if (b == nullptr) continue;
        uses.insert(uses.end(), b->lines.begin(), b->lines.end());
        if (!matrix && set_in_commands(name)) continue;
        if (std::any_of(b->values.begin(), b->values.end(), [](const auto& v) { return !v; })) continue;
        refs.push_back(Ref{i, size, b});
    }
    if (refs.empty()) return {std::string(command)};
    // GitHub runs every combination of a matrix's variables (docs.github.com, "Using a matrix for your
    // jobs"; include adds, exclude removes): every combination of the values read is a command.
    // Past 64 combinations the command is not expanded (unknown where a tool reads it).
    std::vector<const Bound*> distinct;
    std::size_t variants = 1;
    for (const Ref& r : refs) {
        if (std::find(distinct.begin(), distinct.end(), r.bound) != distinct.end()) continue;
        distinct.push_back(r.bound);
        variants *= r.bound->values.size();
        if (variants > 64) return {std::string(command)};
    }
    std::vector<std::string> out;
    for (std::size_t v = 0; v < variants; ++v) {
        std::string s;
        std::size_t from = 0;
        for (const Ref& r : refs) {
            std::size_t pick = v;
            for (const Bound* d : distinct) {
                if (d == r.bound) break;
                pick /= d->values.size();
            }
            s.append(command.substr(from, r.at - from));
            s += *r.bound->values[pick % r.bound->values.size()];
            from = r.at + r.size;
        }
        s.append(command.substr(from));
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<std::string> WorkflowValues::working_directory(int line, std::vector<int>& uses) const {
    // The step's own, then the nearest defaults.run (the job's, then the workflow's).
    const Bound* found = nullptr;
    int depth = 0;
    for (int node = scope(line); node >= 0 && !found && ++depth <= 64; node = m_nodes[static_cast<std::size_t>(node)].parent) {
        const Node& m = m_nodes[static_cast<std::size_t>(node)];
        if (m.workdir) found = &*m.workdir;
        else if (m.default_workdir) found = &*m.default_workdir;
    }
    if (!found) return depth > 64 ? std::nullopt : std::optional<std::string>(std::string());
    uses.insert(uses.end(), found->lines.begin(), found->lines.end());
    if (!found->values.front()) return std::nullopt;
    return join_folder("", *found->values.front());
}

}  // namespace pgfence::analyze::tools::deploy_detail
