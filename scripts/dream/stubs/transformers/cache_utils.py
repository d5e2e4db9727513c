class Cache:
    """Only imported for type annotations by the reference; never instantiated."""


class DynamicCache(Cache):
    pass
