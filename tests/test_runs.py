"""Training runs and checkpoints: checked loading, resuming (exactly), bf16 autocast on CPU.

In-process runs use :class:`mmvideomlp.engine.CheckedRunner` (what tools/train.py and
tools/test.py build); a few checks go through the tools themselves."""
import glob
import math
import os
import os.path as osp
import shutil

import pytest
import torch
from mmengine.config import Config
from tiny_runs import CONFIGS, cli, tiny_options
from tool_runner import REPO, run_tool, training_log

from mmvideomlp.engine import CheckpointMismatchError, CPUAmpOptimWrapper, cpu_bf16_supported
from mmvideomlp.utils.inference import classify_video
from mmvideomlp.utils.launch import build_runner, enable_amp

FAMILIES = tuple(CONFIGS)


@pytest.fixture(scope='module')
def tiny(synthetic_videos, tmp_path_factory):
    """(dataset root, folder of 4-video lists)."""
    lists = str(tmp_path_factory.mktemp('lists'))
    for split in ('train', 'val', 'test'):
        with open(osp.join(synthetic_videos, f'{split}_list.txt')) as f:
            rows = f.readlines()[:4]
        with open(osp.join(lists, f'{split}_list.txt'), 'w') as f:
            f.writelines(rows)
    return synthetic_videos, lists


def make_cfg(family, tiny, work_dir, validate=False, **options):
    cfg = Config.fromfile(osp.join(REPO, CONFIGS[family]))
    cfg.merge_from_dict({**tiny_options(family, *tiny), 'train_cfg.max_epochs': 2,
                         'train_cfg.val_interval': 100, **options})
    if not validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{family}_{osp.basename(str(work_dir))}'
    cfg.randomness = dict(seed=0)
    return cfg


def run_log(work_dir):
    """The text log of the latest run in ``work_dir``."""
    with open(sorted(glob.glob(osp.join(str(work_dir), '*', '*.log')))[-1]) as f:
        return f.read()


@pytest.fixture(scope='module')
def morph_run(tiny, tmp_path_factory):
    """A tiny MorphMLP trained 2 epochs (2 iterations each): epoch_1.pth, epoch_2.pth."""
    work = tmp_path_factory.mktemp('morph')
    build_runner(make_cfg('morphmlp', tiny, work)).train()
    return str(work)


# --- checkpoints that do not fit the model ------------------------------------------------


def test_tools_test_refuses_another_familys_checkpoint(tiny, morph_run, tmp_path):
    ckpt = osp.join(morph_run, 'epoch_2.pth')
    args = ['tools/test.py', CONFIGS['posmlp'], ckpt, '--work-dir', str(tmp_path),
            '--cfg-options', *cli(tiny_options('posmlp', *tiny))]
    with pytest.raises(AssertionError) as failure:
        run_tool(*args)
    out = str(failure.value)
    assert 'CheckpointMismatchError: cannot load checkpoint ' + ckpt in out
    assert 'does not match the model Recognizer3D (backbone PosMLP, cls_head TokenNormHead) ' \
        'of configs/posmlp_synthetic.py' in out
    assert 'keys of other shapes' in out and 'checkpoint keys unknown to the model' in out
    assert ('shape:      backbone.patch_embed1.proj1.weight: checkpoint (16, 3, 3, 3, 3), '
            'model (16, 3, 1, 3, 3)') in out
    assert '--allow-partial' in out and 'final metrics' not in out
    # asked for explicitly, a partial load runs and says what it left out (here in bf16)
    out = run_tool(*args[:5], '--allow-partial', '--amp', *args[5:])
    assert f'partial load of {ckpt}: ' in out and 'final metrics: {"acc/top1"' in out


def test_test_refuses_a_checkpoint_with_another_number_of_classes(tiny, morph_run, tmp_path):
    cfg = make_cfg('morphmlp', tiny, tmp_path, **{'model.cls_head.num_classes': 5})
    cfg.load_from = osp.join(morph_run, 'epoch_2.pth')
    with pytest.raises(CheckpointMismatchError) as failure:
        build_runner(cfg).test()
    message = str(failure.value)
    assert message.startswith(f'cannot load checkpoint {cfg.load_from}: it does not match the '
                              'model Recognizer3D (backbone MorphMLP, cls_head TokenNormHead)')
    assert '2 keys of other shapes, 0 model keys missing from the checkpoint, 0 checkpoint ' \
        'keys unknown to the model' in message
    assert 'shape:      cls_head.fc_cls.weight: checkpoint (10, 256), model (5, 256)' in message
    assert 'shape:      cls_head.fc_cls.bias: checkpoint (10), model (5)' in message


