import torch


def _compute_default_rope_parameters(config=None, device=None, seq_len=None, **rope_kwargs):
    """transformers' "default" RoPE: inv_freq[i] = 1 / base^(2i/dim), no attention scaling."""
    if len(rope_kwargs) > 0:
        base = rope_kwargs["base"]
        dim = rope_kwargs["dim"]
    else:
        base = config.rope_theta
        partial_rotary_factor = getattr(config, "partial_rotary_factor", 1.0)
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        dim = int(head_dim * partial_rotary_factor)
    attention_factor = 1.0
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float().to(device) / dim))
    return inv_freq, attention_factor


ROPE_INIT_FUNCTIONS = {"default": _compute_default_rope_parameters}


def rope_config_validation(config, ignore_keys=None):
    rope_scaling = getattr(config, "rope_scaling", None)
    if rope_scaling is not None and rope_scaling.get("rope_type", rope_scaling.get("type")) != "default":
        raise NotImplementedError("the Learn2PD stub only implements the default RoPE")
