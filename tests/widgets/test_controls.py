"""widgets.controls: one rule for out-of-range values, from a constructor or from Python."""

import math

import numpy as np
import pytest

from rnnviz.widgets.controls import dropdown, float_slider, int_slider


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


@pytest.mark.parametrize("value", [2.5, True, "3", np.float64(3.9)])
def test_a_non_int_set_from_python_is_refused_by_name_never_rounded(value):
    cell = int_slider("cell", 3, 0, 10)
    with pytest.raises(TypeError, match="cell must be an int"):
        cell.value = value
    assert cell.value == 3
    cell.value = np.int64(4)  # a numpy int is an int
    assert cell.value == 4 and type(cell.value) is int


@pytest.mark.parametrize("value", [True, "0.5"])
def test_a_non_number_set_from_python_is_refused_by_name_never_cast(value):
    temperature = float_slider("temperature", 1.0, 0.1, 2.0)
    with pytest.raises(TypeError, match="temperature must be a real number"):
        temperature.value = value
    assert temperature.value == 1.0


def test_an_unknown_option_is_refused_by_name_from_the_constructor_and_from_python():
    with pytest.raises(ValueError, match=r"shape must be one of \['a', 'b'\], got 'c'"):
        dropdown("shape", "c", ["a", "b"])
    signal = dropdown("signal", "h", [("hidden state", "h"), ("cell state", "c")])
    with pytest.raises(ValueError, match=r"signal must be one of \['c', 'h'\], got 'x'"):
        signal.value = "x"
    signal.value = "c"
    assert signal.value == "c" and signal.label == "cell state"
    buttons = dropdown("highlight", "none", ("none", "W_hh"), buttons=True)
    with pytest.raises(ValueError, match="highlight must be one of"):
        buttons.value = "W_xx"
    assert buttons.value == "none"
