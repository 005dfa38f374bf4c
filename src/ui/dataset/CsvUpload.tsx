// Your own table: open a CSV (read in the page, never sent anywhere), see a preview, choose the column to
// predict, then train on it. A file that cannot be used says what is wrong and where; the lesson running
// until then is left as it was.
import { useState } from 'react';
import { CsvError, csvDataset, csvTable, readCsvFile, type CsvFile } from '../../data/csv';
import { MAX_CLASSES } from '../../data/playground-datasets';
import type { MessageKey } from '../../app/i18n';
import { usePlayground } from '../../app/store';
import { useTranslate, type Translate } from '../app/use-translate';

const PREVIEW_ROWS = 5;

/** A reading or encoding failure in the reader's language. */
function describeError(error: unknown, t: Translate): string {
  if (error instanceof CsvError) return t(`csv.${error.key}` as MessageKey, error.params);
  return error instanceof Error ? error.message : String(error);
}

export function CsvUpload() {
  const t = useTranslate();
  const openUpload = usePlayground((s) => s.openUpload);
  const [file, setFile] = useState<CsvFile | null>(null);
  const [target, setTarget] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    setError(null);
    setFile(null);
    try {
      const read = await readCsvFile(picked);
      setFile(read);
      setTarget(read.columns.length - 1);
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const train = () => {
    if (!file) return;
    try {
      const dataset = csvDataset(file, { target });
      const name = file.columns[target].name;
      if (dataset.target.kind === 'values') {
        setError(t('csv.regression', { name }));
        return;
      }
      if (dataset.target.classNames.length > MAX_CLASSES) {
        setError(t('csv.tooManyClasses', { name, count: dataset.target.classNames.length, limit: MAX_CLASSES }));
        return;
      }
      openUpload({ name: file.source, target: name, inputNames: dataset.featureNames, table: csvTable(dataset) });
      setFile(null);
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  return (
    <div className="csv-upload">
      <label className="table-button csv-open">
        {t('csv.open')}
        <input type="file" accept=".csv,.tsv,.txt,text/csv" data-testid="csv-input" onChange={(e) => void choose(e.target.files?.[0])} />
      </label>
      {error && (
        <p className="csv-error" role="alert" data-testid="csv-error">
          {error}
        </p>
      )}
      {file && (
        <div className="csv-preview" data-testid="csv-preview">
          <p className="column-hint">
            {t('csv.summary', { source: file.source, rows: file.rows.length, columns: file.columns.length })}
            {file.decimalComma && ` ${t('csv.decimalComma')}`}
          </p>
          <div className="csv-table">
            <table>
              <thead>
                <tr>
                  {file.columns.map((c, j) => (
                    <th key={j} className={j === target ? 'target' : undefined}>
                      {c.name}
                      <small>{t(c.kind === 'numeric' ? 'csv.numeric' : 'csv.categorical')}</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {file.rows.slice(0, PREVIEW_ROWS).map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, j) => (
                      <td key={j} className={j === target ? 'target' : undefined}>
                        {cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label className="csv-target">
            {t('csv.target')}{' '}
            <select data-testid="csv-target" value={target} onChange={(e) => setTarget(Number(e.target.value))}>
              {file.columns.map((c, j) => (
                <option key={j} value={j}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <div className="csv-actions">
            <button type="button" className="text-button" data-testid="csv-train" onClick={train}>
              {t('csv.train')}
            </button>
            <button type="button" className="text-button" onClick={() => setFile(null)}>
              {t('csv.cancel')}
            </button>
          </div>
        </div>
      )}
      <p className="legend-hint">{t('csv.private')}</p>
    </div>
  );
}
