"""The checkpoint trainer's command runs with its own defaults: the caps that keep a lab's
calls small must not refuse the command that trains the shipped captioners."""

import pytest

from rnnviz.captioning import scenes, train
from rnnviz.captioning.model import load_captioner


def test_a_lab_sized_call_cannot_build_the_trainers_scenes_but_the_trainer_can():
    with pytest.raises(ValueError, match=r"num_scenes=20000"):
        scenes.make_scenes(train.NUM_TRAIN)
    with pytest.raises(ValueError, match="memory_budget"):
        scenes.make_scenes(2, memory_budget=0)


@pytest.mark.slow
def test_the_trainer_command_runs_with_its_default_scenes(tmp_path, capsys):
    train.main(["--steps", "1", "--seeds", "0", "--kinds", "baseline", "--out-dir", str(tmp_path)])
    model, meta = load_captioner(tmp_path / "caption_baseline_seed0.pt")
    assert meta["num_train"] == train.NUM_TRAIN and meta["steps"] == 1
    assert "held-out" in capsys.readouterr().out
