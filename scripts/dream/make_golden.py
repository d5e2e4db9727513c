#!/usr/bin/env python3
"""Golden test vectors for Learn2PD.NET's Dream (Qwen2-based diffusion LM) support.

Runs the PUBLIC reference code, unchanged, on two tiny random Dream checkpoints and writes what the C#
implementation is tested against (see README.md next to this file):

  <out>/dream-tiny-{a,b}/model/{config.json, generation_config.json, model.safetensors}
  <out>/dream-tiny-{a,b}/forward.safetensors
  <out>/dream-tiny-{a,b}/decode_cases.json
  <out>/dream-tiny-{a,b}/label_cases.json          (Learn2PD oracle label recording)
  <out>/filter.safetensors                          (a random Learn2PD filter in the authors' layout)

The reference modules are imported at run time from checkouts given on the command line; nothing of
them is copied here. `stubs/` holds our own minimal `transformers` stand-in (there is no transformers
package for Debian's torch 1.13) and the filter module the authors' file imports.

    nice -n 19 env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 scripts/dream/make_golden.py \
        --fastdllm /tmp/ref/fastdllm --l2pd /tmp/ref/l2pd --out tests/golden/dream
"""
import argparse
import ast
import contextlib
import hashlib
import importlib
import importlib.util
import io
import json
import math
import os
import struct
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

torch.set_num_threads(1)
sys.dont_write_bytecode = True  # no __pycache__ in stubs/ or in the reference checkouts


# ----------------------------------------------------------------------------------------------
# torch 1.13 polyfill. Fast-dLLM's DreamSdpaAttention calls F.scaled_dot_product_attention (torch >= 2.0).
# This is the math definition: softmax(q k^T / sqrt(d) [masked]) v. A boolean mask marks the keys a
# query MAY attend to. A query whose keys are all masked (a left-padding position of a padded row)
# gets a zero output, as torch >= 2.5's math backend does (`_safe_softmax`); older backends give NaN
# there, which then leaks into every position of the row through 0 * NaN in the next layer's P @ V.
# ----------------------------------------------------------------------------------------------
def _sdpa_polyfill(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    assert dropout_p == 0.0 and not is_causal
    scale = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    scores = torch.matmul(query, key.transpose(-2, -1)) * scale  # [B, H, Tq, Tk]
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    fully_masked = torch.isneginf(scores.amax(dim=-1, keepdim=True))
    probs = torch.softmax(scores.masked_fill(fully_masked, 0.0), dim=-1).masked_fill(fully_masked, 0.0)
    return torch.matmul(probs, value)


if not hasattr(F, "scaled_dot_product_attention"):
    F.scaled_dot_product_attention = _sdpa_polyfill


# ----------------------------------------------------------------------------------------------
# safetensors (8-byte little-endian header length, JSON header, raw little-endian data)
# ----------------------------------------------------------------------------------------------
_ST_DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float64: "F64", torch.int32: "I32"}
_ST_TORCH = {v: k for k, v in _ST_DTYPES.items()}
_NP = {"F32": np.float32, "I64": np.int64, "F64": np.float64, "I32": np.int32}


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        data = np.ascontiguousarray(t.numpy(), dtype=np.dtype(_NP[_ST_DTYPES[t.dtype]]).newbyteorder("<")).tobytes()
        header[name] = {"dtype": _ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = dict(metadata or {"format": "pt"})
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=np.dtype(_NP[info["dtype"]]).newbyteorder("<")).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(_NP[info["dtype"]]).copy())
    return out


# ----------------------------------------------------------------------------------------------
# tiny checkpoints: Dream-v0-Instruct-7B's config.json field set, shrunk
# ----------------------------------------------------------------------------------------------
MODELS = {
    "dream-tiny-a": dict(hidden_size=64, intermediate_size=176, num_attention_heads=4, num_key_value_heads=2,
                         num_hidden_layers=2, vocab_size=256, mask_token_id=250, eos_token_id=109,
                         rope_theta=10000.0, rms_norm_eps=1e-6, seed=20250101, eos_row_from=26, eos_row_scale=1.0),
    "dream-tiny-b": dict(hidden_size=48, intermediate_size=96, num_attention_heads=4, num_key_value_heads=1,
                         num_hidden_layers=3, vocab_size=192, mask_token_id=191, eos_token_id=151,
                         rope_theta=1000000.0, rms_norm_eps=1e-6, seed=20250202, eos_row_from=151, eos_row_scale=0.95),
}


