"""Speed of our models against the official implementations, side by side in one process.

The official network is built from a user's checkout of its repository (nothing is
downloaded; see the parity scripts beside this one for the imports), its random weights are
converted and loaded into ours, and both run on the same input, alternating round by round
so that clock and thermal drift hit both alike. Printed: medians over the rounds (seconds
per clip batch), their ratio official / ours (above 1: ours is faster), the machine's CPU
and GEMM peaks, and with ``--profile`` the top operators by self time of each side.

Precisions: ``fp32``; ``bf16-autocast`` (both sides under ``torch.autocast('cpu',
torch.bfloat16)``, the official code's only bf16 path, and how ``tools/train.py --amp``
trains); ``bf16`` (inference only: ours cast by ``--precision bf16``,
:func:`mmvideomlp.utils.precision.to_bf16`, against the official code under autocast).

Examples:
    python tools/analysis/speed_vs_official.py morphmlp --official-repo ../MorphMLP
    PYTHONPATH=/path/to/timm_einops python tools/analysis/speed_vs_official.py posmlp \\
        --official-repo ../PosMLP_Video --precision fp32 bf16 --profile
    python tools/analysis/speed_vs_official.py ila --official-repo ../ILA --frames 8
"""
import argparse
import contextlib
import copy
import os
import os.path as osp
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

import mmvideomlp  # noqa: F401,E402
from mmvideomlp.utils.benchmark import gemm_peak  # noqa: E402
from mmvideomlp.utils.cpu_gemm import default_cpu_gemm, set_cpu_gemm  # noqa: E402
from mmvideomlp.utils.parity import randomise  # noqa: E402
from mmvideomlp.utils.precision import to_bf16  # noqa: E402


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def morphmlp_pair(repo, args):
    """Official MorphMLP-S16 (K400 settings) and our recognizer with its weights."""
    import morphmlp_parity as mp
    from mmvideomlp.models.backbones.morphmlp import convert_official_checkpoint
    official = randomise(mp.official_model(repo, 's16')).eval()
    converted = convert_official_checkpoint({'model_state': official.state_dict()},
                                            expected_arch='s16')
    ours = mp.ours(mp.VARIANTS['s16'][4])
    ours.load_state_dict(converted['state_dict'], strict=True)
    x = torch.randn(args.batch, 3, 16, 224, 224)
    return (lambda m: m([x])), official, (lambda m: m.cls_head(m.backbone(x))), ours


def posmlp_pair(repo, args):
    """Official PosMLP-Video-S16 (SSV1 settings) and our recognizer with its weights."""
    import posmlp_parity as pp
    from mmvideomlp.converters.posmlp import convert_posmlp_official
    official = randomise(pp.official_video_model(repo), pp.positional_values).eval()
    state_dict, _ = convert_posmlp_official({'model_state': official.state_dict()})
    ours = pp.build('posmlp/posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', 'mmaction')
    ours.load_state_dict(state_dict, strict=True)
    x = torch.randn(args.batch, 3, 16, 224, 224)
    return (lambda m: m([x])), official, (lambda m: m.cls_head(m.backbone(x))), ours


def ila_pair(repo, args):
    """Official ILA ViT-B/32 (K400 release layout, 8 frames) and ours with its weights.

    The official model is built with the text tower's class embeddings cached (as it
    evaluates), so both sides time the video tower, MIT and the prompt head.
    """
    import ila_parity as ip
    from mmengine.registry import init_default_scope
    from mmaction.registry import MODELS
    from mmvideomlp.converters.ila import convert_official
    from mmvideomlp.utils.text import read_class_names
    names = read_class_names(ip.LABEL_MAP)
    arch = dict(image_size=224, patch_size=32, width=768, layers=12, heads=12, embed_dim=512,
                text_width=512, text_layers=12, text_heads=8)
    ip._timm_stub()
    sys.path.insert(0, repo)
    import clip
    from models.xclip import XCLIP
    official = XCLIP(arch['embed_dim'], arch['image_size'], arch['layers'], arch['width'],
                     arch['patch_size'], 77, 49408, arch['text_width'], arch['text_heads'],
                     arch['text_layers'], T=args.frames, mit_layers=1, prompts_alpha=1e-1,
                     prompts_layers=2, use_cache=True)
    tokens = clip.tokenize(names)
    official = randomise(official, ip.keep_logit_scale)
    with torch.no_grad():
        official.cache_text(tokens)
    official.eval()
    for module in official.modules():
        if hasattr(module, 'is_training'):
            module.is_training = False
    state_dict, _ = convert_official(official.state_dict())
    init_default_scope('mmaction')
    ours = MODELS.build(dict(
        type='ILARecognizer', backbone=dict(type='ILAViT', arch=arch, interactive='dsc'),
        cls_head=dict(type='ILATextHead', num_classes=len(names), in_channels=arch['embed_dim'],
                      class_names=names, mit_frames=args.frames, arch=arch),
        data_preprocessor=dict(type='ActionDataPreprocessor', format_shape='NCTHW'))).eval()
    ours.load_state_dict(state_dict, strict=True)
    x = torch.randn(args.batch, args.frames, 3, 224, 224)
    xt = x.transpose(1, 2).contiguous()
    return ((lambda m: m(x, tokens)[0]), official,
            (lambda m: m.cls_head(m.backbone(xt))), ours)


