"""Controls that refuse a bad value by the argument's name instead of clamping it.

ipywidgets' sliders silently move a value outside [min, max] to the nearest end, so
`SampleExplorer(model, temperature=0.0)` would sample at 0.1 and say nothing, and a
dropdown set to an unknown option raises a TraitError that names no argument. The project's
rule is the same for a constructor argument and for a control set from Python: a ValueError
that names the argument, as the caller wrote it, and its range or options (rnnviz.checks).

A slider holds only its own positions, min + k * step (and any `extra` positions it was given):
a value in range set from Python, or passed to a constructor, between two positions is moved
to the nearest one (half-way goes up), by the slider itself. The page's slider can only show
those positions, and a hot slider's frames are computed at exactly those, so the picture the
page draws and the `data` the kernel computes are always for the same value.
"""

import math

import ipywidgets as widgets
from traitlets import Any, HasTraits, List, Unicode, validate

from rnnviz import checks


class _RefusesOutOfRange(HasTraits):
    """A control mixin: setting `value` to anything `_check` refuses raises, naming
    `argument`."""

    argument = Unicode("value")

    @validate("value")
    def _validate_value(self, proposal):
        return self._check(proposal["value"])


def nearest_position(value, low, high, step, extra=()):
    """The slider position nearest `value`: low + k * step within [low, high] (rounded to 10
    decimals, as the widgets' grids are), or one of `extra`; half-way goes to the higher one.

    Inputs: value, low, high, step: numbers with step > 0; extra: more positions
    Returns: the position (an int when low and step are ints)
    """
    last = math.floor((high - low) / step + 1e-9)
    k = min(max(math.floor((value - low) / step + 0.5), 0), last)
    snapped = low + k * step
    if not isinstance(snapped, int):
        snapped = round(snapped, 10)
    # max(-distance, candidate): the nearest, and of two equally near the higher.
    return max([snapped, *extra], key=lambda p: (-abs(p - value), p))


class RangeIntSlider(_RefusesOutOfRange, widgets.IntSlider):
    """An IntSlider whose `value` outside [min, max] raises ValueError naming `argument`,
    whose non-int `value` (2.5, True, "3") raises TypeError naming it, and whose value
    between two positions (step > 1) moves to the nearest one."""

    # IntSlider's CInt would turn 2.5 into 2 before the check could see it.
    value = Any(0, help="Int value").tag(sync=True)

    def _check(self, value) -> int:
        value = checks.positive_int(self.argument, value, minimum=self.min, maximum=self.max)
        return nearest_position(value, self.min, self.max, self.step)


class RangeFloatSlider(_RefusesOutOfRange, widgets.FloatSlider):
    """A FloatSlider whose `value` outside [min, max] raises ValueError naming `argument`,
    whose non-number `value` (True, "0.5") raises TypeError naming it, and whose value
    between two positions moves to the nearest one (`extra`: positions besides the steps)."""

    # FloatSlider's CFloat would turn True into 1.0 before the check could see it.
    value = Any(0.0, help="Float value").tag(sync=True)
    extra = List()  # not synced: the page's slider has only its steps

    def _check(self, value) -> float:
        value = checks.real_number(self.argument, value, low=self.min, high=self.max)
        position = float(nearest_position(value, self.min, self.max, self.step, self.extra))
        # The page's own slider sends its positions with float rounding (0.30000000000000004):
        # such a value is kept as it came, since replacing it would echo a new value back to
        # the page, a kernel round trip on every press of a slider the browser answers.
        if abs(value - position) <= 1e-9 * max(1.0, abs(position)):
            return value
        return position


class ChoiceDropdown(_RefusesOutOfRange, widgets.Dropdown):
    """A Dropdown whose `value` outside its options raises ValueError naming `argument`."""

    def _check(self, value):
        return checks.choice(self.argument, value, self._options_values)


class ChoiceToggleButtons(_RefusesOutOfRange, widgets.ToggleButtons):
    """ToggleButtons whose `value` outside its options raises ValueError naming `argument`."""

    def _check(self, value):
        return checks.choice(self.argument, value, self._options_values)


def dropdown(argument: str, value, options, *, buttons: bool = False, **kwargs):
    """A dropdown (or, with buttons=True, toggle buttons) for the argument `argument`.

    Inputs: options: the allowed values, or (label, value) pairs; value: the first one.
    Raises: ValueError naming the argument and its options if value is not one of them,
    now or when the control is set from Python.
    """
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    checks.choice(argument, value, values)
    kind = ChoiceToggleButtons if buttons else ChoiceDropdown
    return kind(options=options, value=value, argument=argument, **kwargs)


def int_slider(argument: str, value, low: int, high: int, **kwargs) -> RangeIntSlider:
    """A slider for the int argument `argument`, checked now and whenever it is set.

    Inputs: argument: the public name used in errors; value: its first value; low, high:
    the slider's range (inclusive); kwargs: other IntSlider options (description, step...).
    Returns: the slider, holding the position nearest `value` (see the module docstring).
    Raises: TypeError if value is not an int, ValueError if it is outside [low, high].
    """
    value = checks.positive_int(argument, value, minimum=low, maximum=high)
    return RangeIntSlider(value=value, min=low, max=high, argument=argument, **kwargs)


def float_slider(argument: str, value, low: float, high: float, **kwargs) -> RangeFloatSlider:
    """A slider for the real argument `argument`, checked now and whenever it is set.

    Inputs: as int_slider's; kwargs may hold `extra`, positions besides the steps.
    Returns: the slider, holding the position nearest `value` (see the module docstring).
    Raises: TypeError if value is not a real number, ValueError if it is not finite or is
    outside [low, high].
    """
    value = checks.real_number(argument, value, low=low, high=high)
    return RangeFloatSlider(value=value, min=low, max=high, argument=argument, **kwargs)
