// exportKeras: a self-contained Keras 3 script (keras + NumPy). The playground already uses Keras's layouts (NHWC,
// Dense kernel [in, out], Conv2D kernel [kh, kw, in, out]) and padding rules, so layers and weights carry over as they
// are. Importing it defines build_model(): the compiled keras.Sequential with the trained weights, whose predict
// equals the playground's; running it trains further and prints the test metrics. Keras's optimizer starts fresh.
import type { OptimizerConfig } from '../../engine/backend/backend';
import type { Activation } from '../activations';
import type { Sequential } from '../sequential';
import { describeForExport, type ExportedLayer, type ExportedModel, type ExportOptions } from './exported-model';
import { ARRAY_HELPER, dataSection, layerTable, py, pyArray, pythonFileName, pyTuple } from './python';

/** Keras 3's activation names; `step` has none and is defined in the script. */
function activationArg(act: Activation): string {
  return act === 'step' ? 'step' : py(act);
}

function regularizer(value: unknown): string | null {
  const r = value as { l1?: number; l2?: number } | undefined;
  if (!r || (!r.l1 && !r.l2)) return null;
  return `keras.regularizers.L1L2(l1=${r.l1 ?? 0}, l2=${r.l2 ?? 0})`;
}

/** One Keras layer constructor call for a playground layer. */
function layerCall(l: ExportedLayer): string {
  const c = l.config;
  const common = [`name=${py(l.id)}`, ...(l.trainable ? [] : ['trainable=False'])];
  const kernelBias = (): string[] =>
    [
      `use_bias=${py(c.useBias)}`,
      regularizer(c.kernelRegularizer) && `kernel_regularizer=${regularizer(c.kernelRegularizer)}`,
      regularizer(c.biasRegularizer) && `bias_regularizer=${regularizer(c.biasRegularizer)}`,
    ].filter((s): s is string => !!s);
  const call = (ctor: string, args: string[]): string => `layers.${ctor}(${[...args, ...common].join(', ')})`;
  switch (l.type) {
    case 'Dense':
      return call('Dense', [String(c.units), `activation=${activationArg(c.activation as Activation)}`, ...kernelBias()]);
    case 'Conv2D':
      return call('Conv2D', [
        String(c.filters),
        pyTuple(c.kernelSize as number[]),
        `strides=${pyTuple(c.strides as number[])}`,
        `padding=${py(c.padding)}`,
        `activation=${activationArg(c.activation as Activation)}`,
        ...kernelBias(),
      ]);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return call(l.type, [`pool_size=${pyTuple(c.poolSize as number[])}`, `strides=${pyTuple(c.strides as number[])}`, `padding=${py(c.padding)}`]);
    case 'Flatten':
      return call('Flatten', []);
    case 'Dropout':
      return call('Dropout', [String(c.rate), ...(c.seed !== undefined ? [`seed=${c.seed}`] : [])]);
    case 'Activation':
      return call('Activation', [activationArg(c.activation as Activation)]);
    default:
      throw new Error(`exportKeras: layer "${l.name}" of type ${l.type} has no Keras counterpart here`);
  }
}

function compileCall(m: ExportedModel): string {
  if (!m.compile) return '    # The model was not compiled in the playground: compile it before training.';
  return `    model.compile(
        optimizer=${optimizerCall(m.compile.optimizer)},
        loss=${LOSS_NAMES[m.compile.loss]},
        metrics=[${metricCalls(m).join(', ')}],
    )`;
}

