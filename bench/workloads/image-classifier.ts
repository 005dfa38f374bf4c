// The MNIST-shaped workloads (cnn-mnist, mlp-mnist): a classifier trained with Adam and categorical
// crossentropy on synthetic images (uniform noise, random labels), in images per second, on either engine.
import * as tf from '@tensorflow/tfjs';
import type { Sequential } from '../../src/index';
import { imageBatches } from './data';
import { measure } from './measure';
import { ourTrainer } from './ours-train';
import { tfBatches, tfCategoricalCrossentropy, tfTrainer } from './tfjs-train';
import type { Budget, CellResult } from './types';

export interface ImageTask {
  batch: number;
  /** Distinct batches the training set holds. */
  batches: number;
  /** One image's shape, e.g. [28, 28, 1] or [784]. */
  shape: number[];
  classes: number;
}

const batchesOf = (task: ImageTask) => imageBatches(task.batches, task.batch, task.shape.reduce((a, b) => a * b, 1), task.classes);

export async function tfImagesPerSecond(model: tf.Sequential, task: ImageTask, budget: Budget): Promise<CellResult> {
  const batches = tfBatches(batchesOf(task), task.shape, task.classes);
  try {
    const m = await measure(tfTrainer(model, tfCategoricalCrossentropy, tf.train.adam(), batches), budget);
    return { value: m.perSecond * task.batch, how: `optimizer.minimize in tf.tidy, ${m.chunk} steps per readback, ${m.reps} steps` };
  } finally {
    batches.dispose();
    model.dispose();
  }
}

export async function ourImagesPerSecond(model: Sequential, task: ImageTask, budget: Budget): Promise<CellResult> {
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  const trainer = ourTrainer(model, batchesOf(task), task.shape, task.classes);
  try {
    const m = await measure(trainer, budget);
    return { value: m.perSecond * task.batch, how: `${trainer.how}, ${m.chunk} steps per submit and readback, ${m.reps} steps` };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
