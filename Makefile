# Two commands on a fresh machine: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test venv system-deps llm-server lint bench eval clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# Debian packages: antiword reads legacy .doc files; chromium drives the browser test.
# Installed only where apt is available and we are root; otherwise those features skip cleanly.
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  missing=""; \
	  command -v antiword >/dev/null 2>&1 || missing="$$missing antiword"; \
	  [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "apt-get could not install$$missing; those tests will skip"; \
	  fi; \
	fi

run: venv system-deps
	$(PY) -m ingest --if-empty
	$(PY) -m assistant users ensure-admin
	$(VENV)/bin/streamlit run serve.py --server.address 127.0.0.1 --browser.gatherUsageStats false

# llama.cpp's server and Gemma 3 270M for tests/llm_server: compiled once (about 7 minutes on 2 cores, 386 s of it compiling),
# cached in ~/.cache/sharecheck; never fails the run, the tests skip saying why.
llm-server:
	bash scripts/llama_server.sh

test: venv system-deps llm-server
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy core ingest retrieval assistant governance accounts records

eval: venv
	$(PY) -m eval --check-floors

bench: venv
	$(PY) -m eval.bench

clean:
	rm -rf $(VENV) data
