# The two set-up commands: `make run` (install, build, serve) and `make test` (install, run tests).
VENV ?= .venv
BIN = $(VENV)/bin

$(BIN)/hospnet: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/hospnet

run: install
	$(BIN)/hospnet serve

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

.PHONY: install run test
