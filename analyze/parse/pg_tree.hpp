#pragma once
// PostgreSQL's own parse tree, read as the C structs its parser builds (libpg_query's
// pg_query_raw_parse; the package ships the server's node headers). Node kinds, fields and enums
// are C++ types and enumerators, so a misspelt field or enum does not compile, and a grammar
// upgrade that renames one breaks the build instead of turning a rule off. Nothing is
// serialised: the tree is the parser's output, read in place.
//
// Inside namespace pgfence::analyze, `Node` is the JSON tree of parse_tree.hpp; PostgreSQL's
// node is `pg::Node` (the global ::Node).
//
// The server's headers are C and define macros for printf, snprintf, strerror, qsort, gettext
// and the elog levels (ERROR, WARNING, INFO, ...); this header includes the C++ library first
// and restores those macros after (to undefined, or to what the includer had, such as Catch's
// INFO), so code that includes it is not affected.
#include <libintl.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <csetjmp>
#include <csignal>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iterator>
#include <locale>
#include <string>
#include <string_view>

#pragma push_macro("printf")
#undef printf
#pragma push_macro("fprintf")
#undef fprintf
#pragma push_macro("sprintf")
#undef sprintf
#pragma push_macro("snprintf")
#undef snprintf
#pragma push_macro("vprintf")
#undef vprintf
#pragma push_macro("vfprintf")
#undef vfprintf
#pragma push_macro("vsprintf")
#undef vsprintf
#pragma push_macro("vsnprintf")
#undef vsnprintf
#pragma push_macro("strerror")
#undef strerror
#pragma push_macro("strerror_r")
#undef strerror_r
#pragma push_macro("qsort")
#undef qsort
#pragma push_macro("gettext")
#undef gettext
#pragma push_macro("dgettext")
#undef dgettext
#pragma push_macro("ngettext")
#undef ngettext
#pragma push_macro("dngettext")
#undef dngettext
#pragma push_macro("gettext_noop")
#undef gettext_noop
#pragma push_macro("_")
#undef _
#pragma push_macro("DEBUG5")
#undef DEBUG5
#pragma push_macro("DEBUG4")
#undef DEBUG4
#pragma push_macro("DEBUG3")
#undef DEBUG3
#pragma push_macro("DEBUG2")
#undef DEBUG2
#pragma push_macro("DEBUG1")
#undef DEBUG1
#pragma push_macro("LOG")
#undef LOG
#pragma push_macro("LOG_SERVER_ONLY")
#undef LOG_SERVER_ONLY
#pragma push_macro("COMMERROR")
#undef COMMERROR
#pragma push_macro("INFO")
#undef INFO
#pragma push_macro("NOTICE")
#undef NOTICE
#pragma push_macro("WARNING")
#undef WARNING
#pragma push_macro("PGWARNING")
#undef PGWARNING
#pragma push_macro("WARNING_CLIENT_ONLY")
#undef WARNING_CLIENT_ONLY
#pragma push_macro("ERROR")
#undef ERROR
#pragma push_macro("PGERROR")
#undef PGERROR
#pragma push_macro("FATAL")
#undef FATAL
#pragma push_macro("PANIC")
#undef PANIC
extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
}
#pragma pop_macro("printf")
#pragma pop_macro("fprintf")
#pragma pop_macro("sprintf")
#pragma pop_macro("snprintf")
#pragma pop_macro("vprintf")
#pragma pop_macro("vfprintf")
#pragma pop_macro("vsprintf")
#pragma pop_macro("vsnprintf")
#pragma pop_macro("strerror")
#pragma pop_macro("strerror_r")
#pragma pop_macro("qsort")
#pragma pop_macro("gettext")
#pragma pop_macro("dgettext")
#pragma pop_macro("ngettext")
#pragma pop_macro("dngettext")
#pragma pop_macro("gettext_noop")
#pragma pop_macro("_")
#pragma pop_macro("DEBUG5")
#pragma pop_macro("DEBUG4")
#pragma pop_macro("DEBUG3")
#pragma pop_macro("DEBUG2")
#pragma pop_macro("DEBUG1")
#pragma pop_macro("LOG")
#pragma pop_macro("LOG_SERVER_ONLY")
#pragma pop_macro("COMMERROR")
#pragma pop_macro("INFO")
#pragma pop_macro("NOTICE")
#pragma pop_macro("WARNING")
#pragma pop_macro("PGWARNING")
#pragma pop_macro("WARNING_CLIENT_ONLY")
#pragma pop_macro("ERROR")
#pragma pop_macro("PGERROR")
#pragma pop_macro("FATAL")
#pragma pop_macro("PANIC")

// The NodeTag of each node struct (generated from the package's nodes/nodetags.h). Declared
// outside namespace pgfence so that its names find PostgreSQL's structs, not ours.
namespace pgfence_pg_tags {
template <class T>
struct NodeTagOf;  // undefined for a type that is not a node: as<int>() does not compile
#define PGFENCE_PG_NODE(name)                      \
    template <>                                    \
    struct NodeTagOf<struct name> {                \
        static constexpr NodeTag value = T_##name; \
    };
#include "analyze/pg_node_tags.inc"
#undef PGFENCE_PG_NODE
}  // namespace pgfence_pg_tags

