# The two commands of the README, and the pieces they are made of. `make help` lists them.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo test lint unit browser infra-up infra-down bench bench-tower

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools

demo: $(STAMP) ## the main job on the embedded default: SQLite, no Kafka
	$(BIN)/backbone demo --no-serve

lint: $(STAMP) ## ruff, mypy --strict and the import contract (the layers)
	$(BIN)/ruff check backbone ind services simulation composition tests bench
	$(BIN)/ruff format --check backbone ind services simulation composition tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP) ## unit tests only (no Kafka, no PostgreSQL)
	$(BIN)/python -m pytest tests/unit

test: $(STAMP) lint browser ## every test: starts PostgreSQL, Kafka, Kafka Connect and Keycloak, runs pytest, stops them
	infra/postgres/postgres.sh run infra/kafka/kafka.sh run infra/kafka-connect/connect.sh run \
		infra/keycloak/keycloak.sh run $(BIN)/python -m pytest

browser: ## Debian's chromium and chromedriver for the dashboard's browser tests (installed when missing)
	infra/chromium/chromium.sh install

infra-up: ## start PostgreSQL, Kafka, Kafka Connect (Debezium) and Keycloak in the background (distributed mode by hand)
	infra/postgres/postgres.sh start
	infra/kafka/kafka.sh start
	infra/kafka-connect/connect.sh start
	infra/keycloak/keycloak.sh start

infra-down: ## stop them
	-infra/keycloak/keycloak.sh stop
	-infra/kafka-connect/connect.sh stop
	-infra/kafka/kafka.sh stop
	-infra/postgres/postgres.sh stop

bench: $(STAMP) ## the benchmark suite: every figure against its ceiling, markdown and JSON (needs infra-up)
	$(BIN)/python -m bench

bench-tower: $(STAMP) ## tower rebuild rate and freshness on the real broker and PostgreSQL (needs infra-up)
	$(BIN)/python -m bench.tower
