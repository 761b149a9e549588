"""The completions and the man page (share/, written by scripts/shell-files.py from the binary's
help) agree with the binary, and work: bash completes commands and each command's options, zsh
and fish read their files (where installed), man renders the page at 80 columns.

    shell_files_test.py --binary PATH --root REPO
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402


check = Checks("shell_files")


def bash_complete(root, words):
    script = (f"source '{root}/share/completions/pgfence.bash'; COMP_WORDS=({' '.join(repr(w) for w in words)}); "
              f"COMP_CWORD={len(words) - 1}; _pgfence; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    return subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True).stdout.split()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    proc = subprocess.run([sys.executable, os.path.join(a.root, "scripts/shell-files.py"), a.binary, "--root", a.root, "--check"],
                          capture_output=True, text=True)
    check(proc.returncode == 0, f"share/ agrees with the binary's help: {proc.stderr}")
    check("analyze" in bash_complete(a.root, ["pgfence", "an"]), "bash: pgfence an<TAB> -> analyze")
    check(bash_complete(a.root, ["pgfence", "analyze", "--chan"]) == ["--changed-since"], "bash: analyze --chan<TAB>")
    check("--setup" in bash_complete(a.root, ["pgfence", "trace", "--s"]), "bash: trace --s<TAB> has --setup")
    check("--setup" not in bash_complete(a.root, ["pgfence", "analyze", "--s"]), "bash: analyze's options only")
    for shell, path in (("zsh", "share/completions/_pgfence"), ("fish", "share/completions/pgfence.fish")):
        if shutil.which(shell):
            r = subprocess.run([shell, "-n", os.path.join(a.root, path)], capture_output=True, text=True)
            check(r.returncode == 0, f"{shell} reads {path}: {r.stderr}")
        else:
            print(f"skip: {shell} is not installed: its file's syntax is not checked")
    if shutil.which("man"):
        r = subprocess.run(["man", "-l", os.path.join(a.root, "share/man/pgfence.1")], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8"))
        wide = [l for l in r.stdout.splitlines() if len(l) > 80]
        check(r.returncode == 0 and "ANALYZE OPTIONS" in r.stdout and "--changed-since" in r.stdout and not wide,
              f"man renders the page within 80 columns: {r.returncode} {r.stderr[:300]} {wide[:3]}")
    else:
        print("skip: man is not installed: the page is not rendered")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
