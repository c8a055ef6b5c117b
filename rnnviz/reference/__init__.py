"""Numpy reference layers with CS231n assignment 3's API, plus the GRU.

Every layer is a forward/backward pair: forward returns its output and a cache, backward
takes the upstream gradient and that cache. Small, float64-friendly, checked against
numerical gradients (rnnviz.reference.gradcheck) and against torch.nn in tests/test_reference*.py.
"""

from rnnviz.reference.activations import sigmoid
from rnnviz.reference.gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward
from rnnviz.reference.lstm import (
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
)
from rnnviz.reference.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward
from rnnviz.reference.temporal import (
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
    word_embedding_backward,
    word_embedding_forward,
)

__all__ = [
    "sigmoid",
    "rnn_step_forward",
    "rnn_step_backward",
    "rnn_forward",
    "rnn_backward",
    "lstm_step_forward",
    "lstm_step_backward",
    "lstm_forward",
    "lstm_backward",
    "gru_step_forward",
    "gru_step_backward",
    "gru_forward",
    "gru_backward",
    "word_embedding_forward",
    "word_embedding_backward",
    "temporal_affine_forward",
    "temporal_affine_backward",
    "temporal_softmax_loss",
]
