"""Image captioning with soft attention: synthetic scenes, the models and their training."""
