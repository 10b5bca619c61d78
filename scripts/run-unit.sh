#!/bin/sh
# run-unit.sh - run each cmocka test binary; fail if any fails.
# Prints one closing line: "unit: N passed, N failed".
pass=0 fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
