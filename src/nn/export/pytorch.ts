// exportPyTorch: a self-contained Python script (torch + NumPy) that rebuilds the model with its trained weights
// and optimizer state. Contract: importing it defines build_model(), a torch.nn.Module in eval mode whose output
// for a float32 batch (NHWC images, as the playground) equals model.predict's; running it trains further and
// prints the test accuracy.
//
// Layout: the playground keeps Keras's (Dense kernel [in, out], Conv2D kernel [kh, kw, in, out], NHWC); PyTorch's
// Linear is [out, in], Conv2d [out, in, kh, kw] on NCHW. The module permutes to NCHW before the first convolution
// or pooling and back before Flatten, so the next Dense kernel's rows keep the playground's (NHWC) order.
// 'same' padding is TensorFlow's: the odd pixel goes after (bottom/right), which torch's symmetric padding cannot say.
import type { Activation } from '../activations';
import type { Sequential } from '../sequential';
import { samePadBefore } from '../../engine/shape';
import { LIVE_MASK_SLOT } from '../../engine/backend/backend';
import { describeForExport, type ExportedLayer, type ExportedModel, type ExportOptions } from './exported-model';
import { ARRAY_HELPER, dataSection, layerTable, py, pyArray, pythonFileName, pyTuple } from './python';
import { activationModule, HELPERS } from './pytorch-modules';

/** Where each weight goes in the Network module and how its layout changes. */
interface ParameterRow {
  name: string;
  target: string;
  layout: 'dense_kernel' | 'conv_kernel' | 'plain';
  l1: number;
  l2: number;
  trainable: boolean;
}

/** TensorFlow 'same' padding as F.pad's (left, right, top, bottom), or null when none is needed. */
function samePadding(inputShape: number[], kernel: [number, number], strides: [number, number]): number[] | null {
  const pads = [0, 1].map((axis) => {
    const size = inputShape[axis];
    const out = Math.ceil(size / strides[axis]);
    const total = Math.max((out - 1) * strides[axis] + kernel[axis] - size, 0);
    const before = samePadBefore(size, kernel[axis], strides[axis]);
    return [before, total - before];
  });
  const padding = [...pads[1], ...pads[0]];
  return padding.some((p) => p > 0) ? padding : null;
}

interface Built {
  body: [string, string][];
  outputActivation: string;
  parameters: ParameterRow[];
  helpers: Set<string>;
}

