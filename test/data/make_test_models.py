"""Tiny ONNX encoders for the encoder/CLI tests (run with Debian's python3 + torch 1.13).

    /usr/bin/python3 test/data/make_test_models.py

tiny-dynamic.onnx  conv -> mean -> linear, 16-d, dynamic batch, fixed 3x32x32 (NCHW)
tiny-batch1.onnx   the same weights exported with a fixed batch of 1
spatial.onnx       conv only: output [B, 8, H, W] (rank 4, pooled by the engine), dynamic H, W
nan.onnx           log(mean(x) - 10): NaN for any image in [0, 1]
"""
import os
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 8, 3, padding=1)
        self.f = nn.Linear(8, 16)

    def forward(self, x):
        return self.f(torch.relu(self.c(x)).mean((2, 3)))


class Spatial(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        return self.c(x)


class Nan(nn.Module):
    def forward(self, x):
        return torch.log(x.mean((2, 3)) - 10)


def export(model, name, dynamic):
    x = torch.rand(2 if dynamic else 1, 3, 32, 32)
    axes = None
    if dynamic:
        axes = {'input': dynamic, 'embedding': {0: 'batch'}}
    torch.onnx.export(model.eval(), x, os.path.join(HERE, name), input_names=['input'],
                      output_names=['embedding'], dynamic_axes=axes, opset_version=13)


torch.manual_seed(0)
tiny = Tiny()
export(tiny, 'tiny-dynamic.onnx', {0: 'batch'})
export(tiny, 'tiny-batch1.onnx', None)
export(Spatial(), 'spatial.onnx', {0: 'batch', 2: 'h', 3: 'w'})
export(Nan(), 'nan.onnx', {0: 'batch'})
