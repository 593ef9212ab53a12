"""ILA's CLIP towers: OpenAI checkpoints (TorchScript and state dict), a hand-written CLIP
reference, the tokenizer and the text branch."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmvideomlp.converters.ila import convert_official
from mmvideomlp.models.backbones.ila import ILAViT
from mmvideomlp.models.heads.ila_head import ILATextHead
from mmvideomlp.models.layers.clip_text_tower import CLIPTextTower
from mmvideomlp.utils.text import tokenize
from mmvideomlp.weights import read_checkpoint


def load_clip_state_dict(path):
    """An OpenAI CLIP file as this package's recognizer keys, and its metadata."""
    return convert_official(read_checkpoint(path))

TINY = dict(image_size=56, patch_size=14, width=64, layers=2, heads=2, embed_dim=32,
            text_width=64, text_layers=2, text_heads=1)


def openai_state_dict(seed=0):
    """A random state dict with OpenAI CLIP's key names (visual + text) for TINY."""
    g = torch.Generator().manual_seed(seed)

    def r(*shape, base=0.):
        return base + 0.1 * torch.randn(*shape, generator=g)

    W, Wt, E, grid = TINY['width'], TINY['text_width'], TINY['embed_dim'], 4
    sd = {'visual.class_embedding': r(W), 'visual.positional_embedding': r(grid * grid + 1, W),
          'visual.conv1.weight': r(W, 3, 14, 14), 'visual.ln_pre.weight': r(W, base=1),
          'visual.ln_pre.bias': r(W), 'visual.ln_post.weight': r(W, base=1),
          'visual.ln_post.bias': r(W), 'visual.proj': r(W, E), 'positional_embedding': r(77, Wt),
          'token_embedding.weight': r(49408, Wt), 'text_projection': r(Wt, E),
          'ln_final.weight': r(Wt, base=1), 'ln_final.bias': r(Wt),
          'logit_scale': torch.tensor(4.6052), 'input_resolution': torch.tensor(56),
          'context_length': torch.tensor(77), 'vocab_size': torch.tensor(49408)}
    for prefix, w, n in (('visual.transformer', W, 2), ('transformer', Wt, 2)):
        for i in range(n):
            b = f'{prefix}.resblocks.{i}.'
            sd.update({b + 'attn.in_proj_weight': r(3 * w, w), b + 'attn.in_proj_bias': r(3 * w),
                       b + 'attn.out_proj.weight': r(w, w), b + 'attn.out_proj.bias': r(w),
                       b + 'ln_1.weight': r(w, base=1), b + 'ln_1.bias': r(w),
                       b + 'ln_2.weight': r(w, base=1), b + 'ln_2.bias': r(w),
                       b + 'mlp.c_fc.weight': r(4 * w, w), b + 'mlp.c_fc.bias': r(4 * w),
                       b + 'mlp.c_proj.weight': r(w, 4 * w), b + 'mlp.c_proj.bias': r(w)})
    return sd


def reference_clip_image(sd, img, heads):
    """CLIP's image embedding written out from the paper's equations (pre-norm ViT)."""
    v = {k[len('visual.'):]: t for k, t in sd.items() if k.startswith('visual.')}
    x = F.conv2d(img, v['conv1.weight'], stride=14).flatten(2).transpose(1, 2)
    x = torch.cat([v['class_embedding'].expand(x.shape[0], 1, -1), x], 1)
    x = x + v['positional_embedding']
    ln = lambda t, n: F.layer_norm(t, t.shape[-1:], v[n + '.weight'], v[n + '.bias'])  # noqa
    x = ln(x, 'ln_pre')
    for i in range(2):
        b = f'transformer.resblocks.{i}.'
        h = ln(x, b + 'ln_1')
        q, k, val = (h @ v[b + 'attn.in_proj_weight'].T + v[b + 'attn.in_proj_bias']).chunk(3, -1)
        split = lambda t: t.reshape(t.shape[0], t.shape[1], heads, -1).transpose(1, 2)  # noqa
        q, k, val = split(q), split(k), split(val)
        a = ((q @ k.transpose(-1, -2)) / q.shape[-1]**0.5).softmax(-1) @ val
        a = a.transpose(1, 2).flatten(2)
        x = x + a @ v[b + 'attn.out_proj.weight'].T + v[b + 'attn.out_proj.bias']
        h = ln(x, b + 'ln_2') @ v[b + 'mlp.c_fc.weight'].T + v[b + 'mlp.c_fc.bias']
        h = h * torch.sigmoid(1.702 * h)  # QuickGELU
        x = x + h @ v[b + 'mlp.c_proj.weight'].T + v[b + 'mlp.c_proj.bias']
    return ln(x[:, 0], 'ln_post') @ v['proj']


class _Visual(nn.Module):
    """Holds tensors under OpenAI's names, to be traced into a TorchScript archive."""

    def __init__(self, sd):
        super().__init__()
        for key, value in sd.items():
            *path, leaf = key.split('.')
            module = self
            for part in path:
                if not hasattr(module, part):
                    module.add_module(part, nn.Module())
                module = getattr(module, part)
            if value.is_floating_point() and value.dim() > 0:
                module.register_parameter(leaf, nn.Parameter(value.half()))
            else:
                module.register_buffer(leaf, value)

    def forward(self, x):
        return x * self.logit_scale