def test_demo_refuses_a_checkpoint_of_another_model(tiny, morph_run):
    cfg = Config.fromfile(osp.join(REPO, CONFIGS['vast']))
    video = osp.join(tiny[0], 'videos', 'test', sorted(os.listdir(
        osp.join(tiny[0], 'videos', 'test')))[0])
    labels = [str(i) for i in range(10)]
    with pytest.raises(CheckpointMismatchError, match='cannot load checkpoint .*epoch_2.pth: '
                       r'it does not match the model Recognizer3D \(backbone VAST'):
        classify_video(cfg, osp.join(morph_run, 'epoch_2.pth'), video, labels)


def test_load_from_refuses_an_unrelated_checkpoint_unless_the_head_is_dropped(
        tiny, morph_run, tmp_path):
    ckpt = osp.join(morph_run, 'epoch_2.pth')
    cfg = make_cfg('vast', tiny, tmp_path / 'vast', load_from=ckpt)
    with pytest.raises(CheckpointMismatchError, match='cannot load checkpoint .* model '
                       r'Recognizer3D \(backbone VAST'):
        build_runner(cfg).train()
    # fine-tuning with a new head (5 classes): the explicit, documented partial load
    cfg = make_cfg('morphmlp', tiny, tmp_path / 'tune', load_from=ckpt,
                   load_from_exclude=['cls_head.'],
                   **{'model.cls_head.num_classes': 5, 'train_cfg.max_epochs': 1})
    build_runner(cfg).train()
    log = run_log(tmp_path / 'tune')
    assert "4 model keys under ['cls_head.'] keep their initialisation" in log
    assert f'Load checkpoint from {ckpt}' in log and osp.isfile(tmp_path / 'tune/epoch_1.pth')


def test_resume_from_another_models_checkpoint_names_the_mismatch(tiny, morph_run, tmp_path):
    cfg = make_cfg('posmlp', tiny, tmp_path, resume=True,
                   load_from=osp.join(morph_run, 'epoch_2.pth'))
    with pytest.raises(CheckpointMismatchError) as failure:
        build_runner(cfg).train()
    message = str(failure.value)
    assert message.startswith('cannot resume from checkpoint ')
    assert 'A run can only resume from a checkpoint of the same model' in message


def test_resume_without_checkpoint_stops_unless_asked_to_start(tiny, tmp_path):
    work = str(tmp_path / 'empty')
    with pytest.raises(AssertionError) as failure:
        run_tool('tools/train.py', CONFIGS['morphmlp'], '--work-dir', work, '--resume',
                 '--cfg-options', *cli(tiny_options('morphmlp', *tiny)))
    assert (f'FileNotFoundError: --resume: no checkpoint to resume from in the work directory '
            f'{work}') in str(failure.value)
    assert '--resume-or-start' in str(failure.value)
    assert not glob.glob(osp.join(work, '*.pth'))

    cfg = make_cfg('morphmlp', tiny, work, resume=True, resume_or_start=True,
                   **{'train_cfg.max_epochs': 1})
    build_runner(cfg).train()
    assert 'training starts from scratch (resume_or_start)' in run_log(work)
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_auto_resume_falls_back_past_a_truncated_checkpoint(tiny, morph_run, tmp_path):
    work = str(tmp_path / 'work')
    shutil.copytree(morph_run, work, ignore=shutil.ignore_patterns('2*'))
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work, 'epoch_2.pth'))
    size = os.path.getsize(osp.join(work, 'epoch_2.pth'))
    with open(osp.join(work, 'epoch_2.pth'), 'r+b') as f:  # killed while saving
        f.truncate(size // 2)
    cfg = make_cfg('morphmlp', tiny, work, resume=True)
    build_runner(cfg).train()
    log = run_log(work)
    assert f'cannot read checkpoint {work}/epoch_2.pth: RuntimeError' in log
    assert 'Trying the previous checkpoint.' in log
    assert 'resumed epoch: 1, iter: 2' in log
    assert f'Auto resumed from the latest readable checkpoint {work}/epoch_1.pth' in log
    torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)  # saved again, whole


