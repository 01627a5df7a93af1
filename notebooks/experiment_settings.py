"""Settings for local_module_names.ipynb: the helper module that sits beside it."""

settings = {"learning_rate": 0.01, "seed": 7}
defaults = {"epochs": 3, "batch_size": 16}
