"""The try-on GAN's networks: garment warp, generator, discriminator and their losses."""
