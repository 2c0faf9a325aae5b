#!/usr/bin/env python3
"""Reads q4-opt output on stdin and compares every dense_resource blob named
on the command line with the bytes it must hold.

usage: check_blobs.py NAME=FILE[+FILE...] ...   (FILEs concatenated = expected)
Prints "match NAME (N bytes)" per blob; exits 1 on any mismatch or absence."""
import re
import sys


def main():
    text = sys.stdin.read()
    blobs = dict(re.findall(r'^\s*"?([\w.]+)"?: "0x([0-9A-Fa-f]+)"', text, re.M))
    status = 0
    for spec in sys.argv[1:]:
        name, files = spec.split("=", 1)
        expected = b"".join(open(f, "rb").read() for f in files.split("+"))
        if name not in blobs:
            print(f"missing blob {name}")
            status = 1
            continue
        # The first 4 bytes of a blob give its alignment.
        actual = bytes.fromhex(blobs[name])[4:]
        if actual != expected:
            print(f"MISMATCH {name}: {len(actual)} vs {len(expected)} bytes")
            status = 1
        else:
            print(f"match {name} ({len(actual)} bytes)")
    return status


if __name__ == "__main__":
    sys.exit(main())
