#!/usr/bin/python3
"""Checks that every field of EXPECTED.json has the same value in ACTUAL.json
(ACTUAL may have more fields). Integers compare exactly; floats compare equal
when they are the same float32 (f32 metadata printed at different precisions).

usage: compare_json.py EXPECTED.json ACTUAL.json
"""
import json
import struct
import sys


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def same_number(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return a == b or f32(float(a)) == f32(float(b))


def compare(expected, actual, where, errors):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            errors.append(f"{where}: expected an object, got {actual!r}")
            return
        for key, value in expected.items():
            if key not in actual:
                errors.append(f"{where}.{key}: missing")
            else:
                compare(value, actual[key], f"{where}.{key}", errors)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            errors.append(f"{where}: expected {len(expected)} items, got {actual!r}"[:300])
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{where}[{i}]", errors)
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool) \
            and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        if not same_number(expected, actual):
            errors.append(f"{where}: expected {expected!r}, got {actual!r}")
    elif expected != actual or type(expected) is not type(actual):
        errors.append(f"{where}: expected {expected!r}, got {actual!r}")


def main(expected_path, actual_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    with open(actual_path, encoding="utf-8") as f:
        actual = json.load(f)
    errors = []
    compare(expected, actual, "$", errors)
    for e in errors[:50]:
        print("mismatch:", e)
    if errors:
        print(f"{len(errors)} mismatches between {expected_path} and {actual_path}")
        return 1
    print(f"match: {expected_path} == {actual_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
