#include "diff/change_set.hpp"

namespace pgfence::diff {

std::string_view to_string(ChangeStatus status) {
    switch (status) {
        case ChangeStatus::Added: return "added";
        case ChangeStatus::Modified: return "modified";
        case ChangeStatus::Renamed: return "renamed";
        case ChangeStatus::Deleted: return "deleted";
    }
    return "modified";
}

bool ChangedFile::touches(int first_line, int last_line) const {
    if (status == ChangeStatus::Deleted) return false;
    if (all_lines_new) return true;
    for (const LineRange& range : added) {
        if (range.first <= last_line && first_line <= range.last) return true;
    }
    return false;
}

}  // namespace pgfence::diff
