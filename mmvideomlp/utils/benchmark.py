"""Speed and memory measurements of video recognizers, relative to the machine's GEMM peak.

Every figure is a median over timed repeats after warm-up, with the spread (min, max).
Model FLOP utilisation (MFU) = achieved FLOP/s ÷ peak FLOP/s, where a model's FLOPs are
``2 × multiply-adds`` (the same unit as the GEMM peak) and a training step counts three
forward passes (forward + backward ≈ 3 × forward).
"""
import copy
import gc
import os
import resource
import statistics
import time

import torch
import torch.nn.functional as F

from .cpu_gemm import onednn_linear
from .precision import to_bf16

# glibc keeps freed memory instead of unmapping and faulting it back every iteration
CPU_MALLOC_ENV = dict(MALLOC_ARENA_MAX='1', MALLOC_MMAP_THRESHOLD_=str(4 << 30),
                      MALLOC_TRIM_THRESHOLD_=str(8 << 30), MALLOC_TOP_PAD_=str(1 << 30))

# mmaction2's own models at matched frames and resolution (configs shipped inside mmaction2)
REFERENCES = {
    'VideoSwin-T': 'mmaction::_base_/models/swin_tiny.py',
    'MViTv2-S': 'mmaction::_base_/models/mvit_small.py',
    'UniFormer-S': 'mmaction::recognition/uniformer/'
                   'uniformer-small_imagenet1k-pre_16x4x1_kinetics400-rgb.py',
    'TSM-R50': 'mmaction::_base_/models/tsm_r50.py',
}


def malloc_env_missing():
    """The allocator settings that this process was not started with."""
    return {k: v for k, v in CPU_MALLOC_ENV.items() if os.environ.get(k) != v}


def time_call(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return dict(median=statistics.median(times), min=min(times), max=max(times))


def gemm_peak(size=2048, device='cpu', dtype=torch.float32, repeats=5):
    """Peak FLOP/s (2 per multiply-add) of a ``size``³ GEMM through ``torch.matmul`` and,
    on CPU, through oneDNN (a 1×1 convolution); returns each and the higher."""
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    flops = 2 * size ** 3
    result = dict(matmul=flops / time_call(lambda: torch.matmul(a, b), 2, repeats)['median'])
    if device == 'cpu':
        result['onednn'] = flops / time_call(lambda: onednn_linear(a, b), 2, repeats)['median']
    result['peak'] = max(result.values())
    return result


def recognizer_forward(model, batch, frames, size, device):
    """A function running the whole recognizer (backbone, neck, head) on random clips,
    and the input it uses. 2-D recognizers (TSM) get ``frames`` segments."""
    from mmaction.models import Recognizer2D
    if isinstance(model, Recognizer2D):
        if hasattr(model.backbone, 'num_segments'):
            model.backbone.num_segments = frames
        if hasattr(model.cls_head, 'num_segments'):
            model.cls_head.num_segments = frames
        inputs = torch.randn(batch, frames, 3, size, size, device=device)
    else:
        inputs = torch.randn(batch, 1, 3, frames, size, size, device=device)

    def forward():
        return model.extract_feat(inputs, stage='head')[0]

    return forward, inputs


def peak_memory(device):
    if device == 'cpu':
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return torch.cuda.max_memory_allocated()


def current_memory(device):
    """Memory in use now (bytes): CPU resident set size, CUDA allocated."""
    if device == 'cpu':
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    return torch.cuda.memory_allocated()


def step_peak_memory(step, device):
    """The most tensor memory (bytes) that one call of ``step`` holds at once above what was
    allocated before it: activations and gradients (and optimizer state on a first step).

    CUDA: the caching allocator's maximum. CPU: torch's profiler records every operator's
    own allocations minus frees; their running sum, in the order the operators started,
    peaks where the step held the most (exact at operator boundaries). Unlike the process's
    peak RSS, earlier phases (model build, FLOP count, inference) and memory kept by the
    allocator do not count.
    """
    if device != 'cpu':
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - before
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    level = peak = 0
    for event in sorted(prof.events(), key=lambda e: e.time_range.start):
        level += event.self_cpu_memory_usage
        peak = max(peak, level)
    return peak


def measure(model, batch=1, frames=16, size=224, device='cpu', precision='fp32',
            compile=False, train=True, warmup=2, repeats=5):
    """Inference and training-step timings of one recognizer.

    ``precision``: ``'fp32'``; ``'bf16'`` (inference by a bf16 copy of the model,
    :func:`mmvideomlp.utils.precision.to_bf16`; the training step under bf16 autocast, as
    ``tools/train.py --amp`` trains); ``'bf16-autocast'`` (both under autocast); ``'fp16'``
    (autocast, CUDA).

    Returns:
        dict: ``infer`` and ``train`` timings (seconds: median, min, max),
        ``clips_per_s`` for both, and ``peak_memory`` (bytes; CPU: process peak RSS,
        CUDA: max allocated); ``base_memory`` (in use before the runs: the model) and
        ``train_peak_memory`` (CPU: peak RSS after the training steps, which need more than
        inference; CUDA: max allocated during the training steps) and ``train_step_peak``
        (one more training step: see :func:`step_peak_memory`).
    """
    model = model.to(device)
    forward, _ = recognizer_forward(model, batch, frames, size, device)
    run = torch.compile(forward) if compile else forward
    dtype = {'fp32': None, 'bf16': torch.bfloat16, 'bf16-autocast': torch.bfloat16,
             'fp16': torch.float16}[precision]
    autocast = (lambda: torch.autocast(device_type=device.split(':')[0], dtype=dtype)) \
        if dtype else (lambda: torch.autocast(device_type='cpu', enabled=False))
    infer_run, infer_autocast = run, autocast
    if precision == 'bf16':
        infer_model = to_bf16(copy.deepcopy(model)).eval()
        infer_run, _ = recognizer_forward(infer_model, batch, frames, size, device)
        infer_run = torch.compile(infer_run) if compile else infer_run
        # this package's models compute in the cast dtype throughout; models that create
        # fp32 tensors inside their forward (VideoSwin's attention mask) also need autocast
        own = type(model.backbone).__module__.startswith('mmvideomlp.')
        infer_autocast = (lambda: torch.autocast(device_type='cpu', enabled=False)) if own \
            else autocast
    if device != 'cpu':
        torch.cuda.reset_peak_memory_stats()
    result = {'base_memory': current_memory(device)}
    model.eval()
    with torch.no_grad(), infer_autocast():
        result['infer'] = time_call(infer_run, warmup, repeats)
    infer_run = infer_model = None
    if train:
        infer_peak = peak_memory(device)
        if device != 'cpu':
            torch.cuda.reset_peak_memory_stats()
        model.train()
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                      lr=1e-4)
        labels = torch.zeros(batch, dtype=torch.long, device=device)
        scaler = torch.amp.GradScaler(enabled=precision == 'fp16')

        def step():
            with autocast():
                loss = F.cross_entropy(run().float(), labels)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()

        result['train'] = time_call(step, warmup, repeats)
        result['train_peak_memory'] = peak_memory(device)
        result['train_step_peak'] = step_peak_memory(step, device)
    result['clips_per_s'] = {k: batch / result[k]['median'] for k in ('infer', 'train')
                             if k in result}
    result['peak_memory'] = peak_memory(device) if not train else max(
        infer_peak, result['train_peak_memory'])
    gc.collect()
    return result
