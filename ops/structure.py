#!/usr/bin/env python3
"""ops/structure.py: structure checks that anyone can run (a second or so, no network, no build).

Fails (exit 1, one line per finding, a summary last) when:
  1. the server's top-level modules ("rooms": server/src/<room>/ and server/src/<room>.rs) import
     each other in a cycle. A room imports another when its code names `crate::<other>` (also
     inside `use crate::{..}` groups, in macros as `$crate::`, and through `super::` that climbs
     to the crate root). It prints the rooms caught in cycles, then for each import among them
     the shortest cycle it closes, with the file and line of each import on the way;
  2. a .rs file outside tests is over 400 lines;
  3. `Utc::now` appears in the server outside server/src/domain/clock.rs (time comes from the
     `Clock`, or from that module's `now()`).

Test code is left out: files under a `tests/` or `testdata/` folder and files named `tests.rs`
(all three checks), and the item after `#[cfg(test)]`, an inline `mod tests { .. }` (checks 1
and 3, which also ignore comments and string literals).

Usage: ops/structure.py [--graph]     (--graph also prints every import edge)
"""

import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_SRC = ROOT / "server" / "src"
CLOCK = SERVER_SRC / "domain" / "clock.rs"
MAX_LINES = 400


def is_test_file(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return path.name == "tests.rs" or "tests" in parts[:-1] or "testdata" in parts[:-1]


def rust_files():
    """Every .rs file of the checkout, build output and git data aside."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in ("target", ".git"))
        for name in sorted(files):
            if name.endswith(".rs"):
                yield Path(folder) / name


def blank_comments_and_strings(text: str) -> str:
    """The same text with comments, string and char literals turned into spaces (newlines kept,
    so line numbers still hold)."""
    out, i, n = [], 0, len(text)

    def blank(chunk):
        out.append(re.sub(r"[^\n]", " ", chunk))

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(text[i:end])
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(text[i:j])
            i = j
        elif m := re.compile(r'b?r(#*)"').match(text, i):
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
                out.append(c)
                i += 1
                continue
            end = text.find('"' + m.group(1), m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            blank(text[i:end])
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(text[i : j + 1])
            i = j + 1
        elif m := re.compile(r"'(?:[^'\\\n]|\\[^']{1,9})'").match(text, i):
            blank(m.group(0))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_test_items(code: str) -> str:
    """Blanks the item after each `#[cfg(test)]` (a `mod x;` line or a braced block)."""
    for m in reversed(list(re.finditer(r"#\[cfg\(test\)\]", code))):
        brace, semi = code.find("{", m.end()), code.find(";", m.end())
        if semi >= 0 and (brace < 0 or semi < brace):
            end = semi + 1
        else:
            depth, end = 0, brace
            while end < len(code):
                depth += {"{": 1, "}": -1}.get(code[end], 0)
                end += 1
                if depth == 0:
                    break
        code = code[: m.start()] + re.sub(r"[^\n]", " ", code[m.start() : end]) + code[end:]
    return code


def production_code(path: Path) -> str:
    return blank_test_items(blank_comments_and_strings(path.read_text(encoding="utf-8")))


def module_path(path: Path) -> list:
    """`server/src/a/b.rs` -> ["a", "b"]; `a/mod.rs` and `a.rs` -> ["a"]."""
    parts = list(path.relative_to(SERVER_SRC).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "mod" else parts


def group_heads(code: str, start: int) -> list:
    """The first name of each item of the `{..}` group opening at `start` (`a, b::c, d::{e}`
    gives a, b, d)."""
    heads, depth, expect = [], 0, True
    for m in re.finditer(r"[{},]|\w+", code[start:]):
        tok = m.group(0)
        if tok == "{":
            depth += 1
            expect = depth == 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                break
        elif tok == ",":
            expect = depth == 1
        elif expect:
            heads.append(tok)
            expect = False
    return heads


def referenced_rooms(path: Path, code: str):
    """(room, line) for every top-level module this file names from the crate root."""
    depth = len(module_path(path))
    root_refs = [m.end() for m in re.finditer(r"\bcrate::", code)]
    for m in re.finditer(r"\b((?:super::)+)", code):
        if m.group(1).count("super::") == depth and (m.start() == 0 or code[m.start() - 1] != ":"):
            root_refs.append(m.end())
    for at in root_refs:
        line = code.count("\n", 0, at) + 1
        rest = code[at:]
        if rest.startswith("{"):
            for head in group_heads(code, at):
                yield head, line
        elif m := re.match(r"\w+", rest):
            yield m.group(0), line


def room_of(path: Path) -> str:
    return path.relative_to(SERVER_SRC).with_suffix("").parts[0]


def import_graph():
    rooms = {room_of(p) for p in SERVER_SRC.iterdir() if p.is_dir() or p.suffix == ".rs"}
    rooms -= {"lib", "main"}
    edges = {}  # (from, to) -> first "file:line"
    for path in sorted(SERVER_SRC.rglob("*.rs")):
        if is_test_file(path) or room_of(path) not in rooms:
            continue
        here = room_of(path)
        for there, line in referenced_rooms(path, production_code(path)):
            if there in rooms and there != here:
                edges.setdefault((here, there), f"{path.relative_to(ROOT)}:{line}")
    return rooms, edges


def strongly_connected(rooms, succ):
    """Tarjan's algorithm: the groups of rooms that reach each other."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))

    for v in sorted(rooms):
        if v not in index:
            visit(v)
    return [g for g in groups if len(g) > 1]


def shortest_path(succ, group, start, goal):
    """The shortest import path from `start` to `goal` inside one group (breadth first)."""
    came_from, frontier = {start: None}, [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(succ[v] & group):
                if w not in came_from:
                    came_from[w] = v
                    following.append(w)
        frontier = following
    path, v = [], goal
    while v is not None:
        path.append(v)
        v = came_from[v]
    return path[::-1]


def cycles_through_each_import(group, succ):
    """For each import inside a group, the shortest cycle it closes, each cycle once (a group
    of n rooms can have very many cycles; these few are enough to show which imports to cut)."""
    members, cycles = set(group), set()
    for a in group:
        for b in sorted(succ[a] & members):
            cycle = [a] + shortest_path(succ, members, b, a)
            smallest = cycle.index(min(cycle[:-1]))
            cycles.add(tuple(cycle[smallest:-1] + cycle[:smallest] + [cycle[smallest]]))
    return sorted(cycles, key=lambda c: (len(c), c))


def check_cycles(show_graph):
    rooms, edges = import_graph()
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    print(f"import graph: {len(rooms)} rooms, {len(edges)} edges (server/src, test code left out)")
    if show_graph:
        for (a, b), where in sorted(edges.items()):
            print(f"  {a} -> {b}    {where}")
    cycles = []
    for group in strongly_connected(rooms, succ):
        inside = sum(1 for a, b in edges if a in group and b in group)
        print(f"rooms in a cycle: {', '.join(group)} ({inside} imports among them)")
        cycles += cycles_through_each_import(group, succ)
    for cycle in cycles:
        print(f"cycle: {' -> '.join(cycle)}")
        for a, b in zip(cycle, cycle[1:]):
            print(f"    {a} -> {b}    {edges[(a, b)]}")
    print(f"cycles found: {len(cycles)} (the shortest through each import that closes one)")
    return len(cycles)


def check_long_files():
    long = []
    for path in rust_files():
        if is_test_file(path):
            continue
        lines = path.read_bytes().count(b"\n")
        if lines > MAX_LINES:
            long.append((lines, path.relative_to(ROOT)))
    for lines, rel in long:
        print(f"file over {MAX_LINES} lines: {rel} ({lines})")
    print(f"files over {MAX_LINES} lines outside tests: {len(long)}")
    return len(long)


def check_utc_now():
    found = []
    for path in sorted(SERVER_SRC.rglob("*.rs")):
        if path == CLOCK or is_test_file(path):
            continue
        code = production_code(path)
        for m in re.finditer(r"\bUtc::now\b", code):
            found.append(f"{path.relative_to(ROOT)}:{code.count(chr(10), 0, m.start()) + 1}")
    for where in found:
        print(f"Utc::now outside the clock module: {where}")
    print(f"Utc::now outside {CLOCK.relative_to(ROOT)}: {len(found)}")
    return len(found)


def main(argv):
    if any(a not in ("--graph",) for a in argv):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    cycles = check_cycles("--graph" in argv)
    long = check_long_files()
    now = check_utc_now()
    if cycles or long or now:
        print(
            f"structure: FAILED: {cycles} import cycle(s), {long} file(s) over {MAX_LINES} "
            f"lines, {now} Utc::now outside the clock"
        )
        return 1
    print("structure: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
