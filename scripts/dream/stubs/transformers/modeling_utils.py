import torch
from torch import nn


class PreTrainedModel(nn.Module):
    """nn.Module holding `config`; weights are loaded by the caller (make_golden.py)."""

    config_class = None
    base_model_prefix = ""

    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config
        self.generation_config = None

    def post_init(self):
        self.apply(self._init_weights)

    def _init_weights(self, module):
        pass

    @property
    def device(self):
        return next(self.parameters()).device

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        raise NotImplementedError("load weights with make_golden.load_model instead")
