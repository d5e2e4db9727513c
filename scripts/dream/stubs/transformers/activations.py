from torch import nn


class _ActivationTable(dict):
    """ACT2FN[name] returns a fresh activation module, as in transformers."""

    def __getitem__(self, key):
        return dict.__getitem__(self, key)()


ACT2FN = _ActivationTable(silu=nn.SiLU, swish=nn.SiLU, relu=nn.ReLU, gelu=nn.GELU)
