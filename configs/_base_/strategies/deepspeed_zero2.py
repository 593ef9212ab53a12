# Training with mmengine's FlexibleRunner and DeepSpeed ZeRO stage 2 (optimizer state and
# gradients partitioned over the ranks), bfloat16. Needs CUDA GPUs and `pip install deepspeed`.
# A config including this file also sets
#   optim_wrapper = dict(type='DeepSpeedOptimWrapper', optimizer=..., paramwise_cfg=...)
# and strategy.gradient_clipping (DeepSpeed clips on the whole gradient norm). The
# micro-batch per GPU is the train_dataloader's batch_size; accumulation:
# strategy.gradient_accumulation_steps.
runner_type = 'FlexibleRunner'
strategy = dict(
    type='DeepSpeedStrategy',
    bf16=dict(enabled=True),
    inputs_to_half=['inputs'],
    zero_optimization=dict(
        stage=2,
        allgather_partitions=True,
        allgather_bucket_size=int(2e8),
        reduce_scatter=True,
        reduce_bucket_size=int(2e8),
        overlap_comm=True,
        contiguous_gradients=True))
