# linekit: small C tools for AI on the factory floor.  GNU make.
#
#   make             every tool into bin/
#   make deps        install the Debian packages (as root or through sudo)
#   make check       unit, golden, contract and man-page tests, plain and
#                    under ASan+UBSan; ends with "N passed, N failed"
#   make bench       benchmarks; prints figures
#   make demo        deps, build, and the inspection pipeline on testdata/
#   make install     PREFIX=/usr/local DESTDIR= (binaries and man pages)

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wwrite-strings -Wformat=2 -Wvla -Wpointer-arith
ifdef DEVELOPER
WARN    += -Werror
endif

# Object and binary directories: a sanitizer build lives beside the plain one
# so `make check` can run both without rebuilding either.
ifdef SANITIZE
SAN      = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
O       ?= build/san
BIN     ?= build/san/bin
else
O       ?= build/plain
BIN     ?= bin
endif

# override: warnings and sanitizers survive `make CFLAGS=...` (as mblaze)
# -fno-math-errno: no code reads errno after libm calls, and errno writes
# keep sqrtf and friends out of vectorised loops
override CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                    -fno-math-errno $(WARN) $(SAN) $(CFLAGS) -Ilib -DVERSION='"$(VERSION)"' \
                    -MMD -MP
override LDFLAGS := $(SAN) $(LDFLAGS)
LDLIBS   = -lcjson -lstb -llapacke -lopenblas -lm -lpthread

# Libraries only some tools need.
LIBS_svm-accept = -lsvm
LIBS_ocr-region = -ltesseract
LIBS_TESTS      = -lsvm

LIB_SRC   := $(filter-out %_test.c %_bench.c,$(wildcard lib/*.c lib/nn/*.c))
TEST_SRC  := $(wildcard lib/*_test.c lib/nn/*_test.c)
BENCH_SRC := $(wildcard lib/*_bench.c lib/nn/*_bench.c)
CMDS      := $(sort $(basename $(notdir $(wildcard cmd/*.c))))

LIB_OBJ   := $(LIB_SRC:%.c=$(O)/%.o)
LIBCORE   := $(O)/libcore.a
TOOLS     := $(CMDS:%=$(BIN)/%)
TESTS     := $(TEST_SRC:lib/%.c=$(O)/test/%)
BENCHES   := $(BENCH_SRC:lib/%.c=$(O)/bench/%)

all: $(TOOLS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIBCORE): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/%: $(O)/cmd/%.o $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS_$*) $(LDLIBS)

$(O)/test/%: $(O)/lib/%.o $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS_TESTS) $(LDLIBS)

$(O)/bench/%: $(O)/lib/%.o $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS_TESTS) $(LDLIBS)

tests: $(TESTS)

# What the project needs from Debian; installed only when something is missing.
DEB_PKGS = build-essential libstb-dev libcjson-dev libsvm-dev libopenblas-dev \
           liblapacke-dev libtesseract-dev tesseract-ocr-eng mandoc clang \
           python3-sklearn python3-scipy python3-numpy python3-pil

deps:
	@sh scripts/deps.sh $(DEB_PKGS)

# check: the plain suite, then the same under ASan+UBSan (a separate build).
check: all tests
	@$(MAKE) --no-print-directory SANITIZE=address,undefined all tests
	@LC_ALL=C sh scripts/check.sh

bench: $(BENCHES) all
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

lint-man:
	@sh scripts/lint-man.sh

demo: deps all
	@sh scripts/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	$(if $(TOOLS),install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR))
	install -m 0755 scripts/nightly-forecast $(DESTDIR)$(BINDIR)
	$(if $(wildcard man/*.1),install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1)
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 man/*.7 $(DESTDIR)$(MANDIR)/man7

clean:
	rm -rf build bin

.PHONY: all tests deps check bench lint-man demo install clean
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)
