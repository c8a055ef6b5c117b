"""Hostile arguments to every public function of rnnviz's core: each call gives a result or a
ValueError/TypeError naming an argument, never an unrelated error from numpy or torch.

Each case below is (function, good arguments, {argument: kind}); an example replaces one or
two arguments with hostile values of their kind (tests/property/conftest.py) and keeps the
others good, so the call reaches the code that handles that argument.
"""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from rnnviz import checkpoint, lab, style, training
from rnnviz.captioning import scenes
from rnnviz.charlm import interpret
from rnnviz.charlm import model as charlm
from rnnviz.experiments import scan_timing
from rnnviz.gradients import (
    clipping,
    flow,
    gate_unit,
    graph,
    graph_gradients,
    hidden_state,
    highway,
    linear_flow,
    memory,
    model_gradients,
)
from rnnviz.models import cells, foreign, lru, min_gru, scan, sequence_models, weight_init
from rnnviz.reference import (
    gru_backward,
    gru_forward,
    gru_step_forward,
    lstm_backward,
    lstm_forward,
    lstm_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_forward,
    sigmoid,
    temporal_affine_forward,
    temporal_softmax_loss,
    word_embedding_forward,
)
from rnnviz.reference.gradcheck import rel_error
from rnnviz.tasks import digits, long_range, recall, sentiment, seq2seq, tagging
from rnnviz.widgets.predict import folded, folded_output, prediction_distance

N, T, D, H, V = 2, 3, 4, 5, 6
RNG = np.random.default_rng(0)


def a(*shape):
    return RNG.standard_normal(shape)


def rnn_args():
    return dict(x=a(N, T, D), h0=a(N, H), Wx=a(D, H), Wh=a(H, H), b=a(H))


def lstm_args():
    return dict(x=a(N, T, D), h0=a(N, H), Wx=a(D, 4 * H), Wh=a(H, 4 * H), b=a(4 * H))


def gru_args():
    return dict(x=a(N, T, D), h0=a(N, H), Wx=a(D, 3 * H), Wh=a(H, 3 * H), bx=a(3 * H), bh=a(3 * H))


def backward_args(forward, make):
    def args():
        _, cache = forward(**make())
        return dict(dh=a(N, T, H), cache=cache)

    return args


CHAR_VOCAB = list('abc( )\n"#:=')
CHAR_TEXT = 'a = (b)\n# c\n"ab"\n' * 6


def charlm_model():
    torch.manual_seed(0)
    return charlm.CharLM(CHAR_VOCAB, "lstm", 6, 3).eval()


def tiny_linear_training():
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    x = torch.randn(8, 2)
    return dict(model=model, loss_fn=lambda step: (model(x) ** 2).mean(), steps=5, progress=False)


def users_model():
    """A user's torch.nn.LSTM and an input for it (a fresh copy for every call)."""
    torch.manual_seed(0)
    return dict(model=torch.nn.LSTM(D, H, batch_first=True), x=torch.randn(N, T, D))


