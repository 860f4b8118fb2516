"""The try-on and shading GANs: options, networks, models, data, training and inference.

The serving side (tasks, pipeline, renderers) stays at the package root; renderers/gan.py and
renderers/fold_shading.py load what is trained here.
"""
