"""The try-on GAN as a trainable whole: networks, losses, optimisers, EMA and checkpoints."""
