"""GateExplorer: LSTM and GRU gates you can touch, in two modes.

- `GateExplorer.cell(cell="lstm")`: one unit by hand, every weight on a slider
  (rnnviz.widgets.gate_cell.GateCellExplorer).
- `GateExplorer.sequence(model, x)`: a real sequence through a multi-unit rnnviz.models.cells
  LSTM or GRU, gates over time and the forget-gate highway against a vanilla RNN
  (rnnviz.widgets.gate_sequence.GateSequenceExplorer).
- `GateExplorer.sequence_from_model(model, x)`: the same view of one layer and direction of
  a user's own torch model (rnnviz.models.foreign.layer_model).
"""

from rnnviz.models.foreign import layer_model
from rnnviz.seeding import torch_seed
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

    @staticmethod
    def sequence_from_model(
        model, x, layer=-1, direction="forward", core=None, marked=None
    ) -> GateSequenceExplorer:
        """Gates over x of one layer and direction of a user's torch LSTM or GRU (or a module
        holding one), beside a fresh vanilla RNN reading the same layer input.

        Inputs: model, x, core: as rnnviz.models.foreign.trace; layer (negative from the
        top), direction: as rnnviz.models.foreign.layer_model; marked: as sequence().
        Raises: TypeError naming model for an RNN (it has no gates); as layer_model.
        """
        # The cells it builds draw their first weights under a seed of their own, so the
        # caller's random stream is left where it was.
        with torch_seed(0):
            cell, layer_input = layer_model(model, x, layer=layer, direction=direction, core=core)
            if cell.core_class.__name__ == "RNN":
                raise TypeError("model must hold an LSTM or a GRU: a vanilla RNN has no gates")
            return GateSequenceExplorer(cell, layer_input, marked=marked)


__all__ = ["GateExplorer", "GateCellExplorer", "GateSequenceExplorer"]
