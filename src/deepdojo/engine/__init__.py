"""The supervised training engine: Keras-style `fit`/`evaluate`/`predict` for plain nn.Modules.

    from deepdojo.engine import fit, evaluate, predict, History, summary
    from deepdojo.engine import callbacks as cb
"""
from deepdojo.engine import callbacks
from deepdojo.engine.summary import summary
from deepdojo.engine.trainer import History, Trainer, evaluate, fit, predict

__all__ = ["History", "Trainer", "callbacks", "evaluate", "fit", "predict", "summary"]
