"""Tests for rnnviz.charlm.corpus: the stdlib sample, any-text corpora, the frozen splits."""

import gzip
import lzma

import pytest

from rnnviz.charlm import corpus
from rnnviz.charlm.corpus import (
    STDLIB_ALPHABET,
    check_text_length,
    read_text_file,
    shipped_split,
    stdlib_corpus,
    stdlib_files,
    text_corpus,
)


@pytest.fixture
def fake_stdlib(tmp_path):
    """A small stdlib folder: 20 usable files and some that must be skipped."""
    for k in range(20):
        sub = tmp_path / ("pkg" if k % 2 else "")
        sub.mkdir(exist_ok=True)
        (sub / f"mod{k:02d}.py").write_text(f"def f{k}(x):\n    return x + {k}\n" * 50)
    (tmp_path / "accents.py").write_text("name = 'Löwis'\n")
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "site-packages" / "third.py").write_text("x = 1\n")
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "huge.py").write_text("x = 1\n" * (corpus.MAX_FILE_CHARS // 6 + 1))
    (tmp_path / "notes.txt").write_text("not python\n")
    return tmp_path


def test_stdlib_files_skips_foreign_unusual_and_huge_files(fake_stdlib):
    names = [p.relative_to(fake_stdlib).as_posix() for p in stdlib_files(fake_stdlib)]
    assert len(names) == 20
    assert names == sorted(names)
    assert not any(n.startswith(("accents", "site-packages", "empty", "huge")) for n in names)


def test_stdlib_corpus_is_seeded_and_split_by_file(fake_stdlib):
    one = stdlib_corpus(train_chars=5000, val_chars=1000, seed=3, root=fake_stdlib)
    again = stdlib_corpus(train_chars=5000, val_chars=1000, seed=3, root=fake_stdlib)
    other = stdlib_corpus(train_chars=5000, val_chars=1000, seed=4, root=fake_stdlib)
    assert (one.train, one.val) == (again.train, again.val)
    assert one.files != other.files
    assert not set(one.files["train"]) & set(one.files["val"])
    assert len(one.train) >= 5000 and len(one.val) >= 1000
    assert one.vocab == sorted(STDLIB_ALPHABET)
    assert set(one.train) | set(one.val) <= set(STDLIB_ALPHABET)


def test_stdlib_corpus_says_when_there_is_too_little_text(fake_stdlib):
    with pytest.raises(ValueError, match="too little usable text"):
        stdlib_corpus(train_chars=10**7, val_chars=1000, root=fake_stdlib)


def test_stdlib_corpus_reads_the_running_interpreters_stdlib():
    small = stdlib_corpus(train_chars=20_000, val_chars=5_000)
    assert len(small.train) >= 20_000 and len(small.val) >= 5_000
    assert all(name.endswith(".py") for name in small.files["train"])


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-5, ValueError), (1.5, TypeError)])
def test_stdlib_corpus_rejects_bad_sizes(bad, error):
    with pytest.raises(error, match="train_chars"):
        stdlib_corpus(train_chars=bad)


def test_text_corpus_from_a_string_and_from_files(tmp_path):
    text = "the quick brown fox jumps over the lazy dog\n" * 20
    from_str = text_corpus(text, val_fraction=0.25, seq_len=32)
    assert from_str.train + from_str.val == text
    assert len(from_str.val) == pytest.approx(len(text) * 0.25, abs=1)
    assert from_str.vocab == sorted(set(text))
    (tmp_path / "t.txt").write_text(text)
    (tmp_path / "t.txt.gz").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "t.txt.xz").write_bytes(lzma.compress(text.encode()))
    for name in ("t.txt", "t.txt.gz", "t.txt.xz"):
        assert text_corpus(tmp_path / name, val_fraction=0.25, seq_len=32).val == from_str.val


def test_text_corpus_rejects_empty_short_and_non_text(tmp_path):
    with pytest.raises(ValueError, match="text is empty"):
        text_corpus("")
    with pytest.raises(ValueError, match="too short for seq_len=64"):
        text_corpus("abc" * 10, seq_len=64)
    with pytest.raises(ValueError, match="too short for seq_len=50"):
        text_corpus("a" * 60, seq_len=50, val_fraction=0.5)  # 30 chars left to train on
    with pytest.raises(TypeError, match="text must be"):
        text_corpus(b"bytes")
    with pytest.raises(ValueError, match="val_fraction"):
        text_corpus("a" * 500, val_fraction=0.9)
    with pytest.raises(ValueError, match="cannot read text file"):
        text_corpus(tmp_path / "missing.txt")


def test_read_text_file_rejects_malformed_archives(tmp_path):
    (tmp_path / "bad.xz").write_bytes(b"not xz at all")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    for name in ("bad.xz", "bad.txt"):
        with pytest.raises(ValueError, match=name):
            read_text_file(tmp_path / name)


def test_check_text_length_needs_one_more_character_than_seq_len():
    assert check_text_length("text", "abcd", 3) == "abcd"
    with pytest.raises(ValueError, match="has 3 characters, expected at least 4"):
        check_text_length("text", "abc", 3)
    with pytest.raises(TypeError, match="seq_len"):
        check_text_length("text", "abc", 2.0)


def test_shipped_splits_are_frozen_stdlib_text():
    val = shipped_split("val")
    train = shipped_split("train")
    assert 100_000 <= len(val) <= 400_000 and len(train) >= 100_000
    assert set(val) | set(train) <= set(STDLIB_ALPHABET)
    assert "def " in val and "import " in val
    assert val[:1000] not in train
    with pytest.raises(ValueError, match="split"):
        shipped_split("test")
