from .ila_recognizer import ILARecognizer

__all__ = ['ILARecognizer']
