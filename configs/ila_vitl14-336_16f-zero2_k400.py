# ILA ViT-L/14@336 with mmengine's FlexibleRunner and DeepSpeed ZeRO-2, bfloat16
# (configs/_base_/strategies/deepspeed_zero2.py). Needs CUDA GPUs and deepspeed.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['ila/ila-vit-large-p14-res336_clip-pre_8xb8-u16-50e_kinetics400-rgb.py', '_base_/strategies/deepspeed_zero2.py']

strategy = dict(gradient_accumulation_steps=_base_.optim_wrapper.accumulative_counts)
optim_wrapper = dict(
    _delete_=True,
    type='DeepSpeedOptimWrapper',
    constructor='ILAOptimWrapperConstructor',
    optimizer=_base_.optim_wrapper.optimizer,
    paramwise_cfg=_base_.optim_wrapper.paramwise_cfg)
