"""widgets.controls: one rule for out-of-range values, from a constructor or from Python."""

import math

import pytest

from rnnviz.widgets.controls import float_slider, int_slider


def test_an_out_of_range_value_is_refused_by_name_never_clamped():
    with pytest.raises(ValueError, match=r"length must be an int in \[10, 200\], got 500"):
        int_slider("length", 500, 10, 200)
    with pytest.raises(TypeError, match="length must be an int"):
        int_slider("length", 50.0, 10, 200)
    with pytest.raises(ValueError, match=r"temperature must be in \[0.1, 2.0\], got 0.0"):
        float_slider("temperature", 0.0, 0.1, 2.0)
    with pytest.raises(ValueError, match="temperature must be finite"):
        float_slider("temperature", math.nan, 0.1, 2.0)


def test_a_control_set_from_python_is_refused_the_same_way_and_keeps_its_value():
    length = int_slider("length", 60, 10, 200, step=10)
    with pytest.raises(ValueError, match=r"length must be an int in \[10, 200\], got 500"):
        length.value = 500
    assert length.value == 60
    length.value = 200
    assert length.value == 200
    temperature = float_slider("temperature", 1.0, 0.1, 2.0)
    with pytest.raises(ValueError, match=r"temperature must be in \[0.1, 2.0\], got 3.0"):
        temperature.value = 3.0
    assert temperature.value == 1.0
