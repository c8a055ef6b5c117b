"""Train the shipped character-model checkpoint: `python -m rnnviz.charlm.train`.

Part one of `make checkpoints`. It samples the stdlib corpus (rnnviz.charlm.corpus), freezes its
validation split and the start of its training split into rnnviz/data (so the lab and the
tests read the same text on every Python version), trains an LSTM with a fixed step budget
on one thread (deterministic), scores it on the frozen validation split and writes
rnnviz/data/charlm_lstm.pt with the command, seed and validation loss recorded.
"""

import argparse
import lzma
import platform
import sys
from pathlib import Path

import torch

from rnnviz.charlm.corpus import SHIPPED_SPLITS, stdlib_corpus
from rnnviz.charlm.model import CharLM, evaluate, make_loss_fn, save_charlm
from rnnviz.paths import DATA_DIR
from rnnviz.training import train

# The lab's live-training text: the first part of the training split.
TRAIN_SAMPLE_CHARS = 200_000

# Steps at each Adam learning rate. The short low-rate phase at the end is a cheap
# learning-rate decay.
STEPS = (3000, 600)
LEARNING_RATES = (2e-3, 5e-4)


def freeze_text(path, text: str) -> None:
    """Write text as xz-compressed UTF-8 (deterministic bytes for the same text)."""
    path.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--embedding-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument(
        "--steps",
        type=int,
        nargs=2,
        default=list(STEPS),
        help="steps at learning rates %s" % (LEARNING_RATES,),
    )
    parser.add_argument(
        "--data-dir", default=str(DATA_DIR), help="where the frozen text splits are written"
    )
    parser.add_argument("--out", default=str(DATA_DIR / "charlm_lstm.pt"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    phases = tuple(zip(args.steps, LEARNING_RATES))

    corpus = stdlib_corpus(seed=args.seed)
    data_dir = Path(args.data_dir)
    freeze_text(data_dir / SHIPPED_SPLITS["val"], corpus.val)
    freeze_text(data_dir / SHIPPED_SPLITS["train"], corpus.train[:TRAIN_SAMPLE_CHARS])
    print(
        f"corpus: {len(corpus.train)} train / {len(corpus.val)} validation characters "
        f"from {len(corpus.files['train'])} + {len(corpus.files['val'])} stdlib files "
        f"of Python {platform.python_version()}"
    )

    torch.manual_seed(args.seed)
    model = CharLM(corpus.vocab, "lstm", args.hidden_size, args.embedding_size)
    quick_val = corpus.val[:20_000]
    for phase, (steps, lr) in enumerate(phases):
        loss_fn = make_loss_fn(
            model, corpus.train, args.batch_size, args.seq_len, seed=args.seed * len(phases) + phase
        )
        result = train(
            model,
            loss_fn,
            steps=steps,
            lr=lr,
            clip=1.0,
            seed=args.seed + phase,
            eval_fn=lambda: evaluate(model, quick_val),
            eval_every=500,
            label=f"LSTM-{args.hidden_size} phase {phase + 1}",
        )
        print(
            f"phase {phase + 1}: train loss {result.losses[-1]:.4f}, quick validation "
            f"{result.final['loss']:.4f} nats/char after {result.steps} steps "
            f"({result.seconds:.0f} s)"
        )

    scores = evaluate(model, corpus.val)
    print(f"validation: {scores['loss']:.4f} nats/char, perplexity {scores['perplexity']:.3f}")
    save_charlm(
        args.out,
        model,
        command=" ".join(
            ["python -m rnnviz.charlm.train", *(sys.argv[1:] if argv is None else argv)]
        ),
        seed=args.seed,
        batch_size=args.batch_size,
        seq_len=args.seq_len,
        phases=[list(phase) for phase in phases],
        val_loss=scores["loss"],
        val_perplexity=scores["perplexity"],
        val_chars=scores["chars"],
        corpus=f"stdlib of Python {platform.python_version()}, seed {args.seed}",
        torch_version=torch.__version__,
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
