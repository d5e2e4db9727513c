#!/usr/bin/env python3
"""Writes a synthetic LLaDA or Dream checkpoint (random bf16 weights of the exact names and shapes a
config.json implies, split into shards with a model.safetensors.index.json) so anyone can reproduce load
and forward numbers without downloading 16 GB.

    scripts/make-synthetic-checkpoint.py ../shared/golden/llada-8b-instruct/config.json runs/llada-8b-synthetic
    scripts/make-synthetic-checkpoint.py CONFIG OUT --layers 4        # the same widths, 4 blocks (quick runs)

The family comes from the config's model_type ("llada" or "Dream"; without one, architectures naming
DreamModel mean Dream). Names follow the checkpoint's: LLaDA's model.transformer.wte.weight,
...blocks.N.q_proj.weight, ...; Dream's (Qwen2's) model.embed_tokens.weight,
model.layers.N.self_attn.q_proj.{weight,bias}, ..., lm_head.weight. The tensors are packed in that order
into --shards files of about equal size (default as released: LLaDA-8B-Instruct ships 6, Dream-v0-Instruct-7B 4).
Values are random bf16 of magnitude ~0.01. Python's standard library only."""
import argparse, json, os, struct, sys

def is_dream(config):
    kind = str(config.get("model_type") or "").lower()
    return kind == "dream" or (not kind and "DreamModel" in (config.get("architectures") or []))

def dream_tensors(config):
    d, layers = config["hidden_size"], config["num_hidden_layers"]
    heads = config["num_attention_heads"]
    kv = config.get("num_key_value_heads") or heads
    head_dim = d // heads
    hidden, vocab = config["intermediate_size"], config["vocab_size"]
    yield "model.embed_tokens.weight", [vocab, d]
    for i in range(layers):
        b = f"model.layers.{i}."
        yield b + "input_layernorm.weight", [d]
        yield b + "mlp.down_proj.weight", [d, hidden]
        yield b + "mlp.gate_proj.weight", [hidden, d]
        yield b + "mlp.up_proj.weight", [hidden, d]
        yield b + "post_attention_layernorm.weight", [d]
        yield b + "self_attn.k_proj.bias", [kv * head_dim]
        yield b + "self_attn.k_proj.weight", [kv * head_dim, d]
        yield b + "self_attn.o_proj.weight", [d, d]
        yield b + "self_attn.q_proj.bias", [d]
        yield b + "self_attn.q_proj.weight", [d, d]
        yield b + "self_attn.v_proj.bias", [kv * head_dim]
        yield b + "self_attn.v_proj.weight", [kv * head_dim, d]
    yield "model.norm.weight", [d]
    if not config.get("tie_word_embeddings", False):
        yield "lm_head.weight", [vocab, d]

def tensors(config):
    if is_dream(config):
        yield from dream_tensors(config)
        return
    d, layers = config["d_model"], config["n_layers"]
    heads = config["n_heads"]
    kv = config.get("n_kv_heads") or heads
    head_dim = d // heads
    hidden = config.get("mlp_hidden_size") or config["mlp_ratio"] * d
    emb = config.get("embedding_size") or config["vocab_size"]
    yield "model.transformer.wte.weight", [emb, d]
    for i in range(layers):
        b = f"model.transformer.blocks.{i}."
        yield b + "attn_out.weight", [d, d]
        yield b + "attn_norm.weight", [d]
        yield b + "ff_norm.weight", [d]
        yield b + "ff_out.weight", [d, hidden]
        yield b + "ff_proj.weight", [hidden, d]
        yield b + "k_proj.weight", [kv * head_dim, d]
        yield b + "q_proj.weight", [d, d]
        yield b + "up_proj.weight", [hidden, d]
        yield b + "v_proj.weight", [kv * head_dim, d]
    yield "model.transformer.ln_f.weight", [d]
    if not config.get("weight_tying", False):
        yield "model.transformer.ff_out.weight", [emb, d]

def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n

CHUNK = 64 << 20
def random_bf16_chunk():
    raw = bytearray(os.urandom(CHUNK))
    # High byte of each little-endian bf16: keep the sign, exponent ≈ 2^-7 (|x| ~ 0.01).
    high = bytes(raw[1::2]).translate(bytes((b & 0x80) | 0x3C for b in range(256)))
    raw[1::2] = high
    return bytes(raw)

def write_shard(path, items, chunk):
    header, offset = {}, 0
    for name, shape in items:
        size = numel(shape) * 2
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        left = offset
        while left > 0:
            n = min(left, len(chunk))
            f.write(chunk[:n])
            left -= n
    os.replace(tmp, path)
    return offset

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("config")
    p.add_argument("out")
    p.add_argument("--layers", type=int, help="override the layer count (n_layers / num_hidden_layers; quick runs)")
    p.add_argument("--shards", type=int, help="shard files (default: 6 for LLaDA, 4 for Dream, as released)")
    a = p.parse_args()
    config = json.load(open(a.config))
    if a.layers is not None:
        config["num_hidden_layers" if is_dream(config) else "n_layers"] = a.layers
        if is_dream(config) and "max_window_layers" in config:
            config["max_window_layers"] = a.layers
    if a.shards is None:
        a.shards = 4 if is_dream(config) else 6
    os.makedirs(a.out, exist_ok=True)
    items = list(tensors(config))
    total = sum(numel(s) * 2 for _, s in items)
    target = total / a.shards
    shards, current, size = [], [], 0
    for name, shape in items:
        if current and size + numel(shape) * 2 > target * 1.0001 and len(shards) < a.shards - 1:
            shards.append(current)
            current, size = [], 0
        current.append((name, shape))
        size += numel(shape) * 2
    shards.append(current)
    chunk = random_bf16_chunk()
    weight_map = {}
    for i, items_i in enumerate(shards):
        file = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        written = write_shard(os.path.join(a.out, file), items_i, chunk)
        for name, _ in items_i:
            weight_map[name] = file
        print(f"{file}: {len(items_i)} tensors, {written / 1e9:.2f} GB", file=sys.stderr)
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, open(os.path.join(a.out, "model.safetensors.index.json"), "w"), indent=1)
    json.dump(config, open(os.path.join(a.out, "config.json"), "w"), indent=2)
    print(f"wrote {len(items)} tensors ({total:,} bytes, {sum(numel(s) for _, s in items):,} parameters) in {len(shards)} shards to {a.out}")

if __name__ == "__main__":
    main()
