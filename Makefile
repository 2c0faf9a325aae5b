# Thin wrapper over CMake/Ninja/lit. `make demo` and `make test` do all set-up
# on a fresh Debian 12 machine (missing packages are installed with apt-get).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
LLVM_PREFIX ?= /usr/lib/llvm-22
CMAKE_ARGS ?=
LIT_ARGS ?= -sv

.PHONY: all deps configure build test demo fuzz clean format

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
test: build
	$(LLVM_PREFIX)/bin/lit $(LIT_ARGS) $(BUILD_DIR)/test $(BUILD_DIR)/test/Unit

demo: build
	@examples/demo.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i
