#pragma once
// The file as the transaction rules see it when it has DO blocks: each DO block whose statements
// pgfence reads whole stands as those statements, one after another, in the transaction the block
// runs in (a transaction of its own in autocommit), so a lock one of them takes is held across the
// next (issue #34: DO-block SQL is analysed like top-level SQL, for every rule).
#include <memory>
#include <optional>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

struct DoBlockView {
    FileReport file;                       // statements only: the file's, and the blocks' in their place
    std::vector<const pg::Node*> stmts;    // parallel to file.statements
    // Where each statement of the view comes from: the file's statement, and for a block's
    // statement which of the file's called statements it is and its line (else -1, 0). A
    // statement of the view's own (the COMMIT that ends an autocommit block) has statement -1.
    struct Origin {
        int statement = -1;
        int called = -1;
        int line = 0;
        bool own_transaction = false;  // the block is a transaction of its own (autocommit)
        bool branch = false;           // in a branch of an IF or CASE of the block
    };
    std::vector<Origin> origin;
    std::shared_ptr<void> arena;  // owns the COMMIT's tree
};

// The view, or nullopt when no DO block of the file has two or more statements pgfence reads whole.
// `every_block`: each DO block with a statement pgfence reads stands as its statements, whether or
// not it reads the whole block (the view the other file rules judge a block's statements on).
[[nodiscard]] std::optional<DoBlockView> do_block_view(const FileReport& file, const std::vector<const pg::Node*>& stmts,
                                                       const std::vector<CalledStatement>& called, bool every_block = false);

// Moves a finding made on the view to the file: at the block's statement's line, "inside DO
// block: ..." ("inside DO block, when the condition holds: ..." in a branch), with no recipe (its statements are the block's, not the file's). False for a
// finding on a statement of the view's own, which is dropped.
[[nodiscard]] bool map_to_file(const DoBlockView& view, Finding& f);

}  // namespace pgfence::analyze::rules
