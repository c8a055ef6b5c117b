"""rnnviz.checkpoint: round trips, and refuses malformed, hostile or incomplete files."""

import pickle

import pytest
import torch

from rnnviz.checkpoint import load_checkpoint, save_checkpoint


def test_round_trip(tmp_path):
    tensors = {"w": torch.randn(3, 4), "b": torch.arange(4)}
    meta = {"vocab": ["a", "b"], "hidden_size": 4, "val_loss": 1.25, "command": "make x"}
    path = save_checkpoint(tmp_path / "m.pt", tensors, meta)
    loaded, loaded_meta = load_checkpoint(path, required_meta=("vocab",), required_tensors=("w",))
    assert loaded_meta == meta
    assert torch.equal(loaded["w"], tensors["w"]) and torch.equal(loaded["b"], tensors["b"])


class Boom:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_hostile_pickle_is_refused_without_running(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    torch.save({"format": "rnnviz-checkpoint", "payload": Boom()}, path)
    with pytest.raises(ValueError, match="not a readable rnnviz checkpoint"):
        load_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "payload, match",
    [
        ({"tensors": {}, "meta": {}}, "not an rnnviz checkpoint"),
        ({"format": "rnnviz-checkpoint", "version": 99, "tensors": {}, "meta": {}}, "version"),
        ({"format": "rnnviz-checkpoint", "version": 1, "tensors": [1], "meta": {}}, "tensors"),
        ({"format": "rnnviz-checkpoint", "version": 1, "tensors": {}, "meta": 3}, "meta"),
        ({"format": "rnnviz-checkpoint", "version": 1,
          "tensors": {"w": torch.tensor([float("nan")])}, "meta": {}}, "NaN"),
    ],
)
def test_malformed_structure_is_refused(tmp_path, payload, match):
    path = tmp_path / "bad.pt"
    torch.save(payload, path)
    with pytest.raises(ValueError, match=match):
        load_checkpoint(path)


def test_truncated_garbage_and_missing_files_are_refused(tmp_path):
    good = save_checkpoint(tmp_path / "g.pt", {"w": torch.randn(100, 100)}, {})
    truncated = tmp_path / "t.pt"
    truncated.write_bytes(good.read_bytes()[:500])
    garbage = tmp_path / "x.pt"
    garbage.write_bytes(pickle.dumps("hello") + b"\x00junk")
    for path in (truncated, garbage):
        with pytest.raises(ValueError, match="checkpoint"):
            load_checkpoint(path)
    with pytest.raises(ValueError, match="does not exist"):
        load_checkpoint(tmp_path / "nope.pt")


def test_missing_required_entries_are_named(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", {"w": torch.zeros(1)}, {"seed": 0})
    with pytest.raises(ValueError, match="vocab, b"):
        load_checkpoint(path, required_meta=("vocab",), required_tensors=("b",))


def test_save_rejects_non_plain_metadata_and_non_tensors(tmp_path):
    with pytest.raises(TypeError, match="JSON"):
        save_checkpoint(tmp_path / "m.pt", {"w": torch.zeros(1)}, {"f": object()})
    with pytest.raises(TypeError, match="tensors"):
        save_checkpoint(tmp_path / "m.pt", {"w": [1, 2]}, {})
