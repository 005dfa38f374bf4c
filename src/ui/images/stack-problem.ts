// A layer's problem (image-stack.ts) in the page's language.
import type { StackProblem } from '../../app/image-stack';
import type { Translate } from '../app/use-translate';

export function problemText(t: Translate, problem: StackProblem): string {
  return t(problem.key, problem.values);
}
