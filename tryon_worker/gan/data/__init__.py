"""Try-on training data: readers of dataset layouts, pair construction and augmentation."""
