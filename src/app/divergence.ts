// Advice after a divergence (see snapshots.ts for its detection): a learning rate small enough to try next.
import { LEARNING_RATES } from './url-table';

/**
 * The largest allowed learning rate at most a hundredth of `rate` (the smallest allowed one if none is):
 * a tenth is often still unstable (ReLU on the regression plane diverges at 1 as at 10).
 */
export function suggestedLearningRate(rate: number): number {
  const lower = LEARNING_RATES.filter((r) => r <= rate / 100);
  return lower.length > 0 ? lower[lower.length - 1] : LEARNING_RATES[0];
}
