#!/usr/bin/env python3
"""Fails when a file that must read PostgreSQL's typed parse tree (analyze/parse/pg_tree.hpp) reads the
old JSON tree instead: including analyze/parse/parse_tree.hpp or analyze/parse/json_access.hpp, reading by a
string key (`["key"]`, `.value("key"`, `.contains("key"`, `member(x, "key")`), or comparing with
the name of a PostgreSQL enum value as a string ("AT_AddColumn", "OBJECT_TABLE", "CONSTR_CHECK").
A misspelt key or enum name in such a read compiles and silently turns a check off; through the
typed tree it does not compile.

Usage: typed_tree_test.py ROOT DIR [DIR...]   (DIRs relative to ROOT, e.g. analyze/rules)
"""
import pathlib
import re
import sys

# The prefixes of the enums of PostgreSQL's parse nodes (nodes/parsenodes.h, primnodes.h) that
# the JSON tree spelt as strings.
ENUM_PREFIXES = ("AT", "OBJECT", "CONSTR", "TRANS_STMT", "DROP", "REINDEX_OBJECT", "SETOP", "AEXPR",
                 "IS", "PARTITION_STRATEGY", "VAR_SET", "SORTBY", "ROLESPEC", "FKCONSTR", "ATTRIBUTE",
                 "CMD", "OVERRIDING", "LCS", "LCW", "CTE", "RTE", "JS", "JSON", "NO_CHECK_OPTION",
                 "LOCAL_CHECK_OPTION", "CASCADED_CHECK_OPTION", "VACOPT", "GRANT_OBJECT", "ACL_TARGET")
CHECKS = [
    (re.compile(r'#\s*include\s*"analyze/(?:parse/)?(parse_tree|json_access)\.hpp"'), "includes the JSON tree"),
    (re.compile(r'\[\s*"[A-Za-z_]+"\s*\]'), 'reads a member by string key (["key"])'),
    (re.compile(r'\.value\(\s*"'), 'reads a member by string key (.value("key", ...))'),
    (re.compile(r'\.contains\(\s*"'), 'tests a member by string key (.contains("key"))'),
    (re.compile(r'\bmember\([^)]*,\s*"'), 'reads a member by string key (member(x, "key"))'),
    (re.compile(r'"(?:%s)_[A-Za-z_]+"' % "|".join(ENUM_PREFIXES)), "names an enum value as a string"),
]


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    problems = []
    checked = 0
    for folder in sys.argv[2:]:
        files = sorted((root / folder).glob("*.[ch]pp"))
        if not files:
            problems.append(f"{folder}: no .cpp or .hpp files (wrong folder?)")
        for path in files:
            checked += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("//", 1)[0]
                for pattern, what in CHECKS:
                    if pattern.search(code):
                        problems.append(f"{path.relative_to(root)}:{number}: {what}: {line.strip()}")
    for p in problems:
        print(p)
    print(f"{checked} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
