"""rnnviz.style: the picture language gives each concept its own colour, every model a colour,
dash and marker of its own, and a student's edit stands apart from every model and gate colour,
also to a viewer without red, green or blue cones."""

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from rnnviz import style

# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of
# color vision deficiency", IEEE TVCG 15(6); the matrices of their supplementary table for
# severity 1.0, applied to linear sRGB (as Chromium's emulated vision deficiencies are).
DICHROMACY = {
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
VISIONS = ("normal", *DICHROMACY)
SRGB_TO_XYZ = [
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
]
WHITE = np.array([0.95047, 1.0, 1.08883])  # D65


def lab(color: str, vision: str = "normal") -> np.ndarray:
    """CIELAB (D65) of a "#rrggbb" colour as seen with normal vision or a simulated dichromacy."""
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision != "normal":
        linear = np.clip(np.array(DICHROMACY[vision]) @ linear, 0, 1)
    xyz = np.array(SRGB_TO_XYZ) @ linear / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    L, c = (L1 + L2) / 2, (c1 + c2) / 2
    h = h1 + h2 if c1 * c2 == 0 else (h1 + h2) / 2 + (180 if abs(h1 - h2) > 180 else 0)
    t = (
        1
        - 0.17 * np.cos(np.radians(h - 30))
        + 0.24 * np.cos(np.radians(2 * h))
        + 0.32 * np.cos(np.radians(3 * h + 6))
        - 0.20 * np.cos(np.radians(4 * h - 63))
    )
    s_l = 1 + 0.015 * (L - 50) ** 2 / np.sqrt(20 + (L - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c, 1 + 0.015 * c * t
    r_t = (
        -np.sin(np.radians(60 * np.exp(-(((h - 275) / 25) ** 2))))
        * 2
        * np.sqrt(c**7 / (c**7 + 25**7))
    )
    dl, dc, dhh = (L2 - L1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return float(np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh))


def named_colors() -> dict:
    """Every concept's colour in style: models, gates and the single named colours."""
    colors = {f"model {k}": v for k, v in style.MODEL_COLORS.items()}
    colors |= {f"gate {k}": v for k, v in style.GATE_COLORS.items()}
    colors |= {k: v for k, v in vars(style).items() if k.endswith("_COLOR")}
    return colors


def test_delta_e_matches_the_published_pairs():
    # Sharma, Wu and Dalal (2005), Table 1, pairs 1 and 17.
    assert abs(delta_e([50, 2.6772, -79.7751], [50, 0, -82.7485]) - 2.0425) < 1e-4
    assert abs(delta_e([50, 2.5, 0], [73, 25, -18]) - 27.1492) < 1e-4
    assert delta_e(lab("#00bb77"), lab("#00bb77")) == 0


def test_no_two_concepts_share_a_colour():
    colors = named_colors()
    shared = {frozenset({"gate f", "model lstm"})}  # the gradient highway: blue like the LSTM
    seen = {}
    for name, color in colors.items():
        other = seen.setdefault(color.lower(), name)
        assert other == name or {other, name} in shared, f"{name} and {other} share {color}"


def test_an_edit_stands_apart_from_every_model_gate_and_grey_in_three_visions():
    others = {k: v for k, v in named_colors().items() if k != "EDIT_COLOR"}
    # Not under tritanopia: no colour but near-white stays 12 from all of them there (the
    # GRU's z gate cyan and the edit's green merge); the test holds it to three visions.
    for vision in ("normal", "deuteranopia", "protanopia"):
        edit = lab(style.EDIT_COLOR, vision)
        nearest = min(others, key=lambda k: delta_e(edit, lab(others[k], vision)))
        assert delta_e(edit, lab(others[nearest], vision)) >= 12, (vision, nearest)


def test_each_simulation_keeps_greys_grey():
    # Machado et al. normalise every matrix so that white (and so every grey) maps to itself:
    # a mistyped entry breaks a row's sum of 1.
    for vision, matrix in DICHROMACY.items():
        assert np.allclose(np.sum(matrix, axis=1), 1, atol=2e-6), vision
        assert np.allclose(lab("#777777", vision), lab("#777777"), atol=1e-3), vision


def test_the_simulations_merge_what_each_dichromat_confuses():
    # The classic confusions: red and green for a protanope and a deuteranope, blue and green
    # for a tritanope; each simulation pulls its pair far closer than normal vision does.
    pairs = {
        "protanopia": ("#d62728", "#2ca02c"),
        "deuteranopia": ("#d62728", "#2ca02c"),
        "tritanopia": ("#1f77b4", "#2ca02c"),
    }
    for vision, (first, second) in pairs.items():
        seen = delta_e(lab(first, vision), lab(second, vision))
        assert seen < delta_e(lab(first), lab(second)) / 2, vision


@pytest.mark.parametrize("palette", ["MODEL_COLORS", "DARK_MODEL_COLORS"])
def test_any_two_models_stay_apart_in_normal_vision_and_three_dichromacies(palette):
    for vision in VISIONS:
        for (name, color), (other, other_color) in combinations(getattr(style, palette).items(), 2):
            apart = delta_e(lab(color, vision), lab(other_color, vision))
            assert apart >= 20, f"{name} and {other} are {apart:.1f} apart in {vision}"


def test_every_model_has_a_dash_and_a_marker_of_its_own():
    assert set(style.MODEL_DASHES) == set(style.MODEL_SYMBOLS) == set(style.MODEL_COLORS)
    dashes = [tuple(d) for d in style.MODEL_DASHES.values()]
    assert len(set(dashes)) == len(dashes)
    assert len(set(style.MODEL_SYMBOLS.values())) == len(style.MODEL_SYMBOLS)
    assert "triangle-down" not in style.MODEL_SYMBOLS.values()  # an underflow's edge mark
    marker_shapes = (Path(style.__file__).parent / "widgets/static/chart/axes.js").read_text()
    for symbol in style.MODEL_SYMBOLS.values():
        assert f'symbol === "{symbol}"' in marker_shapes or symbol == "circle", symbol


def test_the_model_colours_show_on_white_and_their_dark_counterparts_on_a_dark_theme():
    """2:1 on white; on JupyterLab's dark #111 and VS Code's #1e1e1e, the dark counterpart
    keeps WCAG 1.4.11's 3:1 for graphics, where two light ones did not (the LSTM's blue and
    the IRNN's dark red were 1.8:1 on #1e1e1e)."""
    for name, color in style.MODEL_COLORS.items():
        assert contrast(color, "#ffffff") >= 2, name
        assert style.DARK_COLORS[color] == style.DARK_MODEL_COLORS[name]
    assert min(contrast(style.MODEL_COLORS[m], "#1e1e1e") for m in ("lstm", "irnn")) < 2
    for light, dark in style.DARK_COLORS.items():
        for background in ("#111111", "#1e1e1e"):
            assert contrast(dark, background) >= 3, (light, dark, background)


def test_dark_counterparts_replace_named_colours_and_collide_with_nothing():
    """Each key is a concept's colour; on a dark theme no two concepts share a colour either
    (the forget gate keeps the LSTM's, as on white), and no counterpart is itself a key, so
    swapping twice changes nothing."""
    named = named_colors()
    assert set(style.DARK_COLORS) <= set(named.values())
    on_dark = {k: style.DARK_COLORS.get(v, v) for k, v in named.items()}
    shared = {}
    for name, color in on_dark.items():
        shared.setdefault(color, []).append(name)
    assert [names for names in shared.values() if len(names) > 1] == [["model lstm", "gate f"]]
    assert not set(style.DARK_COLORS.values()) & set(style.DARK_COLORS)


def test_a_model_style_is_found_from_a_run_label():
    assert style.model_style("LSTM T=100") == dict(
        color=style.MODEL_COLORS["lstm"], dash=style.MODEL_DASHES["lstm"], symbol="square"
    )
    assert style.model_style("IRNN (ReLU, W=I)")["color"] == style.MODEL_COLORS["irnn"]
    assert style.model_style("minGRU T=50")["symbol"] == style.MODEL_SYMBOLS["mingru"]
    assert style.model_style("a transformer") is None
    # A word is letters and digits between anything else, not only between spaces.
    assert style.model_style("gru(64)")["symbol"] == style.MODEL_SYMBOLS["gru"]
    assert style.model_style("LSTM_T=100")["symbol"] == style.MODEL_SYMBOLS["lstm"]
    assert style.model_style("irnn,relu")["symbol"] == style.MODEL_SYMBOLS["irnn"]
    assert style.model_style("grumpy cat") is None
    assert style.model_color("gru") == style.MODEL_COLORS["gru"]
    with pytest.raises(TypeError, match="label"):
        style.model_style(None)


def contrast(color: str, background: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours."""

    def luminance(c):
        rgb = np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    high, low = sorted([luminance(color), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)
