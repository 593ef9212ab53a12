# VAST-S with mmengine's FlexibleRunner and DeepSpeed ZeRO-2, bfloat16
# (configs/_base_/strategies/deepspeed_zero2.py). Needs CUDA GPUs and deepspeed.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['vast/vast-s_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py', '_base_/strategies/deepspeed_zero2.py']

optim_wrapper = dict(
    _delete_=True,
    type='DeepSpeedOptimWrapper',
    optimizer=_base_.optim_wrapper.optimizer)
