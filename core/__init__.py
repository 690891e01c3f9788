"""The lowest layer: month and quarter arithmetic, Danish date labels and shared form widgets. No models."""
