"""The lines of a pull request's diff a review comment may be on, as GitHub decides: the lines of
its hunks, added and context lines on the RIGHT (the head), removed and context lines on the LEFT
(the base), from `git diff` of the merge base and the head with rename detection (three-dot, as
GitHub shows a pull request)."""

import codecs
import os
import re
import subprocess

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _path(header):
    """'b/dir/file.sql' or a C-quoted '"b/dir/\\"odd\\".sql"' (git quotes those) -> dir/file.sql."""
    if header.endswith("\t"):  # git ends a name that has a space with a tab
        header = header[:-1]
    if header.startswith('"') and header.endswith('"'):
        raw = codecs.escape_decode(header[1:-1].encode("utf-8", "surrogateescape"))[0]
        header = raw.decode("utf-8", "surrogateescape")
    return header[2:] if header[:2] in ("a/", "b/") else header


def parse(diff_text):
    """{path: {"RIGHT": set(lines), "LEFT": set(lines)}} from unified diff text."""
    files = {}
    current = old_path = None
    old_left = new_left = 0  # lines of the current hunk still to read
    left = right = 0         # the next line numbers on each side
    for line in diff_text.split("\n"):
        if old_left > 0 or new_left > 0:
            if line.startswith("\\"):  # "\ No newline at end of file"
                continue
            tag = line[:1]
            if tag in (" ", ""):
                current["LEFT"].add(left)
                current["RIGHT"].add(right)
                left, right, old_left, new_left = left + 1, right + 1, old_left - 1, new_left - 1
            elif tag == "-":
                current["LEFT"].add(left)
                left, old_left = left + 1, old_left - 1
            elif tag == "+":
                current["RIGHT"].add(right)
                right, new_left = right + 1, new_left - 1
            continue
        if line.startswith("diff --git "):
            current, old_path = None, None
        elif line.startswith("--- ") and current is None:
            old_path = None if line[4:] == "/dev/null" else _path(line[4:])
        elif line.startswith("+++ ") and current is None:
            # A deleted file's lines are its old path's (LEFT only).
            name = old_path if line[4:] == "/dev/null" else _path(line[4:])
            if name is not None:
                current = files.setdefault(name, {"LEFT": set(), "RIGHT": set()})
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                left, right = int(m.group(1)), int(m.group(3))
                old_left = int(m.group(2)) if m.group(2) is not None else 1
                new_left = int(m.group(4)) if m.group(4) is not None else 1
    return files


def diff_lines(directory, base, head):
    """The commentable lines of base...head in the repository at `directory`."""
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    out = subprocess.run(["git", "-C", directory, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff",
                          "--src-prefix=a/", "--dst-prefix=b/", "-M", f"{base}...{head}"],
                         env=env, capture_output=True, check=True).stdout
    return parse(out.decode("utf-8", "surrogateescape"))
