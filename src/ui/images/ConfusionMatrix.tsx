// The test images' confusion matrix: rows the true class, columns the predicted one, shaded by share of the row.
import { useMemo } from 'react';
import { confusionMatrix } from '../../index';
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { predictions } from './image-view-model';

export function ConfusionMatrix() {
  const t = useTranslate();
  const results = usePlayground((s) => s.imageResults);
  const lesson = usePlayground((s) => s.lesson);
  const test = usePlayground((s) => s.data.test);
  const source = lesson.data;
  const classes = source.kind === 'images' ? source.classes : 0;
  const counts = useMemo(() => {
    if (!results || classes === 0 || results.testProbabilities.length !== test.length * classes) return null;
    const { predicted } = predictions(results.testProbabilities, classes);
    return confusionMatrix(test.map((s) => s.label), predicted, classes);
  }, [results, test, classes]);
  if (!counts || source.kind !== 'images') return null;
  const names = source.classNames.map((key) => t(key));
  return (
    <figure className="confusion">
      <figcaption>{t('images.confusion')}</figcaption>
      <table data-testid="confusion-matrix">
        <thead>
          <tr>
            <th scope="col" className="confusion-corner">
              {t('images.trueVsPredicted')}
            </th>
            {names.map((name) => (
              <th key={name} scope="col" title={name}>
                {name.slice(0, 4)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counts.map((row, r) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={r}>
                <th scope="row">{names[r]}</th>
                {row.map((n, c) => (
                  <td key={c} className={r === c ? 'right' : n > 0 ? 'wrong' : ''} style={{ ['--share' as string]: n / total }}>
                    {n}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
