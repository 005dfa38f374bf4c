// How a node's values read on a heatmap, from the lesson: the output of a multi-unit layer as a class map,
// sigmoid and softmax units as probabilities, anything else on the signed scale.
import type { Lesson } from '../../app/lesson';
import type { HeatmapMode } from './HeatmapCanvas';

/** The big plot's mode for the network's output. */
export function outputMode(lesson: Lesson): HeatmapMode {
  const { units, activation } = lesson.model[lesson.model.length - 1];
  // Margins between outputs in [−1, 1] (tanh, or ±1 targets for linear) span 2; probabilities span 1.
  if (units > 1) return { units, span: activation === 'tanh' || activation === 'linear' ? 2 : 1 };
  return unitMode(activation);
}

/** One unit's mode by its activation. */
export function unitMode(activation: string): HeatmapMode {
  return activation === 'sigmoid' || activation === 'softmax' ? 'probability' : 'signed';
}
