import dataclasses
import logging as _pylogging


class _Logger:
    def __init__(self, name):
        self._log = _pylogging.getLogger(name)
        self._seen = set()

    def warning_once(self, msg, *args):
        if msg not in self._seen:
            self._seen.add(msg)
            self._log.debug(msg, *args)

    def warning(self, msg, *args, **kwargs):
        self._log.debug(msg, *args)

    def info(self, msg, *args, **kwargs):
        self._log.debug(msg, *args)

    def error(self, msg, *args, **kwargs):
        self._log.error(msg, *args)

    debug = info


class logging:  # noqa: N801 - mirrors `transformers.utils.logging`
    @staticmethod
    def get_logger(name=None):
        return _Logger(name)


class ModelOutput:
    """Dataclass base: attribute access, o[i] over the non-None fields, o["name"]."""

    def to_tuple(self):
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None)

    def __getitem__(self, key):
        if isinstance(key, str):
            return getattr(self, key)
        return self.to_tuple()[key]


def add_start_docstrings(*docstr):
    return lambda fn: fn


def add_start_docstrings_to_model_forward(*docstr):
    return lambda fn: fn


def is_flash_attn_2_available():
    return False


def is_flash_attn_greater_or_equal_2_10():
    return False


def is_torchdynamo_compiling():
    return False
