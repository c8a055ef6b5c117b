"""ScanRounds: after r operations the scan has finished 2^r positions and the loop r; the
scan's last round is the loop's result."""

import json

import numpy as np
import pytest

from rnnviz.widgets.scan_rounds import ScanRounds, scan_pictures


@pytest.mark.parametrize("T", [2, 5, 16, 64])
def test_rounds_finish_2_to_the_r_positions_and_end_at_the_loops_result(T):
    d = scan_pictures(T, seed=1)
    R = d["scan"].shape[0] - 1
    assert R == int(np.ceil(np.log2(T)))
    for r in range(R + 1):
        done = min(2**r, T)
        np.testing.assert_allclose(d["scan"][r, :done], d["exact"][:done], rtol=1e-12)
        assert np.isnan(d["loop"][r, r:]).all() and np.allclose(d["loop"][r, :r], d["exact"][:r])
        assert (d["folded"][r, :done, 0] == 1).all() and (d["folded"][r, done:, 0] < 1).all()
    np.testing.assert_allclose(d["scan"][-1], d["exact"], rtol=1e-12)


def test_the_slider_picks_the_round(shown):
    widget = ScanRounds(seq_len=16)
    assert widget.chart.spec["controls"]["ops"]["grid"] == [0, 1, 2, 3, 4]
    widget.ops.value = 3
    np.testing.assert_allclose(shown(widget.chart, "scan"), widget.data["scan"][3], rtol=1e-6)
    assert (
        "8 of 16 positions final in the parallel scan (round 3 of 4), 3 in the loop"
        in widget.chart.spec["title"]["texts"][3]
    )
    assert widget._repr_mimebundle_()["text/plain"] == "<ScanRounds widget>"
    json.dumps(widget.chart.spec, allow_nan=False)


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="seq_len"):
        ScanRounds(seq_len=65)
    with pytest.raises(ValueError, match="ops"):
        ScanRounds(seq_len=8, ops=4)