function optimizerCall(o: OptimizerConfig): string {
  switch (o.kind) {
    case 'sgd':
      return `keras.optimizers.SGD(learning_rate=${o.learningRate}, momentum=${o.momentum}, nesterov=${py(o.nesterov)})`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(learning_rate=${o.learningRate}, rho=${o.rho}, epsilon=${o.epsilon})`;
    case 'adam':
      return `keras.optimizers.Adam(learning_rate=${o.learningRate}, beta_1=${o.beta1}, beta_2=${o.beta2}, epsilon=${o.epsilon})`;
    case 'adagrad':
      return `keras.optimizers.Adagrad(learning_rate=${o.learningRate}, initial_accumulator_value=${o.initialAccumulatorValue}, epsilon=${o.epsilon})`;
  }
}

const LOSS_NAMES: Record<string, string> = {
  mse: "'mean_squared_error'",
  mae: "'mean_absolute_error'",
  huber: 'keras.losses.Huber(delta=1.0)',
  binary_crossentropy: "'binary_crossentropy'",
  categorical_crossentropy: "'categorical_crossentropy'",
  sparse_categorical_crossentropy: "'sparse_categorical_crossentropy'",
};

/** The compiled metrics in Keras (accuracy added for a classification loss, so the test accuracy is printed). */
function metricCalls(m: ExportedModel): string[] {
  const loss = m.compile?.loss ?? '';
  const names = [...(m.compile?.metrics ?? [])];
  if (loss.endsWith('crossentropy') && !names.includes('accuracy')) names.unshift('accuracy');
  const binary = m.outputShape[m.outputShape.length - 1] === 1;
  return names.flatMap((name) => {
    switch (name) {
      case 'accuracy':
        return ["'accuracy'"];
      case 'precision':
        return ["keras.metrics.Precision(name='precision')"];
      case 'recall':
        return ["keras.metrics.Recall(name='recall')"];
      case 'auc':
        return ["keras.metrics.AUC(name='auc')"];
      case 'f1':
        // Keras's F1Score needs one-hot or 0/1 targets; with class indices the playground's f1 has no direct twin.
        if (loss === 'sparse_categorical_crossentropy') return [];
        return [binary ? "keras.metrics.F1Score(average='macro', threshold=0.5, name='f1')" : "keras.metrics.F1Score(average='macro', name='f1')"];
    }
  });
}

export async function exportKeras(model: Sequential, options: ExportOptions = {}): Promise<string> {
  const m = await describeForExport(model, options, 'exportKeras');
  const usesStep = m.layers.some((l) => l.config.activation === 'step');
  const layerWeights = m.layers
    .filter((l) => l.type === 'Dense' || l.type === 'Conv2D')
    .map((l) => `    (${py(l.id)}, [${[`${l.name}/kernel`, ...(l.config.useBias ? [`${l.name}/bias`] : [])].map(py).join(', ')}]),`);
  const p = m.preprocessing;
  const stack = [
    `keras.Input(shape=${pyTuple(m.inputShape)})`,
    ...(p ? [`layers.Normalization(mean=${py(p.mean)}, variance=${py(p.std.map((s) => s * s))}, name='standardize')`] : []),
    ...m.layers.map(layerCall),
  ];
  const sections = [
    `"""${m.name}: a network trained in the WebGPU neural-network playground, exported for Keras 3.

Importing this file defines build_model(): the compiled keras.Sequential holding the trained weights.
Its input is a float32 batch [N, ${m.inputShape.join(', ')}]${p ? ', raw: the Normalization layer standardizes it' : ''}; model.predict returns what the
playground's predict does. Running it (python3 ${pythonFileName(m.name)}) trains it further on the lesson's data and prints
the test metrics. Keras's optimizer starts from fresh state (the playground's moments are not carried over).

Layers (output shapes):
${layerTable(m)}
"""
import base64
import os

import keras
import numpy as np
from keras import layers

SEED = ${m.seed}
EPOCHS = ${m.epochs}
BATCH_SIZE = ${m.batchSize}`,
    ARRAY_HELPER,
    ...(usesStep
      ? [
          `def step(x):
    """The playground's step activation: 1 where x > 0, else 0 (no gradient)."""
    return keras.ops.cast(x > 0, x.dtype)`,
        ]
      : []),
    `# Trained weights in Keras's layout: Dense kernels [in, out], Conv2D kernels [kh, kw, in, out].
WEIGHTS = {
${m.weights.map((w) => `    ${py(w.name)}: ${pyArray(w)},`).join('\n')}
}

# (Keras layer, its weights in order)
LAYER_WEIGHTS = [
${layerWeights.join('\n')}
]


def build_model():
    """The trained network, compiled with the playground's loss, optimizer and metrics."""
    model = keras.Sequential([
${stack.map((s) => `        ${s},`).join('\n')}
    ], name=${py(m.name.replace(/[^A-Za-z0-9_]/g, '_'))})
    for layer, names in LAYER_WEIGHTS:
        model.get_layer(layer).set_weights([_array(*WEIGHTS[name]) for name in names])
${compileCall(m)}
    return model`,
    dataSection(m),
    `if __name__ == '__main__':
    keras.utils.set_random_seed(SEED)
    model = build_model()
    x_train, y_train, x_test, y_test = load_data()
    model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE)
    if x_test is None:
        x_test, y_test, label = x_train, y_train, 'training (no test data was exported)'
    else:
        label = 'test'
    for name, value in model.evaluate(x_test, y_test, return_dict=True, verbose=0).items():
        print(f'{label} {name}: {value:.4f}')`,
  ];
  return sections.join('\n\n\n') + '\n';
}
