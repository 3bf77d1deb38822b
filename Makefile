# redpak — one static multicall binary (musl + libyaml + librpm).
#
#   make              the static binary ./redpak (builds the dependency
#                     prefix once, cached outside the tree)
#   make asan         build/asan/redpak: glibc + AddressSanitizer + UBSan
#   make check        every test (unit, integration on both flavours)
#   make demo         the main job: a small node tree, a program run in it
#   make install      DESTDIR=… PREFIX=… SYSCONFDIR=…
#
# CC, CFLAGS, CPPFLAGS, LDFLAGS are honoured for the static flavour.

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
DESTDIR ?=

ifeq ($(origin CC),default)
CC = musl-gcc
endif
CFLAGS ?= -Os -pipe -ffunction-sections -fdata-sections
LDFLAGS ?= -Wl,--gc-sections
DEPS ?= $(shell scripts/build-deps.sh --prefix)
STATIC_LIBS = $(shell cat $(DEPS)/link-flags 2>/dev/null)

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
REDPAK_CPPFLAGS = -I. -Ibuild/gen -D_GNU_SOURCE -DREDPAK_VERSION='"$(VERSION)"' \
	-DSYSCONFDIR='"$(SYSCONFDIR)"'

SOURCES = redpak.c $(sort $(wildcard core/*.c applets/*.c))
CORE_SOURCES = $(sort $(wildcard core/*.c))
CONFIG_FILES = $(sort $(wildcard config/*.yaml))
GENERATED = build/gen/embedded.c

# Replacements of musl functions, in the static binary only.
MUSL_SOURCES = $(sort $(wildcard musl/*.c))
STATIC_OBJECTS = $(SOURCES:%.c=build/static/%.o) $(MUSL_SOURCES:%.c=build/static/%.o) \
	build/static/gen/embedded.o
ASAN_OBJECTS = $(SOURCES:%.c=build/asan/%.o) build/asan/gen/embedded.o
ASAN_CORE_OBJECTS = $(CORE_SOURCES:%.c=build/asan/%.o) build/asan/gen/embedded.o

ASAN_CC = gcc
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
ASAN_LIBS = -lyaml -lrpm -lrpmio -lm

UNIT_SOURCES = $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS = $(UNIT_SOURCES:tests/unit/%.c=build/asan/tests/%)

.PHONY: all asan check check-unit check-static check-asan demo install \
	deps host-packages bench clean fuzz
all: redpak

deps: $(DEPS)/.complete
$(DEPS)/.complete:
	scripts/build-deps.sh

build/gen/embedded.c: scripts/embed.sh $(CONFIG_FILES)
	@mkdir -p $(dir $@)
	scripts/embed.sh $(CONFIG_FILES) > $@.tmp && mv $@.tmp $@

# Syscall and errno names of core/seccomp.c, from the kernel headers; the
# numbers come from the compiler's own headers (see the script).
SYSCALL_HEADERS ?= $(wildcard /usr/include/asm-generic/unistd.h \
	/usr/include/asm-generic/errno-base.h /usr/include/asm-generic/errno.h \
	/usr/include/*/asm/unistd*.h /usr/include/asm/unistd*.h)
build/gen/syscalls.h: scripts/gen-syscalls.sh
	@mkdir -p $(dir $@)
	scripts/gen-syscalls.sh $(SYSCALL_HEADERS) > $@.tmp && mv $@.tmp $@
build/static/core/seccomp.o build/asan/core/seccomp.o: build/gen/syscalls.h

# musl ships no kernel headers: Debian's linux-libc-dev ones, alone (not
# the rest of /usr/include, which is glibc's), found after musl's own.
KERNEL_HEADERS = build/kernel-headers
$(KERNEL_HEADERS)/.done:
	@mkdir -p $(KERNEL_HEADERS)
	ln -sfn /usr/include/linux $(KERNEL_HEADERS)/linux
	ln -sfn /usr/include/asm-generic $(KERNEL_HEADERS)/asm-generic
	ln -sfn /usr/include/$(shell gcc -dumpmachine)/asm $(KERNEL_HEADERS)/asm
	@touch $@

build/static/gen/embedded.o: build/gen/embedded.c | $(DEPS)/.complete
	@mkdir -p $(dir $@)
	$(CC) $(REDPAK_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
build/static/%.o: %.c | $(DEPS)/.complete $(KERNEL_HEADERS)/.done
	@mkdir -p $(dir $@)
	$(CC) $(REDPAK_CPPFLAGS) -I$(DEPS)/include -idirafter $(KERNEL_HEADERS) \
		$(CPPFLAGS) $(WARNINGS) \
		$(CFLAGS) -MMD -MP -c -o $@ $<

# mimalloc's malloc (an object, so it is linked whatever the order) in
# place of musl's mallocng, whose mmap/munmap churn doubled the system
# time of librpm. It, libyaml and libc right after our objects: the code
# every applet runs then sits together, away from librpm's (redwrap
# touches ~20% fewer pages: its peak RSS).
redpak: $(STATIC_OBJECTS) $(DEPS)/.complete
	$(CC) -static $(CFLAGS) $(LDFLAGS) -o $@ $(STATIC_OBJECTS) \
		$(DEPS)/lib/mimalloc.o -L$(DEPS)/lib -lyaml -lc $(STATIC_LIBS)

build/asan/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(REDPAK_CPPFLAGS) $(ASAN_FLAGS) -c -o $@ $<
build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(REDPAK_CPPFLAGS) $(WARNINGS) $(ASAN_FLAGS) -MMD -MP -c -o $@ $<

asan: build/asan/redpak
build/asan/redpak: $(ASAN_OBJECTS)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJECTS) $(ASAN_LIBS)

build/asan/tests/%: tests/unit/%.c $(ASAN_CORE_OBJECTS)
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(REDPAK_CPPFLAGS) $(WARNINGS) $(ASAN_FLAGS) -o $@ $< \
		$(ASAN_CORE_OBJECTS) -lcmocka $(ASAN_LIBS)

# libFuzzer target over the configuration loader (clang, system libyaml).
# `make fuzz FUZZ_TIME=300` runs it; new inputs go to build/fuzz/corpus,
# crashes to build/fuzz/crash-*. tests/fuzz.t runs it briefly.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SOURCES = tests/fuzz/fuzz_config.c core/arena.c core/log.c core/config.c \
	core/config_load.c core/config_parse.c core/config_seccomp.c \
	core/seccomp.c core/yaml_reader.c core/cgroup_value.c
FUZZ_TIME ?= 60
build/fuzz/fuzz_config: $(FUZZ_SOURCES) $(wildcard core/*.h) build/gen/syscalls.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REDPAK_CPPFLAGS) $(WARNINGS) $(FUZZ_FLAGS) -o $@ \
		$(FUZZ_SOURCES) -lyaml
fuzz: build/fuzz/fuzz_config
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_config -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-dict=tests/fuzz/config.dict -artifact_prefix=build/fuzz/ \
		build/fuzz/corpus tests/fuzz/corpus

# Failed tests and their diagnostics show up in the CI log.
PROVE = prove --failures --comments

host-packages:
	scripts/host-packages.sh

# Unit tests under the sanitizers; integration tests against both the
# static musl binary and the sanitizer build.
check: host-packages
	$(MAKE) redpak build/asan/redpak $(UNIT_TESTS)
	$(MAKE) check-unit check-static check-asan
check-unit: $(UNIT_TESTS)
	$(PROVE) --exec '' $(UNIT_TESTS)
check-static: redpak
	REDPAK=$(CURDIR)/redpak $(PROVE) tests/*.t
check-asan: build/asan/redpak
	REDPAK=$(CURDIR)/build/asan/redpak $(PROVE) tests/*.t

demo: host-packages redpak
	scripts/demo.sh

bench: redpak
	scripts/bench.sh

install: redpak
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/redpak/templates.d
	install -m 0755 redpak $(DESTDIR)$(BINDIR)/redpak
	for applet in $$(./redpak --list); do \
		ln -sf redpak $(DESTDIR)$(BINDIR)/$$applet; done
	install -m 0644 config/main.yaml $(DESTDIR)$(SYSCONFDIR)/redpak/main.yaml
	for file in $(filter-out config/main.yaml,$(CONFIG_FILES)); do \
		install -m 0644 $$file $(DESTDIR)$(SYSCONFDIR)/redpak/templates.d/; done

clean:
	rm -rf build redpak

-include $(STATIC_OBJECTS:.o=.d) $(ASAN_OBJECTS:.o=.d)
