"""rnnviz: transparent recurrent networks and widgets for learning why gradients vanish.

Import the piece you need, e.g. ``from rnnviz.reference import rnn_forward`` or
``from rnnviz.models.cells import LSTM``; submodules are not imported here so that
``import rnnviz`` stays fast.
"""

from rnnviz.lab import setup_lab

__version__ = "0.1.0"
__all__ = ["setup_lab", "__version__"]
