# logship: `make run` and `make test` work on a fresh machine (they install what is missing first).
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CONFIG ?= config/local.yaml

.PHONY: all deps build run test test-release test-sanitize fuzz test-fuzz format format-check bench clean

all: build

deps:
	./scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

# Runs the default pipeline over the example container logs, from scratch each time, and leaves
# them searchable with `build/logship query` (the store is in $LOGSHIP_DATA_DIR, default /tmp/logship).
run: build
	rm -rf "$${LOGSHIP_DATA_DIR:-/tmp/logship}"
	LOGSHIP_EXAMPLES=$(CURDIR)/examples/containers ./$(BUILD)/logship run -c $(CONFIG) --exit-on-eof
	@echo "Stored. Search with: ./$(BUILD)/logship query namespace=default log_type=combined   (or free text: ./$(BUILD)/logship query KeyError)"

test: deps format-check test-release test-sanitize test-fuzz

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The same unit and end-to-end tests against a binary built with ASan + UBSan.
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLOGSHIP_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j$(JOBS)

# libFuzzer targets (clang, ASan + UBSan), FUZZ_SECONDS each on a copy of fuzz/corpus/; see
# fuzz/README.md. Fails if a target finds a crash, leak, timeout or broken property.
fuzz: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) ./scripts/fuzz.sh

# The short run CI does.
test-fuzz: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=10 JOBS=$(JOBS) ./scripts/fuzz.sh

# Tracked files and new ones not yet added (but not ignored ones such as build trees).
SOURCES_CMD = git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp'

format:
	$(SOURCES_CMD) | xargs clang-format -i

format-check:
	$(SOURCES_CMD) | xargs -r clang-format --dry-run --Werror

bench: build
	./bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
