# BCS publishing system. `make build` builds the site into public/;
# `make test` runs every test. See README.md.
GO      ?= go
BCS     := $(GO) run ./generator/cmd/bcs
PKGS    := ./...

E2E     := generator/e2e
SHELL   := /bin/bash

# Every check is required: make test installs what the checks need first
# (test-deps), so a missing tool is a failure naming it, never a skip.
# REQUIRE_TOOLS=0 make test-go lets a developer without them run the rest.
REQUIRE_TOOLS ?= 1
export REQUIRE_TOOLS

.PHONY: all build drafts clinical-review serve cms cms-deps receive test test-deps test-go test-e2e e2e-deps vet fmt-check fuzz bench clean

all: build

## build: build the website into public/ (drafts and future pages left out)
build:
	$(BCS) build $(BUILD_FLAGS)

## drafts: build including drafts and future-dated pages, into public/
drafts:
	$(BCS) build -drafts -future

## clinical-review: remake packs/CLINICAL-REVIEW.md from the pack data (keeping its sign-off rows)
clinical-review:
	$(BCS) clinical-review

## test: every test: formatting, vet, browser and validator checks, then all Go tests
## (installing first what they need: test-deps)
test: test-deps fmt-check vet test-e2e test-go

## test-deps: install the Debian packages the tests need and the machine lacks (.ci/deps: Chromium,
## Java, LibreOffice, poppler, the aiosmtpd SMTP server); as non-root, fail with the apt-get command
test-deps:
	bash .ci/deps

## test-go: unit, golden, whole-site, CLI-script and fuzz-seed tests; ends with one line counting
## passes, failures and skips, each skip listed with its reason (generator/cmd/testsum)
test-go:
	set -o pipefail; $(GO) test -count=1 -timeout 10m -json $(PKGS) | $(GO) run ./generator/cmd/testsum

## test-e2e: Nu HTML checker, axe-core and reflow at 320 px in headless Chromium over every built page, the packs
## finder, pack links and site search, section images (the variant chosen, lazy loading), the contact
## form end to end, the preview server's live reload, Lighthouse on four pages, and the gates
## failing on deliberately broken pages, and the CMS at /admin/ (its local backend: pages saved, created, built)
## (fails when Chromium or Java is missing; SKIPs visibly with REQUIRE_TOOLS=0)
test-e2e: e2e-deps
	cd $(E2E) && node --test --test-reporter=spec

e2e-deps: $(E2E)/node_modules/.package-lock.json cms-deps

$(E2E)/node_modules/.package-lock.json: $(E2E)/package-lock.json
	cd $(E2E) && npm ci --ignore-scripts --no-audit --no-fund

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l generator); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## fuzz: run every fuzz target for FUZZTIME each (default 30s; CI runs 10s each). Inputs that
## failed once live in each package's testdata/fuzz and run with every go test. Then the
## incrementality property test for PROPERTY_STEPS random edits (make test runs 8, seed 1)
FUZZTIME ?= 30s
PROPERTY_STEPS ?= 30
FUZZ_TARGETS := FuzzDecode:./generator/internal/frontmatter/ FuzzParse:./generator/internal/page/ \
  FuzzConvert:./generator/internal/markdown/ FuzzParse:./generator/internal/config/ \
  FuzzParse:./generator/internal/indicator/ FuzzParse:./generator/internal/icb/ FuzzRead:./generator/internal/csvtab/ \
  FuzzValidate:./generator/internal/form/ FuzzAlignment:./generator/internal/pack/
# A run that ends with the fuzz engine's own "context deadline exceeded" and no
# failing input written (a slow input still running when FUZZTIME ran out) is
# run once more, visibly; any failure with an input fails at once.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "== $${t%%:*} ($${t#*:})"; \
	  out=$$($(GO) test -run=^$$ -fuzz="^$${t%%:*}$$" -fuzztime=$(FUZZTIME) "$${t#*:}" 2>&1); rc=$$?; echo "$$out" | tail -5; \
	  if [ $$rc -ne 0 ]; then \
	    if echo "$$out" | grep -q "context deadline exceeded" && ! echo "$$out" | grep -q "Failing input written"; then \
	      echo "== $${t%%:*}: the fuzz engine timed out stopping a slow input (no failing input); running it once more"; \
	      $(GO) test -run=^$$ -fuzz="^$${t%%:*}$$" -fuzztime=$(FUZZTIME) "$${t#*:}" || exit 1; \
	    else echo "$$out"; exit 1; fi; \
	  fi; \
	done
	@echo "== incremental updates equal whole builds: $(PROPERTY_STEPS) random edits, seed from the clock"
	set -o pipefail; BCS_PROPERTY_SEED=clock BCS_PROPERTY_STEPS=$(PROPERTY_STEPS) $(GO) test -count=1 -run='^TestIncrementalEqualsWholeBuild$$' -v ./generator/internal/site/ | grep -E '^\s+property_test|^(ok|FAIL|---)'

