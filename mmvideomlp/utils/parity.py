"""Random weights for numerical comparisons against the official implementations
(``tools/analysis/*_parity.py``)."""
import torch


def randomise(model, special=None):
    """Fill every parameter and BatchNorm statistic of ``model`` with random values in place,
    so that no zero-initialised layer or identity hides a difference.

    Matrices get ``N(0, 0.05²)``, vectors ``N(0, 0.1²)`` (plus 1 for norm weights), running
    means ``N(0, 0.1²)`` and running variances ``U(0.5, 1.5)``.

    Args:
        model (nn.Module): The model.
        special (callable, optional): ``special(name, param)`` returning the tensor for a
            parameter that needs other values (``param`` itself keeps it), or None for the
            rule above.

    Returns:
        nn.Module: ``model``.
    """
    with torch.no_grad():
        for name, p in model.named_parameters():
            value = special(name, p) if special is not None else None
            if value is None:
                scale = 0.05 if p.dim() > 1 else 0.1
                value = torch.randn_like(p) * scale + (
                    1. if p.dim() == 1 and name.endswith('weight') else 0.)
            if value is not p:
                p.copy_(value)
        for name, b in model.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(torch.randn_like(b) * 0.1)
            elif name.endswith('running_var'):
                b.copy_(torch.rand_like(b) + 0.5)
    return model
