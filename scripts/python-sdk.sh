#!/usr/bin/env bash
# Makes .venv-python/ (gitignored) holding the current release of the official `openai` Python package,
# for the Python SDK tests in test/e2e/python/. pip resolves from whatever index the machine configures.
# PYTHON picks the interpreter that creates the venv (default: python3). Safe to run again: it upgrades.
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "python-sdk: '$python' not found; install Python 3.10+ (what openai requires) or set PYTHON" >&2
  exit 1
fi
if [ ! -x .venv-python/bin/python ]; then
  "$python" -m venv .venv-python
fi
.venv-python/bin/python -m pip install --quiet --disable-pip-version-check --retries "${PIP_RETRIES:-1}" --upgrade openai
.venv-python/bin/python -c 'import sys, openai; print(f"python-sdk: openai {openai.__version__} on Python {sys.version.split()[0]} in .venv-python/")'
