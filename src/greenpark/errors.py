"""The one exception tree of greenpark.

Every error a user can cause is a subclass of :class:`GreenparkError` and of the
matching built-in (``ValueError``, ``KeyError``, ``LookupError``...), so callers can
catch either. Messages name the offending value, the valid choices and the next step;
the CLI prints the message as one line and exits non-zero.

Add pillar-specific errors here (one tree, like httpx), each with a docstring.
"""

from __future__ import annotations


class GreenparkError(Exception):
    """Base of every error greenpark raises on purpose."""


class InputError(GreenparkError, ValueError):
    """Input data cannot be used as given (bad file, bad column, bad value)."""


class ParkFolderError(InputError):
    """A park folder is missing a required file or has an unreadable one."""


class UnknownUnitError(InputError):
    """A unit string is not known, or does not fit the quantity it labels."""


class UnitMismatchError(InputError):
    """Two units cannot be converted into each other (e.g. kWh into m3)."""


class ReferenceDataError(GreenparkError, LookupError):
    """A reference table is missing, malformed, or lacks the row asked for."""


class MissingFactorError(ReferenceDataError):
    """No factor/limit/tariff row matches the key and date asked for."""


class StoreError(GreenparkError, RuntimeError):
    """The store cannot be opened or a query on it failed."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached, or did not answer within the statement or lock timeout; try again later.

    The service answers 503 with ``Retry-After`` (the request may be sent again as it is).
    """


class ParkNotFoundError(StoreError, KeyError):
    """The park id is not in the store."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


class SolverError(GreenparkError, RuntimeError):
    """An optimisation (HiGHS) did not reach an optimal solution."""


class BaselineRejectedError(GreenparkError, ValueError):
    """A baseline model fails a data-sufficiency or goodness-of-fit test."""


class UnknownParameterError(InputError):
    """A wastewater parameter name is neither a canonical name nor an alias (reference/data/water/parameters.csv)."""


class NoDataError(InputError):
    """The park has no data for what was asked: no readings in the year, no waste records, no WWTP.

    The CLI exits 2 with the message; ``assess`` marks a stage whose input is absent ``skipped`` with it.
    """


class WeakPasswordError(InputError):
    """A password is too short or is one of the common passwords (the service's password policy)."""


class MissingMessageError(GreenparkError, KeyError):
    """A message key is missing from a language's catalogue (``greenpark/i18n/locales``), in strict mode."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""
