"""Seeded sequence tasks: long-range memory, recall, sentiment, tagging, seq2seq, digits."""
