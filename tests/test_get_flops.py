"""tools/analysis/get_flops.py against counts worked out by hand."""
import textwrap

from tool_runner import run_tool

TOY = '''
import torch.nn as nn
from mmvideomlp import register_model


@register_model
class FlopsToyBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 8, (1, 3, 3), padding=(0, 1, 1), bias=False)

    def forward(self, x):
        return self.conv(x)
'''

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmvideomlp', 'flops_toy'], allow_failed_imports=False)
model = dict(
    type='Recognizer3D',
    backbone=dict(type='FlopsToyBackbone'),
    cls_head=dict(type='I3DHead', num_classes=5, in_channels=8, dropout_ratio=0.))
'''


def test_get_flops_matches_hand_count(tmp_path):
    (tmp_path / 'flops_toy.py').write_text(TOY)
    config = tmp_path / 'toy.py'
    config.write_text(textwrap.dedent(CONFIG))
    out = run_tool('tools/analysis/get_flops.py', str(config), '--shape', '3', '4', '8', '8',
                   env=dict(PYTHONPATH=str(tmp_path)))
    # conv: 8 output channels x 4 x 8 x 8 positions x (3 x 1 x 3 x 3) multiply-adds
    conv = 8 * 4 * 8 * 8 * 27
    # head: average pooling (not counted) and an 8 -> 5 linear layer
    linear = 8 * 5
    params = 8 * 3 * 3 * 3 + 8 * 5 + 5
    assert f'({conv + linear:,})' in out.split('FLOPs per view:')[1].splitlines()[0]
    assert f'backbone: 0.000 G ({conv:,})' in out
    assert f'Params: 0.00 M ({params:,})' in out
    assert 'Input shape (one view): (3, 4, 8, 8)' in out
