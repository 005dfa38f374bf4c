// The PyTorch modules an exported script defines beyond torch.nn (emitted only when a layer uses them), and
// torch.nn's module for each playground activation.
import type { Activation } from '../activations';

/** Python class definitions, emitted only when a layer uses them. */
export const HELPERS: Record<string, string> = {
  Standardize: `class Standardize(nn.Module):
    """(x - mean) / std over the last axis, with the statistics the playground computed on the training data."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32))
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32))

    def forward(self, x):
        return (x - self.mean) / self.std`,
  ChannelsFirst: `class ChannelsFirst(nn.Module):
    """NHWC (the playground's and Keras's image layout) to NCHW (PyTorch's)."""

    def forward(self, x):
        return x.permute(0, 3, 1, 2)`,
  ChannelsLast: `class ChannelsLast(nn.Module):
    """NCHW back to NHWC."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1)`,
  FlattenChannelsLast: `class FlattenChannelsLast(nn.Module):
    """Flattens NCHW in NHWC order, the order the next Dense kernel's rows were trained in."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1)`,
  MaxPool2dSame: `class MaxPool2dSame(nn.Module):
    """TensorFlow's 'same' max pooling: padded cells (-inf) never win; the odd pixel pads bottom/right."""

    def __init__(self, kernel_size, stride, padding):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding  # padding: (left, right, top, bottom)

    def forward(self, x):
        return F.max_pool2d(F.pad(x, self.padding, value=float('-inf')), self.kernel_size, self.stride)`,
  AvgPool2dSame: `class AvgPool2dSame(nn.Module):
    """TensorFlow's 'same' average pooling: the mean over each window's cells inside the image."""

    def __init__(self, kernel_size, stride, padding):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding  # padding: (left, right, top, bottom)

    def forward(self, x):
        inside = F.pad(torch.ones_like(x[:1, :1]), self.padding)
        return F.avg_pool2d(F.pad(x, self.padding), self.kernel_size, self.stride) / F.avg_pool2d(inside, self.kernel_size, self.stride)`,
  Step: `class Step(nn.Module):
    """1 where x > 0, else 0 (no gradient, as in the playground)."""

    def forward(self, x):
        return (x > 0).to(x.dtype)`,
};

/** The module for an activation; `channelsFirst` moves softmax's axis (the channels) to dim 1. */
export function activationModule(act: Activation, channelsFirst: boolean, used: Set<string>): string {
  switch (act) {
    case 'linear':
      return 'nn.Identity()';
    case 'relu':
      return 'nn.ReLU()';
    case 'leaky_relu':
      return 'nn.LeakyReLU(0.2)';
    case 'elu':
      return 'nn.ELU(1.0)';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'softplus':
      return 'nn.Softplus()';
    case 'swish':
      return 'nn.SiLU()';
    case 'softmax':
      return `nn.Softmax(dim=${channelsFirst ? 1 : -1})`;
    case 'step':
      used.add('Step');
      return 'Step()';
  }
}
