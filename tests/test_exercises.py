"""rnnviz.exercises: each check passes the reference layer and fails a wrong one, naming the
output that is off (what an nbgrader test cell scores)."""

import numpy as np
import pytest

from rnnviz import exercises
from rnnviz.gradients.clipping import clip_by_norm
from rnnviz.gradients.flow import rnn_flow
from rnnviz.reference import gru, lstm, rnn, temporal


def reference_norms(x, Wx, Wh, b, w):
    return rnn_flow(x, dict(Wx=Wx, Wh=Wh, b=b), readout=w).grad_h


def test_every_check_passes_the_reference(capsys):
    exercises.check_rnn_step_forward(rnn.rnn_step_forward)
    exercises.check_rnn_step_backward(rnn.rnn_step_forward, rnn.rnn_step_backward)
    exercises.check_lstm_step_forward(lstm.lstm_step_forward)
    exercises.check_lstm_step_backward(lstm.lstm_step_forward, lstm.lstm_step_backward)
    exercises.check_gru_step_forward(gru.gru_step_forward)
    exercises.check_temporal_softmax_loss(temporal.temporal_softmax_loss)
    exercises.check_clip_by_norm(clip_by_norm)
    exercises.check_rnn_gradient_norms(reference_norms)
    assert "relative error" in capsys.readouterr().out


def test_a_wrong_forward_fails_naming_its_output():
    def relu_step(x, prev_h, Wx, Wh, b):
        return rnn.rnn_step_forward(x, prev_h, Wx, Wh, b, nonlinearity="relu")

    with pytest.raises(AssertionError, match="next_h"):
        exercises.check_rnn_step_forward(relu_step)


def test_a_backward_without_tanh_derivative_fails_the_reference_and_the_gradient_check():
    def backward(dnext_h, cache):
        x, prev_h, Wx, Wh, _, _ = cache
        return dnext_h @ Wx.T, dnext_h @ Wh.T, x.T @ dnext_h, prev_h.T @ dnext_h, dnext_h.sum(0)

    with pytest.raises(AssertionError, match="dx"):
        exercises.check_rnn_step_backward(rnn.rnn_step_forward, backward)


def test_clipping_that_ignores_the_threshold_fails():
    with pytest.raises(AssertionError, match="clipped"):
        exercises.check_clip_by_norm(lambda grads, max_norm: (grads, clip_by_norm(grads, 1)[1]))


def test_norms_of_the_wrong_shape_fail_by_shape():
    with pytest.raises(AssertionError, match="shape"):
        exercises.check_rnn_gradient_norms(lambda *args: np.zeros(3))
