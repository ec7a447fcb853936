# costshare: `make help` lists the targets. Every target installs what it needs.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt | sha256sum | cut -c1-12)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PARAMS ?= params/default.yaml

.DEFAULT_GOAL := help
.PHONY: help briefing test lab bench clean sysdeps venv constraints notebooks

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# notebooks import costshare from any working directory (papermill, JupyterLab): put the clone on the path
	$(PY) -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'costshare.pth').write_text(str(pathlib.Path.cwd()) + '\n')"
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP) ## create .venv and install the pinned requirements

sysdeps: ## install Debian's chromium, poppler-utils and CJK fonts when missing (PDF and tests)
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || \
	    ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium poppler-utils fonts-noto-cjk fontconfig >/dev/null; fi

briefing: venv sysdeps ## render the default briefing (HTML + PDF) into reports/
	$(PY) -m costshare render --params $(PARAMS)

test: venv sysdeps ## run the whole test suite (unit, notebooks via nbval, charts, end to end) with coverage
	$(PY) -m pytest --cov=costshare --cov-report=term-missing:skip-covered

lab: venv ## open the notebooks in JupyterLab with the project's environment
	$(PY) -m costshare.lab

notebooks: venv ## re-execute the notebooks in place (new nbval baselines; no timestamps kept)
	$(PY) -m costshare.nbrefresh notebooks/*.ipynb

bench: venv sysdeps ## run the benchmarks (they print their figures; a few minutes)
	$(PY) benchmarks/extract_throughput.py
	$(PY) benchmarks/currency_suite.py
	$(PY) benchmarks/import_time.py
	$(PY) benchmarks/render_time.py
	$(PY) benchmarks/adversarial.py --quick

constraints: venv ## re-pin the full environment into constraints.txt
	@(echo "# Full pinned environment (pip freeze of requirements.txt on Python 3.11). Regenerate with: make constraints"; \
	  $(VENV)/bin/pip freeze --exclude-editable) > constraints.txt

clean: ## remove the virtual environment, caches and rendered reports
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage htmlcov reports/*/ reports/latest
	find . -name __pycache__ -prune -exec rm -rf {} +
