"""Torch models: traced RNN/LSTM/GRU cells, sequence models on torch.nn kernels, initialisation."""
