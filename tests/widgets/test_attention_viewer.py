"""AttentionViewer: the frames it sends hold the package's attention, peaks and masses for
every scene and word, and its sliders pick them."""

import json

import numpy as np
import pytest
import torch

from rnnviz import checks
from rnnviz.captioning import scenes
from rnnviz.captioning.metrics import attention_mass, attention_peak, generated_words
from rnnviz.captioning.model import make_captioner
from rnnviz.widgets.attention_viewer import (
    BROWSE_SHARE,
    AttentionViewer,
    _stored_size,
    attention_view,
)


@pytest.fixture(scope="module")
def viewer():
    torch.manual_seed(0)
    data = scenes.make_scenes(6, seed=8)
    return AttentionViewer(make_captioner("attention"), make_captioner("baseline"), data)


def decoded(chart, name):
    """Every frame of data entry `name`, shaped (scenes, words, ...) or (scenes, ...)."""
    entry = chart.data[name]
    return np.frombuffer(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])


def panel(chart, kind):
    return next(p for p in chart.spec["panels"] if p["kind"] == kind)


def test_frame_data(viewer):
    d = viewer.scenes
    n = 2
    steps = len(generated_words(viewer.words[n]))
    assert steps == min(
        len(scenes.decode_captions(viewer.words[n]).split()) + 1, viewer.words.shape[1]
    )
    for step in range(steps):
        view = attention_view(
            d.images[n], viewer.words[n], viewer.alphas[n], d.objects[n], d.masks[n], step
        )
        np.testing.assert_array_equal(view["alpha"], viewer.alphas[n, step])
        assert view["peak"] == np.unravel_index(np.argmax(view["alpha"]), (6, 6))
        assert len(view["mass"]) == len(d.objects[n]) + 1
        assert sum(view["mass"]) == pytest.approx(1.0, abs=1e-5)
        assert view["rgb"].shape == (48, 48, 3) and view["rgb"].dtype == np.uint8
    assert view["word"] == generated_words(viewer.words[n])[-1]
    with pytest.raises(ValueError, match="step"):
        attention_view(
            d.images[n], viewer.words[n], viewer.alphas[n], d.objects[n], d.masks[n], step + 1
        )


def test_every_frame_is_what_the_package_computes(viewer):
    """The browse sent once: each scene's image and, for each word, its attention map, peak,
    colour-scale top and per-object mass; a word past the caption shows the last word."""
    d, chart = viewer.scenes, viewer.chart
    image, alpha, peak = decoded(chart, "image"), decoded(chart, "alpha"), decoded(chart, "peak")
    mass, zmax = decoded(chart, "mass"), decoded(chart, "zmax")
    T = viewer.words.shape[1]
    assert chart.data["image"]["dtype"] == "uint8" and image.shape == (len(d), 48, 48, 3)
    assert alpha.shape == (len(d), T, 6, 6) and peak.shape == (len(d), T, 2)
    for n in range(len(d)):
        np.testing.assert_array_equal(
            image[n], (255 * d.images[n].transpose(1, 2, 0)).round().astype(np.uint8)
        )
        last = len(generated_words(viewer.words[n])) - 1
        K = len(d.objects[n])
        for t in range(T):
            a = viewer.alphas[n, min(t, last)]
            np.testing.assert_array_equal(alpha[n, t], a)
            assert tuple(peak[n, t]) == attention_peak(a)
            np.testing.assert_allclose(
                mass[n, t, : K + 1], attention_mass(a, d.masks[n, :K]), rtol=1e-6, atol=1e-7
            )
            assert np.isnan(mass[n, t, K + 1 :]).all()
            assert zmax[n, t, 0] == pytest.approx(max(a.max(), 1 / 36))


def test_word_slider_picks_the_frame(viewer, shown, label):
    chart = viewer.chart
    viewer.scene_slider.value = 0
    viewer.word_slider.value = 0
    first = shown(chart, "alpha")
    viewer.word_slider.value = 2
    np.testing.assert_array_equal(shown(chart, "alpha"), viewer.alphas[0, 2])
    assert not np.array_equal(first, shown(chart, "alpha"))
    assert tuple(shown(chart, "peak")) == viewer.data["peak"]
    np.testing.assert_allclose(
        shown(chart, "mass")[: len(viewer.data["mass"])], viewer.data["mass"], rtol=1e-6
    )
    caption, truth, baseline = (label(line, chart) for line in panel(chart, "text")["lines"])
    word = generated_words(viewer.words[0])[2]
    assert f"**[{word}]**" in caption and caption.count("**[") == 1
    assert caption.startswith("attention model: ") and caption.endswith(("(right)", "(wrong)"))
    assert truth == f"true caption: {viewer.scenes.texts()[0]}"
    assert baseline.startswith("no-attention model: ")


