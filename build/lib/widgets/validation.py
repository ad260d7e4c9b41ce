"""Argument checks shared by the model (``widgets.kinematics``) and the demonstrations.

Every public function of the book's model checks its arguments with these helpers, so a
slider set out of range or a typo in a chapter fails loudly with a message that names the
parameter and its valid range, instead of returning a silently wrong number.

Accepted: Python ``int`` and ``float``, NumPy scalars, NumPy arrays (and lists or tuples
of numbers) of integer or floating dtype. Rejected with :class:`BadInputType`: ``bool`` (almost
always a mistake for an angle), strings, ``None``, complex numbers, object arrays.
Rejected with ``ValueError``: NaN, infinities and values outside the range.
:class:`BadInputType` is both a ``ValueError`` (the book's one rule: every bad input, of any
kind, raises a ``ValueError`` naming the parameter and its valid range) and a ``TypeError``
(what Python code expects of a wrong type), so either ``except`` catches it.

The checks return the value as a float (for a scalar) or a float64 array, so callers can
compute with it directly. Pure NumPy: no plotting or UI import.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

__all__ = ["BadInputType", "check_angle", "check_real", "check_choice", "check_positive",
           "check_fraction"]


class BadInputType(TypeError, ValueError):
    """An argument of the wrong type: a ``ValueError`` like every other bad input, and a
    ``TypeError`` as Python code expects."""


def _as_float_array(name: str, value, valid: str) -> np.ndarray:
    """``value`` as a float64 array, or :class:`BadInputType` naming ``name`` and ``valid``."""
    if isinstance(value, (bool, np.bool_)):
        raise BadInputType(f"{name} must be a number {valid}, not a bool")
    if isinstance(value, (Real, np.integer, np.floating)):
        return np.asarray(value, dtype=float)
    if isinstance(value, (np.ndarray, list, tuple)):
        array = np.asarray(value)
        if array.dtype.kind in "iuf":
            return array.astype(float, copy=False)
        raise BadInputType(f"{name} must hold real numbers {valid}, "
                           f"got an array of dtype {array.dtype}")
    raise BadInputType(f"{name} must be a number or an array of numbers {valid}, "
                       f"got {type(value).__name__}")


def _range_text(low: float, high: float, open_low: bool, open_high: bool, unit: str) -> str:
    if np.isinf(high):
        return f"greater than {low:g}{unit}" if open_low else f"at least {low:g}{unit}"
    if open_low and open_high:
        return f"strictly between {low:g}{unit} and {high:g}{unit}"
    if not open_low and not open_high:
        return f"between {low:g}{unit} and {high:g}{unit} inclusive"
    left = "(" if open_low else "["
    right = ")" if open_high else "]"
    return f"in {left}{low:g}{unit}, {high:g}{unit}{right}"


def _shown(array: np.ndarray, bad: np.ndarray):
    """The first offending value, for the error message."""
    return array[bad].flat[0] if array.ndim else array.item()


def check_real(name: str, value, low: float, high: float, *, unit: str = "",
               open_low: bool = False, open_high: bool = False):
    """Return ``value`` as float/float64 array after checking type, finiteness and range.

    ``low``/``high`` bound the range, closed unless ``open_low``/``open_high``.
    Raises :class:`BadInputType` (a ``ValueError`` and a ``TypeError``) for a non-number and
    ``ValueError`` for NaN, infinity or a value out of range; both messages start with
    ``name`` and state the valid range.
    """
    valid = _range_text(low, high, open_low, open_high, unit)
    array = _as_float_array(name, value, valid)
    not_finite = ~np.isfinite(array)
    if not_finite.any():
        raise ValueError(f"{name} must be a finite number {valid}, "
                         f"got {_shown(array, not_finite)}")
    too_low = array <= low if open_low else array < low
    too_high = array >= high if open_high else array > high
    outside = too_low | too_high
    if outside.any():
        raise ValueError(f"{name} must be {valid}, got {_shown(array, outside):g}")
    return float(array) if array.ndim == 0 else array


def check_angle(name: str, value, low: float, high: float, *,
                open_low: bool = False, open_high: bool = False):
    """:func:`check_real` for an angle in degrees (the message shows the ° sign)."""
    return check_real(name, value, low, high, unit="°", open_low=open_low, open_high=open_high)


def check_positive(name: str, value, *, unit: str = ""):
    """A finite number (or array) strictly greater than zero."""
    return check_real(name, value, 0.0, np.inf, unit=unit, open_low=True, open_high=True)


def check_fraction(name: str, value):
    """A number (or array) in [0, 1]."""
    return check_real(name, value, 0.0, 1.0)


def check_choice(name: str, value, choices) -> str:
    """``value`` if it is one of ``choices`` (strings); otherwise ``ValueError`` listing them."""
    if not isinstance(value, str):
        raise BadInputType(f"{name} must be one of {', '.join(map(repr, choices))}, "
                           f"got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value
