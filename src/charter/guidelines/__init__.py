"""Policy as data: built-in guideline packs, the check catalogue and framework ids."""

from charter.guidelines.library import BuiltinPackLibrary

__all__ = ["BuiltinPackLibrary"]