def config_json(spec):
    """Every field of Dream-v0-Instruct-7B's config.json, sizes shrunk. bos = eos = pad as in Dream."""
    return {
        "architectures": ["DreamModel"],
        "attention_dropout": 0.0,
        "auto_map": {"AutoConfig": "configuration_dream.DreamConfig", "AutoModel": "modeling_dream.DreamModel"},
        "bos_token_id": spec["eos_token_id"],
        "eos_token_id": spec["eos_token_id"],
        "hidden_act": "silu",
        "hidden_size": spec["hidden_size"],
        "initializer_range": 0.02,
        "intermediate_size": spec["intermediate_size"],
        "mask_token_id": spec["mask_token_id"],
        "max_position_embeddings": 512,
        "max_window_layers": spec["num_hidden_layers"],
        "model_type": "Dream",
        "num_attention_heads": spec["num_attention_heads"],
        "num_hidden_layers": spec["num_hidden_layers"],
        "num_key_value_heads": spec["num_key_value_heads"],
        "pad_token_id": spec["eos_token_id"],
        "rms_norm_eps": spec["rms_norm_eps"],
        "rope_scaling": None,
        "rope_theta": spec["rope_theta"],
        "sliding_window": None,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.46.2",
        "use_cache": False,
        "use_sliding_window": False,
        "vocab_size": spec["vocab_size"],
    }


def generation_config_json(spec):
    """Dream-v0-Instruct-7B's generation_config.json with the tiny ids (its mask_token_id is null there)."""
    e = spec["eos_token_id"]
    return {"_from_model_config": True, "alg": "origin", "alg_temp": None, "bos_token_id": e, "eos_token_id": e,
            "eps": 0.001, "mask_token_id": None, "output_history": False, "pad_token_id": e, "steps": 512,
            "temperature": 0.0, "top_k": None, "top_p": None, "transformers_version": "4.46.2"}


