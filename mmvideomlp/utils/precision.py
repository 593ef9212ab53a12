"""bf16 inference: the whole network in bfloat16, not autocast.

Autocast keeps the weights in fp32 and casts them (and every fp32 activation that meets a
GEMM) to bf16 at each call; residual sums of a bf16 branch and an fp32 stream come back as
fp32, so every block pays a round trip. For inference the weights never change, so the
network is cast once: parameters and buffers in bf16, the clip cast on entry to the
backbone, the scores returned as fp32. Normalisations and softmaxes of PyTorch's CPU kernels
accumulate bf16 inputs in fp32. The data preprocessor stays in fp32 (normalised pixels are
rounded once, on entry).
"""
import torch


def _inputs_to_bf16(module, args, kwargs):
    cast = [a.to(torch.bfloat16) if torch.is_tensor(a) and a.is_floating_point() else a
            for a in args]
    return tuple(cast), kwargs


def _outputs_to_fp32(module, args, kwargs, output):
    if torch.is_tensor(output) and output.is_floating_point():
        return output.float()
    if isinstance(output, (tuple, list)):
        return type(output)(o.float() if torch.is_tensor(o) and o.is_floating_point() else o
                            for o in output)
    return output


def to_bf16(model):
    """Cast ``model`` in place for bf16 inference and return it.

    A recognizer (with ``backbone``): every child except ``data_preprocessor`` is cast,
    the backbone casts its input clip to bf16 and every ``*_head`` returns fp32 scores. Any
    other module: cast whole, input cast on entry, output returned as fp32.
    """
    children = dict(model.named_children())
    if 'backbone' not in children:
        model.to(torch.bfloat16)
        model.register_forward_pre_hook(_inputs_to_bf16, with_kwargs=True)
        model.register_forward_hook(_outputs_to_fp32, with_kwargs=True)
        return model
    for name, child in children.items():
        if name == 'data_preprocessor':
            continue
        child.to(torch.bfloat16)
        if name == 'backbone':
            child.register_forward_pre_hook(_inputs_to_bf16, with_kwargs=True)
        elif name.endswith('head'):
            child.register_forward_hook(_outputs_to_fp32, with_kwargs=True)
    return model
