#!/usr/bin/env python3
"""Checks that the rooms under lib/Target keep to themselves.

A target never reaches into another (docs/ARCHITECTURE.md): a file under
lib/Target/<A> may include `Target/<B>/...` headers, and the CMake library of
A may link the library of B, only when B is A or HostABI, the host side every
target shares. HostABI itself uses no other room.

Usage: check_target_rooms.py LIB_TARGET_DIR

Prints one line per violation, `<room>/<file>:<line>: <what>`, and exits 1
when there is any; exits 2 when LIB_TARGET_DIR holds no rooms.
"""

import os
import re
import sys

SHARED = "HostABI"
SOURCE_SUFFIXES = (".h", ".hpp", ".cpp", ".c", ".inc", ".def")
INCLUDE = re.compile(r'^\s*#\s*include\s*["<]Target/([^/">]+)/([^">]*)')
LIBRARY = re.compile(r"\badd_(?:mlir_|llvm_)?library\(\s*([\w-]+)")
WORD = re.compile(r"[\w-]+")


def room_files(root, room, wanted):
    for dirpath, _, names in os.walk(os.path.join(root, room)):
        for name in sorted(names):
            if wanted(name):
                yield os.path.join(dirpath, name)


def cmake_lines(path):
    """(line number, text without comments) of a CMake file."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            yield number, line.split("#", 1)[0]


def allowed(room, other):
    return other in (room, SHARED)


def what_may(room, kind):
    """What `room` may use: "only its own headers and HostABI's"."""
    shared = "" if room == SHARED else f" and {SHARED}'s"
    return f"only its own {kind}{shared}"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    rooms = sorted(
        d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))
    )
    if not rooms:
        print(f"{root}: no rooms", file=sys.stderr)
        return 2

    def is_cmake(name):
        return name == "CMakeLists.txt"

    # Which room declares each CMake library.
    owner = {}
    for room in rooms:
        for path in room_files(root, room, is_cmake):
            for _, text in cmake_lines(path):
                for name in LIBRARY.findall(text):
                    owner[name] = room

    problems = []
    for room in rooms:
        sources = room_files(
            root, room, lambda name: name.endswith(SOURCE_SUFFIXES)
        )
        for path in sources:
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if match and not allowed(room, match.group(1)):
                        other, header = match.groups()
                        problems.append(
                            f"{rel}:{number}: includes Target/{other}/{header}"
                            f": lib/Target/{room} may use "
                            + what_may(room, "headers")
                        )
        for path in room_files(root, room, is_cmake):
            rel = os.path.relpath(path, root)
            for number, text in cmake_lines(path):
                for word in WORD.findall(text):
                    other = owner.get(word)
                    if other is not None and not allowed(room, other):
                        problems.append(
                            f"{rel}:{number}: links {word} (lib/Target/"
                            f"{other}): lib/Target/{room} may link "
                            + what_may(room, "library")
                        )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
