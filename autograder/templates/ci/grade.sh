#!/usr/bin/env bash
# Grade one submission with the instructor's kit (hidden checks included), from any CI system the
# instructor controls; never put it in a repository students can edit. Written by `autograder ci-template shell`.
#   grade.sh [SUBMISSION] [OUT_DIR]     (defaults: . and grading)
# Environment: AUTOGRADER (the command; default: autograder), DEVICE (auto, cpu, cuda; default auto),
# FAIL_UNDER (a percentage: exit 1 below it; default: never), AUTOGRADER_DATA (real data sets, optional).
# Writes OUT_DIR/result.json (the kit's JSON), junit.xml and summary.txt; exits 0, 1 (below FAIL_UNDER)
# or 2 (the submission could not be graded).
set -euo pipefail
submission="${1:-.}"
out="${2:-grading}"
autograder="${AUTOGRADER:-autograder}"
mkdir -p "$out"
status=0
"$autograder" grade "$submission" --device "${DEVICE:-auto}" --format json --output "$out/result.json" \
  ${FAIL_UNDER:+--fail-under "$FAIL_UNDER"} || status=$?
if [ -s "$out/result.json" ]; then
  "$autograder" report "$out/result.json" --format junit --output "$out/junit.xml"
  "$autograder" report "$out/result.json" --format table --lang both --output "$out/summary.txt"
  cat "$out/summary.txt"
fi
exit "$status"
