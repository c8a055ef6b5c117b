"""`python -m rnnviz.experiments`: the long-range memory sweep (see `long_range.main`)."""

from rnnviz.experiments.long_range import main

main()
