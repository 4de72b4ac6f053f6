#!/usr/bin/env bash
# Portability rules, checked mechanically (README, "Platforms"):
#  1. no CPU tuning flag outside an `#if arch(x86_64)` block of Package.swift;
#  2. the curses shim has its macOS and Linux branches, and the module map links nothing
#     (linking is per platform in Package.swift);
#  3. every `import Glibc` has a Darwin alternative, and glibc-only calls sit behind canImport;
#  4. no x86 intrinsics or assembly in the sources;
#  5. the package's own targets build without warnings (-warnings-as-errors).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "portability FAILED: $*"; exit 1; }

awk '
  /^#if arch\(x86_64\)/ { inside = 1; next }
  /^#(else|endif)/      { inside = 0; next }
  /-target-cpu|-march|-mavx|-mfma/ && !inside { print FILENAME ":" NR ": " $0; bad = 1 }
  END { exit bad }
' Package.swift || fail "CPU flags outside #if arch(x86_64) in Package.swift"

grep -q '#if defined(__APPLE__)' Sources/CNCurses/shim.h || fail "shim.h lacks its __APPLE__ branch"
grep -q '<ncursesw/curses.h>' Sources/CNCurses/shim.h || fail "shim.h lacks the Linux wide-curses header"
! grep -q '^\s*link ' Sources/CNCurses/module.modulemap || fail "module.modulemap links unconditionally"
grep -q 'linkedLibrary("ncursesw", .when(platforms: \[.linux\]))' Package.swift || fail "no Linux link setting for ncursesw"
grep -q 'linkedLibrary("ncurses", .when(platforms: \[.macOS\]))' Package.swift || fail "no macOS link setting for ncurses"

for f in $(grep -rl '^import Glibc' Sources); do
    grep -q '^import Darwin' "$f" || grep -q 'glibc' "$f" || fail "$f imports Glibc without a Darwin alternative"
done
if grep -rn 'mallopt' Sources --include=*.swift | grep -v 'FlowLab.swift' >/dev/null; then
    fail "glibc's mallopt used outside the guarded call in FlowLab.swift"
fi
! grep -rnE '_mm256_|_mm_|__m256|asm\(|immintrin' Sources || fail "x86 intrinsics in the sources"

swift build --scratch-path .build-portability -Xswiftc -warnings-as-errors
echo "portability checks passed"