function buildModules(m: ExportedModel): Built {
  const body: [string, string][] = [];
  const parameters: ParameterRow[] = [];
  const helpers = new Set<string>();
  let channelsFirst = false;
  let outputActivation = 'nn.Identity()';
  const use = (helper: string): void => void helpers.add(helper);
  const toChannelsFirst = (): void => {
    if (channelsFirst) return;
    use('ChannelsFirst');
    body.push(['to_channels_first', 'ChannelsFirst()']);
    channelsFirst = true;
  };
  if (m.preprocessing) {
    use('Standardize');
    body.push(['standardize', `Standardize(${py(m.preprocessing.mean)}, ${py(m.preprocessing.std)})`]);
  }
  const addParams = (l: ExportedLayer, kernelLayout: ParameterRow['layout']): void => {
    const reg = (key: string): { l1: number; l2: number } => {
      const r = l.config[key] as { l1?: number; l2?: number } | undefined;
      return { l1: r?.l1 ?? 0, l2: r?.l2 ?? 0 };
    };
    parameters.push({ name: `${l.name}/kernel`, target: `body.${l.id}.weight`, layout: kernelLayout, ...reg('kernelRegularizer'), trainable: l.trainable });
    if (l.config.useBias) parameters.push({ name: `${l.name}/bias`, target: `body.${l.id}.bias`, layout: 'plain', ...reg('biasRegularizer'), trainable: l.trainable });
  };
  const activation = (l: ExportedLayer, act: Activation, last: boolean): void => {
    if (last) outputActivation = activationModule(act, false, helpers);
    else if (act !== 'linear') body.push([`${l.id}_${act}`, activationModule(act, channelsFirst, helpers)]);
  };
  m.layers.forEach((l, i) => {
    const last = i === m.layers.length - 1;
    const c = l.config;
    switch (l.type) {
      case 'Dense':
        body.push([l.id, `nn.Linear(${l.inputShape[0]}, ${c.units}, bias=${py(c.useBias)})`]);
        addParams(l, 'dense_kernel');
        activation(l, c.activation as Activation, last);
        break;
      case 'Conv2D': {
        toChannelsFirst();
        const kernel = c.kernelSize as [number, number];
        const strides = c.strides as [number, number];
        const pad = c.padding === 'same' ? samePadding(l.inputShape, kernel, strides) : null;
        if (pad) body.push([`${l.id}_pad`, `nn.ZeroPad2d(${pyTuple(pad)})`]);
        body.push([l.id, `nn.Conv2d(${l.inputShape[2]}, ${c.filters}, kernel_size=${pyTuple(kernel)}, stride=${pyTuple(strides)}, bias=${py(c.useBias)})`]);
        addParams(l, 'conv_kernel');
        activation(l, c.activation as Activation, last);
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        toChannelsFirst();
        const size = c.poolSize as [number, number];
        const strides = c.strides as [number, number];
        const pad = c.padding === 'same' ? samePadding(l.inputShape, size, strides) : null;
        const max = l.type === 'MaxPooling2D';
        if (pad) {
          const helper = max ? 'MaxPool2dSame' : 'AvgPool2dSame';
          use(helper);
          body.push([l.id, `${helper}(${pyTuple(size)}, ${pyTuple(strides)}, ${pyTuple(pad)})`]);
        } else {
          body.push([l.id, `nn.${max ? 'MaxPool2d' : 'AvgPool2d'}(${pyTuple(size)}, stride=${pyTuple(strides)})`]);
        }
        break;
      }
      case 'Flatten':
        if (channelsFirst) {
          use('FlattenChannelsLast');
          body.push([l.id, 'FlattenChannelsLast()']);
          channelsFirst = false;
        } else {
          body.push([l.id, 'nn.Flatten()']);
        }
        break;
      case 'Dropout':
        body.push([l.id, `nn.Dropout(${c.rate})`]);
        break;
      case 'Activation':
        activation(l, c.activation as Activation, last);
        break;
      default:
        throw new Error(`exportPyTorch: layer "${l.name}" of type ${l.type} has no PyTorch counterpart here`);
    }
  });
  if (channelsFirst) {
    use('ChannelsLast');
    body.push(['to_channels_last', 'ChannelsLast()']);
  }
  return { body, outputActivation, parameters, helpers };
}

/** The loss on `out` (the logits when the last activation is folded in, as the playground computes it). */
function lossCode(m: ExportedModel, fromLogits: boolean): string {
  switch (m.compile?.loss) {
    case 'mse':
      return 'F.mse_loss(out, y)';
    case 'mae':
      return 'F.l1_loss(out, y)';
    case 'huber':
      return 'F.huber_loss(out, y, delta=1.0)';
    case 'binary_crossentropy':
      return fromLogits ? 'F.binary_cross_entropy_with_logits(out, y)' : 'F.binary_cross_entropy(out.clamp(1e-7, 1 - 1e-7), y)';
    case 'categorical_crossentropy':
      return fromLogits ? '-(y * F.log_softmax(out, dim=-1)).sum(-1).mean()' : '-(y * out.clamp(1e-7, 1).log()).sum(-1).mean()';
    case 'sparse_categorical_crossentropy':
      return fromLogits ? 'F.cross_entropy(out, y.long())' : 'F.nll_loss(out.clamp(1e-7, 1).log(), y.long())';
    default:
      return "_not_compiled('loss')";
  }
}

function optimizerCode(m: ExportedModel): string {
  const o = m.compile?.optimizer;
  if (!o) return "_not_compiled('optimizer')";
  // PyTorch's names for the same updates; the epsilon placement of RMSprop and Adagrad differs slightly
  // (sqrt(s) + eps in PyTorch, sqrt(s + eps) in the playground).
  switch (o.kind) {
    case 'sgd':
      return `torch.optim.SGD(parameters, lr=${o.learningRate}, momentum=${o.momentum}, nesterov=${py(o.nesterov)})`;
    case 'rmsprop':
      return `torch.optim.RMSprop(parameters, lr=${o.learningRate}, alpha=${o.rho}, eps=${o.epsilon})`;
    case 'adam':
      return `torch.optim.Adam(parameters, lr=${o.learningRate}, betas=(${o.beta1}, ${o.beta2}), eps=${o.epsilon})`;
    case 'adagrad':
      return `torch.optim.Adagrad(parameters, lr=${o.learningRate}, initial_accumulator_value=${o.initialAccumulatorValue}, eps=${o.epsilon})`;
  }
}

