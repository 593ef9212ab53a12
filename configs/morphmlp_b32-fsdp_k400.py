# MorphMLP-B32 with mmengine's FlexibleRunner and FSDP, bfloat16
# (configs/_base_/strategies/fsdp_bf16.py):
# one FSDP unit per MorphBlock.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['morphmlp/morphmlp-b_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py', '_base_/strategies/fsdp_bf16.py']

strategy = dict(model_wrapper=dict(auto_wrap_policy=dict(block_types=['MorphBlock'])))
# the recipe's optimizer and clipping, on the whole gradient norm; bf16 needs no loss scaling
optim_wrapper = dict(_base_.optim_wrapper, _delete_=True, type='ShardedClipOptimWrapper')
del optim_wrapper['loss_scale']
