"""Minimal stand-in for the `transformers` names the Dream reference files import.

Written for Learn2PD.NET's golden-vector generator (scripts/dream/make_golden.py). It is NOT
Hugging Face code: only the behaviour the reference modeling/sampling files actually rely on is
reproduced (config attributes, GenerationConfig.from_model_config/update, ModelOutput indexing,
the "default" RoPE init, a no-op logger), so that NVlabs/Fast-dLLM `dream/model/*.py` and the
Learn2PD authors' `dream/model/generation_utils_block.py` import and run unchanged on torch 1.13.
"""
__version__ = "4.46.2-learn2pd-stub"

from .configuration_utils import PretrainedConfig  # noqa: E402,F401
