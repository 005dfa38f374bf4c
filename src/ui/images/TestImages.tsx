// A grid of test images, each with the class the network predicts and how sure it is (a bar); or only the
// mistakes, most confident first: where the network is wrong and sure of itself. The trainer reads back the
// probabilities of the images shown (all of them only while the mistakes are asked for); the number of
// mistakes is the confusion counts'.
import { useMemo } from 'react';
import { TEST_IMAGES_SHOWN, usePlayground } from '../../app/store';
import { useTranslate } from '../app/use-translate';
import { ImageTile } from './ImageTile';
import { mistakes, predictions } from './image-view-model';

export function TestImages() {
  const t = useTranslate();
  const onlyMistakes = usePlayground((s) => s.onlyMistakes);
  const showOnlyMistakes = usePlayground((s) => s.showOnlyMistakes);
  const results = usePlayground((s) => s.imageResults);
  const lesson = usePlayground((s) => s.lesson);
  const test = usePlayground((s) => s.data.test);
  const inspected = usePlayground((s) => s.inspected);
  const inspect = usePlayground((s) => s.inspect);
  const source = lesson.data;
  const classes = source.kind === 'images' ? source.classes : 0;
  const scored = useMemo(() => {
    if (!results || classes === 0) return null;
    const p = predictions(results.testProbabilities, classes);
    // Which images are wrong needs every one's prediction (read only while the mistakes are shown).
    const wrong = p.predicted.length === test.length ? mistakes(test.map((s) => s.label), p.predicted, p.confidence) : null;
    const right = results.testConfusion.reduce((sum, row, c) => sum + (row[c] ?? 0), 0);
    return { ...p, wrong, wrongCount: test.length - right };
  }, [results, test, classes]);
  if (source.kind !== 'images') return null;
  const [height, width] = source.shape;
  const rows = onlyMistakes && scored?.wrong ? scored.wrong.slice(0, TEST_IMAGES_SHOWN) : Array.from({ length: Math.min(TEST_IMAGES_SHOWN, test.length) }, (_, i) => i);
  return (
    <figure className="test-images">
      <figcaption>
        {t('images.testImages')}
        <label className="mistakes-toggle">
          <input type="checkbox" checked={onlyMistakes} data-testid="only-mistakes" onChange={(e) => showOnlyMistakes(e.target.checked)} />
          {scored ? t('images.mistakes', { count: scored.wrongCount, total: test.length }) : t('images.mistakesNone')}
        </label>
      </figcaption>
      {onlyMistakes && scored?.wrong?.length === 0 && <p className="column-hint">{t('images.noMistakes')}</p>}
      <ol className="image-grid" data-testid="test-images">
        {rows.map((i) => {
          const sample = test[i];
          const predicted = scored?.predicted[i];
          const confidence = scored?.confidence[i] ?? 0;
          const right = predicted === sample.label;
          const trueName = t(source.classNames[sample.label]);
          const predictedName = predicted === undefined ? '–' : t(source.classNames[predicted]);
          return (
            <li key={i} className={`${predicted === undefined ? '' : right ? 'right' : 'wrong'}${i === inspected ? ' inspected' : ''}`} title={t('images.trueClass', { name: trueName })}>
              <button type="button" className="tile-button" aria-label={t('images.inspect', { index: i + 1 })} onClick={() => inspect(i)}>
                <ImageTile pixels={sample.values} width={width} height={height} size={44} label={t('images.trueClass', { name: trueName })} />
              </button>
              <span className="image-prediction">{predictedName}</span>
              <span className="probability-bar" aria-label={`${Math.round(confidence * 100)}%`}>
                <span style={{ width: `${confidence * 100}%` }} />
              </span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
