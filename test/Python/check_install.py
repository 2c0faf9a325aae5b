#!/usr/bin/env python3
"""Installs the quant4 Python package from a build tree into a fresh prefix
(`cmake --install BUILD --component quant4-python --prefix PREFIX`) and
uses it from there, with no build-tree path on sys.path: formats, quant4.ir
and quant4.compile. Usage: check_install.py BUILD PREFIX"""

import glob
import os
import shutil
import subprocess
import sys

CHECK = r"""
import numpy as np, quant4
from quant4 import ir
assert quant4.__file__.startswith(PREFIX), quant4.__file__
q = quant4.quantize(np.linspace(-1, 1, 256, dtype=np.float32), "q4_k")
assert q.nbytes == 144
ir.verify("func.func @f() { return }")
fn = quant4.compile('''
!w = !quant4.blocked<1x256, #quant4.q4_k>
func.func @deq(%raw: tensor<144xui8>) -> tensor<1x256xf32> {
  %w = quant4.from_bytes %raw : tensor<144xui8> -> !w
  %y = quant4.dequantize %w : !w -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}''', entry="deq")
assert np.array_equal(fn(q), q.dequantize().reshape(1, 256))
print("installed quant4 works from", os.path.relpath(quant4.__file__, PREFIX))
"""


def main() -> int:
    build, prefix = sys.argv[1], sys.argv[2]
    shutil.rmtree(prefix, ignore_errors=True)
    subprocess.run(["cmake", "--install", build, "--component",
                    "quant4-python", "--prefix", prefix], check=True,
                   stdout=subprocess.DEVNULL)
    sites = glob.glob(os.path.join(prefix, "lib", "python3*", "site-packages"))
    if len(sites) != 1:
        print(f"no site-packages under {prefix}: {sites}", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = sites[0]
    code = f"import os\nPREFIX = {os.path.abspath(prefix)!r}\n" + CHECK
    return subprocess.run([sys.executable, "-c", code], env=env,
                          cwd=prefix).returncode


if __name__ == "__main__":
    sys.exit(main())
