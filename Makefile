# The two commands of the README: `make run` and `make test`.
# Everything else here is the set-up they share.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt package-lock.json | cksum | cut -d' ' -f1)

.PHONY: run test setup migrate demo bench clean

run: migrate
	$(FLASK) start --demo

# The suite runs on every core, up to three workers (each has its own database and Redis index,
# tests/conftest.py); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses 3 $(PYTEST_ARGS)

setup: $(STAMP) static/vendor/htmx.min.js static/vendor/fonts/NotoSansSC-Regular.ttf

$(STAMP): requirements.txt package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/sortablejs/Sortable.min.js static/vendor/

# The report PDF's fonts (vendor_qa/reports/pdf_layout.py): Noto Sans for Latin, Greek and
# Cyrillic, Noto Sans SC for Chinese; fpdf2 embeds only the glyphs a report uses.
static/vendor/fonts/NotoSansSC-Regular.ttf: node_modules/.package-lock.json
	mkdir -p static/vendor/fonts
	cp node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf static/vendor/fonts/NotoSans-Regular.ttf
	cp node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf static/vendor/fonts/NotoSans-Bold.ttf
	cp node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf $@

migrate: setup
	$(FLASK) db upgrade

# Every script in bench/ (PostgreSQL in DATABASE_URL); BENCH_ARGS=--smoke runs each in seconds, as CI does.
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor
