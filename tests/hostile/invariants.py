"""What no hostile input may get out of pgfence, whatever the channel: the checks every case of
the hostile suite runs over everything pgfence printed, wrote, or sent to the GitHub double.

- no secret of the job's environment, anywhere;
- no workflow command the runner would obey other than the annotations pgfence itself emits,
  with their properties escaped as GitHub's runner decodes them, and no `##[` at all;
- no terminal escape sequence (every text format but a coloured terminal report);
- in Markdown (comment, check run, job summary, --format markdown, SARIF markdown): no live HTML,
  no @mention, no link, and no heading written by the input, outside code.
"""
import re

# The workflow commands pgfence emits itself (annotate/workflow_commands.cpp); any other name at
# the start of a line is one the input smuggled in.
OWN_COMMANDS = {"error", "warning", "notice", "group", "endgroup"}
# Every command the runner obeys (GitHub's actions/runner ActionCommandManager and the legacy
# set-env/add-path), used by the cases to build payloads.
RUNNER_COMMANDS = ["error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "stop-commands",
                   "echo", "set-output", "save-state", "add-path", "set-env", "add-matcher", "remove-matcher"]

COMMAND_LINE = re.compile(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$")


def workflow_command_problems(text, where):
    """Lines the runner would read as commands that pgfence did not mean to write."""
    problems = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.lstrip()  # the runner trims leading white space before it looks for "::"
        if "##[" in raw:
            problems.append(f"{where}:{n}: '##[' reaches the log: {raw[:160]!r}")
        if not line.startswith("::"):
            continue
        m = COMMAND_LINE.match(line)
        if not m:
            problems.append(f"{where}:{n}: a line starting with '::' that is no command of ours: {raw[:160]!r}")
            continue
        name, props, _message = m.groups()
        if name not in OWN_COMMANDS:
            problems.append(f"{where}:{n}: workflow command '{name}' from the input: {raw[:160]!r}")
            continue
        for prop in (props or "").split(","):
            if not prop:
                continue
            key, eq, value = prop.partition("=")
            if not eq or not re.fullmatch(r"[a-zA-Z]+", key) or ":" in value:
                problems.append(f"{where}:{n}: a property the runner would misread: {prop[:120]!r}")
    return problems


def strip_code(markdown):
    """The Markdown outside fenced code blocks and code spans (CommonMark's rules for both, which
    is what GitHub renders): what a reader sees as live text."""
    out = []
    fence = None  # (char, length) of the open fence
    for line in markdown.split("\n"):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        m = re.match(r"(`{3,}|~{3,})(.*)$", stripped) if indent <= 3 else None
        if fence is None:
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = (m.group(1)[0], len(m.group(1)))
                continue
            out.append(line)
        else:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
                fence = None
            continue
    text = "\n".join(out)
    # Code spans: a run of n backticks up to the next run of exactly n.
    result, i = [], 0
    while i < len(text):
        if text[i] == "`":
            j = i
            while j < len(text) and text[j] == "`":
                j += 1
            run = text[i:j]
            close = re.compile(r"(?<!`)" + re.escape(run) + r"(?!`)").search(text, j)
            if close:
                result.append(" ")
                i = close.end()
                continue
            result.append(run)
            i = j
            continue
        result.append(text[i])
        i += 1
    return "".join(result)


def markdown_problems(markdown, where, payload_words):
    """Live markup the input wrote: raw tags, mentions, links and headings outside code."""
    live = strip_code(markdown)
    problems = []
    for tag in ("<img", "<script", "<a ", "<iframe", "<b>pwn"):
        if tag in live.lower():
            problems.append(f"{where}: live HTML {tag!r} from the input")
    if re.search(r"(?<![\w`\\&;])@octocat\b", live):
        problems.append(f"{where}: a live @mention from the input")
    if re.search(r"\]\(https?://evil", live) or re.search(r"(?<![\w/])https?://evil\.example", live):
        problems.append(f"{where}: a live link from the input")
    if re.search(r"(?<!\\)\$[^$\n]*\\[A-Za-z]+[^$\n]*(?<!\\)\$", live):
        problems.append(f"{where}: GitHub math ($...$) written by the input")
    for line in live.split("\n"):
        if re.match(r" {0,3}#{1,6} All clear", line):
            problems.append(f"{where}: a heading written by the input: {line[:100]!r}")
    for word in payload_words:
        if word and word in live and "\n" in word:
            problems.append(f"{where}: raw multi-line input outside code")
    return problems


def secret_problems(blobs, secrets):
    problems = []
    for where, text in blobs:
        for name, value in secrets.items():
            if value in text:
                problems.append(f"{where}: the secret {name} leaked")
    return problems


def escape_problems(text, where):
    if "\x1b" in text:
        return [f"{where}: a terminal escape sequence reaches the output"]
    return []