# --- exact resume ---------------------------------------------------------------------------


@pytest.mark.parametrize('family', FAMILIES)
def test_resumed_run_repeats_the_uninterrupted_run_exactly(family, tiny, tmp_path):
    """3 epochs in one go, and epoch 3 again from epoch_2.pth: same losses, same weights,
    with persistent data workers, validation every epoch and the heads' dropout."""
    options = {'train_cfg.max_epochs': 3, 'train_cfg.val_interval': 1,
               'train_dataloader.num_workers': 2, 'train_dataloader.persistent_workers': True}
    whole, resumed = tmp_path / 'whole', tmp_path / 'resumed'
    build_runner(make_cfg(family, tiny, whole, validate=True, **options)).train()
    build_runner(make_cfg(family, tiny, resumed, validate=True, resume=True,
                          load_from=str(whole / 'epoch_2.pth'), **options)).train()

    def epoch3(work):
        return [(r['step'], r['loss']) for r in training_log(str(work))
                if 'loss' in r and r['step'] > 4]

    assert epoch3(whole) == epoch3(resumed) and len(epoch3(whole)) == 2
    a = torch.load(whole / 'epoch_3.pth', weights_only=False)['state_dict']
    b = torch.load(resumed / 'epoch_3.pth', weights_only=False)['state_dict']
    assert a.keys() == b.keys()
    assert [k for k in a if not torch.equal(a[k], b[k])] == []


# --- mixed precision on CPU -----------------------------------------------------------------


def test_heads_compute_their_loss_in_fp32_from_bf16_scores():
    from mmaction.models.heads import I3DHead
    from mmaction.structures import ActionDataSample

    from mmvideomlp.models.heads import TokenNormHead
    samples = [ActionDataSample().set_gt_label(i) for i in (1, 3)]
    for head in (I3DHead(10, 16), TokenNormHead(10, 16)):
        scores = torch.randn(2, 10).bfloat16()
        with torch.autocast('cpu', dtype=torch.bfloat16):
            losses = head.loss_by_feat(scores, samples)
        assert losses['loss_cls'].dtype == torch.float32
        expected = torch.nn.functional.cross_entropy(scores.float(), torch.tensor([1, 3]))
        torch.testing.assert_close(losses['loss_cls'], expected)
        predicted = head.predict_by_feat(scores, [ActionDataSample() for _ in range(2)])
        assert predicted[0].pred_score.dtype == torch.float32


def test_tools_train_amp_on_cpu_trains_in_bf16(tiny, tmp_path):
    """bf16 where the CPU has bf16 instructions; elsewhere fp32, and the log says why."""
    out = run_tool('tools/train.py', CONFIGS['vast'], '--work-dir', str(tmp_path), '--amp',
                   '--cfg-options', *cli(tiny_options('vast', *tiny)), 'train_cfg.max_epochs=1')
    if cpu_bf16_supported():
        assert "type='CPUAmpOptimWrapper'" in out and "dtype='bfloat16'" in out
    else:
        assert '--amp: this CPU has no native bf16 support' in out
        assert 'running in fp32 instead' in out and 'CPUAmpOptimWrapper' not in out
    losses = [r['loss'] for r in training_log(str(tmp_path)) if 'loss' in r]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses)


@pytest.mark.skipif(not cpu_bf16_supported(), reason='no native bf16 on this CPU')
@pytest.mark.parametrize('family', FAMILIES)
def test_100_bf16_iterations_on_cpu_without_nan(family, tiny, tmp_path):
    cfg = make_cfg(family, tiny, tmp_path, **{'default_hooks.logger.interval': 50})
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=100, val_interval=10**6)
    cfg.train_dataloader.sampler = dict(type='InfiniteSampler', shuffle=True)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=10**6,
                                        save_last=False)
    runner = build_runner(enable_amp(cfg))
    dtypes = set()
    runner.model.cls_head.register_forward_hook(lambda m, i, out: dtypes.add(out.dtype))
    runner.train()
    assert isinstance(runner.optim_wrapper, CPUAmpOptimWrapper)
    assert dtypes == {torch.bfloat16}  # the logits: autocast was on
    losses = runner.message_hub.log_scalars['train/loss'].data[0]
    assert len(losses) == 100 and all(math.isfinite(x) for x in losses), losses
