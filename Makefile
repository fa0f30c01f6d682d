# 数据要素× 案例申报助手 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test lint lint-fast install system-deps media-deps bench test-fast test-offline bundle test-bundle clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Pinned set from requirements.lock (resolved together, pip check clean).
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

install: $(STAMP)

## make run: set up, index the bundled knowledge (first time ~1 min), serve http://127.0.0.1:7860
run: install media-deps
	$(BIN)/case-assistant prepare
	$(BIN)/case-assistant serve

## Debian packages the product and the tests use: headless Chromium, LibreOffice (rendering), CJK fonts (a serif and
## a sans face, fonts-noto-cjk; a kai face, fonts-arphic-gkai00mp: the PDF's 仿宋/黑体/楷体 roles), poppler (pdftotext,
## pdffonts), Graphviz (the 数据要素流向图), ffmpeg (ffprobe checks the MP4), PostgreSQL 15 (the tests start their own
## server on 127.0.0.1 in a temporary directory, and stop it).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing="$$missing fonts-wqy-zenhei"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qi "Noto Serif CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi "KaitiM GB\|LXGW WenKai" || missing="$$missing fonts-arphic-gkai00mp"; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v ffprobe >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	test -x /usr/lib/postgresql/15/bin/pg_ctl || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "安装测试所需的系统软件包:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing fontconfig >/dev/null; \
	fi

## What the product itself runs (without the test-only packages): Graphviz, ffprobe and the PDF's fonts.
media-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v ffprobe >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	fc-list 2>/dev/null | grep -qi "Noto Serif CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi "KaitiM GB\|LXGW WenKai" || missing="$$missing fonts-arphic-gkai00mp"; \
	if [ -n "$$missing" ]; then \
	  echo "安装多媒体与字体所需的系统软件包:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing fontconfig >/dev/null) \
	    || echo "未能自动安装$$missing：流向图、视频检查或 PDF 字体将不可用，请手动安装后重试。"; \
	fi

## make lint: ruff (E,F,I,B,UP), the layered import contract (import-linter) and the types (mypy, ~2 min cold)
lint: lint-fast
	$(BIN)/mypy

lint-fast: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## make test: everything the tests need, the lint gates, then the whole suite
test: install system-deps lint
	$(BIN)/python -m pytest -q

## make test-fast: the inner loop on both cores — every test that needs no browser, LibreOffice or database server and is
## not marked slow (a served process, a shell run, an evaluation floor); make test is the gate and runs them all
test-fast: install lint-fast
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not heavy and not slow and not bundle"

## the same suite with the network cut off (only loopback up); needs root and unshare
test-offline: install system-deps
	unshare -n sh -c 'ip link set lo up && $(BIN)/python -m pytest -q'

## make bench: every figure the README quotes, in one run (~25 min): retrieval vs the stock LangChain
## EnsembleRetriever at 1k/10k/100k chunks, hit@5, ingest, export, cold start, per-turn load at 1/10/50 users,
## the Q&A evaluation, 1/10/50 applicants at once on a 10 字/s model through the REST API and the web UI's queue;
## then storage and search on PostgreSQL + a Chroma server against the embedded default.
bench: install system-deps
	$(BIN)/python bench/run_all.py
	$(BIN)/python -m tests.multi.bench_servers

## make bundle: one offline install archive for this platform in dist/ (see README, 内网部署): every wheel of
## requirements.lock (pip wheel, cached in build/wheelhouse), the project with its bundled knowledge and vectors,
## install.sh; as root also the Debian packages of packaging/debian-packages.txt with their dependencies in debs/
## (apt-get download, ~280 MB). DEBS=none leaves them out.
DEBS ?= auto
bundle: install
	$(BIN)/python -m assistant.ops.bundle --out dist --debs $(DEBS)

## make test-bundle: build the bundle, install it inside unshare -n (only loopback) from the archive alone,
## start it and fetch the first page (also part of make test; ~2 min with the wheel cache)
test-bundle: install
	$(BIN)/python -m pytest -q -s -m bundle tests/ops

clean:
	rm -rf $(VENV) data .pytest_cache
