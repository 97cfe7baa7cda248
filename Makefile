# The README's two commands: `make demo` (grade the bundled examples) and `make test` (the full suite; it ends
# with its 20 slowest tests, so that the suite's time, kept under 15 minutes, can be watched where it goes).
# Each sets up what it needs on first use: a .venv with torch 2.13.0 (CPU) first, then this package.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test setup clean

demo: $(STAMP)
	$(VENV)/bin/autograder demo

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -q --durations=20

setup: $(STAMP)

# Installing torch first, pinned: a looser request would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; } || \
		echo "note: bubblewrap is not installed (sudo apt-get install bubblewrap): without it grading falls back to the uid (root) or process level; see README, 'Which level will I get?'"; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(PY) -c "from autograder.sandbox.isolation import available, refusals; print('isolation here:', available().value); [print('note:', n) for n in refusals()]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) grades grades-demo dist .pytest_cache
