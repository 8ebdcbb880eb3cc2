# fortsync: the two commands of the quick start are `make demo` and `make test`.
.PHONY: demo test serve lint build lambdas clean-local

AWS ?=

## Run the whole system locally on the Fortnox simulator and print what happened.
## `make demo AWS=moto` keeps state in DynamoDB/SQS/Secrets Manager (moto) instead of memory.
demo:
ifeq ($(AWS),moto)
	@bash infra/with-moto.sh cargo run --quiet -p fortsync -- demo --aws
else
	@cargo run --quiet -p fortsync -- demo
endif

## Every test: fmt, clippy, unit, handler, moto-backed and end-to-end tests, cfn-lint, demo smoke.
test:
	@bash infra/test.sh

## Every function's route on http://127.0.0.1:3000 plus the simulator on :8090, until Ctrl-C.
serve:
ifeq ($(AWS),moto)
	@bash infra/with-moto.sh cargo run --quiet -p fortsync -- serve --aws
else
	@cargo run --quiet -p fortsync -- serve
endif

lint:
	@bash infra/venv.sh && bash infra/lint.sh

build:
	cargo build --workspace

## Cross-build the Lambda zips the way `sam build` does (needs cargo-lambda: pip install cargo-lambda).
lambdas:
	cargo lambda build --release --arm64 --output-format zip

clean-local:
	bash infra/moto.sh stop || true
	rm -rf .moto
