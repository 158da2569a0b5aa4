#!/bin/sh
# Runs the Python, TypeScript and C++ client test suites against the real
# daemon. Installs nothing: run ./install-deps.sh first (and have Go, to build
# pvmd). pvmd is built once here and shared (set PVMD_BIN to use another
# binary). The vector tests read $PVMD_SHARED/vectors (default ../shared next
# to the repository) and skip with a message when it is absent.
#
#   clients/test.sh                 # all three
#   clients/test.sh python cpp      # some of them
set -u
cd "$(dirname "$0")"
here="$(pwd)"
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -z "${PVMD_BIN:-}" ]; then
  echo "== building pvmd"
  (cd .. && go build -o "$tmp/pvmd" ./cmd/pvmd) || { echo "FAIL: go build ./cmd/pvmd"; exit 1; }
  export PVMD_BIN="$tmp/pvmd"
fi

suites="${*:-python typescript cpp}"
failed=""
for s in $suites; do
  echo "== $s client"
  start=$(date +%s)
  case "$s" in
    python) "$here/python/test.sh" ;;
    typescript) "$here/typescript/test.sh" ;;
    cpp) "$here/cpp/test.sh" ;;
    *) echo "unknown suite $s (python, typescript, cpp)"; false ;;
  esac
  rc=$?
  echo "== $s client: $([ $rc = 0 ] && echo ok || echo FAILED) in $(( $(date +%s) - start ))s"
  [ $rc = 0 ] || failed="$failed $s"
done
if [ -n "$failed" ]; then
  echo "FAILED:$failed"
  exit 1
fi
echo "all client tests passed"