ARRAY = "array"
CASES = {
    # reference layers
    "rnn_step_forward": (
        rnn_step_forward,
        lambda: dict(x=a(N, D), prev_h=a(N, H), Wx=a(D, H), Wh=a(H, H), b=a(H)),
        dict(x=ARRAY, prev_h=ARRAY, Wx=ARRAY, Wh=ARRAY, b=ARRAY, nonlinearity="word"),
    ),
    "rnn_forward": (rnn_forward, rnn_args, dict(x=ARRAY, h0=ARRAY, Wx=ARRAY, Wh=ARRAY, b=ARRAY)),
    "rnn_backward": (rnn_backward, backward_args(rnn_forward, rnn_args), dict(dh=ARRAY)),
    "lstm_step_forward": (
        lstm_step_forward,
        lambda: dict(
            x=a(N, D), prev_h=a(N, H), prev_c=a(N, H), Wx=a(D, 4 * H), Wh=a(H, 4 * H), b=a(4 * H)
        ),
        dict(x=ARRAY, prev_h=ARRAY, prev_c=ARRAY, Wx=ARRAY, b=ARRAY),
    ),
    "lstm_forward": (lstm_forward, lstm_args, dict(x=ARRAY, h0=ARRAY, Wx=ARRAY, Wh=ARRAY)),
    "lstm_backward": (lstm_backward, backward_args(lstm_forward, lstm_args), dict(dh=ARRAY)),
    "gru_step_forward": (
        gru_step_forward,
        lambda: dict(
            x=a(N, D), prev_h=a(N, H), Wx=a(D, 3 * H), Wh=a(H, 3 * H), bx=a(3 * H), bh=a(3 * H)
        ),
        dict(x=ARRAY, prev_h=ARRAY, Wh=ARRAY, bh=ARRAY),
    ),
    "gru_forward": (gru_forward, gru_args, dict(x=ARRAY, h0=ARRAY, Wx=ARRAY, bx=ARRAY)),
    "gru_backward": (gru_backward, backward_args(gru_forward, gru_args), dict(dh=ARRAY)),
    "word_embedding_forward": (
        word_embedding_forward,
        lambda: dict(x=RNG.integers(0, V, (N, T)), W=a(V, D)),
        dict(x=ARRAY, W=ARRAY),
    ),
    "temporal_affine_forward": (
        temporal_affine_forward,
        lambda: dict(x=a(N, T, D), w=a(D, V), b=a(V)),
        dict(x=ARRAY, w=ARRAY, b=ARRAY),
    ),
    "temporal_softmax_loss": (
        temporal_softmax_loss,
        lambda: dict(x=a(N, T, V), y=RNG.integers(0, V, (N, T)), mask=np.ones((N, T), bool)),
        dict(x=ARRAY, y=ARRAY, mask=ARRAY),
    ),
    "sigmoid": (sigmoid, lambda: dict(x=a(N, H)), dict(x=ARRAY)),
    "rel_error": (rel_error, lambda: dict(x=a(3), y=a(3)), dict(x=ARRAY, y=ARRAY)),
    # torch cells and models
    "cells.RNN": (
        cells.RNN,
        lambda: dict(input_size=D, hidden_size=H),
        dict(input_size="size", hidden_size="size", nonlinearity="word"),
    ),
    "cells.LSTM": (
        cells.LSTM,
        lambda: dict(input_size=D, hidden_size=H),
        dict(input_size="size", hidden_size="size", forget_bias="number"),
    ),
    "cells.GRU": (
        cells.GRU,
        lambda: dict(input_size=D, hidden_size=H),
        dict(input_size="size", hidden_size="size"),
    ),
    "cells.LSTM()": (
        lambda x, h0=None: cells.LSTM(D, H)(x, h0),
        lambda: dict(x=torch.randn(N, T, D), h0=torch.randn(N, H)),
        dict(x=ARRAY, h0=ARRAY),
    ),
    "make_model": (
        sequence_models.make_model,
        lambda: dict(cell="lstm", input_size=D, output_size=2, hidden_size=H),
        dict(
            cell="word",
            input_size="size",
            output_size="size",
            hidden_size="size",
            forget_bias="number",
            seed="int",
            many_to_many="bool",
        ),
    ),
    "recurrent_matrix": (
        weight_init.recurrent_matrix,
        lambda: dict(hidden_size=H),
        dict(hidden_size="size", spectral_radius="number", init="word", seed="int"),
    ),
    "lstm_params": (
        weight_init.lstm_params,
        lambda: dict(input_size=D, hidden_size=H),
        dict(input_size="size", hidden_size="size", forget_bias="number", seed="int"),
    ),
    # linear recurrences (lab 09)
    "scan_depth": (scan.scan_depth, lambda: dict(seq_len=T), dict(seq_len="size")),
    "sequential_scan": (
        scan.sequential_scan,
        lambda: dict(a=torch.rand(N, T, H), b=torch.randn(N, T, H)),
        dict(a=ARRAY, b=ARRAY),
    ),
    "parallel_scan": (
        scan.parallel_scan,
        lambda: dict(a=torch.rand(N, T, H), b=torch.randn(N, T, H), h0=torch.randn(N, H)),
        dict(a=ARRAY, b=ARRAY, h0=ARRAY),
    ),
    "log_space_scan": (
        scan.log_space_scan,
        lambda: dict(log_a=-torch.rand(N, T, H), log_b=torch.randn(N, T, H)),
        dict(log_a=ARRAY, log_b=ARRAY),
    ),
    "ring_eigenvalues": (
        lru.ring_eigenvalues,
        lambda: dict(hidden_size=H, r_min=0.5, r_max=0.9),
        dict(hidden_size="size", r_min="number", r_max="number", max_phase="number", seed="int"),
    ),
    "lru_params": (
        lru.lru_params,
        lambda: dict(input_size=D, hidden_size=H),
        dict(
            input_size="size",
            hidden_size="size",
            output_size="size",
            r_min="number",
            r_max="number",
            max_phase="number",
            seed="int",
        ),
    ),
    "LRU()": (
        lambda u, method="scan": lru.LRU(D, H)(u, method),
        lambda: dict(u=torch.randn(N, T, D)),
        dict(u=ARRAY, method="word"),
    ),
    "min_gru_params": (
        min_gru.min_gru_params,
        lambda: dict(input_size=D, hidden_size=H),
        dict(input_size="size", hidden_size="size", gate_bias="number", seed="int"),
    ),
    "MinGRU()": (
        lambda x, h0=None, method="log": min_gru.MinGRU(D, H, positive=True)(x, h0, method),
        lambda: dict(x=torch.randn(N, T, D), h0=torch.rand(N, H) + 0.1),
        dict(x=ARRAY, h0=ARRAY, method="word"),
    ),
    # gradients through time
    "rnn_flow": (
        flow.rnn_flow,
        lambda: dict(x=a(N, T, D), params=weight_init.rnn_params(D, H)),
        dict(x=ARRAY, nonlinearity="word", loss="word", dtype="word", jacobians="bool"),
    ),
    "lstm_flow": (
        flow.lstm_flow,
        lambda: dict(x=a(N, T, D), params=weight_init.lstm_params(D, H)),
        dict(x=ARRAY, loss="word", dtype="word"),
    ),
    "gru_flow": (
        flow.gru_flow,
        lambda: dict(x=a(N, T, D), params=weight_init.gru_params(D, H)),
        dict(x=ARRAY, loss="word"),
    ),
    "gradient_flow": (
        flow.gradient_flow,
        lambda: dict(seq_len=T, hidden_size=H),
        dict(
            model="word",
            seq_len="size",
            hidden_size="size",
            input_size="size",
            batch_size="size",
            spectral_radius="number",
            init="word",
            nonlinearity="word",
            forget_bias="number",
            loss="word",
            dtype="word",
            seed="int",
            jacobians="bool",
            r_min="number",
            r_max="number",
            max_phase="number",
            gate_bias="number",
        ),
    ),
    "gradient_flow(lru)": (
        flow.gradient_flow,
        lambda: dict(cell="lru", seq_len=T, hidden_size=H),
        dict(seq_len="size", r_min="number", r_max="number", max_phase="number", dtype="word"),
    ),
    "gradient_flow(mingru)": (
        flow.gradient_flow,
        lambda: dict(cell="mingru", seq_len=T, hidden_size=H),
        dict(seq_len="size", gate_bias="number", loss="word"),
    ),
    "lru_flow": (
        linear_flow.lru_flow,
        lambda: dict(u=a(N, T, D), params=lru.lru_params(D, H)),
        dict(u=ARRAY, loss="word", dtype="word"),
    ),
    "min_gru_flow": (
        linear_flow.min_gru_flow,
        lambda: dict(x=a(N, T, D), params=min_gru.min_gru_params(D, H)),
        dict(x=ARRAY, loss="word", dtype="word"),
    ),
    "ring_gradient_norm": (
        linear_flow.ring_gradient_norm,
        lambda: dict(steps_back=np.arange(5), r_min=0.5, r_max=0.9),
        dict(steps_back=ARRAY, r_min="number", r_max="number"),
    ),
    "state_energy": (
        memory.state_energy,
        lambda: dict(radius=0.9, seq_len=20, samples=10),
        dict(radius="number", normalized="bool", seq_len="size", samples="size", seed="int"),
    ),
    "lambda_sensitivity": (
        memory.lambda_sensitivity,
        lambda: dict(lam=0.9, seq_len=20, samples=10),
        dict(lam="number", seq_len="size", samples="size", seed="int"),
    ),
    "lambda_sensitivity_closed_form": (
        memory.lambda_sensitivity_closed_form,
        lambda: dict(lam=0.9),
        dict(lam="number"),
    ),
    "scan_vs_loop": (
        scan_timing.scan_vs_loop,
        lambda: dict(seq_len=T, batch_size=N, hidden_size=H, repeats=1),
        dict(seq_len="size", batch_size="size", hidden_size="size", repeats="size", seed="int"),
    ),
    "indexing_cost": (
        scan_timing.indexing_cost,
        lambda: dict(seq_lens=(T,), batch_size=N, hidden_size=H, repeats=1),
        dict(batch_size="size", hidden_size="size", repeats="size"),
    ),
    "linear make_model": (
        sequence_models.make_model,
        lambda: dict(cell="mingru", input_size=D, output_size=2, hidden_size=H),
        dict(input_size="size", output_size="size", hidden_size="size", seed="int"),
    ),
    "build_graph": (
        graph.build_graph,
        lambda: dict(shape="many-to-one", seq_len=T),
        dict(shape="word", seq_len="size"),
    ),
    "run_graph": (
        graph_gradients.run_graph,
        lambda: dict(graph=graph.build_graph("many-to-many", T)),
        dict(input_size="size", hidden_size="size", output_size="size", seed="int"),
    ),
    "hidden_state_view": (
        hidden_state.hidden_state_view,
        lambda: dict(x=a(T, D), Wx=a(D, H), Wh=a(H, H), edit_step=1, value=0.5, step=2),
        dict(
            x=ARRAY,
            Wx=ARRAY,
            Wh=ARRAY,
            b=ARRAY,
            h0=ARRAY,
            edit_step="int",
            value="number",
            step="int",
            feature="int",
        ),
    ),
    "clip_by_norm": (
        clipping.clip_by_norm,
        lambda: dict(grads=[a(3, 3), a(3)], max_norm=1.0),
        dict(max_norm="number"),
    ),
    "rnn_unit_step": (
        gate_unit.rnn_unit_step,
        lambda: dict(x=0.5, h_prev=0.1, w_x=1.0, w_h=0.5, b=0.0),
        dict(x="number", h_prev="number", w_x="number", w_h="number", b="number"),
    ),
    "unit_step": (
        lambda x=0.5, h_prev=0.1, c_prev=0.2: gate_unit.unit_step(
            gate_unit.UnitSetting(x, h_prev, c_prev, dict(gate_unit.NEUTRAL.weights))
        ),
        dict,
        dict(x="number", h_prev="number", c_prev="number"),
    ),
    "log10_running_product": (
        highway.log10_running_product,
        lambda: dict(factors=a(T) ** 2),
        dict(factors=ARRAY),
    ),
    "forget_highway": (
        highway.forget_highway,
        lambda: dict(f=RNG.uniform(0, 1, (T, H))),
        dict(f=ARRAY),
    ),
    "rnn_jacobians": (
        highway.rnn_jacobians,
        lambda: dict(h=np.tanh(a(N, T, H)), w_hh=a(H, H)),
        dict(h=ARRAY, w_hh=ARRAY, nonlinearity="word"),
    ),
    "log10_product_norm": (
        highway.log10_product_norm,
        lambda: dict(jacobians=a(T, H, H)),
        dict(jacobians=ARRAY),
    ),
    # a user's own model
    "foreign.trace": (foreign.trace, users_model, dict(x=ARRAY, core="word")),
    "foreign.find_core": (
        foreign.find_core,
        lambda: dict(model=users_model()["model"]),
        dict(core="word"),
    ),
    "model_gradients.gradient_flow": (
        model_gradients.gradient_flow,
        users_model,
        dict(x=ARRAY, loss="word", core="word"),
    ),
    "model_gradients.connectivity": (
        model_gradients.connectivity,
        users_model,
        dict(x=ARRAY, output="int", core="word"),
    ),
    "model_gradients.reach": (
        model_gradients.reach,
        lambda: dict(matrix=np.tril(RNG.uniform(0.1, 1, (8, 8))), far=(3, 5), near=(0, 1)),
        dict(matrix=ARRAY),
    ),
    # tasks
    "adding_problem": (
        long_range.adding_problem,
        lambda: dict(batch_size=N, seq_len=T + 2),
        dict(batch_size="size", seq_len="size", seed="int"),
    ),
    "copy_task": (
        long_range.copy_task,
        lambda: dict(batch_size=N, delay=T),
        dict(batch_size="size", delay="size", seed="int", n_symbols="size", copy_len="size"),
    ),
    "copy_baseline_loss": (
        long_range.copy_baseline_loss,
        lambda: dict(delay=T),
        dict(delay="size", n_symbols="size", copy_len="size"),
    ),
    "recall_batch": (
        recall.recall_batch,
        lambda: dict(batch_size=N, seq_len=10),
        dict(batch_size="size", seq_len="size", n_marks="size", seed="int"),
    ),
    "make_sentences": (
        sentiment.make_sentences,
        lambda: dict(n_sentences=4),
        dict(n_sentences="size", negated_fraction="number", seed="int"),
    ),
    "sentiment.encode": (sentiment.encode, lambda: dict(texts=["not good"]), dict(texts="text")),
    "make_tagged_sentences": (
        tagging.make_tagged_sentences,
        lambda: dict(n_sentences=4),
        dict(n_sentences="size", seed="int"),
    ),
    "make_digit_pairs": (
        seq2seq.make_digit_pairs,
        lambda: dict(n_pairs=4),
        dict(n_pairs="size", length="size", task="word", seed="int"),
    ),
    "load_digit_sequences": (
        digits.load_digit_sequences,
        lambda: dict(),
        dict(order="word", test_fraction="number", seed="int"),
    ),
    "minibatch_order": (
        training.minibatch_order,
        lambda: dict(num_examples=10, batch_size=3, steps=4, seed=0),
        dict(num_examples="size", batch_size="size", steps="size", seed="int"),
    ),
    "train": (
        training.train,
        tiny_linear_training,
        dict(
            steps="size",
            lr="number",
            clip="number",
            seed="int",
            eval_every="size",
            progress="bool",
            stop_when_solved="bool",
        ),
    ),
    "setup_lab": (lambda seed=0: lab.setup_lab(seed), lambda: dict(seed=0), dict(seed="int")),
    # the character model and its analyses
    "encode": (charlm.encode, lambda: dict(text="ab", vocab=CHAR_VOCAB), dict(text="text")),
    "CharLM": (
        charlm.CharLM,
        lambda: dict(vocab=CHAR_VOCAB),
        dict(vocab="text", cell="word", hidden_size="size", embedding_size="size"),
    ),
    "evaluate": (
        charlm.evaluate,
        lambda: dict(model=charlm_model(), text=CHAR_TEXT, streams=2),
        dict(text="text", streams="size", seq_len="size"),
    ),
    "sample": (
        charlm.sample,
        lambda: dict(model=charlm_model(), prime="a", length=5),
        dict(prime="text", length="size", temperature="number", seed="int", top_k="size"),
    ),
    "make_loss_fn": (
        lambda **kw: charlm.make_loss_fn(**kw)(0),
        lambda: dict(model=charlm_model(), text=CHAR_TEXT, batch_size=2, seq_len=5),
        dict(text="text", batch_size="size", seq_len="size", seed="int"),
    ),
    "perplexity": (charlm.perplexity, lambda: dict(loss=1.0), dict(loss="number")),
    "text_features": (interpret.text_features, lambda: dict(text=CHAR_TEXT), dict(text="text")),
    "activations": (
        interpret.activations,
        lambda: dict(model=charlm_model(), text=CHAR_TEXT),
        dict(text="text", streams="size"),
    ),
    "correlations": (
        interpret.correlations,
        lambda: dict(signal=a(T, H), features={"f": a(T)}),
        dict(signal=ARRAY),
    ),
    "best_cells": (
        interpret.best_cells,
        lambda: dict(signal=a(T, H), features={"f": a(T)}),
        dict(signal=ARRAY),
    ),
    "prediction_distance": (
        prediction_distance,
        lambda: dict(prediction=2.0, answer=3.0, log=True),
        dict(prediction="number", answer="number", log="bool"),
    ),
    "folded": (folded, lambda: dict(summary="Check Q1"), dict(summary="text")),
    "folded_output": (
        folded_output,
        lambda: dict(summary="Check Q1", text="answer: 0.0658\n"),
        dict(summary="text", text="text"),
    ),
    "saturation": (
        lambda f, low=0.1, high=0.9: interpret.saturation({"f": f}, low, high),
        lambda: dict(f=RNG.uniform(0, 1, (T, H))),
        dict(f=ARRAY, low="number", high="number"),
    ),
    # captioning scenes
    "make_scenes": (
        scenes.make_scenes,
        lambda: dict(num_scenes=2),
        dict(num_scenes="size", seed="int", max_objects="size"),
    ),
    "encode_caption": (scenes.encode_caption, lambda: dict(text="a red circle"), dict(text="text")),
    "decode_captions": (
        scenes.decode_captions,
        lambda: dict(captions=np.array([[1, 3, 2]])),
        dict(captions=ARRAY),
    ),
    # the picture language
    "model_style": (style.model_style, lambda: dict(label="LSTM T=100"), dict(label="text")),
}

