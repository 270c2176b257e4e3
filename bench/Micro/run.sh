#!/usr/bin/env bash
# In-process micro benchmarks (BenchmarkDotNet, short in-process job): grain calls, SQLite grain-storage
# writes, state serialization and list queries over 100,000 seeded leads. Takes a few minutes; the first
# run also seeds bench/Micro/.data/leads-100k (~1 minute, reused later).
#   bash bench/Micro/run.sh                     # everything
#   bash bench/Micro/run.sh --filter '*List*'   # any BenchmarkDotNet arguments
# Writes bench/results/micro/<UTC date>.md (BenchmarkDotNet's GitHub markdown tables, one per class).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/results/micro"
artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--filter '*')
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build -c Release "$here/CrmChatbot.Benchmarks.Micro.csproj" -nologo -v q
dotnet "$here/bin/Release/net10.0/CrmChatbot.Benchmarks.Micro.dll" "${args[@]}" --artifacts "$artifacts"

mkdir -p "$out"
report="$out/$(date -u +%Y-%m-%d).md"
{
  echo "# Micro benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, .NET SDK $(dotnet --version)," \
    "load average before the run: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "BenchmarkDotNet short in-process job (3 warm-up, 3 measured iterations): rank hot spots, do not compare 5% differences."
  for file in "$artifacts"/results/*-report-github.md; do
    name="$(basename "$file" -report-github.md)"
    echo
    echo "## ${name##*.}"
    echo
    cat "$file"
  done
} > "$report"
echo "Report: $report"
