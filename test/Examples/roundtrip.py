#!/usr/bin/env python3
"""Every example in examples/ parses, verifies, and round-trips through q4-opt:
printing, parsing the printed form and printing again gives identical text,
in the custom and in the generic form. Exits non-zero on the first failure."""
import glob
import os
import subprocess
import sys


def run(q4opt, args, text):
    proc = subprocess.run([q4opt] + args, input=text, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return proc.stdout


def main():
    q4opt, examples_dir = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(examples_dir, "*.mlir")))
    if not files:
        print(f"no examples found in {examples_dir}", file=sys.stderr)
        return 1
    for path in files:
        with open(path) as f:
            source = f.read()
        for form in ([], ["--mlir-print-op-generic"]):
            try:
                first = run(q4opt, form, source)
                second = run(q4opt, form, first)
            except RuntimeError as e:
                print(f"FAIL {path} {' '.join(form)}:\n{e}", file=sys.stderr)
                return 1
            if first != second:
                print(f"FAIL {path} {' '.join(form)}: not a fixed point", file=sys.stderr)
                return 1
        print(f"round-trip {os.path.basename(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
