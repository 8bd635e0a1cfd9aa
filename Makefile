# migration-evidence: the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen
DEMO_DATA := data/demo
DEMO_REPORTS := reports/demo

.PHONY: help setup system assets demo test build refresh ui status check-defs lint reliability bench clean-demo

help:
	@echo "make demo     build everything from the bundled synthetic sample (offline) and say where the outputs are"
	@echo "make test     run the test suite"
	@echo "make refresh  download every source live, then build into data/"
	@echo "make build    build from the raw store in data/ without network access"
	@echo "make ui       serve the Dagster UI on http://127.0.0.1:3000"
	@echo "make lint     ruff"
	@echo "make reliability  the reliability suite (bad inputs, kills, concurrent readers, network faults)"
	@echo "make bench    the benchmarks (full, no-change and single-source rebuilds, the peer script, scale)"

# uv itself is installed into a private virtual environment, so nothing touches the system Python.
$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python python3
	touch $@

setup: .venv/.synced system assets

# Chromium drives static (PNG/SVG) chart export through kaleido; npm fetches the map topojson.
system:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

assets:
	bash scripts/fetch_web_assets.sh

demo: setup
	rm -rf $(DEMO_DATA) $(DEMO_REPORTS)
	$(RUN) migration-evidence --data-dir $(DEMO_DATA) --reports-dir $(DEMO_REPORTS) sample
	$(RUN) migration-evidence --data-dir $(DEMO_DATA) --reports-dir $(DEMO_REPORTS) build --offline
	@echo
	@echo "Demo outputs (SAMPLE DATA — synthetic, not for citation):"
	@echo "  database: $(DEMO_DATA)/curated/evidence.duckdb  (Parquet: $(DEMO_DATA)/curated/parquet/)"
	@echo "  brief:    $(DEMO_REPORTS)/index.html  (validation: $(DEMO_REPORTS)/validation/index.html)"
	@echo "  charts:   $(DEMO_REPORTS)/charts/"

# Test files spread over the cores (whole files, so a module's shared build is made once); the reliability suite
# stays on one process: its kill campaign and concurrent readers time themselves against the machine.
# Their temporary files go to memory (/dev/shm) when it has room for a run's (about 1.1 GB): Dagster's SQLite
# instances and DuckDB sync their files on every commit, about a fifth of a whole-build test's time on a disk. The
# folder is removed after the run.
TEST_TMP = $(shell [ -w /dev/shm ] && [ $$(df --output=avail -k /dev/shm 2>/dev/null | tail -1) -gt 3000000 ] \
	2>/dev/null && echo /dev/shm || echo $${TMPDIR:-/tmp})
test: setup
	@base=$$(mktemp -d $(TEST_TMP)/migration-evidence-tests.XXXXXX) && \
	$(RUN) pytest -m "not reliability" -n auto --dist loadfile --durations=20 --basetemp=$$base; \
	status=$$?; rm -rf $$base; exit $$status

# Bad inputs, kills, concurrent readers, network faults, idempotence, security; prints its figures.
reliability: setup
	$(RUN) pytest -m reliability tests/reliability -q --durations=15

# Benchmarks print figures (medians of several runs) and write reports/benchmarks/*.json; nothing asserts a time.
bench: setup
	$(RUN) python -m benchmarks.run

build: setup
	$(RUN) migration-evidence build --offline

refresh: setup
	$(RUN) migration-evidence refresh

ui: setup
	$(RUN) migration-evidence ui

status: .venv/.synced
	$(RUN) migration-evidence status

check-defs: .venv/.synced
	DAGSTER_HOME=$$(mktemp -d) $(RUN) dg check defs
	DAGSTER_HOME=$$(mktemp -d) $(RUN) dg list defs

lint: .venv/.synced
	$(RUN) ruff check pipelines tests
	$(RUN) ruff format --check pipelines tests