namespace pgfence::analyze::pg {

using pgfence_pg_tags::NodeTagOf;
using Node = ::Node;
using List = ::List;

template <class T>
[[nodiscard]] inline bool is(const Node* node) {
    return node != nullptr && nodeTag(node) == NodeTagOf<T>::value;
}

// The node as a T, or nullptr when it is absent or of another kind.
template <class T>
[[nodiscard]] inline const T* as(const Node* node) {
    return is<T>(node) ? reinterpret_cast<const T*>(node) : nullptr;
}
template <class T>
[[nodiscard]] inline const T* as(const void* node) {
    return as<T>(static_cast<const Node*>(node));
}

// The elements of a List of nodes that are Ts (all of them for T = Node, nulls included), in
// order: `for (const ColumnDef* column : each<ColumnDef>(stmt->tableElts))`. A null list is empty.
template <class T = Node>
class Each {
public:
    class iterator {
    public:
        using difference_type = std::ptrdiff_t;
        using value_type = const T*;
        using pointer = const T* const*;
        using reference = const T*;
        using iterator_category = std::forward_iterator_tag;
        iterator() = default;
        iterator(const ListCell* cell, const ListCell* end) : m_cell(cell), m_end(end) { settle(); }
        const T* operator*() const { return static_cast<const T*>(m_cell->ptr_value); }
        iterator& operator++() {
            ++m_cell;
            settle();
            return *this;
        }
        iterator operator++(int) {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) { return a.m_cell == b.m_cell; }
        friend bool operator!=(const iterator& a, const iterator& b) { return a.m_cell != b.m_cell; }

    private:
        void settle() {
            if constexpr (!std::is_same_v<T, Node>) {
                while (m_cell != m_end && !is<T>(static_cast<const Node*>(m_cell->ptr_value))) ++m_cell;
            }
        }
        const ListCell* m_cell = nullptr;
        const ListCell* m_end = nullptr;
    };

    explicit Each(const List* list)
        : m_first(list != nullptr ? list->elements : nullptr),
          m_last(list != nullptr ? list->elements + list->length : nullptr) {}
    [[nodiscard]] iterator begin() const { return {m_first, m_last}; }
    [[nodiscard]] iterator end() const { return {m_last, m_last}; }
    [[nodiscard]] bool empty() const { return begin() == end(); }
    // The first T, or nullptr.
    [[nodiscard]] const T* first() const { return empty() ? nullptr : *begin(); }

private:
    const ListCell* m_first;
    const ListCell* m_last;
};

template <class T = Node>
[[nodiscard]] inline Each<T> each(const List* list) {
    return Each<T>(list);
}

// The node's kind as PostgreSQL names it ("AlterTableStmt"), "" for null.
[[nodiscard]] std::string_view kind_name(const Node* node);

// Number of elements of a list (0 for a null list), and one element (nullptr out of range).
[[nodiscard]] inline int length(const List* list) { return list != nullptr ? list->length : 0; }
[[nodiscard]] inline const Node* nth(const List* list, int index) {
    return index >= 0 && index < length(list) ? static_cast<const Node*>(list->elements[index].ptr_value) : nullptr;
}
[[nodiscard]] inline const Node* last(const List* list) { return nth(list, length(list) - 1); }
// Position of `node` in `list`, or -1.
[[nodiscard]] inline int index_of(const List* list, const void* node) {
    for (int i = 0; i < length(list); ++i) {
        if (list->elements[i].ptr_value == node) return i;
    }
    return -1;
}

// A String node's text (names, keywords), or "" for anything else.
[[nodiscard]] inline std::string_view text(const Node* node) {
    const String* s = as<String>(node);
    return s != nullptr && s->sval != nullptr ? std::string_view(s->sval) : std::string_view();
}
// A C string field that may be null.
[[nodiscard]] inline std::string_view text(const char* s) { return s != nullptr ? std::string_view(s) : std::string_view(); }

// An integer constant (Integer node, or A_Const holding one), or `fallback`.
[[nodiscard]] long integer(const Node* node, long fallback = 0);

// A list of String nodes as a name, each part quoted where PostgreSQL needs it ("public.users"),
// and the last part alone, unquoted.
[[nodiscard]] std::string qualified_name(const List* names);
// The same of the first `count` parts only ("public.users" of public.users.email).
[[nodiscard]] std::string qualified_name(const List* names, int count);
[[nodiscard]] std::string_view last_name(const List* names);

// A RangeVar's relation name, and its display form: quoted where needed, schema-qualified when
// it was written so.
[[nodiscard]] inline std::string_view relname(const RangeVar* rv) { return rv != nullptr ? text(rv->relname) : std::string_view(); }
[[nodiscard]] std::string display_name(const RangeVar* rv);

}  // namespace pgfence::analyze::pg
