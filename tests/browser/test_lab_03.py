"""Lab 03 in JupyterLab: every training curve is drawn, and RowReading answers its sliders."""

import pytest

pytestmark = pytest.mark.browser

# Plots in document order: four LossPlots (sentiment, tagger, seq2seq, digits), RowReading.
SENTIMENT, TAGGER, SEQ2SEQ, DIGITS, READING = range(5)
IMAGE, HIDDEN, BARS = 0, 1, 2  # RowReading's traces
DIGIT_SLIDER, ROWS_SLIDER = 0, 1


def test_lab_03(lab):
    lab.run("03_sequence_tasks.ipynb", min_plots=5, min_sliders=2)

    # Each run's whole loss curve reached the browser: one point a training step.
    for plot, trace, steps in [
        (SENTIMENT, 0, 150),  # bag of words
        (SENTIMENT, 1, 200),  # RNN
        (TAGGER, 0, 200),
        (SEQ2SEQ, 0, 500),
        (SEQ2SEQ, 1, 500),
        (DIGITS, 0, 300),
    ]:
        lab.wait_for_plot(plot, trace, "y", lambda y, steps=steps: len(y) == steps)

    def image():
        return lab.plot_data(plot=READING, trace=IMAGE, field="z")

    # 4 of 8 rows read: the rest of the digit is blank.
    z = image()
    assert all(v is None for row in z[4:] for v in row)
    assert all(v is not None for row in z[:4] for v in row)
    bars = lab.plot_data(plot=READING, trace=BARS, field="y")
    lab.press_slider(slider=ROWS_SLIDER, key="ArrowRight", times=1)
    z = lab.wait_until(image, lambda z: all(v is not None for v in z[4]))
    assert all(v is None for row in z[5:] for v in row)
    lab.wait_for_plot(READING, BARS, "y", lambda y: y != bars)
    lab.wait_for_title(READING, lambda title: "after 5 of 8 rows" in title)

    lab.press_slider(slider=DIGIT_SLIDER, key="ArrowRight", times=1)
    lab.wait_until(image, lambda new: new[:5] != z[:5])
    assert "after 5 of 8 rows" in lab.plot_title(READING)
    lab.assert_healthy()
