"""Single-video inference on top of mmaction2's ``init_recognizer``/``inference_recognizer``."""
import os.path as osp

import torch


def read_label_map(path):
    """Class names, one per line (blank lines ignored)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'label map not found: {path}')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def classify_video(cfg, checkpoint, video, labels, topk=5, device='cpu', cpu_gemm='auto',
                   precision='fp32', allow_partial=False, amp=False):
    """Return the ``topk`` ``(label, score)`` pairs for ``video``.

    The config's ``test_pipeline`` (else the test dataloader's pipeline) prepares the video.
    The checkpoint must match the model (keys and shapes) unless ``allow_partial``.
    ``cpu_gemm`` (``'auto'``, ``'blas'``, ``'onednn'``) sets the back end of the model's FCs
    (:func:`mmvideomlp.utils.cpu_gemm.set_cpu_gemm`); ``precision='bf16'`` casts the model to
    bfloat16 (:func:`mmvideomlp.utils.precision.to_bf16`), ``'int8'`` quantises the linear
    layers to dynamic int8 (CPU only); ``amp`` runs the model under autocast
    (bfloat16 on CPU).

    Raises:
        FileNotFoundError: the video or the checkpoint does not exist.
        ValueError: the label map does not match the model's number of classes, or the
            video cannot be decoded.
        mmvideomlp.engine.CheckpointMismatchError: the checkpoint does not fit the model.
    """
    import decord
    from mmaction.apis import inference_recognizer, init_recognizer

    from ..engine import bf16_or_fp32
    from ..engine.checkpoint import describe_model, load_checked_checkpoint
    from .cpu_gemm import set_cpu_gemm
    from .precision import to_bf16
    for path, what in ((video, 'video'), (checkpoint, 'checkpoint')):
        if not osp.isfile(path):
            raise FileNotFoundError(f'{what} not found: {path}')
    if 'test_pipeline' not in cfg:
        cfg.test_pipeline = cfg.test_dataloader.dataset.pipeline
    num_classes = cfg.model.get('cls_head', {}).get('num_classes')
    if num_classes is not None and num_classes != len(labels):
        raise ValueError(f'the label map has {len(labels)} classes but the model predicts '
                         f'{num_classes}')
    try:
        num_frames = len(decord.VideoReader(video))
    except Exception as err:  # decord raises its own error types
        raise ValueError(f'cannot decode video {video}: {err}') from err
    if num_frames == 0:
        raise ValueError(f'video {video} has no frames')
    if precision not in ('fp32', 'bf16', 'int8'):
        raise ValueError(f'precision {precision!r} is not one of fp32, bf16, int8')
    if precision == 'int8' and device != 'cpu':
        raise ValueError(f'precision int8 runs on the CPU only, not on {device}')
    model = init_recognizer(cfg, None, device='cpu')
    load_checked_checkpoint(model, checkpoint, describe_model(model, cfg.get('filename')),
                            allow_partial=allow_partial)
    model.to(device)
    set_cpu_gemm(model, cpu_gemm)
    if precision == 'int8':
        from mmvideomlp.deployment.quantize import quantize_torch_int8
        quantize_torch_int8(model)
    on_cpu = torch.device(device).type == 'cpu'
    if precision == 'bf16' and (not on_cpu or bf16_or_fp32('--precision bf16')):
        to_bf16(model)
    if amp and (not on_cpu or bf16_or_fp32('--amp')):
        device_type = torch.device(device).type
        with torch.autocast(device_type, dtype=torch.bfloat16 if device_type == 'cpu' else
                            torch.float16):
            result = inference_recognizer(model, video)
    else:
        result = inference_recognizer(model, video)
    scores = result.pred_score.float().cpu()
    values, indices = scores.topk(min(topk, scores.numel()))
    return [(labels[i], float(v)) for v, i in zip(values.tolist(), indices.tolist())]
