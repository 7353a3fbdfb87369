# The two set-up commands: `make run` (install, build, serve) and `make test` (install, run tests).
# `make run PORT=9000 DATASETTE_PORT=9001` serves on other ports.
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
DATASETTE_PORT ?= 8001

$(BIN)/hospnet: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/hospnet

run: install
	$(BIN)/hospnet serve --port $(PORT) --datasette-port $(DATASETTE_PORT)

# The browser tests drive Debian's chromium: .ci/install-browser installs it (and CJK fonts) when missing
# and does nothing when present.
browser:
	.ci/install-browser

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# Every benchmark in its short mode: figures printed, no timing assertions (CI runs this).
bench-short: install
	$(BIN)/python benchmarks/bench_geodata.py
	$(BIN)/python benchmarks/bench_er.py
	$(BIN)/python benchmarks/bench_facts.py
	$(BIN)/python benchmarks/bench_match_list.py
	$(BIN)/python benchmarks/bench_colloquial.py
	$(BIN)/python benchmarks/bench_api.py --short
	$(BIN)/python benchmarks/bench_load.py --short
	$(BIN)/python benchmarks/bench_scale.py --short
	$(BIN)/python benchmarks/bench_import.py --short

# Full benchmarks (about 15 minutes on 2 cores): 10 s of HTTP load per step, hospnet and Datasette
# side by side from 1 to 128 clients, synthetic registries up to 100× (built twice: scale and memory).
bench: install
	$(BIN)/python benchmarks/bench_geodata.py
	$(BIN)/python benchmarks/bench_er.py
	$(BIN)/python benchmarks/bench_facts.py
	$(BIN)/python benchmarks/bench_match_list.py
	$(BIN)/python benchmarks/bench_colloquial.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_load.py --x100
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_import.py

.PHONY: install browser run test bench bench-short