def init_weights(spec):
    """Random fp32 weights with Dream's tensor names; scales chosen for varied, non-degenerate argmaxes."""
    g = torch.Generator().manual_seed(spec["seed"])
    d, ff, nh, nkv = spec["hidden_size"], spec["intermediate_size"], spec["num_attention_heads"], spec["num_key_value_heads"]
    hd, v = d // nh, spec["vocab_size"]

    def n(*shape, std):
        return torch.randn(*shape, generator=g) * std

    w = {"model.embed_tokens.weight": n(v, d, std=1.0)}
    for i in range(spec["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = n(nh * hd, d, std=0.35)
        w[p + "self_attn.q_proj.bias"] = n(nh * hd, std=0.2)
        w[p + "self_attn.k_proj.weight"] = n(nkv * hd, d, std=0.35)
        w[p + "self_attn.k_proj.bias"] = n(nkv * hd, std=0.2)
        w[p + "self_attn.v_proj.weight"] = n(nkv * hd, d, std=0.3)
        w[p + "self_attn.v_proj.bias"] = n(nkv * hd, std=0.2)
        w[p + "self_attn.o_proj.weight"] = n(d, nh * hd, std=0.3)
        w[p + "mlp.gate_proj.weight"] = n(ff, d, std=0.3)
        w[p + "mlp.up_proj.weight"] = n(ff, d, std=0.3)
        w[p + "mlp.down_proj.weight"] = n(d, ff, std=0.2)
        w[p + "input_layernorm.weight"] = 1.0 + n(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1.0 + n(d, std=0.1)
    w["model.norm.weight"] = 1.0 + n(d, std=0.1)
    head = n(v, d, std=0.4)
    head[spec["mask_token_id"]] = 0.0  # like a trained Dream: the mask id is never the argmax
    # End-of-text should be the argmax at a small share of positions (~1-2%), so that EoTP cuts some
    # answers part-way: exchange its row with that of a token the random model predicts that often.
    e, src = spec["eos_token_id"], spec["eos_row_from"]
    head[[e, src]] = head[[src, e]]
    head[e] *= spec["eos_row_scale"]
    w["lm_head.weight"] = head
    return w


# ----------------------------------------------------------------------------------------------
# reference code, imported from the checkouts
# ----------------------------------------------------------------------------------------------
def load_reference(fastdllm_dir, l2pd_dir):
    sys.path.insert(0, os.path.join(HERE, "stubs"))
    dream_dir = os.path.join(fastdllm_dir, "dream")
    if not os.path.isfile(os.path.join(dream_dir, "model", "modeling_dream.py")):
        sys.exit(f"no dream/model/modeling_dream.py under --fastdllm {fastdllm_dir}")
    sys.path.insert(0, dream_dir)
    ref = types.SimpleNamespace()
    ref.modeling = importlib.import_module("model.modeling_dream")  # Fast-dLLM dream/model package
    ref.config_cls = importlib.import_module("model.configuration_dream").DreamConfig
    ref.gen = importlib.import_module("model.generation_utils")
    ref.block = importlib.import_module("model.generation_utils_block")

    # The authors' dream/model/ as a package of its own ("l2pd_dream_model") so that its
    # `from .small_model import LogisticRegression` resolves; their small_model.py is used if present,
    # otherwise our stand-in (stubs/l2pd_small_model.py).
    l2pd_model_dir = os.path.join(l2pd_dir, "dream", "model")
    if not os.path.isfile(os.path.join(l2pd_model_dir, "generation_utils_block.py")):
        sys.exit(f"no dream/model/generation_utils_block.py under --l2pd {l2pd_dir}")
    pkg = types.ModuleType("l2pd_dream_model")
    pkg.__path__ = [l2pd_model_dir]
    sys.modules["l2pd_dream_model"] = pkg
    if not os.path.isfile(os.path.join(l2pd_model_dir, "small_model.py")):
        spec = importlib.util.spec_from_file_location("l2pd_dream_model.small_model",
                                                      os.path.join(HERE, "stubs", "l2pd_small_model.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules["l2pd_dream_model.small_model"] = mod
        spec.loader.exec_module(mod)
    ref.l2pd = importlib.import_module("l2pd_dream_model.generation_utils_block")
    ref.small_model_cls = sys.modules["l2pd_dream_model.small_model"].LogisticRegression

    # Label recording: the hook `generation_tokens_hook_func` defined inside the loop of the authors'
    # dream/generate_training_data.py, compiled from that file's own source (the script itself loads a
    # 7B model and a dataset at import time, so it cannot be imported).
    src_path = os.path.join(l2pd_dir, "dream", "generate_training_data.py")
    tree = ast.parse(open(src_path).read(), src_path)
    hook = next(node for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name == "generation_tokens_hook_func")
    ref.label_hook_code = compile(ast.Module(body=[hook], type_ignores=[]), src_path, "exec")

    def sha(path):
        return hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]

    ref.provenance = {
        "NVlabs/Fast-dLLM": {f"dream/model/{f}": sha(os.path.join(dream_dir, "model", f)) for f in
                             ("modeling_dream.py", "configuration_dream.py", "generation_utils.py",
                              "generation_utils_block.py")},
        "ims-kdks/Learning-to-Parallel-Decoding": {
            "dream/model/generation_utils_block.py": sha(os.path.join(l2pd_model_dir, "generation_utils_block.py")),
            "dream/generate_training_data.py": sha(src_path)},
        "note": "sha256 (first 16 hex digits) of the reference files these vectors were produced with",
    }
    return ref


def make_label_hook(ref, correct_answer):
    ns = {"torch": torch, "correct_answer": correct_answer}
    exec(ref.label_hook_code, ns)
    return ns["generation_tokens_hook_func"]


def build_model(ref, cfg, state, dtype=torch.float32):
    config = ref.config_cls(**{k: v for k, v in cfg.items() if k not in ("architectures", "auto_map", "model_type")})
    model = ref.modeling.DreamModel(config)
    missing = set(model.state_dict()) ^ set(state)
    assert not missing, f"tensor names differ from the reference module: {sorted(missing)}"
    model.load_state_dict(state)
    return model.to(dtype).eval()


# ----------------------------------------------------------------------------------------------
# instrumentation: NFE, logit noise, recorded/replayed torch.rand, linspace variant
# ----------------------------------------------------------------------------------------------
class Harness:
    def __init__(self, model, noise_seed=None, noise_rel=1e-5, replay=None, schedule=None, rand_seed=0):
        self.model, self.noise_seed, self.noise_rel = model, noise_seed, noise_rel
        self.replay, self.schedule, self.rand_seed = replay, schedule, rand_seed
        self.nfe, self.draws = 0, []

    def _hook(self, module, inputs, output):
        self.nfe += 1
        if self.noise_seed is not None:
            logits = output.logits
            noise = torch.randn(logits.shape, generator=self.noise_gen, dtype=torch.float64)
            output.logits = logits * (1.0 + self.noise_rel * noise).to(logits.dtype)
        return output

    def __enter__(self):
        self.noise_gen = torch.Generator().manual_seed(self.noise_seed or 0)
        self.rand_gen = torch.Generator().manual_seed(self.rand_seed)
        self.handle = self.model.register_forward_hook(self._hook)
        self.orig_rand, self.orig_linspace = torch.rand, torch.linspace
        replay = list(self.replay) if self.replay is not None else None

        def rand(*size, **kw):
            kw.pop("generator", None)
            shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)) else size
            if replay is not None:
                assert replay, "reference asked for more random draws than were recorded"
                vals = replay.pop(0)
                assert len(vals) == int(np.prod(shape)), "random draw count differs from the recording"
                t = torch.tensor(vals, dtype=torch.float32).reshape(shape)
            else:
                t = self.orig_rand(*shape, generator=self.rand_gen, dtype=torch.float32)
            self.draws.append([float(v) for v in t.reshape(-1).tolist()])
            return t.to(kw.get("dtype") or torch.float32)

        def linspace(start, end, steps, **kw):
            # the samplers' only linspace is the timestep grid torch.linspace(1, eps, n + 1) (float32)
            if self.schedule is not None and kw.get("dtype") in (None, torch.float32):
                kw.pop("dtype", None)
                grid = self.orig_linspace(start, end, steps, dtype=torch.float64, **kw)
                # "f64_grid": exact grid rounded to float32; "f64": the whole schedule arithmetic in
                # float64 (1 - s/t and n * (1 - s/t) promote to float64 with a float64 grid)
                return grid.float() if self.schedule == "f64_grid" else grid
            return self.orig_linspace(start, end, steps, **kw)

        torch.rand, torch.linspace = rand, linspace
        return self

    def __exit__(self, *exc):
        torch.rand, torch.linspace = self.orig_rand, self.orig_linspace
        self.handle.remove()


@contextlib.contextmanager
def bound(model, mixin):
    """Bind a sampler mixin's diffusion_generate/_sample to the model, as the references' eval.py do."""
    model.diffusion_generate = types.MethodType(mixin.diffusion_generate, model)
    model._sample = types.MethodType(mixin._sample, model)
    try:
        yield model
    finally:
        del model.diffusion_generate, model._sample


# ----------------------------------------------------------------------------------------------
# running one case
# ----------------------------------------------------------------------------------------------
REFERENCES = {
    "dream": "NVlabs/Fast-dLLM dream/model/generation_utils.py DreamGenerationMixin.diffusion_generate/_sample",
    "fastdllm_block": "NVlabs/Fast-dLLM dream/model/generation_utils_block.py DreamGenerationMixin.diffusion_generate/_sample",
    "l2pd": "ims-kdks/Learning-to-Parallel-Decoding dream/model/generation_utils_block.py DreamGenerationMixin.diffusion_generate/_sample",
}


def prompt_tensor(case, pad_id):
    prompts = case["prompt_ids"] if case.get("batch") else [case["prompt_ids"]]
    width = max(len(p) for p in prompts)
    ids = torch.tensor([[pad_id] * (width - len(p)) + p for p in prompts], dtype=torch.long)
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=torch.long)
    return ids, mask


def run_case(ref, model, filt, case, pad_id, harness_kw):
    ids, attn = prompt_tensor(case, pad_id)
    kw = dict(max_new_tokens=case["gen_length"], steps=case["steps"], temperature=0.0, top_p=case.get("top_p"),
              top_k=case.get("top_k"), alg=case["alg"], alg_temp=case.get("alg_temp"), output_history=False,
              return_dict_in_generate=False)
    if case.get("batch"):
        kw["attention_mask"] = attn
    with Harness(model, **harness_kw) as h, contextlib.redirect_stdout(io.StringIO()), torch.no_grad():
        if case["sampler"] == "dream":
            if case["alg"] == "confidence_threshold":
                kw["threshold"] = case["threshold"]
            with bound(model, ref.gen.DreamGenerationMixin):
                out = model.diffusion_generate(ids, **kw)
        elif case["sampler"] == "fastdllm_block":
            kw.update(threshold=case["threshold"], block_length=case["block_length"], dual_cache=case["cache"] == "dual")
            with bound(model, ref.block.DreamGenerationMixin):
                out = model.diffusion_generate(ids, **kw)
        elif case["sampler"] == "l2pd":
            kw.update(block_length=case["block_length"], method=case["method"])
            if "L2P" in case["method"]:
                kw.update(small_model=filt, accept_thres=case["accept_thres"])
            with bound(model, ref.l2pd.DreamGenerationMixin):
                out = model.diffusion_generate(ids, **kw)
        else:
            raise ValueError(case["sampler"])
    width = ids.shape[1]
    rows = [out[r, width:].tolist() for r in range(out.shape[0])]
    return {"ids": rows, "nfe": h.nfe, "draws": h.draws}


def run_labels(ref, model, case, pad_id, harness_kw):
    """generate_training_data.py: a reference answer, then the oracle run recording per-step labels."""
    ids, _ = prompt_tensor(case, pad_id)
    kw = dict(max_new_tokens=case["gen_length"], steps=case["steps"], temperature=0.0, top_p=None, top_k=None,
              alg="entropy", alg_temp=case["alg_temp"], block_length=case["block_length"])
    with Harness(model, **harness_kw) as h, contextlib.redirect_stdout(io.StringIO()), torch.no_grad(), \
            bound(model, ref.l2pd.DreamGenerationMixin):
        correct = model.diffusion_generate(ids, **kw)
        nfe_reference = h.nfe
        out = model.diffusion_generate(ids, output_history=True, return_dict_in_generate=True,
                                       generation_tokens_hook_func=make_label_hook(ref, correct), **kw)
    width = ids.shape[1]
    return {"reference_ids": correct[0, width:].tolist(), "oracle_ids": out.sequences[0, width:].tolist(),
            "reference_nfe": nfe_reference, "oracle_nfe": h.nfe - nfe_reference, "history": out.history}


# ----------------------------------------------------------------------------------------------
# the case list
# ----------------------------------------------------------------------------------------------
def random_prompt(g, length, spec):
    banned = {spec["mask_token_id"], spec["eos_token_id"]}
    out = []
    while len(out) < length:
        t = int(torch.randint(0, spec["vocab_size"], (1,), generator=g))
        if t not in banned:
            out.append(t)
    return out


def case_list(name, spec):
    g = torch.Generator().manual_seed(spec["seed"] + 7)
    P = lambda n: random_prompt(g, n, spec)  # noqa: E731
    C = []

    def add(case_name, prompt, **kw):
        C.append(dict(name=f"{name}/{case_name}", prompt_ids=prompt, **kw))

    dream = dict(sampler="dream", policy="schedule", cache="none", eotp=False, temperature=0.0, alg_temp=None)
    # Dream's own sampler, one alg at a time (temperature 0; top_p/top_k reshape the confidence)
    add("dream_origin_s16_g16", P(9), alg="origin", steps=16, gen_length=16, **dream)
    add("dream_origin_s6_g24", P(12), alg="origin", steps=6, gen_length=24, **dream)
    add("dream_maskgit_plus_s16_g16", P(10), alg="maskgit_plus", steps=16, gen_length=16, **dream)
    add("dream_maskgit_plus_s6_g24", P(7), alg="maskgit_plus", steps=6, gen_length=24, **dream)
    add("dream_topk_margin_s12_g24", P(11), alg="topk_margin", steps=12, gen_length=24, **dream)
    add("dream_topk_margin_s5_g20", P(8), alg="topk_margin", steps=5, gen_length=20, **dream)
    add("dream_entropy_s32_g32", P(6), alg="entropy", steps=32, gen_length=32, **dream)
    add("dream_entropy_s7_g24", P(13), alg="entropy", steps=7, gen_length=24, **dream)
    add("dream_maskgit_plus_top_p0.9_s8_g16", P(9), alg="maskgit_plus", steps=8, gen_length=16, top_p=0.9, **dream)
    add("dream_maskgit_plus_top_k4_s8_g16", P(9), alg="maskgit_plus", steps=8, gen_length=16, top_k=4, **dream)
    add("dream_topk_margin_top_p0.7_s8_g16", P(10), alg="topk_margin", steps=8, gen_length=16, top_p=0.7, **dream)
    add("dream_entropy_top_k8_s6_g18", P(7), alg="entropy", steps=6, gen_length=18, top_k=8, **dream)
    add("dream_entropy_top_p0.8_top_k20_s8_g16", P(8), alg="entropy", steps=8, gen_length=16, top_p=0.8, top_k=20, **dream)
    add("dream_origin_top_k4_s8_g16", P(9), alg="origin", steps=8, gen_length=16, top_k=4, **dream)
    add("dream_batch_maskgit_plus_s8_g16", [P(10), P(6)], batch=True, alg="maskgit_plus", steps=8, gen_length=16, **dream)
    add("dream_batch_entropy_s16_g16", [P(5), P(12)], batch=True, alg="entropy", steps=16, gen_length=16, **dream)
    add("dream_batch_origin_s8_g16", [P(11), P(8)], batch=True, alg="origin", steps=8, gen_length=16, **dream)
    # Fast-dLLM's no-cache "parallel" setting: Dream's sampler with alg=confidence_threshold
    thr = dict(dream, policy="threshold_budget")
    add("fastdllm_nocache_threshold0.9_s4_g32", P(9), alg="confidence_threshold", steps=4, gen_length=32, threshold=0.9, **thr)
    add("fastdllm_nocache_threshold0.5_s4_g32", P(12), alg="confidence_threshold", steps=4, gen_length=32, threshold=0.5, **thr)
    add("fastdllm_nocache_threshold0.2_s3_g24", P(7), alg="confidence_threshold", steps=3, gen_length=24, threshold=0.2, **thr)
    add("fastdllm_nocache_threshold0.05_s2_g16", P(10), alg="confidence_threshold", steps=2, gen_length=16, threshold=0.05, **thr)
    # Fast-dLLM's block sampler (always with a KV cache)
    fb = dict(sampler="fastdllm_block", eotp=False, temperature=0.0, alg_temp=None, threshold=0.9)
    for cache in ("prefix", "dual"):
        add(f"fastdllm_{cache}_threshold0.9_b8_g32", P(9), policy="threshold", cache=cache, alg="confidence_threshold",
            steps=4, gen_length=32, block_length=8, **dict(fb, threshold=0.9))
        add(f"fastdllm_{cache}_threshold0.5_b16_g32", P(11), policy="threshold", cache=cache, alg="confidence_threshold",
            steps=2, gen_length=32, block_length=16, **dict(fb, threshold=0.5))
        add(f"fastdllm_{cache}_threshold0.2_b8_g24", P(6), policy="threshold", cache=cache, alg="confidence_threshold",
            steps=3, gen_length=24, block_length=8, **dict(fb, threshold=0.2))
        add(f"fastdllm_{cache}_threshold0.05_b32_g32", P(8), policy="threshold", cache=cache, alg="confidence_threshold",
            steps=1, gen_length=32, block_length=32, **dict(fb, threshold=0.05))
        add(f"fastdllm_{cache}_entropy_s32_b8_g32", P(10), policy="schedule", cache=cache, alg="entropy",
            steps=32, gen_length=32, block_length=8, **fb)
        add(f"fastdllm_{cache}_entropy_s8_b8_g32", P(7), policy="schedule", cache=cache, alg="entropy",
            steps=8, gen_length=32, block_length=8, **fb)
    # The Learn2PD authors' Dream sampler: block schedule, EoT, learned filter, caches
    lp = dict(sampler="l2pd", alg="entropy", alg_temp=0.0, temperature=0.0)
    add("l2pd_original_s32_b8_g32", P(9), method="original", policy="schedule", cache="none", eotp=False,
        steps=32, gen_length=32, block_length=8, **lp)
    add("l2pd_original_s15_b16_g48", P(12), method="original", policy="schedule", cache="none", eotp=False,
        steps=15, gen_length=48, block_length=16, **lp)
    add("l2pd_EoT_s64_b32_g64", P(8), method="EoT", policy="schedule", cache="none", eotp=True,
        steps=64, gen_length=64, block_length=32, **lp)
    add("l2pd_EoT_s16_b8_g32", P(11), method="EoT", policy="schedule", cache="none", eotp=True,
        steps=16, gen_length=32, block_length=8, **lp)
    add("l2pd_prefix_cache_s32_b8_g32", P(10), method="prefix_cache", policy="schedule", cache="prefix", eotp=False,
        steps=32, gen_length=32, block_length=8, **lp)
    add("l2pd_dual_cache_s16_b8_g32", P(6), method="dual_cache", policy="schedule", cache="dual", eotp=False,
        steps=16, gen_length=32, block_length=8, **lp)
    add("l2pd_EoT+prefix_cache_s64_b32_g64", P(9), method="EoT+prefix_cache", policy="schedule", cache="prefix",
        eotp=True, steps=64, gen_length=64, block_length=32, **lp)
    for thr_value in FILTER_THRESHOLDS:
        t = f"{thr_value:g}"
        add(f"l2pd_L2P_{t}_s32_b32_g32", P(9), method="L2P", policy="filter", cache="none", eotp=False,
            accept_thres=thr_value, steps=32, gen_length=32, block_length=32, **lp)
        add(f"l2pd_L2P_{t}_s64_b32_g64", P(12), method="L2P", policy="filter", cache="none", eotp=False,
            accept_thres=thr_value, steps=64, gen_length=64, block_length=32, **lp)
        add(f"l2pd_L2P+EoT_{t}_s64_b32_g64", P(7), method="L2P+EoT", policy="filter", cache="none", eotp=True,
            accept_thres=thr_value, steps=64, gen_length=64, block_length=32, **lp)
        add(f"l2pd_L2P+EoT+prefix_cache_{t}_s64_b32_g64", P(10), method="L2P+EoT+prefix_cache", policy="filter",
            cache="prefix", eotp=True, accept_thres=thr_value, steps=64, gen_length=64, block_length=32, **lp)
        add(f"l2pd_L2P+EoT+dual_cache_{t}_s64_b32_g64", P(8), method="L2P+EoT+dual_cache", policy="filter",
            cache="dual", eotp=True, accept_thres=thr_value, steps=64, gen_length=64, block_length=32, **lp)
    for c in C:
        c["reference"] = REFERENCES[c["sampler"]]
    return C


FILTER_THRESHOLDS = (0.5, 0.9)


def label_case_list(name, spec):
    g = torch.Generator().manual_seed(spec["seed"] + 11)
    out = []
    for i, (steps, gen, block) in enumerate([(32, 32, 32), (64, 64, 32), (16, 32, 32)]):
        out.append(dict(name=f"{name}/labels_s{steps}_b{block}_g{gen}", prompt_ids=random_prompt(g, 8 + 2 * i, spec),
                        steps=steps, gen_length=gen, block_length=block, alg="entropy", alg_temp=0.0,
                        reference=REFERENCES["l2pd"] + " with the generation_tokens_hook_func of "
                        "ims-kdks/Learning-to-Parallel-Decoding dream/generate_training_data.py"))
    return out


# ----------------------------------------------------------------------------------------------
# filter
# ----------------------------------------------------------------------------------------------
def make_filter(ref):
    """A random filter in the authors' layout, structured so its accept decision tracks the input.

    Its inputs are sigmoid(negative entropy) in (0, 0.5] for masked positions and 0 for committed ones
    (see README); on the tiny models they sit mostly in 0.03-0.15. linear1 = 40*I + noise with bias
    -4.4 (only the lowest-entropy positions pass the ReLU), linear2 = 0.8*I + noise with bias -1.5, so
    sigmoid(output) crosses 0.5 near input 0.155 and 0.9 near 0.23; the noise adds cross-position terms."""
    g = torch.Generator().manual_seed(4242)
    f = ref.small_model_cls(32)
    eye = torch.eye(32)
    with torch.no_grad():
        f.linear1.weight.copy_(40.0 * eye + 0.8 * torch.randn(32, 32, generator=g))
        f.linear1.bias.copy_(-4.4 + 0.3 * torch.randn(32, generator=g))
        f.linear2.weight.copy_(0.8 * eye + 0.1 * torch.randn(32, 32, generator=g))
        f.linear2.bias.copy_(-1.5 + 0.2 * torch.randn(32, generator=g))
    return f.eval()


# ----------------------------------------------------------------------------------------------
# forward vectors
# ----------------------------------------------------------------------------------------------
def forward_vectors(ref, model, spec):
    g = torch.Generator().manual_seed(spec["seed"] + 3)
    T, pad = 24, 5
    rows = []
    for r in range(2):
        p = random_prompt(g, T, spec)
        for j in range(T):
            if j >= 10 and torch.rand(1, generator=g).item() < 0.5:
                p[j] = spec["mask_token_id"]
        rows.append(p)
    input_ids = torch.tensor(rows)
    attention_mask = torch.ones(2, T, dtype=torch.long)
    input_ids[1, :pad] = spec["eos_token_id"]  # left padding with pad = eos, as the tokenizer pads
    attention_mask[1, :pad] = 0
    # exactly what DreamGenerationMixin._sample builds from a padded attention mask
    tok_idx = attention_mask.cumsum(-1) - 1
    tok_idx.masked_fill_(attention_mask == 0, 1)
    mask4d = torch.logical_and(attention_mask.bool().unsqueeze(1).unsqueeze(-2),
                               attention_mask.bool().unsqueeze(1).unsqueeze(-1))
    with torch.no_grad():
        logits = model(input_ids, mask4d, tok_idx).logits
        # Upstream Dream (the Hugging Face modeling file) feeds tok_idx to RoPE; Fast-dLLM's copy ignores
        # position_ids and always uses 0..T-1. Same logits at attended positions up to rounding,
        # because RoPE only sees position differences; stored so either choice can be checked.
        rot = model.model.rotary_emb
        orig = rot.forward
        rot.forward = lambda x, position_ids: orig(x, tok_idx)
        try:
            logits_tok_idx = model(input_ids, mask4d, tok_idx).logits
        finally:
            rot.forward = orig
    valid = attention_mask.bool()
    diff = (logits - logits_tok_idx).abs()[valid].max().item()
    assert diff < 1e-4, diff
    return {"input_ids": input_ids, "attention_mask": attention_mask, "position_ids": tok_idx,
            "logits": logits.float(), "logits_with_position_ids": logits_tok_idx.float()}


def robustness_variants(model, model64):
    """Reruns a kept case must survive unchanged (tokens and NFE): float64 weights and activations,
    1e-5 relative noise on the logits (3 seeds), and the step schedule computed in float64."""
    return ([("float64", model64, {})] + [(f"noise{s}", model, {"noise_seed": s}) for s in (1, 2, 3)]
            + [("schedule_f64_grid", model, {"schedule": "f64_grid"}), ("schedule_f64", model, {"schedule": "f64"})])


def f32(v):
    """Shortest decimal that parses back to the same float32 (keeps the label files small)."""
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def write_cases(path, header, cases):
    """Header fields one per line, then one case per line (the files stay diff-able and small)."""
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in header.items()] + [' "cases": [']
    lines += ["  " + json.dumps(c, separators=(", ", ": ")) + ("," if i + 1 < len(cases) else "")
              for i, c in enumerate(cases)]
    lines += [" ]", "}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fastdllm", required=True, help="NVlabs/Fast-dLLM checkout (contains dream/model/)")
    ap.add_argument("--l2pd", required=True, help="ims-kdks/Learning-to-Parallel-Decoding checkout (contains dream/)")
    ap.add_argument("--out", required=True, help="output folder, e.g. tests/golden/dream")
    ap.add_argument("--only", default=None, help="debug: only cases whose name contains this")
    ap.add_argument("--no-robustness", action="store_true", help="debug: skip the float64/noise reruns")
    args = ap.parse_args()

    ref = load_reference(os.path.abspath(args.fastdllm), os.path.abspath(args.l2pd))
    os.makedirs(args.out, exist_ok=True)
    filt = make_filter(ref)
    save_safetensors(os.path.join(args.out, "filter.safetensors"),
                     {k: v.float() for k, v in filt.state_dict().items()})
    summary = {}
    for name, spec in MODELS.items():
        mdir = os.path.join(args.out, name, "model")
        os.makedirs(mdir, exist_ok=True)
        cfg = config_json(spec)
        state = init_weights(spec)
        with open(os.path.join(mdir, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        with open(os.path.join(mdir, "generation_config.json"), "w") as f:
            json.dump(generation_config_json(spec), f, indent=2)
            f.write("\n")
        save_safetensors(os.path.join(mdir, "model.safetensors"), state)
        # round trip through our own writer, so the golden model is exactly what is on disk
        state = load_safetensors(os.path.join(mdir, "model.safetensors"))
        model = build_model(ref, cfg, state)
        model64 = build_model(ref, cfg, state, torch.float64)
        pad = spec["eos_token_id"]

        save_safetensors(os.path.join(args.out, name, "forward.safetensors"), forward_vectors(ref, model, spec))

        kept, dropped = [], []
        for case in case_list(name, spec):
            if args.only and args.only not in case["name"]:
                continue
            res = run_case(ref, model, filt, case, pad, {})
            verdict = []
            if not args.no_robustness:
                replay = res["draws"] if case["alg"] == "origin" else None
                for label, m, kw in robustness_variants(model, model64):
                    try:
                        alt = run_case(ref, m, filt, case, pad, dict(kw, replay=replay))
                        same = alt["ids"] == res["ids"] and alt["nfe"] == res["nfe"]
                    except AssertionError as e:
                        same = False
                        label += f" ({e})"
                    if not same:
                        verdict.append(label)
            rec = dict(case)
            rec["expected_ids"] = res["ids"] if case.get("batch") else res["ids"][0]
            rec["expected_nfe"] = res["nfe"]
            if case["alg"] == "origin":
                rec["random_draws"] = res["draws"]
            (dropped if verdict else kept).append((rec, verdict))
            print(f"{case['name']:58s} nfe={res['nfe']:3d} {'DROP ' + ','.join(verdict) if verdict else 'ok'}",
                  file=sys.stderr, flush=True)

        label_kept, label_dropped = [], []
        for case in label_case_list(name, spec):
            if args.only and args.only not in case["name"]:
                continue
            res = run_labels(ref, model, case, pad, {})
            verdict = []
            if not args.no_robustness:
                for label, m, kw in robustness_variants(model, model64):
                    alt = run_labels(ref, m, case, pad, kw)
                    strip = lambda r: (r["reference_ids"], r["oracle_ids"], r["reference_nfe"], r["oracle_nfe"],  # noqa: E731
                                       [(h["step"], h["is_correct"]) for h in r["history"]])
                    if strip(alt) != strip(res):
                        verdict.append(label)
            rec = dict(case)
            history = [dict(step=h["step"], confidence=[f32(v) for v in h["confidence"]], is_correct=h["is_correct"])
                       for h in res["history"]]
            rec.update(expected_reference_ids=res["reference_ids"], expected_reference_nfe=res["reference_nfe"],
                       expected_oracle_ids=res["oracle_ids"], expected_oracle_nfe=res["oracle_nfe"],
                       expected_history=history)
            (label_dropped if verdict else label_kept).append((rec, verdict))
            print(f"{case['name']:58s} nfe={res['oracle_nfe']:3d} {'DROP ' + ','.join(verdict) if verdict else 'ok'}",
                  file=sys.stderr, flush=True)

        header = {"model": name, "mask_token_id": spec["mask_token_id"], "eos_token_id": spec["eos_token_id"],
                  "pad_token_id": spec["eos_token_id"], "filter": "../filter.safetensors",
                  "generator": "scripts/dream/make_golden.py (see scripts/dream/README.md)",
                  "reference_files": ref.provenance}
        write_cases(os.path.join(args.out, name, "decode_cases.json"),
                    dict(header, dropped_as_unstable=[r["name"] for r, _ in dropped]), [r for r, _ in kept])
        write_cases(os.path.join(args.out, name, "label_cases.json"),
                    dict(header, dropped_as_unstable=[r["name"] for r, _ in label_dropped]), [r for r, _ in label_kept])
        summary[name] = dict(kept=len(kept), dropped=[(r["name"], v) for r, v in dropped],
                             labels_kept=len(label_kept), labels_dropped=[(r["name"], v) for r, v in label_dropped])
    print(json.dumps(summary, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
