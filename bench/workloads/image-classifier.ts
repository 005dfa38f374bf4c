// The MNIST-shaped workloads (cnn-mnist, mlp-mnist): a classifier trained with Adam and softmax
// cross-entropy from logits on synthetic images (uniform noise, random labels), in images per second.
import * as tf from '@tensorflow/tfjs';
import type convnetjs from 'convnetjs';
import type { Sequential } from '../../src/index';
import { convnetTrain } from './convnet-train';
import { imageBatches } from './data';
import { jaxTrain, type JaxDevice, type JaxForward, type ParamInit } from './jax-train';
import { measure, trainingCell } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfSoftmaxCrossEntropy, tfTrainer } from './tfjs-train';
import type { Budget, CellResult } from './types';

export interface ImageTask {
  batch: number;
  /** Distinct batches the training set holds. */
  batches: number;
  /** One image's shape, e.g. [28, 28, 1] or [784]. */
  shape: number[];
  classes: number;
}

// Adam with Keras's defaults (learning rate 0.001) on every engine that has it.
const LEARNING_RATE = 0.001;

const batchesOf = (task: ImageTask) => imageBatches(task.batches, task.batch, task.shape.reduce((a, b) => a * b, 1), task.classes);

/** `model` ends in a linear layer: the loss takes its logits. */
export async function tfImagesPerSecond(model: tf.Sequential, task: ImageTask, budget: Budget): Promise<CellResult> {
  const batches = tfBatches(batchesOf(task), task.shape, task.classes);
  const trainer = tfTrainer(model, tfSoftmaxCrossEntropy, tf.train.adam(LEARNING_RATE), batches);
  try {
    const m = await measure(trainer, budget);
    return trainingCell(m, task.batch, `optimizer.minimize in tf.tidy, tf.losses.softmaxCrossEntropy from logits, loss read every ${m.chunk} steps`);
  } finally {
    trainer.dispose();
    batches.dispose();
    model.dispose();
  }
}

/** `model` ends in a softmax layer: with categorical cross-entropy the engine computes the loss from its logits. */
export async function ourImagesPerSecond(model: Sequential, task: ImageTask, budget: Budget): Promise<CellResult> {
  model.compile({ optimizer: { type: 'adam', learningRate: LEARNING_RATE }, loss: 'categorical_crossentropy' });
  const trainer = ourTrainer(model, batchesOf(task), task.shape, task.classes);
  try {
    const m = await measure(trainer, budget);
    return trainingCell(m, task.batch, `${trainer.how}, ${m.chunk} steps per submit and readback`);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** `forward` returns logits; `xShape` is one image as `forward` takes it. */
export function jaxImagesPerSecond(forward: JaxForward, params: ParamInit[], xShape: number[], task: ImageTask, budget: Budget, device: JaxDevice): Promise<CellResult> {
  return jaxTrain(
    { forward, loss: 'softmax_cross_entropy', optimizer: { type: 'adam', learningRate: LEARNING_RATE }, params, data: batchesOf(task), xShape, labelWidth: task.classes, perStep: task.batch },
    device,
    budget,
  );
}

/**
 * `net` ends in ConvNetJS's softmax loss layer. ConvNetJS 0.3.0 has no Adam: its 'windowgrad' (RMSProp,
 * one running average per weight where Adam keeps two) is the nearest; the update runs once per batch,
 * a small part of the work next to the per-example passes.
 */
export function convnetImagesPerSecond(net: convnetjs.Net, inputShape: [number, number, number], task: ImageTask, budget: Budget): Promise<CellResult> {
  return convnetTrain(
    {
      net,
      trainer: { method: 'windowgrad', learning_rate: LEARNING_RATE },
      data: batchesOf(task),
      inputShape,
      labels: 'class',
      labelWidth: task.classes,
      perStep: task.batch,
      how: 'layers from makeLayers, softmax loss',
    },
    budget,
  );
}
