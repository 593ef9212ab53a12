# VAST-S with mmengine's FlexibleRunner and FSDP, bfloat16
# (configs/_base_/strategies/fsdp_bf16.py):
# one FSDP unit per AffineShiftBlock.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['vast/vast-s_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py', '_base_/strategies/fsdp_bf16.py']

strategy = dict(model_wrapper=dict(auto_wrap_policy=dict(block_types=['AffineShiftBlock'])))
optim_wrapper = dict(
    _delete_=True,
    type='ShardedClipOptimWrapper',
    optimizer=_base_.optim_wrapper.optimizer)
