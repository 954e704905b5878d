# The two commands: `make run` and `make test`. Both set up everything they need.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.deps-$(shell cat requirements.txt 2>/dev/null | md5sum | cut -c1-12)

.PHONY: run stop status test unit fuzz venv services db clean-var bench

venv: $(DEPS)

$(DEPS): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, so sentence-transformers does not pull a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.txt
	rm -f $(VENV)/.deps-*; touch $@

services:
	bash scripts/ensure_services.sh

db: venv services
	$(BIN)/python -m pika_mem init-db

run: venv services db
	bash scripts/run.sh

# Stop every process `make run` supervises (from another terminal; Ctrl-C does the same).
stop:
	$(BIN)/supervisorctl -c $${PIKA_DATA_DIR:-var}/supervisord.conf shutdown

status:
	$(BIN)/supervisorctl -c $${PIKA_DATA_DIR:-var}/supervisord.conf status

test: venv services
	$(BIN)/python -m pytest -q tests

# The pure tests: no service, no worker, seconds.
unit: venv
	$(BIN)/python -m pytest -q tests/unit

# A longer coverage-guided campaign on the masker and the extractor than make test's
# 3,000 inputs (FUZZ_SECONDS, default 60); a finding is written to build/fuzz/crash-*.
fuzz: venv
	mkdir -p build/fuzz
	$(BIN)/python tests/fuzz/fuzz_text.py -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4000 \
	  -dict=tests/fuzz/text.dict -artifact_prefix=build/fuzz/

bench: venv services db
	command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
	$(BIN)/python bench/ingest.py
