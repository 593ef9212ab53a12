"""ONNX export of :class:`~.model.InferenceGraph`, the onnxruntime parity check and
onnxruntime's dynamic int8 quantisation.

Exporter: torch's TorchScript-based exporter (``dynamo=False``) by default. It exports the
four families in seconds with a dynamic batch axis (``dynamic_axes``); the dynamo exporter
(``exporter='dynamo'``) also works for MorphMLP and PosMLP-Video but takes 3-4x longer to
trace on a CPU and needs ``torch.export`` shape constraints for a dynamic batch.
``onnx``/``onnxruntime`` are imported lazily (the ``deploy`` extra).
"""
import os
import re
import warnings

import numpy as np
import torch

from .model import ExportError, InferenceGraph

DEFAULT_OPSET = 17
FP32_TOLERANCE = 1e-4
EXPORTERS = ('torchscript', 'dynamo')
# onnxruntime's dynamic quantisation: the weight GEMMs only (token-mixing and channel FCs);
# a MatMul of two activations (e.g. a generated mixing matrix) stays in float
QUANT_OPS = ('MatMul', 'Gemm')


def _failed_op(message):
    ops = re.findall(r"(?:aten|prim|onnx)::[A-Za-z_0-9.]+", message)
    return ops[0] if ops else None


def export_module(module, inputs, path, opset=DEFAULT_OPSET, dynamic_batch=False,
                  exporter='torchscript', metadata=None):
    """Export ``module(inputs)`` (one tensor in, one out) to ``path``.

    Raises:
        ExportError: naming the operator the exporter could not convert.
    """
    if exporter not in EXPORTERS:
        raise ValueError(f'exporter {exporter!r} is not one of {EXPORTERS}')
    kwargs = dict(input_names=['input'], output_names=['scores'], opset_version=opset)
    if exporter == 'torchscript':
        kwargs.update(dynamo=False, do_constant_folding=True)
        if dynamic_batch:
            kwargs['dynamic_axes'] = {'input': {0: 'batch'}, 'scores': {0: 'batch'}}
    else:
        kwargs.update(dynamo=True, external_data=False)
        if dynamic_batch:
            kwargs['dynamic_shapes'] = ({0: torch.export.Dim('batch', min=1, max=1024)}, )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # shape checks of the modules are constants at a fixed T, H, W: expected
            warnings.simplefilter('ignore', torch.jit.TracerWarning)
            torch.onnx.export(module, (inputs, ), path, **kwargs)
    except Exception as err:  # the exporters raise many types; name the op when we can
        op = _failed_op(str(err))
        where = f'operator {op}' if op else 'the model'
        raise ExportError(f'ONNX export ({exporter}, opset {opset}) failed on {where}: '
                          f'{type(err).__name__}: {str(err).strip()[:1500]}') from err
    if metadata:
        import onnx
        model = onnx.load(path)
        for key, value in metadata.items():
            model.metadata_props.add(key=key, value=str(value))
        onnx.save(model, path)
    return path


def export_onnx(model, cfg, shape, path, opset=DEFAULT_OPSET, dynamic_batch=False,
                exporter='torchscript'):
    """Export a recognizer/classifier's inference path (see :class:`InferenceGraph`).

    Args:
        model (nn.Module): From :func:`~.model.load_model`.
        cfg (Config): Its config (normalisation and classes go into the metadata).
        shape (tuple[int]): Input shape, ``(N, C, T, H, W)`` for video models,
            ``(N, C, H, W)`` for image classifiers.

    Returns:
        tuple: ``(graph, example input)``, the wrapped module and the random input used.
    """
    graph = InferenceGraph(model).eval()
    if len(shape) != graph.input_dims():
        layout = 'N C T H W' if graph.task == 'video' else 'N C H W'
        raise ValueError(f'--shape {" ".join(map(str, shape))}: a {graph.task} model takes '
                         f'{graph.input_dims()} sizes ({layout})')
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    meta = dict(graph.metadata(cfg), exporter=exporter, opset=opset, precision='fp32',
                dynamic_batch=dynamic_batch)
    export_module(graph, x, path, opset, dynamic_batch, exporter, meta)
    return graph, x


def ort_session(path, threads=None):
    """An onnxruntime CPU session (``threads``: intra-op threads, default all cores)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])


def run_onnx(path_or_session, x):
    """Run a one-input graph on a tensor or array; returns a numpy array."""
    sess = (ort_session(path_or_session) if isinstance(path_or_session, (str, os.PathLike))
            else path_or_session)
    x = x.numpy() if isinstance(x, torch.Tensor) else x
    return sess.run(None, {sess.get_inputs()[0].name: np.ascontiguousarray(x, np.float32)})[0]


def compare(graph, path, x):
    """Max abs difference of the ONNX graph's scores from PyTorch's, and top-1 agreement."""
    with torch.no_grad():
        ref = graph(x).float().numpy()
    out = run_onnx(path, x)
    if out.shape != ref.shape:
        raise ExportError(f'{path}: output shape {out.shape} but PyTorch gives {ref.shape}')
    return dict(max_abs_diff=float(np.abs(out - ref).max()),
                top1_agreement=float((out.argmax(-1) == ref.argmax(-1)).mean()),
                max_abs_logit=float(np.abs(ref).max()))


def check_fp32(graph, path, x, tolerance=FP32_TOLERANCE):
    """:func:`compare`; raises :class:`ExportError` when the difference exceeds
    ``tolerance`` or is not finite."""
    result = compare(graph, path, x)
    diff = result['max_abs_diff']
    if not np.isfinite(diff) or diff > tolerance:
        raise ExportError(f'{path}: onnxruntime scores differ from PyTorch by {diff:.3g} '
                          f'(max abs), more than the fp32 tolerance {tolerance:g}')
    return result


def quantize_onnx(src, dst, per_channel=True):
    """onnxruntime dynamic int8 quantisation of the weight GEMMs (``MatMul``/``Gemm``
    with a constant weight): int8 weights, activations quantised per call."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process is logged on the root logger
    try:
        quantize_dynamic(src, dst, op_types_to_quantize=list(QUANT_OPS),
                         per_channel=per_channel, weight_type=QuantType.QInt8,
                         extra_options=dict(MatMulConstBOnly=True))
    finally:
        root.setLevel(level)
    model = onnx.load(dst)
    props = [p for p in model.metadata_props if p.key != 'precision']
    del model.metadata_props[:]
    model.metadata_props.extend(props)
    model.metadata_props.add(key='precision', value='int8 (dynamic, weight GEMMs)')
    onnx.save(model, dst)
    return dst
