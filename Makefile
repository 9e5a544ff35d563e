# BCS publishing system. `make build` builds the site into public/;
# `make test` runs every test. See README.md.
GO      ?= go
BCS     := $(GO) run ./generator/cmd/bcs
PKGS    := ./...

.PHONY: all build drafts test vet fmt-check fuzz clean

all: build

## build: build the website into public/ (drafts and future pages left out)
build:
	$(BCS) build

## drafts: build including drafts and future-dated pages, into public/
drafts:
	$(BCS) build -drafts -future

## test: formatting, vet, and every Go test (unit, golden, whole-site, CLI scripts, fuzz seeds)
test: fmt-check vet
	$(GO) test -count=1 -timeout 10m $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l generator); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## fuzz: fuzz the front-matter splitter and decoder for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run=^$$ -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./generator/internal/frontmatter/

clean:
	rm -rf public .public.*
