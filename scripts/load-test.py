#!/usr/bin/env python3
r"""Load test for `l2pd serve` (python3 standard library only: urllib and threads).

Sends N requests at concurrency C to a running server, then the same prompts one at a time (c=1),
and prints for each run: throughput (requests/s, answer tokens/s), latency p50/p99, the batch sizes
the server decoded (read from /metrics), and the requests that failed or never got an answer, which
must be 0. The batched answers are compared with the c=1 answers and, with --expected, with
`l2pd decode`'s. Exit status 1 when a request failed, an answer differed, or (with --require-speedup)
the batched run was not faster than c=1.

Example (the embedded model; its test split as prompts; expected answers made by `l2pd decode`):

    l2pd serve --port 8000 --threads 1 &       # --threads 1 keeps timings sane on a busy machine
    l2pd export-task --split test --count 64 --out runs/load/test.jsonl
    python3 scripts/load-test.py --url http://127.0.0.1:8000 --data runs/load/test.jsonl \
        --requests 64 --concurrency 16 --max-tokens 64 \
        --expected runs/load/expected.jsonl --decode-command "l2pd decode --policy filter --eotp --gen-length 64"

--decode-command writes --expected when the file is missing: one `CMD --prompt Q --output json` line per
prompt (the server's default method is l2p+eotp on a model with a filter: `--policy filter --eotp`).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def read_prompts(path, count):
    """Questions of GSM8K JSONL ({"question", ...}) or {"prompt": ...} lines, repeated to `count`."""
    prompts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            prompts.append(record.get("question") or record.get("prompt"))
    if not prompts:
        sys.exit(f"{path}: no prompts")
    return [prompts[i % len(prompts)] for i in range(count)]


def expected_answers(path, prompts, decode_command):
    """The answer text of each distinct prompt, from --expected (made with --decode-command when missing)."""
    distinct = list(dict.fromkeys(prompts))
    if not os.path.exists(path):
        if not decode_command:
            sys.exit(f"{path} does not exist: pass --decode-command to make it")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            for i, prompt in enumerate(distinct):
                done = subprocess.run(shlex.split(decode_command) + ["--prompt", prompt, "--output", "json"],
                                      capture_output=True, text=True, timeout=600)
                if done.returncode != 0:
                    sys.exit(f"decode failed for prompt {i}: {done.stderr.strip()}")
                record = json.loads(done.stdout)
                out.write(json.dumps({"prompt": prompt, "text": record["text"], "ids": record["ids"]}) + "\n")
                print(f"\rexpected answers: {i + 1}/{len(distinct)} decoded", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        os.replace(path + ".tmp", path)
    with open(path, encoding="utf-8") as f:
        answers = {r["prompt"]: r["text"] for r in (json.loads(line) for line in f if line.strip())}
    missing = [p for p in distinct if p not in answers]
    if missing:
        sys.exit(f"{path}: no expected answer for {len(missing)} prompts, e.g. {missing[0]!r}")
    return answers


def request_body(args, prompt):
    body = {"model": args.model, "max_tokens": args.max_tokens}
    if args.endpoint == "chat":
        body["messages"] = [{"role": "user", "content": prompt}]
    else:
        body["prompt"] = prompt
    body.update(json.loads(args.settings))
    return body


def send(args, prompt):
    """One request: (latency seconds, answer text, completion tokens, error or None)."""
    path = "/v1/chat/completions" if args.endpoint == "chat" else "/v1/completions"
    data = json.dumps(request_body(args, prompt)).encode()
    request = urllib.request.Request(args.url + path, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            body = json.loads(response.read())
        choice = body["choices"][0]
        text = choice["message"]["content"] if args.endpoint == "chat" else choice["text"]
        return time.perf_counter() - start, text, body["usage"]["completion_tokens"], None
    except urllib.error.HTTPError as e:
        detail = e.read().decode(errors="replace")[:200]
        return time.perf_counter() - start, None, 0, f"HTTP {e.code}: {detail}"
    except Exception as e:  # a refused connection, a timeout, a malformed answer: all count as failed
        return time.perf_counter() - start, None, 0, f"{type(e).__name__}: {e}"


def metrics(url):
    """Sample name (with labels) -> value, from /metrics."""
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def batch_sizes(before, after):
    """Batches decoded between two /metrics samples, by size (l2pd_batch_size has one bucket per size)."""
    buckets = []
    for name, value in after.items():
        match = re.fullmatch(r'l2pd_batch_size_bucket\{le="([0-9.]+)"\}', name)
        if match:
            buckets.append((float(match.group(1)), value - before.get(name, 0)))
    buckets.sort()
    sizes, previous = {}, 0
    for le, cumulative in buckets:
        if cumulative > previous:
            sizes[int(le)] = int(cumulative - previous)
        previous = cumulative
    return sizes


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def run(args, prompts, concurrency):
    """Sends every prompt with `concurrency` requests in flight; stops sending at the deadline."""
    before = metrics(args.url)
    deadline = time.monotonic() + args.deadline
    results = [None] * len(prompts)
    lock = threading.Lock()

    def work(i):
        if time.monotonic() > deadline:
            result = (0.0, None, 0, "not sent: --deadline passed")
        else:
            result = send(args, prompts[i])
        with lock:
            results[i] = result

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(work, range(len(prompts))))
    wall = time.perf_counter() - start
    after = metrics(args.url)

    ok = [r for r in results if r is not None and r[3] is None]
    failed = [r for r in results if r is not None and r[3] is not None]
    lost = sum(r is None for r in results)
    latencies = [r[0] for r in ok]
    tokens = sum(r[2] for r in ok)
    summary = {
        "concurrency": concurrency,
        "requests": len(prompts),
        "completed": len(ok),
        "failed": len(failed),
        "lost": lost,
        "seconds": round(wall, 3),
        "requests_per_second": round(len(ok) / wall, 2),
        "tokens_per_second": round(tokens / wall, 1),
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p99_ms": round(1000 * percentile(latencies, 99), 1) if latencies else None,
        "batch_sizes": batch_sizes(before, after),
        "nfe": int(after.get("l2pd_nfe_total", 0) - before.get("l2pd_nfe_total", 0)),
        "forwards": int(after.get("l2pd_forwards_total", 0) - before.get("l2pd_forwards_total", 0)),
    }
    for _, _, _, error in failed[:5]:
        print(f"  failed: {error}", file=sys.stderr)
    return summary, [r[1] if r is not None else None for r in results]


def describe(s):
    sizes = ", ".join(f"{size}x{count}" for size, count in sorted(s["batch_sizes"].items())) or "none"
    batches = sum(s["batch_sizes"].values())
    mean = sum(size * count for size, count in s["batch_sizes"].items()) / batches if batches else 0
    return (f"c={s['concurrency']:<3} {s['completed']}/{s['requests']} ok, {s['failed']} failed, {s['lost']} lost | "
            f"{s['seconds']:.2f} s, {s['requests_per_second']:.2f} req/s, {s['tokens_per_second']:.1f} tok/s | "
            f"p50 {s['latency_p50_ms']} ms, p99 {s['latency_p99_ms']} ms | "
            f"batches {batches} (mean size {mean:.2f}; size x count: {sizes}) | NFE {s['nfe']}, forwards {s['forwards']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--data", required=True, help="GSM8K JSONL ({\"question\"}) or {\"prompt\"} lines (l2pd export-task writes the former)")
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--endpoint", choices=["chat", "completions"], default="chat")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--settings", default="{}", help="extra JSON fields of every request, e.g. '{\"policy\": \"threshold\"}'")
    parser.add_argument("--model", default=None, help="the model name to send (default: the server's, from /v1/models)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one request may take")
    parser.add_argument("--deadline", type=float, default=600, help="seconds after which a run stops sending")
    parser.add_argument("--warmup", type=int, default=None, help="untimed requests at full concurrency before the timed runs (default: --concurrency; 0: none), so neither run pays the server's first-call costs")
    parser.add_argument("--no-baseline", action="store_true", help="skip the concurrency-1 run")
    parser.add_argument("--expected", help="JSONL of {\"prompt\", \"text\"}: the answers every run must equal")
    parser.add_argument("--decode-command", help="makes --expected when it is missing, e.g. \"l2pd decode --policy filter --eotp --gen-length 64\"")
    parser.add_argument("--require-speedup", action="store_true", help="fail unless the batched run has a higher throughput than c=1")
    parser.add_argument("--json", help="also write the summaries to this file")
    args = parser.parse_args()

    prompts = read_prompts(args.data, args.requests)
    expected = expected_answers(args.expected, prompts, args.decode_command) if args.expected else None
    if args.model is None:
        with urllib.request.urlopen(args.url + "/v1/models", timeout=30) as response:
            args.model = json.loads(response.read())["data"][0]["id"]
    print(f"{args.url}: model {args.model}, {args.requests} {args.endpoint} requests, max_tokens {args.max_tokens}, settings {args.settings}")

    warmup = args.concurrency if args.warmup is None else args.warmup
    if warmup > 0:
        warm, _ = run(args, prompts[:warmup], args.concurrency)
        print(f"warm-up: {warm['completed']}/{warmup} completed (untimed)")
    summaries, problems = [], 0
    batched, answers = run(args, prompts, args.concurrency)
    print(describe(batched))
    summaries.append(batched)
    runs = [("batched", answers)]
    if not args.no_baseline:
        single, single_answers = run(args, prompts, 1)
        print(describe(single))
        summaries.append(single)
        runs.append(("c=1", single_answers))
        speedup = batched["requests_per_second"] / single["requests_per_second"] if single["requests_per_second"] else float("inf")
        print(f"throughput c={args.concurrency} / c=1: {speedup:.2f}x")
        differ = sum(a is not None and b is not None and a != b for a, b in zip(answers, single_answers))
        print(f"batched answers equal to c=1 answers: {len(prompts) - differ}/{len(prompts)}")
        problems += differ
        if args.require_speedup and speedup <= 1:
            print("FAIL: batching was not faster than one request at a time")
            problems += 1
    if expected is not None:
        for name, texts in runs:
            differ = [i for i, t in enumerate(texts) if t is not None and t != expected[prompts[i]]]
            print(f"{name} answers equal to --expected: {len(prompts) - len(differ)}/{len(prompts)}")
            for i in differ[:3]:
                print(f"  prompt {i}: got {texts[i]!r}, expected {expected[prompts[i]]!r}", file=sys.stderr)
            problems += len(differ)
    failures = sum(s["failed"] + s["lost"] for s in summaries)
    print(f"failed or lost requests: {failures}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"settings": vars(args), "runs": summaries}, f, indent=2)
    sys.exit(1 if failures or problems else 0)


if __name__ == "__main__":
    main()