def test_scene_slider_picks_the_scene_and_resets_the_word_slider(viewer, shown, label):
    chart = viewer.chart
    viewer.word_slider.value = 1
    viewer.scene_slider.value = 3
    assert viewer.word_slider.value == 0
    assert viewer.word_slider.max == len(generated_words(viewer.words[3])) - 1
    np.testing.assert_array_equal(shown(chart, "image"), viewer.data["rgb"])
    bars = panel(chart, "bars")
    assert label(bars["labels"], chart) == viewer.data["names"]
    colors = label(bars["series"][0]["color"], chart)
    assert len(colors) == len(viewer.scenes.objects[3]) + 1 and colors[-1] == "rgb(128,128,128)"
    assert viewer.scenes.texts()[3] in label(panel(chart, "text")["lines"][1], chart)


def test_text_repr_is_fixed(viewer):
    assert viewer._repr_mimebundle_()["text/plain"] == "<AttentionViewer widget>"


def test_bad_arguments(viewer):
    attention, baseline = make_captioner("attention"), make_captioner("baseline")
    data = viewer.scenes
    with pytest.raises(TypeError, match="model"):
        AttentionViewer(baseline, baseline, data)
    with pytest.raises(TypeError, match="baseline"):
        AttentionViewer(attention, attention, data)
    with pytest.raises(TypeError, match="data"):
        AttentionViewer(attention, baseline, data.images)
    with pytest.raises(ValueError, match="scene"):
        AttentionViewer(attention, baseline, data, scene=6)


def test_one_scene_with_one_object_and_out_of_range_controls(label):
    torch.manual_seed(0)
    data = scenes.make_scenes(1, seed=3, max_objects=1)
    viewer = AttentionViewer(make_captioner("attention"), None, data)
    assert len(data.objects[0]) == 1 and len(viewer.data["mass"]) == 2
    assert len(panel(viewer.chart, "text")["lines"]) == 2  # no baseline line
    assert viewer.scene_slider.max == 0
    with pytest.raises(ValueError, match=r"scene must be an int in \[0, 0\], got 1"):
        viewer.scene_slider.value = 1
    with pytest.raises(ValueError, match=r"word must be an int in \[0, "):
        viewer.word_slider.value = viewer.word_slider.max + 1


def test_nan_attention_is_sent_as_binary_gaps(shown):
    torch.manual_seed(0)
    data = scenes.make_scenes(2, seed=3)
    viewer = AttentionViewer(make_captioner("attention"), None, data)
    viewer.alphas = np.full_like(viewer.alphas, np.nan)
    viewer.refresh()
    chart = viewer.chart
    assert np.isnan(shown(chart, "alpha")).all()
    assert shown(chart, "zmax")[0] == pytest.approx(1 / 36)
    assert np.isnan(shown(chart, "mass")[: len(data.objects[0])]).all()  # each object's share
    json.dumps(chart.spec, allow_nan=False)  # the spec is strict JSON; frames are binary


def test_a_browse_over_the_output_budget_keeps_the_first_scenes_that_fit(monkeypatch):
    """Under a stored notebook's budget the viewer browses the first scenes whose stored
    state fits, and its scene slider says how many of all; with no budget (the static site)
    it browses every scene, the same frames for the scenes both show."""
    torch.manual_seed(0)
    attention, baseline = make_captioner("attention"), make_captioner("baseline")
    data = scenes.make_scenes(12, seed=8)
    monkeypatch.setenv(checks.OUTPUT_BUDGET_ENV, "none")
    whole = AttentionViewer(attention, baseline, data)
    assert len(whole.scenes) == 12 and whole.scene_slider.description == "scene"
    full_size = _stored_size(whole.chart.spec, whole.chart.data)

    budget = int(full_size / 2 / BROWSE_SHARE)  # room for about half the scenes
    monkeypatch.setenv(checks.OUTPUT_BUDGET_ENV, str(budget))
    cut = AttentionViewer(attention, baseline, data)
    kept = len(cut.scenes)
    assert 3 <= kept <= 9, kept
    assert _stored_size(cut.chart.spec, cut.chart.data) <= BROWSE_SHARE * budget
    # One more scene would not have fitted.
    more = AttentionViewer.__new__(AttentionViewer)
    more.__dict__.update(whole.__dict__)
    assert _stored_size(*more._browse(whole.views()[: kept + 1], kept + 1)) > BROWSE_SHARE * budget
    assert cut.scene_slider.max == kept - 1
    assert cut.scene_slider.description == f"scene ({kept} of 12)"
    assert cut.words.shape[0] == cut.alphas.shape[0] == kept
    assert cut.scenes.texts() == data.texts()[:kept]
    for name in ("image", "alpha", "mass"):
        np.testing.assert_array_equal(decoded(cut.chart, name), decoded(whole.chart, name)[:kept])
    with pytest.raises(ValueError, match=rf"scene must be an int in \[0, {kept - 1}\]"):
        AttentionViewer(attention, baseline, data, scene=kept)
