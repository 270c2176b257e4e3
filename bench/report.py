"""Writes the markdown report of one bench/run.sh run: python3 report.py facts.json results.jsonl."""
import json
import re
import sys

facts = json.load(open(sys.argv[1]))
rows = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
by_name = {r["name"]: r for r in rows}
sizes, subsets = facts["sizes"], facts["get_subsets"]


def rps(r):
    return r["requests"] / (r["duration_us"] / 1e6)


def ms(us):
    return f"{us / 1000:.2f}"


def answered(r):
    """False when no request got an answer within wrk's 5 s timeout: its percentiles are empty."""
    return r["requests"] > 0 and r["p50_us"] > 0


def errors(r):
    n = r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_status"] + r["errors_timeout"]
    return str(n) if n else "0"


# The baseline is measured twice, before the scenarios and right after GET lead (the machine's load drifts
# within a run); ratios use both runs together.
BASELINES = ["baseline: bare Kestrel GET", "baseline: bare Kestrel GET, after GET lead"]
baseline_runs = [by_name[n] for n in BASELINES if n in by_name]
baseline = {
    "name": "baseline (both runs)",
    "requests": sum(r["requests"] for r in baseline_runs),
    "duration_us": sum(r["duration_us"] for r in baseline_runs),
    "server_cpu_s": sum(r["server_cpu_s"] for r in baseline_runs),
    "p99_us": max(r["p99_us"] for r in baseline_runs),
} if baseline_runs else None
base_rps = rps(baseline) if baseline else None


def ratio(r):
    return f"{rps(r) / base_rps:.0%}" if base_rps else "n/a"


def cpu_us(r):
    """Server CPU (user + system, all threads) per answered request, in microseconds."""
    return r["server_cpu_s"] * 1e6 / r["requests"] if r["requests"] else 0


base_cpu = cpu_us(baseline) if baseline else None


def cpu_ratio(r):
    return f"{base_cpu / cpu_us(r):.0%}" if base_cpu and cpu_us(r) else "n/a"


out = []
w = out.append
w(f"# Benchmark results {facts['date'][:10]}")
w("")
w("Produced by `bash bench/run.sh" + (" --quick" if facts["quick"] else "") + "`: Release build, one silo (the real "
  "`src/Silo` process) on the embedded SQLite store (synchronous=FULL) in a temporary `DATA_DIR`, wrk as a separate process on 127.0.0.1 "
  f"(2 threads), {facts['duration']} s per scenario. The baseline is bare Kestrel with the service's JWT validation "
  f"serving a lead document of the same size ({facts['body_bytes']} bytes) from a dictionary, measured in the same run, "
  "twice (before the scenarios and right after GET lead); ratios to the baseline use both runs together. "
  "Two ceilings for a durable write are measured beside it, in the same bare Kestrel with the same JWT validation, "
  "answering the benchmark's PATCH: one writes the changed lead through the service's own SQLite grain storage "
  "(compare-and-swap, group commit; a copy of the seeded store; no grain, no timeline entry), the other appends it as "
  "a JSON line to a journal file, fsync'd before the answer with group commit (the cheapest durable write there is).")
w("")
w(f"Every process is warmed up before it is measured: the baselines, the ceilings, PATCH, list, chat turn and chat mix "
  f"run their own load for {facts.get('warm_up', '?')} s first (POST for 5 s, as it adds leads), and that run is not "
  "reported: the runtime compiles a code path three times over its first seconds (tier 0, instrumented, then "
  "optimized with the profile), and the targets are about the service running, not its first minute.")
