"""Stand-in for the Learn2PD authors' `model/small_model.py` (not in the public snapshot we read).

Layout as documented for their released filter `layer_2_flan.pth` (see ../../shared/golden/README.md):
Linear(32,32) -> ReLU -> Linear(32,32) over the block's 32 confidences, one logit per position.
A block cut short by end-of-text truncation (fewer than 32 columns) is zero-padded on the right to
32 and the output is sliced back to the input width.
"""
import torch.nn.functional as F
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, input_dim=32):
        super().__init__()
        self.linear1 = nn.Linear(input_dim, input_dim)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(input_dim, input_dim)

    def forward(self, x):
        width = x.shape[-1]
        if width < self.linear1.in_features:
            x = F.pad(x, (0, self.linear1.in_features - width))
        return self.linear2(self.relu(self.linear1(x)))[..., :width]
