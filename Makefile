# statpub — the two set-up commands: `make serve` (demo site) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: serve test test-fast bench lint install system-deps demo-content clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests, chart images and briefing packs need (Chromium, CJK fonts).
system-deps:
	./tools/install_system_deps.sh

serve: install
	./tools/install_system_deps.sh --serve
	$(VENV)/bin/statpub load
	$(VENV)/bin/statpub serve --host $(HOST) --port $(PORT)

# Test-only JavaScript (axe-core), pinned by package-lock.json; fetched here so tests stay offline.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

test: install system-deps $(AXE)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

bench: install
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check .

demo-content: install
	$(PY) -m tools.make_demo_content

clean:
	rm -rf warehouse/data bench/data tests/artifacts .pytest_cache
