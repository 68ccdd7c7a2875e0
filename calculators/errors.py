"""The errors of the package, in one place.

``FactsError(field, message)`` is the one error shape for bad input, everywhere: the engine's facts,
the merchant tools, the dates parser, the CLI and the browser worker all raise it (or its tools
name ``InputError``, the same class) and turn it into ``{"error": {"field": ..., "message": ...}}``
with a Chinese message for the reader. ``RulesError`` is a bug in the rule data, never the
reader's fault. (The photo check keeps its own ``PhotoError``/``DecodeError`` in
``toolkit/photo/errors.py`` for now: that code is being reworked separately.)

Standard library only; this module imports nothing from the package, so every module can use it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FactsError", "InputError", "RulesError"]


class FactsError(ValueError):
    """Bad input: ``field`` names the fact (or ``None``), ``message`` explains it in Chinese."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"field": self.field, "message": self.message}}


# The merchant tools' name for the same error: one class, so that an error raised by a shared
# parser (dates, amounts) is caught by a tool's ``except InputError`` and the engine's
# ``except FactsError`` alike.
InputError = FactsError


class RulesError(Exception):
    """The rule data is inconsistent (a bug in the data files, not bad user input)."""
