# libFuzzer drivers for src/text (fuzz/*.c, seeds in fuzz/corpus/<name>/, dictionaries in
# fuzz/<name>.dict).
#   make fuzz                         build build-fuzz/<name> for every driver (clang,
#                                     -fsanitize=fuzzer,address,undefined)
#   make fuzz-run FUZZ_SECONDS=600    run each driver that long, one after another (one core);
#                                     new inputs go to build-fuzz/corpus/<name>/, crashes to
#                                     build-fuzz/crashes/<name>-*, logs to build-fuzz/<name>.log
# `make test` also replays every seed through the same entry points
# (tests/unit/text/fuzz_seeds.c), so the sanitizer build checks them without clang.
FUZZ_NAMES := text_normalize text_tokenize canon_url canon_phone entities http_path json_body
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := build-fuzz
FUZZ_SAN := address,undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
               -Isrc $(shell pkg-config --cflags libutf8proc libidn2 2>/dev/null)
FUZZ_LIBS := $(shell pkg-config --libs libutf8proc libidn2 2>/dev/null) -lm
FUZZ_LIB_SRCS := $(sort $(wildcard src/text/*.c)) src/lib/arena.c
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)/%)

.PHONY: fuzz fuzz-run

fuzz: $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/%: fuzz/%.c fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LIB_OBJS) $(FUZZ_LIBS)

# The HTTP-layer drivers (request targets, JSON bodies) also link these and jansson; their seeds
# are replayed by tests/unit/http/fuzz_seeds.c.
FUZZ_HTTP_BINS := $(FUZZ_DIR)/http_path $(FUZZ_DIR)/json_body
FUZZ_HTTP_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,src/http/path.c src/http/router.c src/lib/json.c)
$(FUZZ_HTTP_BINS): $(FUZZ_HTTP_OBJS)
$(FUZZ_HTTP_BINS): FUZZ_LIB_OBJS += $(FUZZ_HTTP_OBJS)
$(FUZZ_HTTP_BINS): FUZZ_LIBS += $(shell pkg-config --libs jansson 2>/dev/null)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

fuzz-run: fuzz
	@set -e; for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/crashes; \
	    echo "== $$n for $(FUZZ_SECONDS)s ($$(date -u +%FT%TZ))"; \
	    start=$$(date +%s); \
	    dict=; [ -f fuzz/$$n.dict ] && dict=-dict=fuzz/$$n.dict; \
	    if $(FUZZ_DIR)/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=4096 $$dict \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$n- \
	        $(FUZZ_DIR)/corpus/$$n fuzz/corpus/$$n >$(FUZZ_DIR)/$$n.log 2>&1; then \
	        echo "   $$n: clean after $$(( $$(date +%s) - start ))s, \
	            $$(ls $(FUZZ_DIR)/corpus/$$n | wc -l) corpus files, \
	            $$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' $(FUZZ_DIR)/$$n.log \
	            | grep -o '[0-9]*$$') runs"; \
	    else \
	        echo "   $$n: FAILED after $$(( $$(date +%s) - start ))s, see $(FUZZ_DIR)/$$n.log"; \
	        ls $(FUZZ_DIR)/crashes/$$n-* 2>/dev/null || true; \
	    fi; \
	done
