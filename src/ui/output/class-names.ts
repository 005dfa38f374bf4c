// The names of a lesson's classes as the page shows them: a table's own, or "Class 1", "Class 2", … on the plane.
import type { Lesson } from '../../app/lesson';
import type { Translate } from '../app/use-translate';

export function classNames(lesson: Lesson, t: Translate): string[] {
  if (lesson.data.kind === 'table') return [...lesson.data.classNames];
  return Array.from({ length: lesson.data.classes }, (_, i) => t('output.className', { index: i + 1 }));
}
