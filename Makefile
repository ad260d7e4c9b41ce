# Two commands for a fresh clone: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: book test clean assignments vendor bench grade

# Create .venv if missing and (re)install whenever the requirements change.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The execution cache keys on each cell's source only: when the widgets package changes,
# forget it so that every chapter re-runs with the new code.
CACHE_STAMP := _build/.widgets-stamp
# The quiz files count too: a chapter's quiz cell reads widgets/quizzes/chNN.yml.
$(CACHE_STAMP): $(wildcard widgets/*.py) $(wildcard widgets/quizzes/*.yml)
	rm -rf _build/.jupyter_cache _build/jupyter_execute
	mkdir -p _build && touch $@

book: $(STAMP) $(CACHE_STAMP)
	$(BIN)/jupyter-book build .
	@echo "The book is in _build/html: open file://$(CURDIR)/_build/html/index.html"

test: $(STAMP) $(CACHE_STAMP)
	$(BIN)/python -m pytest

# Student and instructor notebooks of every chapter, and a zip of each, in _build/assignments/
# (see chapters/instructors.md); reuses the outputs of the last book build when current.
assignments: $(STAMP)
	$(BIN)/python -m tools.assignments
	$(BIN)/python -m tools.grading assign

# Grade a folder of submitted notebooks (otter-grader, no Docker; each submission sandboxed
# with bubblewrap, TIMEOUT seconds and MEMORY MB at most) into _build/grades/<folder>.csv.
# Grading runs students' code: see "Autograded exercises" in README.md.
TIMEOUT ?= 120
MEMORY  ?= 4096
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [TIMEOUT=120] [MEMORY=4096] [CSV=file]"; exit 2; }
	$(BIN)/python -m tools.grading grade "$(SUBMISSIONS)" --timeout $(TIMEOUT) --memory $(MEMORY) $(if $(CSV),--csv "$(CSV)")

# Benchmarks (not tests): one table of build times, demo update times, page weights and
# suite times, each the median of several runs against its budget (about 5 minutes;
# `make bench BENCH_ARGS=--quick` measures only the demos and the current _build/html).
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Re-fetch the vendored JavaScript in _vendor/ from the npm registry at the versions pinned
# there (needs Node and npm; building or reading the book never does).
vendor:
	bash _vendor/refresh.sh

# The print edition (tools/pdf.py): _build/pdf/the-kinetic-chain.pdf, A4, solutions at the end
# of each chapter. `make pdf PAPER=letter` for US letter, `make pdf STUDENT=1` for the edition
# without solutions. Needs TeX Live (see README.md, "Print edition").
.PHONY: pdf
PAPER ?= a4
pdf: $(STAMP) $(CACHE_STAMP)
	$(BIN)/python -m tools.pdf --paper $(PAPER) $(if $(STUDENT),--student)

clean:
	rm -rf _build
	find . -name __pycache__ -prune -not -path './.venv/*' -exec rm -rf {} +
