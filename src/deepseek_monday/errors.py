"""Exceptions with messages meant for the person running the report."""

from __future__ import annotations


class DeepSeekMondayError(Exception):
    """Base class of every error this package raises on purpose."""


class DataValidationError(DeepSeekMondayError):
    """A data file is missing, malformed or disagrees with its manifest."""


class ParameterError(DeepSeekMondayError, ValueError):
    """A notebook or command-line parameter is invalid."""


class NotCheckable(Exception):
    """The data cannot give this measurement (a claim, a market value, a ratio); the message says why."""


class DataUnavailableError(ParameterError):
    """Valid parameters that the data cannot serve: e.g. an event date before a series starts.

    A chapter refusing its event date this way is left out of an edition (its page says why)
    instead of stopping the build; any other ParameterError still stops it.
    """
