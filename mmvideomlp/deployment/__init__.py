"""Deployment: ONNX export of recognizers and image classifiers, int8 dynamic quantisation.

``onnx`` and ``onnxruntime`` (the ``deploy`` extra) are imported only inside the functions
that need them, so the rest of the package works without them.
"""
from .model import ExportError, InferenceGraph, load_model
from .quantize import DynamicInt8Hook, quantize_torch_int8

__all__ = ['ExportError', 'InferenceGraph', 'load_model', 'quantize_torch_int8',
           'DynamicInt8Hook']
