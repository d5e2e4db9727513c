import copy


class PretrainedConfig:
    """Attribute bag with the defaults the Dream model code reads."""

    model_type = ""

    def __init__(self, **kwargs):
        self.tie_word_embeddings = kwargs.pop("tie_word_embeddings", True)
        self.output_attentions = kwargs.pop("output_attentions", False)
        self.output_hidden_states = kwargs.pop("output_hidden_states", False)
        self.return_dict = kwargs.pop("return_dict", True)
        self.torch_dtype = kwargs.pop("torch_dtype", None)
        # Eager/SDPA only: Fast-dLLM's DreamDecoderLayer always builds DreamSdpaAttention anyway.
        self._attn_implementation = kwargs.pop("attn_implementation", "sdpa")
        for key in ("bos_token_id", "eos_token_id", "pad_token_id"):
            setattr(self, key, kwargs.pop(key, getattr(self, key, None)))
        for key, value in kwargs.items():
            setattr(self, key, value)

    @property
    def use_return_dict(self):
        return self.return_dict

    def to_dict(self):
        out = copy.deepcopy({k: v for k, v in self.__dict__.items()})
        out["model_type"] = self.model_type
        return out
