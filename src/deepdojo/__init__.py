"""deepdojo: the classic deep-learning curriculum as runnable, tested, fast recipes."""

__version__ = "0.1.0"
