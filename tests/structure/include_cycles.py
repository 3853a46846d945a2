#!/usr/bin/env python3
"""Folder-level include graph of certa's sources and its cycles.

Reads every `#include "..."` line under storage/, acme/, handshake/ and cli/,
draws an edge from the including file's folder to the included file's folder,
prints the graph, and exits 1 when the graph has a cycle (a strongly connected
component of more than one folder) or when acme/ and handshake/ include each
other (DESIGN.md: they meet only in storage/). Usage: include_cycles.py [ROOT]
"""
import os
import re
import sys
import tempfile

MODULES = ("storage", "acme", "handshake", "cli")
SUFFIXES = (".cpp", ".hpp", ".c", ".h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_graph(root):
    graph = {}
    for module in MODULES:
        for dirpath, _, names in os.walk(os.path.join(root, module)):
            here = os.path.relpath(dirpath, root)
            for name in sorted(names):
                if not name.endswith(SUFFIXES):
                    continue
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    for line in f:
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        if os.path.exists(os.path.join(root, target)):
                            there = os.path.dirname(target)
                        else:  # relative to the including file
                            there = os.path.relpath(os.path.dirname(os.path.join(dirpath, target)), root)
                        graph.setdefault(here, set())
                        if there != here and there.split("/")[0] in MODULES:
                            graph[here].add(there)
                            graph.setdefault(there, set())
    return graph


def cycles(graph):
    """Tarjan's strongly connected components with more than one folder."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def self_check():
    """The detector finds a planted two-folder cycle (else it would pass anything)."""
    with tempfile.TemporaryDirectory() as root:
        for path, text in {
            "acme/a/A.hpp": '#include "acme/b/B.hpp"\n',
            "acme/b/B.hpp": '#include "acme/c/C.hpp"\n',
            "acme/c/C.hpp": '#include "acme/a/A.hpp"\n#include "storage/S.hpp"\n',
            "storage/S.hpp": "",
        }.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        found = cycles(folder_graph(root))
    return found == [["acme/a", "acme/b", "acme/c"]]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    if not self_check():
        print("error: the cycle detector missed a planted cycle")
        return 1
    graph = folder_graph(root)
    for folder in sorted(graph):
        print(f"{folder} -> {', '.join(sorted(graph[folder])) or '(none)'}")
    bad = 0
    if not graph:
        print("error: no sources found under", root)
        return 1
    for component in cycles(graph):
        bad += 1
        inner = [f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in component]
        print(f"cycle: {' '.join(component)} ({'; '.join(inner)})")
    for a in graph:
        for b in graph[a]:
            top_a, top_b = a.split("/")[0], b.split("/")[0]
            if {top_a, top_b} == {"acme", "handshake"}:
                bad += 1
                print(f"forbidden: {a} -> {b} (acme/ and handshake/ meet only in storage/)")
            if top_a == "storage" and top_b != "storage":
                bad += 1
                print(f"forbidden: {a} -> {b} (storage/ includes only storage/)")
    print(f"{len(graph)} folders, {sum(len(v) for v in graph.values())} edges, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
