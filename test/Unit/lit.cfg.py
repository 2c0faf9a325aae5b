# -*- Python -*-
# Runs every GoogleTest executable (name ending in "Tests") under unittests/.
import lit.formats

config.name = "quant4-unit"
config.suffixes = []
config.test_exec_root = config.quant4_unittests_dir
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
