"""Gradient-norm clipping when every rank holds a shard of the gradients (FSDP)."""
import torch
import torch.distributed as dist
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class ShardedClipOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``clip_grad=dict(max_norm=...)`` uses the norm of the whole
    gradient when the gradients are sharded over the ranks.

    Under ``FSDPStrategy`` (``FULL_SHARD`` or ``SHARD_GRAD_OP``, mmengine's default
    ``use_orig_params=True``) each rank's ``param.grad`` is its own shard, so the plain
    wrapper would clip every shard by its local norm. Here the ``norm_type`` powers of the
    local norms are summed over the ranks first (the maximum for ``inf``), giving the same
    clipping as one process with the whole batch. Without a process group it is the plain
    wrapper. Value clipping (``type='value'``) is element-wise and needs nothing more.
    """

    def _clip_grad(self):
        if self.clip_func is not torch.nn.utils.clip_grad_norm_ or not (
                dist.is_available() and dist.is_initialized()):
            return super()._clip_grad()
        max_norm = float(self.clip_grad_kwargs['max_norm'])
        norm_type = float(self.clip_grad_kwargs.get('norm_type', 2.0))
        grads = [p.grad for group in self.optimizer.param_groups for p in group['params']
                 if p.requires_grad and p.grad is not None]
        local = [g.detach().float().norm(norm_type) for g in grads]
        if norm_type == float('inf'):
            total = torch.stack(local).max() if local else torch.zeros(())
            dist.all_reduce(total, op=dist.ReduceOp.MAX)
        else:
            total = torch.stack([n ** norm_type for n in local]).sum() if local \
                else torch.zeros(())
            dist.all_reduce(total)
            total = total ** (1.0 / norm_type)
        coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.detach().mul_(coef.to(g.device, g.dtype))
        self.message_hub.update_scalar(f'train/{self.grad_name}', float(total))
