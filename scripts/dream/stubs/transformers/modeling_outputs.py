from dataclasses import dataclass
from typing import Any, Optional

from .utils import ModelOutput


@dataclass
class BaseModelOutput(ModelOutput):
    last_hidden_state: Any = None
    hidden_states: Optional[Any] = None
    attentions: Optional[Any] = None


@dataclass
class MaskedLMOutput(ModelOutput):
    loss: Optional[Any] = None
    logits: Any = None
    hidden_states: Optional[Any] = None
    attentions: Optional[Any] = None
