# heed - build, run and test.
#
#   make          build build/heed
#   make run      install missing Debian packages, build, create ./heed.db with
#                 demo data on first run, serve on http://127.0.0.1:8080
#   make check    install missing packages, then run every test, plain and
#                 under AddressSanitizer + UndefinedBehaviorSanitizer
#
# SAN=1 builds with the sanitizers into build/asan.

CC      ?= cc
# The Debian interpreter, where scripts/deps.sh installs python3-yaml.
PYTHON  ?= /usr/bin/python3
PKGS    := libwebsockets jansson libsodium sqlite3 libcurl glib-2.0
SAN     ?= 0
ifeq ($(SAN),1)
BUILD   ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT     := -O1
else
BUILD   ?= build
SANFLAGS :=
OPT     := -O2
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc $(OPT) -g \
           -MMD -MP $(SANFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS  := $(PKG_LIBS) -lev -lpthread -lm

LIB_SRC  := $(sort $(filter-out src/app/main.c,$(wildcard src/*/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/app/main.o

UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run check test unit api chat web crash check-plain check-asan clean bench bench-bin bench-chat-sim bench-chat

all: $(BUILD)/heed

$(BUILD)/heed: $(LIB_OBJ) $(MAIN_OBJ)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -Itests -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) -lcmocka

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo.sh $(BUILD)/heed

# Unit tests (cmocka), then API tests against the real binary.
unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

api: $(BUILD)/heed
	@HEED_BIN=$(BUILD)/heed $(PYTHON) tests/api/run.py

chat: $(BUILD)/heed
	@HEED_BIN=$(BUILD)/heed $(PYTHON) tests/chat/run.py

web: $(BUILD)/heed
	@HEED_BIN=$(BUILD)/heed node tests/web/run.js

crash: $(BUILD)/heed
	@HEED_BIN=$(BUILD)/heed $(PYTHON) tests/crash/test_crash.py

test: unit api chat web crash

check-plain:
	@$(MAKE) --no-print-directory SAN=0 test

check-asan:
	@$(MAKE) --no-print-directory SAN=1 unit api chat

check: deps
	@$(MAKE) --no-print-directory check-plain
	@$(MAKE) --no-print-directory check-asan
	@echo "make check: all suites passed (plain and ASan+UBSan)"

bench: $(BUILD)/heed bench-bin
	@bench/run.sh $(BUILD)/heed

bench-bin: $(BUILD)/bench/fill $(BUILD)/bench/hello $(BUILD)/bench/chat_sim

# Live chat under load: many customer and agent WebSockets (bench/chat.sh).
bench-chat: $(BUILD)/heed $(BUILD)/bench/chat_load

$(BUILD)/bench/chat_load: bench/chat_load.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

# The busy-hour simulation of the chat wait estimates (docs/performance.md).
bench-chat-sim: $(BUILD)/bench/chat_sim
	@$(BUILD)/bench/chat_sim

$(BUILD)/bench/chat_sim: bench/chat_sim.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/fill: bench/fill.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/hello: bench/hello.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
