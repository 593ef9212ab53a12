"""onnxruntime inference timings (fp32 and dynamic int8) of a recognizer, in the record
format of ``tools/analysis/benchmark.py`` (``--onnx``)."""
import os
import tempfile

import torch

from .model import InferenceGraph
from .onnx import check_fp32, export_onnx, ort_session, quantize_onnx, run_onnx


def measure_onnx(model, cfg, batch=1, frames=16, size=224, warmup=2, repeats=5):
    """Export ``model`` (batch, 3, frames, size, size), quantise it, time both graphs.

    The fp32 graph is checked against PyTorch first (:func:`~.onnx.check_fp32`).
    onnxruntime uses as many intra-op threads as torch (``torch.get_num_threads()``).

    Returns:
        list[dict]: One record per precision (``'onnx-fp32'``, ``'onnx-int8'``) with
        ``infer`` (seconds: median, min, max), ``clips_per_s`` and ``peak_memory``
        (process peak RSS, bytes, after that graph ran).
    """
    from mmvideomlp.utils.benchmark import peak_memory, time_call
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = os.path.join(tmp, 'model.onnx')
        int8 = os.path.join(tmp, 'model.int8.onnx')
        graph, x = export_onnx(model, cfg, (batch, 3, frames, size, size), fp32)
        check_fp32(graph, fp32, x)
        quantize_onnx(fp32, int8)
        del graph
        inputs = x.numpy()
        for name, path in (('onnx-fp32', fp32), ('onnx-int8', int8)):
            sess = ort_session(path, threads=torch.get_num_threads())
            timing = time_call(lambda: run_onnx(sess, inputs), warmup, repeats)
            records.append(dict(precision=name, infer=timing,
                                clips_per_s=dict(infer=batch / timing['median']),
                                peak_memory=peak_memory('cpu')))
            del sess
    return records


__all__ = ['measure_onnx', 'InferenceGraph']