PAIRS = dict(morphmlp=morphmlp_pair, posmlp=posmlp_pair, ila=ila_pair)


def inference(run, model, autocast):
    model.eval()

    def call():
        with torch.no_grad(), autocast():
            return run(model)
    return call


def training_step(run, model, autocast):
    """Forward, cross-entropy on class 0, backward (gradients only: no optimizer, so that
    both sides do the same work whatever their parameter grouping)."""
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]

    def call():
        for p in params:
            p.grad = None
        with autocast():
            logits = run(model)
        F.cross_entropy(logits.float(), torch.zeros(logits.shape[0], dtype=torch.long)).backward()
    return call


def alternate(calls, rounds, warmup):
    """Median seconds of each call, run alternately ``rounds`` times after ``warmup``."""
    for _ in range(warmup):
        for call in calls:
            call()
    times = [[] for _ in calls]
    for _ in range(rounds):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            call()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def top_operators(call, count):
    from torch.profiler import ProfilerActivity, profile
    call()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        call()
    return prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=count)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('family', choices=list(PAIRS))
    parser.add_argument('--official-repo', required=True,
                        help='checkout of MTLab/MorphMLP, zhouds1918/PosMLP_Video or '
                        'Francis-Rings/ILA')
    parser.add_argument('--precision', nargs='+', default=['fp32', 'bf16-autocast', 'bf16'],
                        choices=['fp32', 'bf16-autocast', 'bf16'])
    parser.add_argument('--mode', nargs='+', default=['infer', 'train'],
                        choices=['infer', 'train'])
    parser.add_argument('--cpu-gemm', choices=['default', 'blas', 'onednn'], default='default',
                        help='GEMM back end of our FCs (mmvideomlp.utils.cpu_gemm); default: '
                        "the package's default for this CPU")
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--frames', type=int, default=8, help='ILA only')
    parser.add_argument('--rounds', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--profile', type=int, nargs='?', const=15, default=0,
                        help='print the top N operators by self time of each side')
    args = parser.parse_args()
    torch.manual_seed(0)
    run_official, official, run_ours, ours = PAIRS[args.family](args.official_repo, args)
    backend = default_cpu_gemm() if args.cpu_gemm == 'default' else args.cpu_gemm
    set_cpu_gemm(ours, backend)

    peaks = {k: v / 1e9 for k, v in gemm_peak().items()}
    bf16_peaks = {k: v / 1e9 for k, v in gemm_peak(dtype=torch.bfloat16).items()}
    print(f'CPU: {cpu_model()}, {torch.get_num_threads()} threads, torch {torch.__version__}')
    print('GEMM peak GFLOP/s fp32: ' + ', '.join(f'{k} {v:.0f}' for k, v in peaks.items()) +
          '; bf16: ' + ', '.join(f'{k} {v:.0f}' for k, v in bf16_peaks.items()))
    print(f'{args.family}, batch {args.batch}, our FCs on {backend}, medians of {args.rounds} '
          'alternating rounds')
    print(f'| precision | mode | official (s) | ours (s) | official / ours |')
    print('|---|---|---|---|---|')
    off = contextlib.nullcontext
    autocast = lambda: torch.autocast('cpu', dtype=torch.bfloat16)  # noqa: E731
    for precision in args.precision:
        theirs_ctx = autocast if precision != 'fp32' else off
        ours_model, ours_ctx = ours, theirs_ctx
        if precision == 'bf16':
            ours_model, ours_ctx = to_bf16(copy.deepcopy(ours)), off
        for mode in args.mode:
            if precision == 'bf16' and mode == 'train':
                continue  # bf16 training is autocast: the bf16-autocast row
            make = inference if mode == 'infer' else training_step
            calls = [make(run_official, official, theirs_ctx),
                     make(run_ours, ours_model, ours_ctx)]
            t_official, t_ours = alternate(calls, args.rounds, args.warmup)
            print(f'| {precision} | {mode} | {t_official:.3f} | {t_ours:.3f} | '
                  f'{t_official / t_ours:.2f}x |', flush=True)
            if args.profile:
                for side, call in zip(('official', 'ours'), calls):
                    print(f'\n{side}, {precision}, {mode}: top operators by self time')
                    print(top_operators(call, args.profile))
    official.eval(), ours.eval()


if __name__ == '__main__':
    os.environ.setdefault('OMP_NUM_THREADS', str(os.cpu_count()))
    main()
