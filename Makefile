# Townsquare: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lock clean venv airflow eval

venv: $(STAMP)

# The venv is rebuilt whenever the lock changes; --require-hashes installs exactly what CI tested.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/townsquare demo

test: $(STAMP)
	$(BIN)/python -m pytest

# NLP quality on labelled data (../shared/data): prints a summary, writes eval/report.json.
eval: $(STAMP)
	$(BIN)/townsquare eval --out eval/report.json

# Airflow standalone on 127.0.0.1:8080 with the project's DAGs, config and pool (see README: Scheduling).
airflow: $(STAMP)
	$(BIN)/townsquare airflow

# Re-resolve the lock from requirements.in (needs the uv tool: pip install uv).
lock:
	uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) .townsquare

# Speed and memory, as ratios against references measured in the same run; appends to BENCHMARKS.md.
bench: $(STAMP)
	$(BIN)/python bench/ingest.py --out BENCHMARKS.md
