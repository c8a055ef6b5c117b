"""Hostile arguments to every widget constructor: a widget whose figure data is strict JSON
(no NaN, no inf), or a ValueError/TypeError naming the argument. Never a clamp: a value
outside a control's range is refused, not moved to the nearest end."""

import json
from functools import cache

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from rnnviz.captioning import scenes
from rnnviz.captioning.model import make_captioner
from rnnviz.charlm.interpret import activations
from rnnviz.charlm.model import CharLM
from rnnviz.gradients.gate_unit import NEUTRAL, UnitSetting
from rnnviz.models.cells import LSTM
from rnnviz.tasks.digit_rows import RowClassifier
from rnnviz.tasks.digits import load_digit_sequences
from rnnviz.widgets import (
    AttentionViewer,
    AutogradView,
    CellActivations,
    Connectivity,
    GateCellExplorer,
    GateExplorer,
    GateSequenceExplorer,
    GradientFlow,
    GraphUnroller,
    HiddenStateExplorer,
    LossPlot,
    ModelGradientFlow,
    Predict,
    RingFlow,
    RowReading,
    SampleExplorer,
    Saturation,
    ScanRounds,
)
from rnnviz.widgets.controls import nearest_position

RNG = np.random.default_rng(0)
TEXT = 'def f(a, b="x"):\n    # c\n    return [a]\n' * 3


@cache
def char_model():
    torch.manual_seed(0)
    return CharLM(sorted(set(TEXT)), "lstm", 6, 3).eval()


@cache
def digit_data():
    return load_digit_sequences("rows")


@cache
def caption_data():
    torch.manual_seed(0)
    return make_captioner("attention"), scenes.make_scenes(3, seed=1)


def lstm_sequence():
    torch.manual_seed(0)
    return dict(model=LSTM(2, 3), x=torch.randn(1, 6, 2))


def users_char_model():
    """A user's embedding -> 2-layer LSTM -> head, and the ids of TEXT's first 12 chars."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Embedding(128, 3),
        torch.nn.LSTM(3, 4, num_layers=2, batch_first=True),
        ReadOutput(),
        torch.nn.Linear(4, 128),
    )
    return dict(model=model, x=torch.tensor([[ord(ch) for ch in TEXT[:12]]]))


class ReadOutput(torch.nn.Module):
    """The output of a torch.nn recurrent layer's (output, state)."""

    def forward(self, pair):
        return pair[0]


def encode(text):
    return torch.tensor([[ord(ch) % 128 for ch in text]])


CASES = {
    "GraphUnroller": (
        GraphUnroller,
        dict,
        dict(
            shape="word",
            seq_len="int",
            highlight="word",
            backward="bool",
            hidden_size="size",
            seed="int",
        ),
    ),
    "AutogradView": (AutogradView, dict, dict(shape="word", seq_len="int")),
    "HiddenStateExplorer": (
        HiddenStateExplorer,
        lambda: dict(
            x=RNG.standard_normal((5, 2)),
            Wx=RNG.standard_normal((2, 3)),
            Wh=RNG.standard_normal((3, 3)) * 0.5,
        ),
        dict(
            x="array",
            Wx="array",
            Wh="array",
            b="array",
            h0="array",
            step="int",
            edit_step="int",
            value="number",
        ),
    ),
    "SampleExplorer": (
        SampleExplorer,
        lambda: dict(model=char_model(), prime="de", length=10),
        dict(prime="text", length="int", temperature="number", seed="int"),
    ),
    "Saturation": (
        lambda f, threshold=0.1: Saturation({"f": f}, threshold),
        lambda: dict(f=RNG.uniform(0, 1, (20, 4))),
        dict(f="array", threshold="number"),
    ),
    "CellActivations": (
        CellActivations,
        lambda: dict(acts=activations(char_model(), TEXT)),
        dict(signal="word", cell="int", feature="word", shown_chars="int"),
    ),
    "RowReading": (
        RowReading,
        lambda: dict(model=RowClassifier(hidden_size=3), data=digit_data(), n_digits=5),
        dict(index="int", rows_read="int", n_digits="int"),
    ),
    "AttentionViewer": (
        lambda scene=0: AttentionViewer(caption_data()[0], None, caption_data()[1], scene),
        dict,
        dict(scene="int"),
    ),
    "LossPlot": (LossPlot, dict, dict(title="word", yaxis_title="word", log_y="bool")),
    "GradientFlow": (
        GradientFlow,
        lambda: dict(seq_len=8, hidden_size=4),
        dict(
            seq_len="int",
            hidden_size="size",
            spectral_radius="number",
            init="word",
            nonlinearity="word",
            forget_bias="number",
            loss="word",
            dtype="word",
            seed="int",
            show_gru="bool",
            jacobians="bool",
        ),
    ),
    "RingFlow": (
        RingFlow,
        lambda: dict(seq_len=100, hidden_size=16),
        dict(
            r_min="number",
            r_max="number",
            max_phase="number",
            gate_bias="number",
            seq_len="int",
            hidden_size="size",
            seed="int",
        ),
    ),
    "ScanRounds": (ScanRounds, lambda: dict(seq_len=8), dict(seq_len="int", seed="int", ops="int")),
    "GateCellExplorer": (GateCellExplorer, dict, dict(cell="word")),
    "Predict": (
        Predict,
        lambda: dict(question="How far?", answer=5.0, explanation="So far.", low=1.0, high=10.0),
        dict(
            question="text",
            answer="number",
            explanation="text",
            low="number",
            high="number",
            log="bool",
            unit="text",
            fmt="word",
            value="number",
        ),
    ),
    "Predict(choices)": (
        lambda answer="b", choices=("a", "b"): Predict("Which?", answer, "Why.", choices=choices),
        lambda: dict(answer="b", choices=["a", "b"]),
        dict(answer="word", choices="text"),
    ),
    "GateCellExplorer(setting)": (
        lambda x=0.5, h_prev=0.0, c_prev=0.0: GateCellExplorer(
            "lstm", UnitSetting(x, h_prev, c_prev, dict(NEUTRAL.weights))
        ),
        dict,
        dict(x="number", h_prev="number", c_prev="number"),
    ),
    "GateSequenceExplorer": (GateSequenceExplorer, lstm_sequence, dict(x="array")),
    "Connectivity": (
        Connectivity,
        lambda: dict(users_char_model(), text=TEXT[:12]),
        dict(text="text", output="int", step="int", core="word"),
    ),
    "ModelGradientFlow": (
        ModelGradientFlow,
        users_char_model,
        dict(x="array", loss="word", core="word"),
    ),
    "GateExplorer.sequence_from_model": (
        GateExplorer.sequence_from_model,
        users_char_model,
        dict(layer="int", direction="word", core="word"),
    ),
    "CellActivations.from_model": (
        CellActivations.from_model,
        lambda: dict(model=users_char_model()["model"], text=TEXT[:20], encode=encode),
        dict(text="text", layer="int", direction="word", signal="word", cell="int"),
    ),
}
ALIASES = {
    "Saturation": ("gates",),
    "AttentionViewer": ("scene",),
    "GateCellExplorer(setting)": ("x", "h_prev", "c_prev", "setting"),
}


