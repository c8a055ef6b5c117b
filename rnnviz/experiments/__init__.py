"""Long experiments: the long-range memory runs and the committed results file."""
