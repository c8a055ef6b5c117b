"""rnnviz.checkpoint: round trips, and refuses malformed, hostile or incomplete files."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from rnnviz.checkpoint import build_module, load_checkpoint, save_checkpoint


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
        (
            {
                "format": "rnnviz-checkpoint",
                "version": 1,
                "tensors": {"w": torch.tensor([float("nan")])},
                "meta": {},
            },
            "NaN",
        ),
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


SAVE_AND_HANG = """
import io, sys, time
import torch
from rnnviz import checkpoint

real_save = torch.save


def save_half_then_hang(obj, file):
    buffer = io.BytesIO()
    real_save(obj, buffer)
    data = buffer.getvalue()
    file.write(data[: len(data) // 2])
    file.flush()
    print("half written", flush=True)
    time.sleep(60)


torch.save = save_half_then_hang
checkpoint.save_checkpoint(sys.argv[1], {"w": torch.full((256, 256), 2.0)}, {"run": "new"})
"""


def test_a_save_killed_half_way_leaves_the_previous_checkpoint(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", {"w": torch.ones(256, 256)}, {"run": "old"})
    process = subprocess.Popen(
        [sys.executable, "-c", SAVE_AND_HANG, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert process.stdout.readline().strip() == "half written"
        partial = [p for p in tmp_path.iterdir() if p.name != "m.pt"]
        assert len(partial) == 1 and partial[0].stat().st_size > 0  # the new file, half done
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
    tensors, meta = load_checkpoint(path)
    assert meta == {"run": "old"} and torch.equal(tensors["w"], torch.ones(256, 256))


def test_a_save_that_fails_leaves_the_previous_checkpoint_and_no_debris(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "m.pt", {"w": torch.ones(3)}, {"run": "old"})

    def full_disk(obj, file):
        file.write(b"PK\x03\x04 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(path, {"w": torch.zeros(3)}, {"run": "new"})
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]
    assert load_checkpoint(path)[1] == {"run": "old"}


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        save_checkpoint(tmp_path / "no" / "m.pt", {"w": torch.ones(1)}, {})


def test_a_file_cut_anywhere_is_refused_by_name(tmp_path):
    data = save_checkpoint(tmp_path / "g.pt", {"w": torch.randn(40, 40)}, {"a": 1}).read_bytes()
    cut = tmp_path / "cut.pt"
    for size in range(0, len(data), max(1, len(data) // 40)):
        cut.write_bytes(data[:size])
        with pytest.raises(ValueError, match="cut.pt"):
            load_checkpoint(cut)


def test_metadata_claiming_a_huge_model_is_refused_before_allocating(tmp_path):
    model = torch.nn.Linear(3, 2)
    path = save_checkpoint(tmp_path / "m.pt", dict(model.state_dict()), {"out": 2})
    tensors, meta = load_checkpoint(path)
    # 10^6 x 10^6 floats would be 4 TB: the shape check runs on the meta device.
    with pytest.raises(ValueError, match=r"m.pt does not fit the Linear.*weight \(2, 3\)"):
        build_module(path, tensors, lambda: torch.nn.Linear(10**6, 10**6))
    with pytest.raises(ValueError, match="m.pt: its metadata does not build a model"):
        build_module(path, tensors, lambda: torch.nn.Linear(-1, 2))
    assert torch.equal(
        build_module(path, tensors, lambda: torch.nn.Linear(3, 2)).weight, model.weight
    )


def test_a_character_model_file_given_to_the_captioner_is_refused_by_name(tmp_path):
    from rnnviz.captioning.model import load_captioner
    from rnnviz.charlm.model import CharLM, save_charlm

    save_charlm(tmp_path / "charlm.pt", CharLM(list("ab"), "lstm", 4, 2))
    with pytest.raises(ValueError, match="charlm.pt lacks required entries: kind, sizes"):
        load_captioner(tmp_path / "charlm.pt")


class TouchOnLoad:
    """A pickled code payload: unpickling it would create a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("loader", ["load_checkpoint", "load_charlm", "load_captioner"])
def test_a_pickled_code_payload_is_refused_by_name_and_never_runs(tmp_path, loader):
    from rnnviz.captioning.model import load_captioner
    from rnnviz.charlm.model import load_charlm

    load = {
        "load_checkpoint": load_checkpoint,
        "load_charlm": load_charlm,
        "load_captioner": load_captioner,
    }[loader]
    marker = tmp_path / "payload-ran"
    path = tmp_path / "payload.pt"
    torch.save(
        {
            "format": "rnnviz-checkpoint",
            "version": 1,
            "tensors": {"w": torch.zeros(1)},
            "meta": {"x": TouchOnLoad(marker)},
        },
        path,
    )
    with pytest.raises(ValueError, match="payload.pt"):
        load(path)
    assert not marker.exists()


def test_a_path_that_is_no_path_or_a_folder_is_refused_by_name(tmp_path):
    with pytest.raises(TypeError, match="path must be a file path"):
        load_checkpoint(None)
    with pytest.raises(ValueError, match="is a directory, not a file"):
        load_checkpoint(tmp_path)
