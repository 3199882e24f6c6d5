#!/usr/bin/env bash
# `cargo make bench`: every performance comparison side by side, in one run, ending with one
# Markdown table (also written to target/bench/table.md) of each figure, its peers, the ratio
# (kit / peer: below 1 is better for time, bytes, calls and instructions) and the goal.
#
# Needs: hyperfine, valgrind, strace, gcc, musl-gcc (musl-tools), as/ld (binutils), GNU cat,
# python3 (reads the JSON of Criterion and hyperfine). Takes a few minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/bench"
mkdir -p "$out"
cd "$root"
# Each tool with the Debian package that provides it.
for tool_package in hyperfine:hyperfine valgrind:valgrind strace:strace gcc:gcc \
  musl-gcc:musl-tools as:binutils ld:binutils python3:python3; do
  tool=${tool_package%%:*}
  command -v "$tool" >/dev/null || {
    echo "bench: $tool not found (Debian/Ubuntu: apt-get install ${tool_package#*:})" >&2
    exit 1
  }
done
rows="$out/rows.tsv"
: > "$rows"
# row NAME KIT_FIGURE PEER PEER_FIGURE GOAL_MAX_RATIO UNIT
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$rows"; }

echo "== building" >&2
cargo build-nostd -p hello-nostd -p cat-nostd >&2
cargo build --release -p hello-std --target x86_64-unknown-linux-musl >&2
hello="$root/target/x86_64-unknown-linux-musl/release/hello-nostd"
catn="$root/target/x86_64-unknown-linux-musl/release/cat-nostd"
musl-gcc -O2 -static -o "$out/hello-c-musl" lab/hello.c
gcc -O2 -static -o "$out/hello-c-glibc" lab/hello.c
cp "$root/target/x86_64-unknown-linux-musl/release/hello-std" "$out/hello-rust-std"
as -o "$out/hello-asm.o" bench/asm/hello.S
ld -s -o "$out/hello-asm" "$out/hello-asm.o"

echo "== Criterion: system calls and heap" >&2
crit="--warm-up-time 1 --measurement-time 3 --noplot"
# shellcheck disable=SC2086
CARGO_TARGET_DIR="$root/target" cargo bench --manifest-path bench/Cargo.toml --bench syscalls -- $crit >&2
# shellcheck disable=SC2086
CARGO_TARGET_DIR="$root/target" cargo bench --manifest-path bench/Cargo.toml --bench heap -- $crit >&2
median_ns() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' \
  "$root/target/criterion/$1/$2/new/estimates.json"; }
for g in write getppid; do
  for peer in libc rustix; do
    row "syscall $g (ns/call)" "$(median_ns "$g" kit)" "$peer" "$(median_ns "$g" "$peer")" 1.00 ns
  done
done
row "heap mixed workload (ns/run)" "$(median_ns heap-mixed kit)" glibc "$(median_ns heap-mixed glibc)" 1.50 ns
for size in 16 64 256 1024 4096 16384 65536; do
  row "heap class $size B (ns/1000 alloc+free)" "$(median_ns "heap-class-$size" kit)" glibc "$(median_ns "heap-class-$size" glibc)" 2.00 ns
done

echo "== system calls: exact user-space instructions per call (callgrind)" >&2
# bench/examples/syscall_loop.rs makes the call N times through each wrapper; the difference of
# the callgrind totals for two values of N, divided by their difference, is what one call costs
# in user space (the kernel's part is not counted): exact, unlike the times above.
CARGO_TARGET_DIR="$root/target" cargo build --release --manifest-path bench/Cargo.toml --example syscall_loop >&2
loop_bin="$root/target/release/examples/syscall_loop"
per_call() {
  local a b
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$loop_bin" "$1" "$2" 1000 >/dev/null 2>&1
  a=$(awk '/^summary:/ {print $2}' "$out/callgrind.out")
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$loop_bin" "$1" "$2" 2000 >/dev/null 2>&1
  b=$(awk '/^summary:/ {print $2}' "$out/callgrind.out")
  echo $(((b - a) / 1000))
}
for g in write getppid; do
  kit_ir=$(per_call kit "$g")
  for peer in libc rustix; do
    row "syscall $g (user instructions/call)" "$kit_ir" "$peer" "$(per_call "$peer" "$g")" 1.00 instr
  done
