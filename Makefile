# Rewarm: the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
REWARM := .build/release/rewarm

.PHONY: deps build run run-real reproduce reproduce-real test bench clean model

# SmolLM2-135M-Instruct (GGUF) into models/, for the real-model tests (idempotent).
model:
	@scripts/fetch-model

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build -c release

# The quickstart: pre-trains a small base on English fortunes, then continues it on Chinese
# fortunes, printing both validation losses (see README, "Quickstart").
run: build
	scripts/quickstart

# The real-model quickstart: SmolLM2-135M (fetched into models/ when missing) continued on Chinese
# fortunes, rewarmed to 0.5x / 1x / 2x, a constant LR and LoRA, one seed (README, "A real model").
run-real: build model
	scripts/quickstart real-quickstart

# The same conditions at 3 seeds, its report and notebooks-md/real-model.md.
reproduce-real: build model
	scripts/reproduce real-model

# The reproduction (notebooks-md/protocol.md): every study of scripts/reproduce, their reports, the notebooks.
reproduce: build
	scripts/reproduce

# REWARM_SLOW_TESTS=1 adds the slow end-to-end checks (CI sets it).
test: deps
	@scripts/fetch-model || echo "make test: SmolLM2 is not in models/, so the tests that read it skip"
	$(SWIFT) test

bench: build
	$(REWARM) bench --mode full --dim 128 --layers 4 --heads 4 --context 128 --batch 16 --threads 1 --json

clean:
	rm -rf .build