/** The PyTorch state entry each playground slot fills, and how (SGD's velocity v is -lr times torch's buffer). */
const TORCH_SLOTS: Record<string, string> = {
  'sgd/velocity': "('momentum_buffer', -1 / LEARNING_RATE)",
  'rmsprop/meanSquare': "('square_avg', 1)",
  'adam/m': "('exp_avg', 1)",
  'adam/v': "('exp_avg_sq', 1)",
  'adagrad/accumulator': "('sum', 1)",
};

function accuracyCode(m: ExportedModel): string {
  const loss = m.compile?.loss;
  const units = m.outputShape[m.outputShape.length - 1];
  if (loss === 'sparse_categorical_crossentropy') return '(pred.argmax(-1) == y.long()).float().mean().item()';
  if (loss === 'binary_crossentropy' || units === 1) return '((pred >= 0.5) == (y >= 0.5)).float().mean().item()';
  return '(pred.argmax(-1) == y.argmax(-1)).float().mean().item()';
}

export async function exportPyTorch(model: Sequential, options: ExportOptions = {}): Promise<string> {
  const m = await describeForExport(model, options, 'exportPyTorch');
  const built = buildModules(m);
  const last = m.layers[m.layers.length - 1];
  const lastActivation = (last?.config.activation as Activation | undefined) ?? 'linear';
  const loss = m.compile?.loss;
  const fromLogits =
    (loss === 'binary_crossentropy' && lastActivation === 'sigmoid') ||
    ((loss === 'categorical_crossentropy' || loss === 'sparse_categorical_crossentropy') && lastActivation === 'softmax');
  const classification = loss === 'binary_crossentropy' || loss === 'categorical_crossentropy' || loss === 'sparse_categorical_crossentropy' || !!m.compile?.metrics.includes('accuracy');
  const kind = m.compile?.optimizer.kind;
  // PyTorch has no zero-crossing rule (clipAtZero), so its live masks are not exported.
  const slotRows = m.optimizerState
    ? m.optimizerState.slots.filter((s) => !s.name.endsWith(`/${LIVE_MASK_SLOT}`)).map((s) => {
        const slot = s.name.slice(s.name.lastIndexOf('/') + 1);
        return `    ${py(s.name)}: (${py(s.name.slice(0, s.name.lastIndexOf('/')))}, ${TORCH_SLOTS[`${kind}/${slot}`]}, ${pyArray(s)}),`;
      })
    : [];
  const sections = [
    `"""${m.name}: a network trained in the WebGPU neural-network playground, exported for PyTorch.

Importing this file defines build_model(): the trained network as a torch.nn.Module in evaluation mode.
Its input is a float32 batch [N, ${m.inputShape.join(', ')}]${m.inputShape.length === 3 ? ' (NHWC, height x width x channels, as the playground)' : ''}${m.preprocessing ? ', raw: it standardizes inputs itself' : ''};
its output is what the playground's predict returns${lastActivation === 'softmax' || lastActivation === 'sigmoid' ? ` (probabilities after ${lastActivation})` : ''}.
Running it (python3 ${pythonFileName(m.name)}) trains it further on the lesson's data and prints the test ${classification ? 'accuracy' : 'loss'}.

Layers (output shapes):
${layerTable(m)}
"""
import base64
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

SEED = ${m.seed}
EPOCHS = ${m.epochs}
BATCH_SIZE = ${m.batchSize}
LEARNING_RATE = ${m.compile?.optimizer.learningRate ?? 'None'}`,
    ARRAY_HELPER,
    ...(m.compile
      ? []
      : [
          `def _not_compiled(what):
    raise SystemExit(f'The model was not compiled in the playground: no {what} to train with.')`,
        ]),
    ...[...built.helpers].sort().map((h) => HELPERS[h]),
    `class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(OrderedDict([
${built.body.map(([name, code]) => `            (${py(name)}, ${code}),`).join('\n')}
        ]))
        self.output_activation = ${built.outputActivation}

    def logits(self, x):
        """The output before the last activation (the loss folds that activation in when it can, as the playground does)."""
        return self.body(x)

    def forward(self, x):
        return self.output_activation(self.body(x))`,
    `# Trained weights in the playground's (Keras's) layout: Dense kernels [in, out], Conv2D kernels [kh, kw, in, out].
WEIGHTS = {
${m.weights.map((w) => `    ${py(w.name)}: ${pyArray(w)},`).join('\n')}
}

# (weight, Network parameter, layout, L1, L2, trainable)
PARAMETERS = [
${built.parameters.map((p) => `    (${py(p.name)}, ${py(p.target)}, ${py(p.layout)}, ${p.l1}, ${p.l2}, ${py(p.trainable)}),`).join('\n')}
]

# The optimizer's state when the model was exported: slot -> (weight, (PyTorch state key, scale), array).
OPTIMIZER_STEP = ${m.optimizerState?.step ?? 0}
OPTIMIZER_SLOTS = {
${slotRows.join('\n')}
}


def _to_torch(value, layout):
    if layout == 'dense_kernel':
        return value.T  # [in, out] -> [out, in]
    if layout == 'conv_kernel':
        return value.permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]
    return value


def build_model():
    """The trained network in evaluation mode."""
    model = Network()
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, target, layout, _, _, trainable in PARAMETERS:
            params[target].copy_(_to_torch(torch.from_numpy(_array(*WEIGHTS[name])), layout))
            params[target].requires_grad_(trainable)
    return model.eval()`,
    `def make_optimizer(model):
    """The playground's optimizer and settings, continuing from its state (moments, step count) at export."""
    params = dict(model.named_parameters())
    parameters = [params[target] for _, target, _, _, _, trainable in PARAMETERS if trainable]
    optimizer = ${optimizerCode(m)}
    if OPTIMIZER_SLOTS:
        # One step with zero gradients creates PyTorch's state without moving any weight; then the saved slots fill it.
        for p in parameters:
            p.grad = torch.zeros_like(p)
        optimizer.step()
        optimizer.zero_grad()
        by_weight = {name: params[target] for name, target, _, _, _, _ in PARAMETERS}
        layouts = {name: layout for name, _, layout, _, _, _ in PARAMETERS}
        for weight, (key, scale), array in OPTIMIZER_SLOTS.values():
            state = optimizer.state[by_weight[weight]]
            value = _to_torch(torch.from_numpy(_array(*array)), layouts[weight]) * scale
            state[key] = value.contiguous().clone()
            if 'step' in state:
                state['step'] = torch.tensor(float(OPTIMIZER_STEP)) if torch.is_tensor(state['step']) else OPTIMIZER_STEP
    return optimizer


def loss_fn(model, x, y):
    """The training loss: the data loss plus the layers' L1/L2 penalties."""
    out = ${fromLogits ? 'model.logits(x)' : 'model(x)'}
    loss = ${lossCode(m, fromLogits)}
    params = dict(model.named_parameters())
    for _, target, _, l1, l2, trainable in PARAMETERS:
        if trainable and (l1 or l2):
            w = params[target]
            loss = loss + l1 * w.abs().sum() + l2 * (w * w).sum()
    return loss


def train_step(model, optimizer, x, y):
    """One optimizer step on one batch; returns the loss before the update."""
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model, x, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def train(model, x, y, epochs=EPOCHS, batch_size=BATCH_SIZE):
    """Further training on NumPy arrays x, y (shuffled batches), then back to evaluation mode."""
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    optimizer = make_optimizer(model)
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            total += train_step(model, optimizer, x[batch], y[batch]) * len(batch)
        print(f'epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}')
    model.eval()


def report(model, x, y, label='test'):
    """Prints the loss${classification ? ' and accuracy' : ''} on x, y (NumPy arrays)."""
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    with torch.no_grad():
        pred = model(x)
        print(f'{label} loss: {loss_fn(model, x, y).item():.4f}')${classification ? `
        print(f'{label} accuracy: {${accuracyCode(m)}:.4f}')` : ''}`,
    dataSection(m),
    `if __name__ == '__main__':
    torch.manual_seed(SEED)
    model = build_model()
    x_train, y_train, x_test, y_test = load_data()
    train(model, x_train, y_train)
    if x_test is not None:
        report(model, x_test, y_test, 'test')
    else:
        report(model, x_train, y_train, 'training (no test data was exported)')`,
  ];
  return sections.join('\n\n\n') + '\n';
}