done

echo "== hello: bytes, system calls, instructions, exec-to-exit time" >&2
peers=(hello-c-musl hello-c-glibc hello-rust-std hello-asm)
bytes() { stat -c %s "$1"; }
calls() { strace -f -qq -o "$out/strace.txt" "$1" >/dev/null; grep -vc -e '^[0-9]* *execve(' -e '+++ exited' "$out/strace.txt"; }
instr() {
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$1" >/dev/null 2>&1
  awk '/^summary:/ {print $2}' "$out/callgrind.out"
}
hb="$(bytes "$hello")"; hc="$(calls "$hello")"; hi="$(instr "$hello")"
hyperfine -N --warmup 50 --runs 1000 --export-json "$out/hello.json" "$hello" \
  "${peers[@]/#/$out/}" >&2
med() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[int(sys.argv[2])]["median"]*1e9)' "$1" "$2"; }
ht="$(med "$out/hello.json" 0)"
i=1
for p in "${peers[@]}"; do
  row "hello: file bytes" "$hb" "$p" "$(bytes "$out/$p")" "" bytes
  row "hello: system calls after execve" "$hc" "$p" "$(calls "$out/$p")" "" calls
  row "hello: user-space instructions (callgrind)" "$hi" "$p" "$(instr "$out/$p")" "" instr
  row "hello: exec-to-exit median (ns)" "$ht" "$p" "$(med "$out/hello.json" "$i")" "" ns
  i=$((i + 1))
done
row "hello: file bytes (goal: at most 256)" "$hb" "256-byte goal" 256 1.00 bytes

echo "== cat: 512 MiB from the page cache" >&2
big="$out/512MiB"
if [[ ! -f "$big" || "$(stat -c %s "$big")" != 536870912 ]]; then
  head -c 536870912 /dev/urandom > "$big"
fi
cat "$big" > /dev/null   # into the page cache
sink="$out/cat-out"
hyperfine --warmup 1 --runs 10 --export-json "$out/cat-null.json" \
  "$catn $big > /dev/null" "cat $big > /dev/null" >&2
hyperfine --warmup 1 --runs 10 --export-json "$out/cat-file.json" \
  "$catn $big > $sink" "cat $big > $sink" >&2
hyperfine --warmup 1 --runs 10 --export-json "$out/cat-pipe.json" \
  "$catn $big | tail -c 1 > /dev/null" "cat $big | tail -c 1 > /dev/null" >&2
rm -f "$sink"
for t in null file pipe; do
  # Throughput ratio = peer time / kit time; the table shows time, so the goal is ratio <= 1.
  row "cat 512 MiB to $t (ns)" "$(med "$out/cat-$t.json" 0)" "GNU cat" "$(med "$out/cat-$t.json" 1)" 1.00 ns
done

python3 - "$rows" > "$out/table.md" <<'PY'
import sys
print("| measure | syscall-kit | peer | peer figure | ratio kit/peer | goal | met |")
print("|---|---:|---|---:|---:|---|---|")
for line in open(sys.argv[1]):
    name, kit, peer, fig, goal, unit = line.rstrip("\n").split("\t")
    kit, fig = float(kit), float(fig)
    ratio = kit / fig if fig else float("inf")
    def show(v):
        return f"{v:,.0f}" if unit in ("bytes", "calls", "instr") or v >= 1000 else f"{v:.1f}"
    if goal:
        # The goal is read at the two decimals the table shows: 1.004 is "1.00", and meets ≤ 1.00.
        met = "met" if round(ratio, 2) <= float(goal) else f"**not met** ({ratio:.2f})"
        goal_s = f"ratio ≤ {goal}"
    else:
        met, goal_s = "", "(comparison)"
    print(f"| {name} | {show(kit)} | {peer} | {show(fig)} | {ratio:.2f} | {goal_s} | {met} |")
PY
cat "$out/table.md"
echo
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, Linux $(uname -r)"
