"""AttentionViewer: its frames hold the right attention, and sliders update the figure in place."""

import numpy as np
import pytest
import torch

from rnnviz.captioning import scenes
from rnnviz.captioning.metrics import generated_words
from rnnviz.captioning.model import make_captioner
from rnnviz.widgets.attention_viewer import CENTRES, PATCH, AttentionViewer, attention_view


@pytest.fixture(scope="module")
def viewer():
    torch.manual_seed(0)
    data = scenes.make_scenes(6, seed=8)
    return AttentionViewer(make_captioner("attention"), make_captioner("baseline"), data)


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


def test_word_slider_moves_the_heatmap_in_place(viewer):
    figure, traces = viewer.figure, viewer.figure.data
    viewer.scene_slider.value = 0
    viewer.word_slider.value = 0
    first = np.array(traces[1].z)
    viewer.word_slider.value = 2
    assert viewer.figure is figure and viewer.figure.data == traces
    np.testing.assert_allclose(np.array(traces[1].z), viewer.alphas[0, 2])
    assert not np.allclose(first, traces[1].z)
    row, col = viewer.data["peak"]
    # The outline surrounds the peak patch.
    assert (min(traces[2].x) + PATCH / 2, min(traces[2].y) + PATCH / 2) == (
        CENTRES[col],
        CENTRES[row],
    )
    assert traces[1].zmax == pytest.approx(viewer.alphas[0, 2].max())
    assert "<b>[" in figure.layout.title.text


def test_scene_slider_resets_the_word_slider(viewer):
    viewer.word_slider.value = 1
    viewer.scene_slider.value = 3
    assert viewer.word_slider.value == 0
    assert viewer.word_slider.max == len(generated_words(viewer.words[3])) - 1
    np.testing.assert_array_equal(viewer.figure.data[0].z, viewer.data["rgb"])
    assert viewer.scenes.texts()[3] in viewer.figure.layout.title.text
    assert len(viewer.figure.data[3].x) == len(viewer.scenes.objects[3]) + 1


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


def test_one_scene_with_one_object_and_out_of_range_controls():
    torch.manual_seed(0)
    data = scenes.make_scenes(1, seed=3, max_objects=1)
    viewer = AttentionViewer(make_captioner("attention"), None, data)
    assert len(data.objects[0]) == 1 and len(viewer.data["mass"]) == 2
    assert viewer.scene_slider.max == 0
    with pytest.raises(ValueError, match=r"scene must be an int in \[0, 0\], got 1"):
        viewer.scene_slider.value = 1
    with pytest.raises(ValueError, match=r"word must be an int in \[0, "):
        viewer.word_slider.value = viewer.word_slider.max + 1


def test_nan_attention_is_drawn_as_gaps(assert_json_safe):
    torch.manual_seed(0)
    data = scenes.make_scenes(2, seed=3)
    model = make_captioner("attention")
    viewer = AttentionViewer(model, None, data)
    viewer.alphas = np.full_like(viewer.alphas, np.nan)
    viewer.refresh()
    heat, bars = viewer.figure.data[1], viewer.figure.data[3]
    assert all(v is None for row in heat.z for v in row)
    assert heat.zmax == pytest.approx(1 / 36)
    assert list(bars.y)[:-1] == [None] * (len(bars.y) - 1)  # each object's share
    assert_json_safe(viewer.figure)
