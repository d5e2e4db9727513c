import copy


class GenerationConfig:
    """The three entry points DreamGenerationConfig uses: from_model_config, update, validate."""

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, key, value)

    def validate(self, is_init=False):
        pass

    @classmethod
    def from_model_config(cls, model_config):
        config_dict = model_config.to_dict()
        config_dict.pop("_from_model_config", None)
        config_dict = {k: v for k, v in config_dict.items() if v is not None}
        return cls(**config_dict, _from_model_config=True)

    def update(self, **kwargs):
        """Set the kwargs that are existing attributes; return the rest (as transformers does)."""
        unused = {}
        for key, value in kwargs.items():
            if hasattr(self, key):
                setattr(self, key, value)
            else:
                unused[key] = value
        self.validate()
        return unused

    def to_dict(self):
        return copy.deepcopy(self.__dict__)
