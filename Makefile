# statpub — the two set-up commands: `make serve` (demo site) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: serve test test-fast test-cluster cluster bench lint install system-deps serve-deps demo-content clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=68" wheel

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

# The site's JavaScript from npm (plotly.js's basic bundle, pinned by package-lock.json). Without
# npm the site still works, with Dash's full plotly.js (slower first chart).
VENDOR_JS := dashboards/vendor/node_modules/plotly.js-basic-dist-min/plotly-basic.min.js
$(VENDOR_JS): dashboards/vendor/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd dashboards/vendor && npm ci --no-audit --no-fund --loglevel=error && touch ../../$(VENDOR_JS); \
	else echo "npm not found: the site will use Dash's full plotly.js (make system-deps installs npm)"; fi

install: $(STAMP) $(VENDOR_JS)

# Debian packages the browser tests, chart images and briefing packs need (Chromium, CJK fonts).
system-deps:
	./tools/install_system_deps.sh

serve-deps:
	./tools/install_system_deps.sh --serve

serve: serve-deps install
	$(VENV)/bin/statpub load
	$(VENV)/bin/statpub serve --host $(HOST) --port $(PORT)

# Test-only JavaScript (axe-core), pinned by package-lock.json; fetched here so tests stay offline.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Every test (tests/cluster/ included), then the short form of the cluster spike bench (it prints
# figures and asserts nothing; it fails only if the topology cannot run).
test: system-deps install $(AXE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest
	$(PY) -m bench.cluster_bench --short

# The multi-node topology (PostgreSQL, SeaweedFS, two nodes, nginx) on loopback, until Ctrl-C.
cluster: system-deps install
	$(PY) -m tests.topology

# Its tests and the short form of the cluster benchmark (`make test` runs tests/cluster/ too).
test-cluster: system-deps install
	$(PY) -m pytest tests/cluster
	$(PY) -m bench.cluster_bench --short

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

# Benchmarks measure each figure beside a baseline in the same run; the baselines' tools (wrk,
# nginx, Datasette from the bench extra) are installed here, and a bench fails if one is missing.
bench: install
	./tools/install_system_deps.sh --bench
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

demo-content: install
	$(PY) -m tools.make_demo_content

clean:
	rm -rf warehouse/data bench/data tests/artifacts .pytest_cache
