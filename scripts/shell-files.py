#!/usr/bin/env python3
"""Writes the shell completions (bash, zsh, fish) and the man page from pgfence's own help, so
they list exactly the commands and options the binary takes:

    share/completions/pgfence.bash   share/completions/_pgfence   share/completions/pgfence.fish
    share/man/pgfence.1

    scripts/shell-files.py BINARY [--root REPO] [--check]

--check writes nothing and exits 1 when a committed file differs from what the binary gives
(tests/cli/CMakeLists.txt runs it so), 2 on a usage error."""
import argparse
import os
import re
import subprocess
import sys


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, check=True).stdout


def commands(binary):
    text = run(binary, "help")
    listed = text.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    out = []
    for line in listed.splitlines():
        if line.startswith("  ") and line[2] != " ":
            words = line[2:].split("  ", 1)[0].split()
            out.append(words[0])
    return out


def options(help_text):
    found = []
    for line in help_text.splitlines():
        if not line.startswith("  -"):
            continue
        column = line[2:].split("  ", 1)[0]
        for word in re.split(r"[ ,=]+", column):
            if re.fullmatch(r"--?[A-Za-z][A-Za-z0-9-]*", word) and word not in found:
                found.append(word)
    return found


def bash(cmds, opts):
    cases = "".join(f"    {c}) opts=\"{' '.join(opts[c] + ['--help'])}\" ;;\n" for c in cmds)
    return f"""# bash completion for pgfence, written by scripts/shell-files.py from `pgfence help`.
_pgfence() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "{' '.join(cmds)}" -- "$cur"))
    return
  fi
  case "${{COMP_WORDS[1]}}" in
{cases}  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o default -F _pgfence pgfence
"""


def zsh(cmds, opts):
    cases = "".join(f"  {c}) opts=({' '.join(opts[c] + ['--help'])}) ;;\n" for c in cmds)
    return f"""#compdef pgfence
# zsh completion for pgfence, written by scripts/shell-files.py from `pgfence help`.
local -a commands opts
commands=({' '.join(cmds)})
if (( CURRENT == 2 )); then
  compadd -a commands
  return
fi
case $words[2] in
{cases}esac
if [[ $PREFIX == -* ]]; then
  compadd -a opts
else
  _files
fi
"""


def fish(cmds, opts):
    lines = ["# fish completion for pgfence, written by scripts/shell-files.py from `pgfence help`.",
             f"complete -c pgfence -f -n __fish_use_subcommand -a '{' '.join(cmds)}'"]
    for c in cmds:
        for o in opts[c]:
            flag = f"-l {o[2:]}" if o.startswith("--") else f"-s {o[1:]}"
            lines.append(f"complete -c pgfence -n '__fish_seen_subcommand_from {c}' {flag}")
    return "\n".join(lines) + "\n"


def roff(text):
    out = []
    for line in text.splitlines():
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def man(binary, cmds, helps, version):
    parts = [f'.TH PGFENCE 1 "" "pgfence {version}" "User Commands"',
             ".SH NAME", "pgfence \\- find the dangerous locks in PostgreSQL migrations before they merge",
             ".SH SYNOPSIS", ".B pgfence", ".I command", "[\\fIoptions\\fR]",
             ".SH DESCRIPTION",
             "pgfence reads each migration statement with PostgreSQL's own parser and reports which relations it locks, "
             "in which lock mode, what that blocks, whether it rewrites or scans a table, how risky that is, and the safe "
             "way to do it.",
             ".SH COMMANDS", ".in 0", ".nf", roff(run(binary, "help").split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]), ".fi", ".in"]
    for c in cmds:
        body = helps[c].split("\n\n", 2)
        rest = body[2] if len(body) > 2 else ""
        if not rest.strip():
            continue
        parts += [f".SH {c.upper()} OPTIONS", ".in 0", ".nf", roff(rest.rstrip()), ".fi", ".in"]
    parts += [".SH EXIT STATUS", "0 no finding above the limit; 1 a finding above it (with --ci); 2 a usage, configuration or "
              "input error. Each command's section lists its own.",
              ".SH SEE ALSO", "https://github.com/pgfence/action/tree/main/docs (docs/cli.md: every command and option)"]
    return "\n".join(parts) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("binary")
    p.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    p.add_argument("--check", action="store_true")
    a = p.parse_args()
    cmds = commands(a.binary)
    helps = {c: run(a.binary, "help", c) for c in cmds}
    opts = {c: [o for o in options(helps[c]) if o not in ("--help", "-h")] for c in cmds}
    version = run(a.binary, "version").split()[1]
    files = {"share/completions/pgfence.bash": bash(cmds, opts), "share/completions/_pgfence": zsh(cmds, opts),
             "share/completions/pgfence.fish": fish(cmds, opts), "share/man/pgfence.1": man(a.binary, cmds, helps, version)}
    stale = []
    for rel, text in files.items():
        path = os.path.join(a.root, rel)
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if a.check:
            stale.append(rel)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    if stale:
        print(f"error: {', '.join(stale)} differ from the binary's help: run scripts/shell-files.py {a.binary}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