@pytest.fixture(scope='module')
def clip_files(tmp_path_factory):
    root = tmp_path_factory.mktemp('clip')
    sd = openai_state_dict()
    plain = root / 'ViT-tiny.pth'
    torch.save(sd, plain)
    archive = root / 'ViT-tiny-jit.pt'
    torch.jit.save(torch.jit.trace(_Visual(sd), torch.ones(1)), str(archive))
    return sd, str(plain), str(archive)


def test_torchscript_and_state_dict_read_alike(clip_files):
    sd, plain, archive = clip_files
    (a, meta_a), (b, meta_b) = load_clip_state_dict(plain), load_clip_state_dict(archive)
    assert len(a) == len(sd) - 3  # input_resolution, context_length, vocab_size: metadata
    assert set(a) == set(b) and all(k.startswith(('backbone.', 'cls_head.')) for k in a)
    assert meta_a == meta_b == dict(input_resolution=56, context_length=77, vocab_size=49408,
                                    source='OpenAI CLIP')
    assert all(t.dtype == torch.float32 for t in b.values() if t.is_floating_point())
    # the archive stored fp16, as the released ones do
    torch.testing.assert_close(a['backbone.proj'], b['backbone.proj'], atol=1e-3, rtol=1e-3)
    torch.testing.assert_close(a['backbone.proj'], sd['visual.proj'])


def test_missing_checkpoint_names_the_file(tmp_path):
    missing = tmp_path / 'ViT-B-16.pt'
    model = ILAViT(arch=TINY, pretrained=str(missing))
    with pytest.raises(FileNotFoundError, match='ViT-B-16.pt.*ViT-B-32.pt'):
        model.init_weights()


def test_visual_tower_reproduces_hand_written_clip(clip_files):
    sd, plain, _ = clip_files
    model = ILAViT(arch=TINY, pretrained=plain, interactive_channels=16).eval()
    model.init_weights()
    img = torch.randn(2, 3, 3, 56, 56, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        _, frames = model(img)  # the skip projections are zero: the network is CLIP
        expected = reference_clip_image(sd, img.transpose(1, 2).flatten(0, 1), heads=2)
    torch.testing.assert_close(frames.transpose(1, 2).flatten(0, 1), expected, atol=1e-5,
                               rtol=1e-5)


def test_mismatched_clip_weights_are_refused_and_pos_embed_resized(clip_files, tmp_path):
    sd, _, _ = clip_files
    bad = dict(sd)
    bad['visual.proj'] = torch.zeros(64, 16)
    torch.save(bad, tmp_path / 'bad.pth')
    with pytest.raises(ValueError, match=r'(?s)does not fit.*shape mismatch.*proj: checkpoint'):
        ILAViT(arch=TINY, pretrained=str(tmp_path / 'bad.pth')).init_weights()
    # a 112-pixel model from the 56-pixel weights: the position grid 4x4 -> 8x8
    torch.save(sd, tmp_path / 'ok.pth')
    big = ILAViT(arch=dict(TINY, image_size=112), pretrained=str(tmp_path / 'ok.pth'))
    big.init_weights()
    assert big.positional_embedding.shape == (65, 64)
    assert [r[0] for r in big.load_report.resized] == ['positional_embedding']
    assert all(k.split('.')[3].startswith(('message_', 'temporal_')) for k in big.load_report.new)
    assert big.load_report.new and not big.load_report.missing
    torch.testing.assert_close(big.positional_embedding[0], sd['visual.positional_embedding'][0])


def test_tokenizer_round_trip():
    from mmseg.utils.tokenizer import _tokenizer
    names = ['abseiling', 'air drumming', 'playing didgeridoo', "tai chi"]
    tokens = tokenize(names)
    assert tokens.shape == (4, 77) and tokens.dtype == torch.long
    for name, row in zip(names, tokens):
        ids = row[row > 0].tolist()
        assert ids[0] == 49406 and ids[-1] == 49407  # SOT ... EOT, zero padded
        assert _tokenizer.decode(ids[1:-1]).strip() == name
    # ids of OpenAI's reference tokenizer (clip/simple_tokenizer.py) for these names
    assert tokens[1, :4].tolist() == [49406, 1922, 35480, 49407]
    assert tokens[3, :4].tolist() == [49406, 13040, 4039, 49407]


def test_text_branch_matches_text_tower_and_caches(clip_files, tmp_path):
    sd, plain, _ = clip_files
    names = ['moving left', 'moving right', 'growing']
    head = ILATextHead(3, 32, names, mit_frames=3, arch=TINY, pretrained=plain)
    head.init_weights()
    assert torch.equal(head.text_tokens, tokenize(names))
    tower = CLIPTextTower(64, 2, 1, 32)
    prefix = 'cls_head.text_encoder.'
    tower.load_state_dict({k[len(prefix):]: v for k, v in load_clip_state_dict(plain)[0].items()
                           if k.startswith(prefix)})
    with torch.no_grad():
        expected = tower(tokenize(names))
    feats = head.encode_text()
    torch.testing.assert_close(feats, expected)
    assert head.encode_text() is feats  # cached while frozen
    assert not feats.requires_grad and not head.logit_scale.requires_grad
    assert head.logit_scale.item() == pytest.approx(4.6052)
    head.load_state_dict(head.state_dict())  # new weights drop the cache
    assert head.text_features is None
    patches, frames = torch.randn(2, 64, 3, 4, 4), torch.randn(2, 32, 3)
    logits = head((patches, frames))
    assert logits.shape == (2, 3) and logits.abs().max() <= 100 + 1e-3
