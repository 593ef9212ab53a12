# ILA ViT-L/14@336 with mmengine's FlexibleRunner and FSDP, bfloat16
# (configs/_base_/strategies/fsdp_bf16.py):
# one FSDP unit per ILABlock.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['ila/ila-vit-large-p14-res336_clip-pre_8xb8-u16-50e_kinetics400-rgb.py', '_base_/strategies/fsdp_bf16.py']

# CLIP's LayerNorm computes in fp32: its weights stay fp32 (BatchNorm too, FSDP's default)
strategy = dict(
    model_wrapper=dict(
        auto_wrap_policy=dict(block_types=['ILABlock']),
        mixed_precision=dict(fp32_modules=['LayerNorm', '_BatchNorm'])))
# the recipe's optimizer, parameter groups and accumulation
optim_wrapper = dict(_base_.optim_wrapper, _delete_=True, type='ShardedClipOptimWrapper')