# Names the error may use for an argument of a wrapper above (the wrapped function's own).
ALIASES = {"saturation": ("gates",), "cells.LSTM()": ("h0",)}


@pytest.mark.parametrize("case", sorted(CASES))
@given(data=st.data())
def test_hostile_arguments_give_a_result_or_a_named_error(fuzz, case, data):
    fn, good, kinds = CASES[case]
    fuzz.attempt(fn, fuzz.draw(data, good(), kinds), ALIASES.get(case, ()))


@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_checkpoint_load_or_are_refused_by_file_name(fuzz, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "random.pt"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="random.pt"):
        checkpoint.load_checkpoint(path)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_fixed_hostile_value_of_every_argument(fuzz, case):
    """The sweep behind the random examples: each argument in turn gets each fixed bad value
    of its kind (NaN, inf, empty, huge, wrong shape, dtype or type), the others stay good."""
    fn, good, kinds = CASES[case]
    for kwargs in fuzz.sweep(good, kinds):
        fuzz.attempt(fn, kwargs, ALIASES.get(case, ()))


# --- the reliability rules (DEVELOPING "Reliability"), walked over every case above ---------
@pytest.mark.parametrize("case", sorted(CASES))
def test_switches_take_bools_only_and_seeds_follow_the_one_rule(fuzz, case):
    fn, good, kinds = CASES[case]
    fuzz.check_switches(fn, good, kinds, ALIASES.get(case, ()))
    fuzz.check_seeds(fn, good, kinds, ALIASES.get(case, ()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refusal_names_the_argument_the_caller_passed(fuzz, case):
    fn, good, kinds = CASES[case]
    fuzz.check_names_the_argument(fn, good, kinds, ALIASES.get(case, ()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_call_moves_the_global_random_streams(fuzz, case):
    fn, good, _ = CASES[case]
    kwargs = good()
    if case in SEEDING:  # seeding functions: they set the streams, by design
        return
    before = fuzz.rng_state()
    fuzz.attempt(fn, kwargs)
    after = fuzz.rng_state()
    if case in TORCH_MODULES:  # first weights from torch's stream, as torch.nn's; nothing else
        assert before[:2] == after[:2], f"{case} moved Python's or numpy's stream"
        assert not torch.equal(before[2], after[2]), f"{case} is no longer a torch.nn draw"
        return
    assert fuzz.same_streams(before, after), f"{case} moved a global random stream"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_documented_default_works_when_passed(fuzz, case):
    fn, good, _ = CASES[case]
    for kwargs in fuzz.explicit_defaults(fn, good()):
        assert fuzz.attempt(fn, kwargs) is not None, f"{case}: a default was refused: {kwargs}"


SEEDING = {"setup_lab", "train"}
# Constructors of torch.nn modules: their first weights come from torch's global stream, as
# every torch.nn module's do (make_model(seed=) and seeding.torch_seed leave it alone).
TORCH_MODULES = {"CharLM", "cells.RNN", "cells.LSTM", "cells.GRU", "cells.LSTM()"}
