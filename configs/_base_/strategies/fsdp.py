# Training with mmengine's FlexibleRunner and FSDP (FullyShardedDataParallel), fp32: each
# rank keeps 1/N of the parameters, gradients and optimizer state; every residual block of
# the package's four families (MorphBlock, PosMLPBlock, AffineShiftBlock, ILABlock) is its
# own FSDP unit, gathered only while it runs. PlainGroupsFSDPStrategy is mmengine's
# FSDPStrategy with the optimizer's parameter groups built before sharding (see its
# docstring). A config including this file also sets
#   optim_wrapper = dict(type='ShardedClipOptimWrapper', ...)   (clip_grad on the whole norm)
# Checkpoints are whole state dicts written by rank 0, readable by tools/test.py.
# Activation checkpointing of every block (instead of the backbone's with_cp):
#   --cfg-options strategy.activation_checkpointing.check_fn=video_block_checkpoint_fn
runner_type = 'FlexibleRunner'
strategy = dict(
    type='PlainGroupsFSDPStrategy',
    model_wrapper=dict(
        type='MMFullyShardedDataParallel',
        auto_wrap_policy=dict(type='video_block_wrap_policy'),
        use_orig_params=True),
    state_dict_cfg='full')
