"""The character-level language model: corpus, model, training and interpretable cells."""