w("")
w("## Machine")
w("")
w("| | |")
w("|---|---|")
w(f"| Cores | {facts['cores']} (shared with the load generator and other work) |")
w(f"| CPU | {facts['cpu']} |")
w(f"| Memory | {facts['memory_gb']} GB |")
w(f"| Kernel | {facts['kernel']} |")
w(f"| .NET | SDK {facts['dotnet']}, runtime {facts['runtime']} |")
w(f"| Commit | {facts['commit']} |")
w(f"| wrk | {facts['wrk']} |")
w(f"| Load average (1, 5, 15 min) at the end | {facts['load_average']} |")
w(f"| Whole run | {facts['total_seconds']} s |")
w(f"| Grain activations (warm-up) | {facts['activation_rate']:,}/s |")
w("")
w(f"## Scenarios ({sizes[1]:,} leads)")
w("")
w("| Scenario | Connections | req/s | vs baseline | p50 ms | p95 ms | p99 ms | errors | server CPU µs/req | CPU efficiency vs baseline | load avg before | server RSS after |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
SQLITE_CEILING = "ceiling: bare Kestrel PATCH, SQLite write"
JOURNAL_CEILING = "ceiling: bare Kestrel PATCH, fsync'd journal"
main = [*BASELINES, SQLITE_CEILING, JOURNAL_CEILING, "GET lead", "PATCH lead", "mixed 80/20", "POST lead", "list status", "list q",
        "chat turn", "chat turn @4", "chat mix @4", "login (bcrypt)", "GET lead @4, idle", "GET lead @4, under login flood"]
for name in main:
    r = by_name.get(name)
    if r and not answered(r):
        w(f"| {name} | {r['connections']} | 0 | 0% | > 5000 | > 5000 | > 5000 | {errors(r)} timeouts | | | {r['load_before']} | {r['rss_after_mb']} MB |")
    elif r:
        w(f"| {name} | {r['connections']} | {rps(r):,.0f} | {ratio(r)} | {ms(r['p50_us'])} | {ms(r['p95_us'])} | "
          f"{ms(r['p99_us'])} | {errors(r)} | {cpu_us(r):,.0f} | {cpu_ratio(r)} | {r['load_before']} | {r['rss_after_mb']} MB |")
w("")
w("Server CPU per request is the busy time of the server process (silo or baseline, all threads) divided by the "
  "requests it answered. On a shared machine it is the figure that other work disturbs least: req/s and tail latency "
  "move with the CPU share the run gets (see the load average before each scenario; 2 means both cores busy). CPU "
  "efficiency vs baseline = baseline CPU per request / scenario CPU per request, the req/s ratio the scenario would "
  "reach if both had the cores to themselves.")
w("")
w(f"GET reads random ids among {subsets[2]:,} warm lead grains; PATCH changes `notes` of a random lead "
  "(durable: the grain writes the document before answering); mixed is 80% GET and 20% PATCH; POST creates leads "
  "(no email/phone, so no contact claims); list status is `?status=qualified&sort=-created_at&limit=50`, list q is "
  "`?q=orbital&sort=-created_at&limit=50` (~4% of the leads match: 2 of the 50 seeded companies, and 1 in 25 of the leads the POST scenario creates); chat turn posts an FAQ question to one of 256 "
  "sessions (the rules decide it, no model, no LLM) at 32 and, for the latency target, at 4 connections; chat mix walks each "
  "session through a 10-turn conversation (3 openers only the embedding model understands, then slot answers, a no, a "
  "correction, cancels; bench/wrk/scenario.lua) at 4 connections; login checks a bcrypt hash and issues a token. "
  f"GET lead @4 reads {subsets[0]:,} warm leads on 4 connections, once idle and once while a second wrk sends wrong-password logins for "
  "256 unknown emails on 40 connections (the run lifts the per-address and per-account login limits, since everything comes from "
  "127.0.0.1, so the flood meets only the bounded password-hashing queue: the case of a flood spread over many addresses).")
w("")
flood = by_name.get("login flood (wrong passwords)")
if flood:
    w(f"Login flood: {flood['requests']:,} logins in {flood['duration_us'] / 1e6:.0f} s ({rps(flood):,.0f}/s): "
      f"{flood.get('status_401', 0):,} checked and refused (401), {flood.get('status_503', 0):,} turned away by the full hashing queue (503), "
      f"{flood.get('status_429', 0):,} throttled (429); p50 {ms(flood['p50_us'])} ms.")
    w("")


def target_row(name, text, ok, measured):
    w(f"| {name} | {text} | {measured} | {'pass' if ok else '**miss**'} |")


w("## Targets")
w("")
w("| Scenario | Target | Measured | Result |")
w("|---|---|---|---|")
get, patch = by_name.get("GET lead"), by_name.get("PATCH lead")
if baseline:
    w(f"| baseline (for reference) | the ceiling | p99 {ms(baseline['p99_us'])} ms | "
      f"{'p99 < 10 ms' if baseline['p99_us'] < 10_000 else 'p99 ≥ 10 ms: the machine, not the service, sets the tail'} |")
if get and base_rps:
    target_row("GET lead", "≥ 70% of baseline req/s, p99 < 10 ms at 32 connections",
               rps(get) >= 0.7 * base_rps and get["p99_us"] < 10_000,
               f"{ratio(get)}, p99 {ms(get['p99_us'])} ms (CPU efficiency {cpu_ratio(get)})")
sqlite_ceiling, journal_ceiling = by_name.get(SQLITE_CEILING), by_name.get(JOURNAL_CEILING)


def of_ceiling(r, ceiling):
    return f"{rps(r) / rps(ceiling):.0%}" if ceiling and rps(ceiling) else "n/a"


if patch and base_rps:
    target_row("PATCH lead", "≥ 40% of baseline req/s, durable", rps(patch) >= 0.4 * base_rps,
               f"{ratio(patch)} (CPU efficiency {cpu_ratio(patch)}); {of_ceiling(patch, sqlite_ceiling)} of the SQLite-write ceiling")
mixed, post = by_name.get("mixed 80/20"), by_name.get("POST lead")
if mixed and base_rps:
    target_row("mixed 80/20", "≥ 60% of baseline req/s", rps(mixed) >= 0.6 * base_rps, f"{ratio(mixed)} (CPU efficiency {cpu_ratio(mixed)})")
if post and base_rps:
    target_row("POST lead", "≥ 20% of baseline req/s, durable", rps(post) >= 0.2 * base_rps, f"{ratio(post)} (CPU efficiency {cpu_ratio(post)})")
ls, lq, lq_large = by_name.get("list status"), by_name.get("list q"), by_name.get(f"list q @{sizes[2]}")
if ls:
    target_row(f"list status @{sizes[1]:,}", "p50 < 1 ms",
               answered(ls) and ls["p50_us"] < 1000,
               f"p50 {ms(ls['p50_us'])} ms, p99 {ms(ls['p99_us'])} ms" if answered(ls) else "no answer within 5 s")
if lq:
    target_row(f"list q @{sizes[1]:,}", "p50 < 5 ms", answered(lq) and lq["p50_us"] < 5_000,
               f"p50 {ms(lq['p50_us'])} ms" if answered(lq) else "no answer within 5 s")
if lq_large:
    target_row(f"list q @{sizes[2]:,}", "p50 < 15 ms", answered(lq_large) and lq_large["p50_us"] < 15_000,
               f"p50 {ms(lq_large['p50_us'])} ms" if answered(lq_large) else "no answer within 5 s")
chat, chat4 = by_name.get("chat turn"), by_name.get("chat turn @4")
if chat:
    target_row("chat turn (32 connections, saturated)", "p99 < 20 ms", chat["p99_us"] < 20_000,
               f"p99 {ms(chat['p99_us'])} ms at {rps(chat):,.0f} req/s")
if chat4:
    target_row("chat turn (4 connections)", "p99 < 20 ms", chat4["p99_us"] < 20_000,
               f"p99 {ms(chat4['p99_us'])} ms at {rps(chat4):,.0f} req/s")
chatmix = by_name.get("chat mix @4")
if chatmix:
    target_row("chat mix with the embedding model (4 connections)", "p99 < 30 ms", answered(chatmix) and chatmix["p99_us"] < 30_000,
               f"p50 {ms(chatmix['p50_us'])} ms, p99 {ms(chatmix['p99_us'])} ms at {rps(chatmix):,.0f} turns/s; "
               + (facts.get("chat_model") or "model not loaded"))
idle, flooded = by_name.get("GET lead @4, idle"), by_name.get("GET lead @4, under login flood")
if idle and flooded:
    ok = answered(idle) and answered(flooded) and flooded["p50_us"] <= 3 * idle["p50_us"]
    target_row("GET lead under a login flood (4 connections)", "p50 within 3× of idle", ok,
               f"p50 {ms(flooded['p50_us'])} ms vs {ms(idle['p50_us'])} ms idle ({flooded['p50_us'] / max(1, idle['p50_us']):.1f}×), "
               f"p99 {ms(flooded['p99_us'])} vs {ms(idle['p99_us'])} ms")
rss = max(facts["rss_warm_mb"], facts["rss_after_load_mb"])
peak = max([r.get("rss_after_mb", 0) for r in rows
            if r.get("leads") == sizes[1] and not r["name"].startswith(("baseline", "ceiling"))] + [rss])
target_row("memory", f"RSS < 500 MB after {sizes[1]:,} leads and the load run", rss < 500,
           f"{facts['rss_warm_mb']} MB with {subsets[2]:,} grains active, {facts['rss_after_load_mb']} MB after the load run "
           f"(highest after a scenario: {peak} MB)")
before, after = facts["activations_before_idle"], facts["activations_after_idle"]
if before is not None and after is not None:
    target_row("idle grains deactivate", f"activations fall after GRAIN_COLLECTION_AGE_SECONDS={facts['idle_age']}",
               after < before / 2, f"{before:,} → {after:,} after {facts['idle_seconds']} s")
else:
    target_row("idle grains deactivate", "activations fall", False, "dotnet-counters unavailable")
w("")
misses = []
if get and base_rps and get["p99_us"] >= 10_000 and baseline and baseline["p99_us"] >= 0.7 * get["p99_us"]:
    misses.append(
        f"**GET p99.** The bare-Kestrel baseline's own p99 in this run was {ms(baseline['p99_us'])} ms against "
        f"{ms(get['p99_us'])} ms for GET: with wrk and the server sharing 2 cores with other work, the tail is set "
        "by scheduling, not by the service (compare the p50 values and the CPU per request).")
if get and base_rps and rps(get) < 0.7 * base_rps:
    spread = [rps(r) for r in baseline_runs]
    get_rows = [(n, by_name.get(f"GET lead @{n} ids")) for n in subsets[:2]] + [(subsets[2], get)]
    misses.append(
        f"**GET throughput.** GET reached {ratio(get)} of the baseline at {cpu_us(get):,.0f} µs of server CPU per "
        f"request against {cpu_us(baseline):,.0f} µs (CPU efficiency {cpu_ratio(get)}). The two baseline runs of this "
        f"run differ by {abs(spread[0] - spread[-1]) / max(spread):.0%} between themselves, and GET over "
        + ", ".join(f"{n:,} distinct ids reached {ratio(r)}" for n, r in get_rows if r)
        + ": the ratio moves with the machine's load and with how many grains are warm (runs before every process "
        "was warmed up, the baseline too, put it at 64-80% at 100,000 ids). What GET costs beyond the baseline (perf "
        "profiles, 2026-11-26 and 2026-12-06): the grain call (Orleans messaging and scheduling, ~15% of the process's "
        "CPU), garbage collection (~13%), and the service's middleware (problem details, idempotency, ETags); JWT "
        "validation (~14%) is in the baseline too. Orleans resolving the grain interface type by reflection on every "
        "GetGrain call took another 6% until the service cached it (2026-12-06).")
if patch and base_rps and rps(patch) < 0.4 * base_rps:
    text = (f"**PATCH throughput.** The target asks a durable write to reach 40% of a dictionary read. Each PATCH cost "
            f"{cpu_us(patch):,.0f} µs of server CPU against {cpu_us(baseline):,.0f} µs for the baseline GET. ")
    if sqlite_ceiling and journal_ceiling:
        text += (
            f"The two ceilings measured in this run place the gap: the cheapest durable write on this machine (an fsync'd "
            f"journal append with group commit) reached {ratio(journal_ceiling)} of the baseline at "
            f"{cpu_us(journal_ceiling):,.0f} µs per request; the same bare endpoint writing the lead through the service's "
            f"SQLite grain storage reached {ratio(sqlite_ceiling)} at {cpu_us(sqlite_ceiling):,.0f} µs per request, with "
            f"no grain, no timeline entry and no domain rules. The service's PATCH reached "
            f"{of_ceiling(patch, sqlite_ceiling)} of that SQLite ceiling. ")
    text += (
        "The gap between the service's PATCH and the SQLite ceiling is the grain call, the domain rules and the "
        "timeline entry written in the same transaction; the gap between the SQLite ceiling and the journal ceiling is "
        "SQLite's own cost per write (b-tree pages, WAL frames, checkpoints).")
    misses.append(text)
if mixed and get and patch and base_rps and rps(mixed) < 0.6 * base_rps:
    share = 0.2
    expected = (1 - share) * cpu_us(get) + share * cpu_us(patch)
    misses.append(
        f"**Mixed 80/20.** The mix cost {cpu_us(mixed):,.0f} µs of server CPU per request; 80% of GET's "
        f"{cpu_us(get):,.0f} µs plus 20% of PATCH's {cpu_us(patch):,.0f} µs is {expected:,.0f} µs: the mix is its two "
        "parts, each explained above, and the durable writes take most of its CPU.")
if post and patch and base_rps and rps(post) < 0.2 * base_rps:
    misses.append(
        f"**POST throughput.** Each POST cost {cpu_us(post):,.0f} µs of server CPU, {cpu_us(post) - cpu_us(patch):,.0f} µs "
        f"more than a PATCH ({cpu_us(patch):,.0f} µs): besides what a PATCH does, a new lead activates a new grain (a read "
        "that finds nothing), and its row goes into every index of the leads table (8), the trigram search index (every "
        "3-character piece of the name and company) and the counts table, with its first timeline entry and event in "
        "the same transaction.")
if chat and chat["p99_us"] >= 20_000 and chat4 and chat4["p99_us"] < 20_000:
    misses.append(
        f"**Chat turn p99 at 32 connections.** At saturation ({rps(chat):,.0f} turns/s, {cpu_us(chat):,.0f} µs of server "
        f"CPU per turn) p99 is queueing for the 2 cores and behind the single SQLite writer: each turn writes the session "
        f"document (its last 10 messages, ~2.7 KB), appends the messages beyond them as rows (two per turn) and, when the "
        f"turn changed it, the assistant's memory, together in one group commit, durable before the answer. A perf "
        f"profile (2026-12-06) puts the writer thread at ~30% of the service's CPU under this load, mostly in the kernel: "
        f"writing WAL frames (each turn dirties at least two pages in different places of the file, its session's row "
        f"and its message rows) and fsync. Below saturation (4 connections) p99 is {ms(chat4['p99_us'])} ms.")
if rss >= 500:
    model = re.search(r"process memory \+(\d+) MB", facts.get("chat_model") or "")
    misses.append(
        f"**Memory.** RSS was {facts['rss_start_mb']} MB at start on {sizes[1]:,} leads (the chat embedding model, loaded "
        f"at start-up, {'added ' + model.group(1) + ' MB' if model else 'was not loaded'}; it took ~250 MB until its mapped "
        f"resource pages were handed back and ONNX Runtime's arena turned off, 2026-12-06), {facts['rss_warm_mb']} MB with {subsets[2]:,} lead "
        f"grains active (~{(facts['rss_warm_mb'] - facts['rss_start_mb']) * 1024 / max(subsets[2], 1):,.1f} KB of process "
        "memory per active grain), and it grew during the write scenarios (see the RSS column: POST adds a new active grain "
        "per lead) without being given back. A heap dump with 100,000 lead grains active (dotnet-gcdump, 2026-12-06) "
        "held 352 MB of live objects, ~2.5 KB per activation, most of it Orleans' own per-activation objects "
        "(ActivationData, its scheduler and work queue, message loop, DI scope, directory and collector entries, ~1.7 KB) "
        "and the rest the grain, its state and strings; the GC keeps about as much again committed. With workstation GC "
        "(`DOTNET_gcServer=0`) the same 100,000 active grains took 693 MB instead of 822 MB, but in an A/B on warm grains "
        "it served ~5-15% fewer GET and PATCH requests per second, so the server GC stays. So 500 MB with 100,000 active grains would need under ~1.5 KB per "
        "activation including GC headroom, below what an Orleans activation costs by itself; idle grains are collected "
        "after `GRAIN_COLLECTION_AGE_SECONDS` (15 min by default; the idle row above shows them go).")
if misses:
    w("## Why targets are missed")
    w("")
    for m in misses:
        w(m)
        w("")
imp = facts.get("import")
if imp:
    w("## CSV import")
    w("")
    w(f"A generated {imp['rows']:,}-row file (1% repeat an earlier email, 1% have a bad email) POSTed to `/api/leads/import` on an "
      f"empty store, timed from the upload to the job's completion: **{imp['rows_per_s']:,} rows/s** ({imp['seconds']} s; "
      f"{imp['created']:,} created, {imp['duplicates']:,} duplicates, {imp['invalid']:,} invalid; RSS {imp['rss_mb']} MB after; "
      f"{imp['rows_per_cpu_s']:,} rows per server CPU-second). "
      f"Target >= 2,000 rows/s: **{'met' if imp['rows_per_s'] >= 2000 else 'miss'}**.")
    w("")

w("## Memory")
w("")
w("| Moment | Silo RSS |")
w("|---|---:|")
w(f"| started on {sizes[1]:,} leads | {facts['rss_start_mb']} MB |")
w(f"| {subsets[2]:,} lead grains activated ({facts['activations_warm'] if facts['activations_warm'] is not None else '?'} activations) | {facts['rss_warm_mb']} MB |")
w(f"| after the load run | {facts['rss_after_load_mb']} MB |")
w(f"| {sizes[2]:,} leads, after idle collection | {facts['rss_largest_mb']} MB |")
w("")
w("## Scaling")
w("")
w("List (4 connections) as the number of leads grows:")
w("")
w("| Leads | list status req/s | p50 ms | p99 ms | list q req/s | p50 ms | p99 ms |")
w("|---:|---:|---:|---:|---:|---:|---:|")
for size, suffix in ((sizes[0], f" @{sizes[0]}"), (sizes[1], ""), (sizes[2], f" @{sizes[2]}")):
    cells = [f"{size:,}"]
    for r in (by_name.get("list status" + suffix), by_name.get("list q" + suffix)):
        if r and answered(r):
            cells += [f"{rps(r):,.0f}", ms(r["p50_us"]), ms(r["p99_us"])]
        else:
            cells += ["0", "> 5000", "> 5000"]
    w("| " + " | ".join(cells) + " |")
w("")
w(f"GET (32 connections) as the number of distinct warm lead grains grows ({sizes[1]:,} leads stored):")
w("")
w("| Distinct ids | req/s | vs baseline | p50 ms | p99 ms | server CPU µs/req | CPU efficiency vs baseline |")
w("|---:|---:|---:|---:|---:|---:|---:|")
for n, name in ((subsets[0], f"GET lead @{subsets[0]} ids"), (subsets[1], f"GET lead @{subsets[1]} ids"), (subsets[2], "GET lead")):
    r = by_name.get(name)
    if r:
        w(f"| {n:,} | {rps(r):,.0f} | {ratio(r)} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {cpu_us(r):,.0f} | {cpu_ratio(r)} |")
w("")
print("\n".join(out))
