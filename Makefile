# The two commands of the README: `make demo` and `make test`. Both set up everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/northwind

.PHONY: demo test lint install clean lock bench

$(STAMP): pyproject.toml constraints.txt scripts/system-packages.sh
	sh scripts/system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	# Bytecode for the editable source, as a wheel install would have (start-up reads it
	# even where PYTHONDONTWRITEBYTECODE is set; an edited module is compiled again).
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

# Audit the bundled example partner with its history: an October audit, people working the
# issues, the November audit (summary on the terminal, report.html beside it). The example
# has planted violations, so its audits report findings by design; that is the demo.
demo: $(STAMP)
	$(BIN)/python tools/sign_example_media.py $(EXAMPLE)
	$(BIN)/charter validate $(EXAMPLE)
	$(BIN)/python tools/make_example_history.py $(EXAMPLE)
	$(BIN)/charter issue list -w $(EXAMPLE) --as-of 2026-11-24 --limit 12
	$(BIN)/charter monitor history -w $(EXAMPLE) --system campaign-insights
	$(BIN)/charter log verify -w $(EXAMPLE)
	@echo "open report.html in a browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

# Refresh constraints.txt from a clean resolution (run after changing dependencies).
lock:
	rm -rf /tmp/charter-lock && $(PYTHON) -m venv /tmp/charter-lock
	/tmp/charter-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/charter-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

bench: $(STAMP)
	$(BIN)/python bench/cli_speed.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache report.html