def assert_sent_json_safe(assert_json_safe, widget):
    """A plotly widget's figure is strict JSON; a renderer widget's spec is, and its frames
    are float32 bytes, where inf is an edge marker, never JSON."""
    chart = getattr(widget, "chart", None)
    if chart is not None:
        json.dumps(chart.spec, allow_nan=False)
        assert all(isinstance(entry["values"], bytes) for entry in chart.data.values())
    else:
        assert_json_safe(widget.figure)


@pytest.mark.parametrize("case", sorted(CASES))
@given(data=st.data())
def test_hostile_arguments_give_a_json_safe_widget_or_a_named_error(
    fuzz, assert_json_safe, case, data
):
    make, good, kinds = CASES[case]
    kwargs = fuzz.draw(data, good(), kinds)
    widget = fuzz.attempt(make, kwargs, ALIASES.get(case, ()))
    if widget is None:
        return
    assert_sent_json_safe(assert_json_safe, widget)
    # What the control shows is what was asked: never clamped, at most moved to the slider's
    # nearest position (rnnviz.widgets.controls), where the page has a frame.
    for control in getattr(widget, "controls", []):
        argument = getattr(control, "argument", None)
        if argument in kwargs and isinstance(kwargs[argument], (int, float)):
            asked = nearest_position(
                kwargs[argument],
                control.min,
                control.max,
                control.step,
                getattr(control, "extra", ()),
            )
            assert control.value == asked, (argument, control.value, kwargs[argument])


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_fixed_hostile_value_of_every_argument(fuzz, assert_json_safe, case):
    make, good, kinds = CASES[case]
    for kwargs in fuzz.sweep(good, kinds):
        widget = fuzz.attempt(make, kwargs, ALIASES.get(case, ()))
        if widget is not None:
            assert_sent_json_safe(assert_json_safe, widget)


# --- the reliability rules (DEVELOPING "Reliability"), walked over every case above ---------
@pytest.mark.parametrize("case", sorted(CASES))
def test_switches_take_bools_only_and_seeds_follow_the_one_rule(fuzz, case):
    fn, good, kinds = CASES[case]
    fuzz.check_switches(fn, good, kinds, ALIASES.get(case, ()))
    fuzz.check_seeds(fn, good, kinds, ALIASES.get(case, ()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refusal_names_the_argument_the_caller_passed(fuzz, case):
    fn, good, kinds = CASES[case]
    fuzz.check_names_the_argument(fn, good, kinds, ALIASES.get(case, ()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_call_moves_the_global_random_streams(fuzz, case):
    fn, good, _ = CASES[case]
    kwargs = good()
    if case in SEEDING:  # seeding functions: they set the streams, by design
        return
    before = fuzz.rng_state()
    fuzz.attempt(fn, kwargs)
    assert fuzz.same_streams(before, fuzz.rng_state()), f"{case} moved a global random stream"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_documented_default_works_when_passed(fuzz, case):
    fn, good, _ = CASES[case]
    for kwargs in fuzz.explicit_defaults(fn, good()):
        assert fuzz.attempt(fn, kwargs) is not None, f"{case}: a default was refused: {kwargs}"


SEEDING = set()
