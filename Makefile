# Thin wrapper over CMake/Ninja/lit. `make demo` and `make test` do all set-up
# on a fresh Debian 12 machine (missing packages are installed with apt-get).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
LLVM_PREFIX ?= /usr/lib/llvm-22
CMAKE_ARGS ?=
LIT_ARGS ?= -sv
# lib/Format + unit tests under ASan/UBSan, and the libFuzzer targets, each in
# a build directory of its own (no MLIR).
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
CI_FUZZ_SECONDS ?= 15
PLAIN_CMAKE = cmake -G Ninja -S . -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUANT4_ENABLE_MLIR=OFF \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++

.PHONY: all deps configure build test test-asan npm-deps demo fuzz clean format bench-cpu

all: build

deps:
	@.ci/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@.ci/install-deps.sh
	cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++ \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit \
	  -DLLVM_USE_LINKER=lld $(CMAKE_ARGS)

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR)

# Every test: GoogleTest unit tests and the lit suite (one lit run; ends with its summary).
# Before lit: the sanitizer unit tests, a short fuzz run, the npm GGUF parser.
test: build
	$(MAKE) test-asan
	$(MAKE) fuzz FUZZ_SECONDS=$(CI_FUZZ_SECONDS)
	$(MAKE) npm-deps
	$(LLVM_PREFIX)/bin/lit $(LIT_ARGS) $(BUILD_DIR)/test $(BUILD_DIR)/test/Unit

test-asan:
	@.ci/install-deps.sh
	$(PLAIN_CMAKE) -B $(ASAN_BUILD_DIR) -DQUANT4_SANITIZE=ON
	cmake --build $(ASAN_BUILD_DIR) --target quant4-unittests
	ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure

# Builds the libFuzzer targets and runs each for FUZZ_SECONDS.
fuzz:
	@.ci/install-deps.sh
	$(PLAIN_CMAKE) -B $(FUZZ_BUILD_DIR) -DQUANT4_ENABLE_TESTS=OFF -DQUANT4_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) --target quant4-fuzzers
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

# The independent GGUF parser the interoperability tests compare against.
npm-deps:
	@test/Format/Inputs/install-npm-deps.sh $(BUILD_DIR)/npm

demo: build
	@examples/demo.sh $(BUILD_DIR)

# quant4's CPU matmul against ggml (slow; not part of `make test`).
# Extra options: make bench-cpu BENCH_ARGS="--m 1 --threads 1".
bench-cpu: configure
	bench/cpu/run.sh $(BUILD_DIR) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i
