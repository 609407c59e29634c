#!/usr/bin/env bash
# Sets up, starts PostgreSQL and Redis on loopback in a temporary folder, runs the whole
# test suite against them (both storage backends), and stops them again.
# Extra arguments go to `swift test`, e.g. scripts/test.sh --filter StorageTests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test

services_dir=$(mktemp -d /tmp/cci-test-services.XXXXXX)
trap 'scripts/services.sh stop "$services_dir"' EXIT
service_env=$(scripts/services.sh start "$services_dir")
eval "$service_env"
export CCI_TEST_REQUIRE_SERVICES=1

deployments/validate.sh

swift build --build-tests
export CCI_BINARY="$(swift build --show-bin-path)/cci"
# At most as many test cases at once as there are cores: many tests start servers, child
# processes and whole-corpus imports, and more at once only makes each wait for the CPU.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-$(nproc)}
swift test --skip-build "$@"
