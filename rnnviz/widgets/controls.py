"""Sliders that refuse an out-of-range value instead of clamping it.

ipywidgets' sliders silently move a value outside [min, max] to the nearest end, so
`SampleExplorer(model, temperature=0.0)` would sample at 0.1 and say nothing. The project's
rule is the same for a constructor argument and for a control set from Python: a ValueError
that names the argument, as the caller wrote it, and its range (rnnviz.checks).
"""

import ipywidgets as widgets
from traitlets import HasTraits, Unicode, validate

from rnnviz import checks


class _RefusesOutOfRange(HasTraits):
    """A slider mixin: setting `value` outside [min, max] raises, naming `argument`."""

    argument = Unicode("value")

    @validate("value")
    def _validate_value(self, proposal):
        return self._check(proposal["value"])


class RangeIntSlider(_RefusesOutOfRange, widgets.IntSlider):
    """An IntSlider whose `value` outside [min, max] raises ValueError naming `argument`."""

    def _check(self, value) -> int:
        return checks.positive_int(self.argument, value, minimum=self.min, maximum=self.max)


class RangeFloatSlider(_RefusesOutOfRange, widgets.FloatSlider):
    """A FloatSlider whose `value` outside [min, max] raises ValueError naming `argument`."""

    def _check(self, value) -> float:
        return checks.real_number(self.argument, value, low=self.min, high=self.max)


def int_slider(argument: str, value, low: int, high: int, **kwargs) -> RangeIntSlider:
    """A slider for the int argument `argument`, checked now and whenever it is set.

    Inputs: argument: the public name used in errors; value: its first value; low, high:
    the slider's range (inclusive); kwargs: other IntSlider options (description, step...).
    Raises: TypeError if value is not an int, ValueError if it is outside [low, high].
    """
    value = checks.positive_int(argument, value, minimum=low, maximum=high)
    return RangeIntSlider(value=value, min=low, max=high, argument=argument, **kwargs)


def float_slider(argument: str, value, low: float, high: float, **kwargs) -> RangeFloatSlider:
    """A slider for the real argument `argument`, checked now and whenever it is set.

    Raises: TypeError if value is not a real number, ValueError if it is not finite or is
    outside [low, high].
    """
    value = checks.real_number(argument, value, low=low, high=high)
    return RangeFloatSlider(value=value, min=low, max=high, argument=argument, **kwargs)
