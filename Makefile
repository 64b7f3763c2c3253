# tongdai — GNU make build. `make run`, `make test` (see README.md).
#
# Layout: every src/**/*.c except src/main.c goes into $(BUILD)/libtongdai.a; the binary is
# $(BUILD)/tongdai. Each tests/unit/**/*.c is one cmocka test program linked against the library.
# SANITIZE=1 builds with ASan+UBSan into build-san/. CI=true turns warnings into errors.

SHELL := /bin/bash
CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libsodium libutf8proc libidn2

ifeq ($(SANITIZE),1)
BUILD := build-san
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SANLD := -fsanitize=address,undefined
else
BUILD := build
OPT := -O2 -g -D_FORTIFY_SOURCE=2
SANLD :=
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wcast-qual -Wwrite-strings -Wformat=2 -Wvla \
        -Wimplicit-fallthrough
ifeq ($(CI),true)
WARN += -Werror
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -fstack-protector-strong -fPIE \
          -Isrc $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANLD) -pie -Wl,-z,now -Wl,-z,relro -Wl,-z,noexecstack
LDLIBS := $(PKG_LIBS) -lpthread -lm

LIB_SRCS := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(shell find tests/unit -name '*.c' 2>/dev/null | sort)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

.PHONY: all unit-bins deps run test test-unit test-api test-cli test-e2e test-san check-banned \
        format clean node-deps bench

all: $(BUILD)/tongdai

unit-bins: $(UNIT_BINS)

deps:
	@scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libtongdai.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tongdai: $(BUILD)/src/main.o $(BUILD)/libtongdai.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libtongdai.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -MMD -MP $(LDFLAGS) -o $@ $< $(BUILD)/libtongdai.a \
	    $(LDLIBS) -lcmocka

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Fragments owned by one part of the tree (fuzz drivers, benchmarks) live in mk/*.mk.
-include $(wildcard mk/*.mk)

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.stamp

# `make run`: install what is missing, build, set up ./var with the demo institution, serve.
run: deps all
	$(BUILD)/tongdai demo
	$(BUILD)/tongdai serve

# `make test`: every suite, then the unit and API suites again under ASan+UBSan.
test: deps node-deps
	@$(MAKE) --no-print-directory all unit-bins
	@$(MAKE) --no-print-directory SANITIZE=1 all unit-bins
	@scripts/run-tests.sh

test-unit: all $(UNIT_BINS)
	@scripts/run-tests.sh unit
test-api: all node-deps
	@scripts/run-tests.sh api
test-cli: all node-deps
	@scripts/run-tests.sh cli
test-e2e: all node-deps
	@scripts/run-tests.sh e2e
test-san:
	@$(MAKE) --no-print-directory SANITIZE=1 all unit-bins
	@scripts/run-tests.sh san-unit san-api

check-banned:
	@scripts/check-banned.sh

format:
	clang-format -i $$(find src tests/unit fuzz bench -name '*.[ch]' 2>/dev/null)

bench: all
	@for b in bench/*; do [ -x "$$b" ] && [ -f "$$b" ] && { echo "== $$b"; "$$b"; }; done; true

clean:
	rm -rf build build-san build-fuzz
