#!/usr/bin/env python3
"""Render README.md, CONTRIBUTING.md and docs/**/*.md as a static HTML site and check every link.

    scripts/docs-site.py [--root DIR] [--out DIR] [--allow-missing PATH]...

Every page is rendered with markdown-it (Debian's python3-markdown-it) to the same path with
.html, with a nav listing every page. Links are checked whether or not --out is given:

- a relative link must name a file or folder inside the repository; a link to a page of the site
  is rewritten to its .html, a link to any other file of the repository to that file on GitHub;
- a #fragment must be a heading of the page it points at, spelled as GitHub makes heading ids
  (lowercase, punctuation but - and _ dropped, spaces to -, a repeated id gets -1, -2, ...);
  a fragment on another file of the repository must be a GitHub line anchor (#L10, #L10-L20);
- an image must be a file of the repository (it is copied into the site);
- an http(s) link is not fetched, but must be well formed (a host, no spaces);
- every page but README.md and docs/index.md is linked from another page.

Each broken link is one line, `error: FILE:LINE: broken link 'TARGET': why`, and the exit code
is 1; 0 when every link holds. --allow-missing PATH (repository-relative, repeatable) accepts a
link to that one missing file, for checking a branch before a page it links to is merged.
"""

import argparse
import html
import os
import re
import shutil
import sys
import unicodedata
import urllib.parse

from markdown_it import MarkdownIt
from markdown_it.token import Token

REPO_URL = "https://github.com/pgfence/action"
SKIP_DIRS = {".git", "node_modules"}

