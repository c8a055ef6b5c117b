"""experiments.scan_timing: the timers time what they say, at sizes small enough for a test."""

import pytest

from rnnviz.experiments.scan_timing import indexing_cost, median_seconds, scan_vs_loop


def test_median_seconds_times_a_call():
    calls = []
    assert median_seconds(lambda: calls.append(1), repeats=3) >= 0
    assert len(calls) == 4  # one warm-up, three timed
    with pytest.raises(TypeError, match="fn"):
        median_seconds(3)


def test_scan_vs_loop_and_indexing_cost_return_every_timing():
    times = scan_vs_loop(seq_len=16, batch_size=2, hidden_size=4, repeats=1)
    assert set(times) == {"minGRU loop", "minGRU scan", "minGRU log-space", "nn.GRU"}
    assert all(t > 0 for t in times.values())
    cost = indexing_cost(seq_lens=(8, 32), batch_size=2, hidden_size=3, repeats=1)
    assert set(cost) == {8, 32} and all(set(c) == {"x[:, t]", "unbind"} for c in cost.values())
    with pytest.raises(ValueError, match="seq_len"):
        scan_vs_loop(seq_len=0)
