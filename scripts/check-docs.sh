#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The docs check: dead links and dead paths in the documentation are bugs.
#
#   scripts/check-docs.sh [FILE.md...]    default: every tracked *.md (README.md,
#                                         CHANGELOG.md, HACKING.md, docs/*.md, ...)
#
# For each Markdown file, outside code blocks:
#  - every relative link [text](path#anchor) and image must name a file or
#    directory that exists; an #anchor (in the same file or in another .md) must
#    be one of that file's headings, spelled as GitHub spells heading anchors;
#  - every repository path named in backquotes must exist: a name with a "/"
#    (relative to the repository's root or to the file's directory), or a bare
#    file name with a source or document extension (some tracked file has that
#    name). <placeholder> and * match anything, {a,b} expands. Not checked:
#    absolute paths (/proc/self/maps), commands (a space, =, $), URLs, paths git
#    ignores (build/...), and the few names of other projects' files listed in
#    EXTERNAL below.
# Prints every dead link or path as FILE:LINE: what, and exits 1 if there is one.
# Takes well under a second; needs python3 and, for the list of files, git.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
exec python3 - "$@" <<'PY'
import fnmatch, glob, os, re, subprocess, sys

# Files of other projects that the docs name in backquotes (never in this tree).
EXTERNAL = {
    "corprof.h", "cor.h", "corprof_i.cpp", "dllmain.cpp",   # dotnet/runtime, dd-trace-dotnet
    "windows.h", "unknwn.h", "pthread.h", "sys/mman.h", "valgrind/memcheck.h",  # system headers
}
EXTENSIONS = (".c", ".h", ".cpp", ".cs", ".cmake", ".sh", ".md", ".txt", ".csv", ".png",
              ".json", ".py", ".gp", ".in", ".dict", ".options", ".yaml", ".supp",
              ".csproj", ".props", ".config")

def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError:
        return None

r = git("ls-files")
tracked = r.stdout.split("\n") if r and r.returncode == 0 else []
tracked = [t for t in tracked if t]
basenames = {os.path.basename(t) for t in tracked}

files = sys.argv[1:] or sorted(t for t in tracked if t.endswith(".md"))
if not files:
    files = sorted(["README.md", "CHANGELOG.md", "HACKING.md"] + glob.glob("docs/*.md"))

def anchor_of(heading, seen):
    h = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)        # [text](link) -> text
    h = h.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)                              # GitHub keeps letters, digits, _ and -
    h = h.replace(" ", "-")
    n = seen.get(h, 0)
    seen[h] = n + 1
    return h if n == 0 else f"{h}-{n}"

def prose_lines(path):
    """(line number, text) of the lines outside fenced and indented code blocks."""
    out, fence, prev_blank, in_indent = [], None, True, False
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = re.match(r"^\s*(```|~~~)", line)
            if fence:
                if m and m.group(1) == fence:
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            if line.startswith("    ") and (prev_blank or in_indent) and not re.match(r"^\s*([-*+]|\d+\.)\s", line):
                in_indent = True
                prev_blank = False
                continue
            if line.strip():
                in_indent = False
            prev_blank = not line.strip()
            out.append((i, line))
    return out

anchor_cache = {}
def anchors(path):
    if path not in anchor_cache:
        seen, found = {}, set()
        for _, line in prose_lines(path):
            m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if m:
                found.add(anchor_of(m.group(2), seen))
        anchor_cache[path] = found
    return anchor_cache[path]

def ignored(rel):
    r = git("check-ignore", "-q", "--no-index", rel)
    return r is not None and r.returncode == 0

def expand_braces(s):
    m = re.search(r"\{([^{}]*)\}", s)
    if not m:
        return [s]
    return [x for alt in m.group(1).split(",") for x in expand_braces(s[:m.start()] + alt + s[m.end():])]

def path_exists(name, mddir):
    pats = [re.sub(r"<[^>]*>", "*", p) for p in expand_braces(name)]
    for p in pats:
        p = p.rstrip("/") or p
        if "/" in p:
            if not (glob.glob(p) or glob.glob(os.path.join(mddir, p))):
                return False
        elif not (glob.glob(os.path.join(mddir, p)) or glob.glob(p)
                  or any(fnmatch.fnmatch(b, p) for b in basenames)):
            return False
    return True

def looks_like_path(code):
    if not code or re.search(r"[\s=$(),;'\"]", code) or "://" in code:
        return False
    if code.startswith(("/", "-", "~", ".")) or code in EXTERNAL:
        return False
    core = re.sub(r"\{[^}]*\}", "x", code).rstrip("/")
    return "/" in code or core.endswith(EXTENSIONS)

errors = []
for md in files:
    mddir = os.path.dirname(md)
    for ln, line in prose_lines(md):
        text = re.sub(r"``[^`]*``", "", line)
        # Links and images, outside inline code.
        for m in re.finditer(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", re.sub(r"`[^`]*`", "", text)):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):          # http:, https:, mailto:
                continue
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(mddir, path)) if path else md
            if path and not os.path.exists(dest):
                errors.append(f"{md}:{ln}: dead link: {target} ({dest} does not exist)")
                continue
            if frag:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    errors.append(f"{md}:{ln}: anchor on a file that has no headings: {target}")
                elif frag not in anchors(dest):
                    errors.append(f"{md}:{ln}: dead anchor: {target} (no heading of {dest} gives #{frag})")
        # Paths in backquotes.
        for m in re.finditer(r"`([^`]+)`", text):
            code = m.group(1).strip()
            if not looks_like_path(code):
                continue
            first = code.split("/")[0]
            if "/" in code and not re.search(r"[*<{]", first):
                if ignored(first) or ignored(first + "/"):
                    continue                                     # build/..., generated
                if not (os.path.exists(first) or os.path.exists(os.path.join(mddir, first))
                        or code.endswith("/") or looks_like_path(os.path.basename(code))):
                    continue                                     # reserved/32: not a path
            elif "/" not in code and ignored(code):
                continue                                         # compile_commands.json
            if not path_exists(code, mddir):
                errors.append(f"{md}:{ln}: dead path in backquotes: `{code}`")

for e in errors:
    print(e)
print(f"check-docs: {len(files)} files, {len(errors)} dead link(s) or path(s)")
sys.exit(1 if errors else 0)
PY
