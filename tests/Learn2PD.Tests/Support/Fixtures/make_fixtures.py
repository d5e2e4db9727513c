"""Writes the small reference files the checkpoint tests compare against, with real PyTorch and safetensors.

    python3 make_fixtures.py OUT_DIR        (the committed files came from torch 2.11.0, safetensors 0.8.0)

torch_state.pth       torch.save of a state dict with shared-storage views, bf16/f16/i64, a 0-d tensor and a
                      nested dict, pickled by torch's default protocol
torch_state_expected.safetensors
                      the same tensors (made contiguous, nested key flattened with '.') for comparison
reference_order.safetensors
                      safetensors.torch.save_file of ten dtypes with names that sort differently from the
                      dtypes, plus metadata: the layout our writer must reproduce byte for byte
"""
import collections
import os
import sys

import safetensors
import torch
from safetensors.torch import save_file

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

torch.manual_seed(0)
linear = torch.nn.Linear(4, 3)
grid = torch.arange(12, dtype=torch.float32).reshape(3, 4)
left, right = grid.chunk(2, dim=1)            # [3, 2] views of one storage, strides (4, 1), offsets 0 and 2
state = collections.OrderedDict()
state["linear.weight"] = linear.weight.detach()
state["linear.bias"] = linear.bias.detach()
state["left"] = left
state["right"] = right
state["column"] = grid[:, 1]                  # stride 4, offset 1
state["bf16"] = (torch.arange(6, dtype=torch.float32) / 3).to(torch.bfloat16)
state["f16"] = torch.tensor([0.5, -2.25], dtype=torch.float16)
state["ids"] = torch.tensor([1, -2, 3_000_000_000], dtype=torch.int64)
state["scalar"] = torch.tensor(3.5)
state["block"] = {"norm": torch.ones(2)}
torch.save(state, os.path.join(out, "torch_state.pth"))

flat = {k: v.contiguous() for k, v in state.items() if torch.is_tensor(v)}
flat["block.norm"] = state["block"]["norm"]
save_file(flat, os.path.join(out, "torch_state_expected.safetensors"))

mixed = {
    "a_bool": torch.tensor([True, False, True]),
    "b_u8": torch.arange(3, dtype=torch.uint8),
    "c_i8": torch.tensor([-1, 0, 1], dtype=torch.int8),
    "d_i16": torch.arange(3, dtype=torch.int16),
    "e_f16": torch.ones(2, 3, dtype=torch.float16),
    "f_bf16": torch.ones(3, dtype=torch.bfloat16),
    "g_i32": torch.arange(5, dtype=torch.int32),
    "h_f32": torch.linspace(0, 1, 7),
    "i_f64": torch.ones(1, dtype=torch.float64),
    "j_i64": torch.arange(2),
    "k_f32": torch.zeros(1),
}
save_file(mixed, os.path.join(out, "reference_order.safetensors"), metadata={"format": "pt", "author": "fixture"})
print("torch", torch.__version__, "safetensors", safetensors.__version__)