## bench: the stage benchmarks (front matter, Markdown, templates, link check, write, zip; six runs
## each, so that two saved outputs compare with `go run golang.org/x/perf/cmd/benchstat@latest old new`),
## the whole build on 1 and 2 cores, both workbooks for every ICB, the site search on a 320-page site
## (index size, first keystroke to first result in Chromium: generator/e2e/bench-search.mjs), then benchtable: whole builds of the
## 1,000- and 10,000-page corpora from ../shared/bench by bcs (cold, warm cache, no change), Hugo (if
## installed) and a bare floor, and the one-page edit to reload, the packs and the form receiver.
## Without ../shared/bench the Go benchmarks run on the real site.
STAGE_PKGS := ./generator/internal/page/ ./generator/internal/markdown/ ./generator/internal/linkcheck/ \
  ./generator/internal/publish/ ./generator/internal/bundle/
MAKE_CORPUS := ../shared/bench/make-corpus.py
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 $(STAGE_PKGS)
	$(GO) test -run='^$$' -bench='Build|Templates' -benchmem -cpu=1,2 -count=5 ./generator/internal/site/
	$(GO) test -run='^$$' -bench=AllICBs -benchtime=3x -count=5 ./generator/internal/workbook/
	$(MAKE) e2e-deps && cd $(E2E) && node bench-search.mjs
	@if [ -f $(MAKE_CORPUS) ]; then \
	  $(GO) run ./generator/cmd/benchtable -shared $(dir $(MAKE_CORPUS)) -sizes 1000,10000 -runs 3; \
	else \
	  echo "$(MAKE_CORPUS) not found: no comparison with Hugo, and the Go benchmarks run on the real site only"; \
	  $(GO) test -run='^$$' -bench='EditToReload/real' -benchtime=50x -count=3 ./generator/internal/preview/; \
	  $(GO) test -run='^$$' -bench='Packs' -count=5 ./generator/internal/site/; \
	  $(GO) test -run='^$$' -bench=Receive -benchtime=2000x -count=3 ./generator/internal/receiver/; \
	fi

## serve: preview with live reload on http://127.0.0.1:1313 (drafts and future pages included; never touches public/)
serve:
	$(BCS) serve

## cms: the CMS at http://localhost:1313/admin/ on this computer: edits are saved straight into
## content/ by the CMS's local backend (decap-server on 127.0.0.1:$(CMS_PORT)), and the preview
## beside it shows them (Ctrl-C stops both). Fetches the pinned CMS once (generator/cms/decap.json).
CMS     := generator/cms
# generator/internal/cms.LocalPort: where config.yml says the local backend is (TestLocalPort)
CMS_PORT := 8082
cms: cms-deps
	@MODE=fs GIT_REPO_DIRECTORY="$(CURDIR)" PORT=$(CMS_PORT) BIND_HOST=127.0.0.1 LOG_LEVEL=warn \
	  $(CMS)/node_modules/.bin/decap-server & backend=$$!; trap 'kill $$backend 2>/dev/null' EXIT INT TERM; \
	  sleep 1; kill -0 $$backend 2>/dev/null || { echo "make cms: the CMS's local backend stopped: is port $(CMS_PORT) in use (another make cms)?" >&2; exit 1; }; \
	  echo "make cms: open http://localhost:1313/admin/ (the CMS saves into content/ of $(CURDIR))"; \
	  $(BCS) serve -cms $(CMS)/decap

## cms-deps: the pinned CMS (fetch.mjs checks its hashes) and its local backend (npm ci)
cms-deps: $(CMS)/decap/VERSION $(CMS)/node_modules/.package-lock.json

$(CMS)/decap/VERSION: $(CMS)/decap.json $(CMS)/fetch.mjs
	node $(CMS)/fetch.mjs

$(CMS)/node_modules/.package-lock.json: $(CMS)/package-lock.json
	cd $(CMS) && npm ci --ignore-scripts --no-audit --no-fund

## receive: build, then serve public/ and the form receiver on http://127.0.0.1:8081, storing in submissions.db
receive: build
	$(BCS) receive -site public -store-only

clean:
	rm -rf public .public.* .bcs-cache