CSS = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; }
.layout { display: flex; max-width: 1200px; margin: 0 auto; }
nav { flex: 0 0 230px; padding: 1.5em 1em; border-right: 1px solid #d0d7de; font-size: 14px; }
nav ul { list-style: none; padding-left: 0; margin: 0.3em 0; }
nav li { margin: 0.2em 0; }
nav a { color: #0969da; text-decoration: none; }
nav a[aria-current] { font-weight: 600; color: #1f2328; }
nav details ul { max-height: 24em; overflow-y: auto; }
main { flex: 1 1 auto; min-width: 0; padding: 1.5em 2.5em 4em; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.3em; }
a { color: #0969da; }
code { background: #eff1f3; padding: 0.1em 0.3em; border-radius: 4px; font-size: 90%; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; border-radius: 6px; line-height: 1.4; }
pre code { background: none; padding: 0; font-size: 13px; }
table { border-collapse: collapse; display: block; overflow-x: auto; margin: 1em 0; }
th, td { border: 1px solid #d0d7de; padding: 0.35em 0.7em; vertical-align: top; }
th { background: #f6f8fa; }
blockquote { color: #59636e; border-left: 4px solid #d0d7de; margin: 0; padding: 0 1em; }
@media (max-width: 800px) { .layout { display: block; } nav { border-right: none; border-bottom: 1px solid #d0d7de; } }
"""


def github_slug(text):
    """The id GitHub gives a heading whose text is `text` (github-slugger, before duplicates)."""
    out = []
    for c in text.lower():
        if c == " ":
            out.append("-")
        elif c in "-_" or unicodedata.category(c)[0] in "LNM" or unicodedata.category(c) == "Pc":
            out.append(c)
    return "".join(out)


def inline_text(token, with_html=False):
    """The plain text of an inline token: text and code spans, markup left out (raw HTML too,
    unless with_html)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline") or (with_html and child.type == "html_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(inline_text(child))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def make_parser():
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    return md


class Page:
    def __init__(self, root, rel, md):
        self.rel = rel  # repository-relative, with /
        self.path = os.path.join(root, rel)
        with open(self.path, encoding="utf-8") as f:
            self.source = f.read()
        self.lines = self.source.split("\n")
        self.tokens = md.parse(self.source)
        self.anchors = set()
        self.title = None
        occurrences = {}  # github-slugger's
        for i, tok in enumerate(self.tokens):
            if tok.type != "heading_open":
                continue
            text = inline_text(self.tokens[i + 1]).strip()
            if self.title is None and tok.tag == "h1":
                self.title = inline_text(self.tokens[i + 1], with_html=True).strip()
            original = slug = github_slug(text)
            while slug in occurrences:
                occurrences[original] += 1
                slug = f"{original}-{occurrences[original]}"
            occurrences[slug] = 0
            self.anchors.add(slug)
            tok.attrSet("id", slug)
        if not self.title:
            self.title = os.path.splitext(os.path.basename(rel))[0]

    @property
    def html_rel(self):
        return os.path.splitext(self.rel)[0] + ".html"


def find_pages(root):
    pages = [p for p in ("README.md", "CONTRIBUTING.md") if os.path.isfile(os.path.join(root, p))]
    docs = os.path.join(root, "docs")
    found = []
    for d, dirs, files in os.walk(docs):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for f in files:
            if f.endswith(".md"):
                found.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    found.sort(key=lambda p: (p != "docs/index.md", p.count("/"), p))  # the site's home first
    home, rest = found[:1] if found[:1] == ["docs/index.md"] else [], [p for p in found if p != "docs/index.md"]
    return home + [p for p in pages if p == "README.md"] + rest + [p for p in pages if p == "CONTRIBUTING.md"]


def link_line(page, token_map, target):
    """The 1-based line of `target` in the block that holds it (the block's first line if unsure)."""
    if not token_map:
        return 1
    start, end = token_map
    for n in range(start, min(end, len(page.lines))):
        if target in page.lines[n] or urllib.parse.unquote(target) in page.lines[n]:
            return n + 1
    return start + 1


def url_ok(url):
    """Why an http(s) URL is malformed, or None."""
    if re.search(r"\s", url):
        return "a URL has no spaces"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # raises on a bad port
    except ValueError as e:
        return f"not a URL ({e})"
    host = parts.hostname or ""
    if not host:
        return "no host"
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", host):
        return f"'{host}' is not a host name"
    return None


class Checker:
    def __init__(self, root, pages, allow_missing, repo_url):
        self.root = os.path.realpath(root)
        self.pages = {p.rel: p for p in pages}
        self.allow_missing = {a.strip("/") for a in allow_missing}
        self.repo_url = repo_url.rstrip("/")
        self.errors = []
        self.linked = set()  # pages some other page links to

    def error(self, page, line, target, why):
        # markdown-it percent-encodes hrefs; report the link as it is written
        self.errors.append(f"error: {page.rel}:{line}: broken link '{urllib.parse.unquote(target)}': {why}")

    def resolve(self, page, target, line, image=False):
        """Check one link of `page`; return the href the site uses for it (None: leave as is)."""
        if target == "":
            self.error(page, line, target, "empty link")
            return None
        scheme = urllib.parse.urlsplit(target).scheme.lower() if ":" in target.split("/")[0] else ""
        if scheme in ("http", "https"):
            why = url_ok(urllib.parse.unquote(target))
            if why:
                self.error(page, line, target, why)
            elif image:
                self.error(page, line, target, "an image must be a file of the repository")
            return None
        if scheme == "mailto":
            if "@" not in target:
                self.error(page, line, target, "a mailto: link needs an address")
            return None
        if scheme:
            self.error(page, line, target, f"'{scheme}:' links are not allowed")
            return None
        path, _, fragment = target.partition("#")
        path, fragment = urllib.parse.unquote(path), urllib.parse.unquote(fragment)
        if "?" in path:
            self.error(page, line, target, "a relative link has no query")
            return None
        if path.startswith("/"):
            self.error(page, line, target, "an absolute path; use a path relative to the page")
            return None
        if path == "":
            if image:
                self.error(page, line, target, "an image needs a file")
            elif fragment not in page.anchors:
                self.error(page, line, target, f"no heading with id '{fragment}' in {page.rel}")
            return None
        base = os.path.dirname(page.rel)
        rel = os.path.normpath(os.path.join(base, path)).replace(os.sep, "/")
        full = os.path.join(self.root, rel)
        if rel == ".." or rel.startswith("../") or not os.path.realpath(full).startswith(self.root):
            self.error(page, line, target, "outside the repository")
            return None
        if not os.path.exists(full):
            if rel in self.allow_missing:
                return self._site_href(page, rel, fragment, is_page=rel.endswith(".md"))
            self.error(page, line, target, f"{rel} does not exist")
            return None
        if image:
            if not os.path.isfile(full):
                self.error(page, line, target, f"{rel} is not a file")
            return None
        target_page = self.pages.get(rel)
        if target_page is not None:
            if target_page is not page:
                self.linked.add(rel)
            if fragment and fragment not in target_page.anchors:
                self.error(page, line, target, f"no heading with id '{fragment}' in {rel}")
            return self._site_href(page, rel, fragment, is_page=True)
        if fragment and not re.fullmatch(r"L\d+(-L\d+)?", fragment):
            self.error(page, line, target, f"{rel} is not a page of the site: only a line (#L10) can be linked in it")
        return self._site_href(page, rel, fragment, is_page=False, is_dir=os.path.isdir(full))

    def _site_href(self, page, rel, fragment, is_page, is_dir=False):
        frag = "#" + fragment if fragment else ""
        if is_page:
            target = os.path.splitext(rel)[0] + ".html"
            here = os.path.dirname(page.rel) or "."
            return urllib.parse.quote(os.path.relpath(target, here).replace(os.sep, "/")) + frag
        kind = "tree" if is_dir else "blob"
        return f"{self.repo_url}/{kind}/main/{urllib.parse.quote(rel)}{frag}"

    def check_page(self, page):
        """Check every link and image of the page, rewriting hrefs for the site in its tokens."""
        for block in page.tokens:
            if block.type == "inline":
                self._walk(page, block.children or [], block.map)

    def _walk(self, page, children, token_map):
        for tok in children:
            if tok.type == "link_open":
                href = tok.attrGet("href") or ""
                # markdown-it normalises the href (percent-encoding); report it as written.
                shown = urllib.parse.unquote(href)
                new = self.resolve(page, href, link_line(page, token_map, shown))
                if new is not None:
                    tok.attrSet("href", new)
            elif tok.type == "image":
                src = tok.attrGet("src") or ""
                shown = urllib.parse.unquote(src)
                self.resolve(page, src, link_line(page, token_map, shown), image=True)
            if tok.children:
                self._walk(page, tok.children, token_map)


def neutralise_html(tokens):
    """Raw HTML in the Markdown: comments are dropped, anything else is shown as text."""
    for tok in tokens:
        if tok.type in ("html_block", "html_inline"):
            if tok.content.strip().startswith("<!--") and tok.content.strip().endswith("-->"):
                tok.content = ""
            elif tok.type == "html_block":
                tok.type, tok.tag, tok.nesting = "code_block", "code", 0
            else:
                tok.type = "text"
        if tok.children:
            neutralise_html(tok.children)


def nav_html(pages, current):
    here = os.path.dirname(current.rel) or "."

    def item(p):
        href = html.escape(urllib.parse.quote(os.path.relpath(p.html_rel, here).replace(os.sep, "/")))
        cur = ' aria-current="page"' if p is current else ""
        return f'<li><a href="{href}"{cur}>{html.escape(p.title)}</a></li>'

    main = [p for p in pages if not p.rel.startswith("docs/rules/")]
    rules = [p for p in pages if p.rel.startswith("docs/rules/")]
    out = ['<nav aria-label="pages">', "<ul>"]
    out += [item(p) for p in main]
    out.append("</ul>")
    if rules:
        opened = " open" if current in rules else ""
        out.append(f"<details{opened}><summary>Rules ({len(rules)})</summary><ul>")
        out += [item(p) for p in rules]
        out.append("</ul></details>")
    out.append("</nav>")
    return "\n".join(out)


def write_site(md, pages, out, root):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "style.css"), "w", encoding="utf-8") as f:
        f.write(CSS.lstrip())
    for page in pages:
        neutralise_html(page.tokens)
        body = md.renderer.render(page.tokens, md.options, {})
        dest = os.path.join(out, page.html_rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        css = os.path.relpath(os.path.join(out, "style.css"), os.path.dirname(dest)).replace(os.sep, "/")
        doc = (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(page.title)} · pgfence</title>\n"
            f'<link rel="stylesheet" href="{html.escape(css)}">\n</head>\n<body>\n<div class="layout">\n'
            f"{nav_html(pages, page)}\n<main>\n{body}</main>\n</div>\n</body>\n</html>\n"
        )
        with open(dest, "w", encoding="utf-8") as f:
            f.write(doc)
        for tok in page.tokens:  # images beside the page
            for child in tok.children or []:
                if child.type == "image":
                    src = urllib.parse.unquote(child.attrGet("src") or "")
                    rel = os.path.normpath(os.path.join(os.path.dirname(page.rel), src))
                    if os.path.isfile(os.path.join(root, rel)):
                        os.makedirs(os.path.dirname(os.path.join(out, rel)) or out, exist_ok=True)
                        shutil.copyfile(os.path.join(root, rel), os.path.join(out, rel))
    home = "docs/index.html" if any(p.rel == "docs/index.md" for p in pages) else "README.html"
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="refresh" content="0; url={home}">\n<title>pgfence</title>\n</head>\n'
            f'<body><p><a href="{home}">pgfence documentation</a></p></body>\n</html>\n'
        )


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.dirname(here), help="the repository (default: this script's)")
    ap.add_argument("--out", help="write the site here (default: check the links only)")
    ap.add_argument("--allow-missing", action="append", default=[], metavar="PATH",
                    help="accept links to this missing repository-relative file (repeatable)")
    ap.add_argument("--repo-url", default=REPO_URL, help="where links to other files of the repository go")
    args = ap.parse_args(argv)

    md = make_parser()
    pages = [Page(args.root, rel, md) for rel in find_pages(args.root)]
    checker = Checker(args.root, pages, args.allow_missing, args.repo_url)
    for page in pages:
        checker.check_page(page)
    for page in pages:  # a page no other page links to is lost on the site
        if page.rel not in ("README.md", "docs/index.md") and page.rel not in checker.linked:
            checker.errors.append(f"error: {page.rel}:1: no page links to it (link it from docs/index.md)")
    if args.out:
        write_site(md, pages, args.out, args.root)
    for e in checker.errors:
        print(e)
    verdict = f"{len(pages)} pages, {len(checker.errors)} broken links"
    print(f"docs-site: {verdict}" + (f"; site in {args.out}" if args.out else ""), file=sys.stderr)
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main())
