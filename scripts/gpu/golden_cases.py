"""Runs the golden decode cases through `l2pd decode --device cuda` (fp32) and compares ids and NFE."""
import json, subprocess, sys, time

l2pd, golden = sys.argv[1], sys.argv[2]
cases = json.load(open(f"{golden}/llada-tiny/decode_cases.json"))["cases"]
passed = 0
start = time.time()
for c in cases:
    args = [l2pd, "decode", "--device", "cuda", "--dtype", "fp32", "--model", f"{golden}/llada-tiny/model",
            "--prompt-ids", ",".join(map(str, c["prompt_ids"])), "--gen-length", str(c["gen_length"]),
            "--block-length", str(c["block_length"]), "--steps", str(c["steps"]), "--policy", c["policy"],
            "--cache", c["cache"], "--output", "json"]
    if c["eotp"]: args += ["--eotp", "--eotp-rule", "paper"]
    if "threshold" in c: args += ["--threshold", str(c["threshold"])]
    if "accept_thres" in c: args += ["--filter", f"{golden}/llada-tiny/filter.safetensors", "--accept-threshold", str(c["accept_thres"])]
    if c.get("cfg_scale", 0) > 0: args += ["--cfg-scale", str(c["cfg_scale"])]
    if c["reference"].startswith("NVlabs"): args += ["--refinement", "do-while"]
    r = subprocess.run(args, capture_output=True, text=True)
    ok = False
    if r.returncode == 0:
        out = json.loads(r.stdout)
        ok = out["ids"] == c["expected_ids"] and out["nfe"] == c["expected_nfe"]
    passed += ok
    print(f"{c['name']:32s} {'ok' if ok else 'MISMATCH'} {r.stderr.strip()[:200]}")
print(f"{passed}/{len(cases)} golden cases equal on cuda ({time.time() - start:.0f} s)")
