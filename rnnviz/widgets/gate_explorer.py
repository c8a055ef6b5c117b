"""GateExplorer: LSTM and GRU gates you can touch, in two modes.

- `GateExplorer.cell(cell="lstm")`: one unit by hand, every weight on a slider
  (rnnviz.widgets.gate_cell.GateCellExplorer).
- `GateExplorer.sequence(model, x)`: a real sequence through a multi-unit rnnviz.models.cells
  LSTM or GRU, gates over time and the forget-gate highway against a vanilla RNN
  (rnnviz.widgets.gate_sequence.GateSequenceExplorer).
"""

from rnnviz.widgets.gate_cell import GateCellExplorer
from rnnviz.widgets.gate_sequence import GateSequenceExplorer


class GateExplorer:
    """The two modes' constructors under one name (see the module docstring)."""

    @staticmethod
    def cell(cell: str = "lstm", setting=None) -> GateCellExplorer:
        """One LSTM ("lstm") or GRU ("gru") unit by hand; `setting` a gates.UnitSetting."""
        return GateCellExplorer(cell=cell, setting=setting)

    @staticmethod
    def sequence(model, x, rnn=None, rnn_label="vanilla RNN", marked=None) -> GateSequenceExplorer:
        """Gates of `model` (rnnviz.models.cells LSTM/GRU) on x (N, T, D), with a time slider."""
        return GateSequenceExplorer(model, x, rnn=rnn, rnn_label=rnn_label, marked=marked)


__all__ = ["GateExplorer", "GateCellExplorer", "GateSequenceExplorer"]
