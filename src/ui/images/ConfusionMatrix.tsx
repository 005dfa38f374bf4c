// The test images' confusion matrix (the device's counts): rows the true class, columns the predicted one,
// shaded by share of the row.
import { usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';

export function ConfusionMatrix() {
  const t = useTranslate();
  const counts = usePlayground((s) => s.imageResults?.testConfusion);
  const source = usePlayground((s) => s.lesson.data);
  if (!counts || source.kind !== 'images' || counts.length !== source.classes) return null;
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
