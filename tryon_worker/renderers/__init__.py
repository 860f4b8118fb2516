"""Try-on renderers: they put an analysed garment on an analysed person.

``base`` defines the interface, ``geometric`` the no-learning baseline, ``gan`` the trained
model and ``registry`` picks one by name. (Nothing is re-exported here: the GAN renderer
imports the inference code, which itself uses ``base``.)
"""
