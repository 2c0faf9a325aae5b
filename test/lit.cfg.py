# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quant4"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quant4_obj_root, "test")

config.substitutions.append(("%golden", config.quant4_golden_dir))
config.substitutions.append(("%quant4_src", config.quant4_src_root))
config.substitutions.append(("%quant4_build", config.quant4_obj_root))
# The pinned @huggingface/gguf parser (`make npm-deps`) for GGUF interop tests.
config.substitutions.append(
    ("%npm_modules", os.path.join(config.quant4_obj_root, "npm", "node_modules")))
# Golden-file helper for execution tests (needs numpy).
config.substitutions.append(
    ("%q4npy", config.python_executable + " "
     + os.path.join(config.quant4_src_root, "test", "q4npy.py")))
config.substitutions.append(("%python", config.python_executable))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.quant4_tools_dir, config.llvm_tools_dir]
tools = ["q4-opt", "q4-quant", "q4-run", "q4-compile"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
# The NVPTX bundle writer; ptxas (CUDA) assembles its PTX where installed,
# else those tests report UNSUPPORTED.
llvm_config.add_tool_substitutions(["q4-nvptx"], tool_dirs)
ptxas = os.environ.get("QUANT4_PTXAS", "/usr/local/cuda/bin/ptxas")
if os.path.isfile(ptxas) and os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
