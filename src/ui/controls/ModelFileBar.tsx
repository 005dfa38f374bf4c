// Taking the lesson away and bringing it back: save the whole lesson as a file, open one (file picker, or
// dropped anywhere on the page), export the trained model as a PyTorch or Keras script. A file that cannot
// be opened is reported by name of what is wrong; the running lesson stays as it was.
import { useEffect, useState } from 'react';
import { lessonProblem } from '../../app/image-stack';
import { LESSON_FILE_MAX_BYTES } from '../../app/lesson-file';
import { usePlayground, type DownloadFile } from '../../app/store';
import type { CodeLanguage } from '../../app/trainer';
import { downloadBlob } from '../app/download';
import { useTranslate } from '../app/use-translate';

/** The file's text, read no further than one byte past the limit (so a huge file is refused, not loaded). */
function readLimited(file: File): Promise<string> {
  return file.slice(0, LESSON_FILE_MAX_BYTES + 1).text();
}

export function ModelFileBar() {
  const t = useTranslate();
  const saveLessonFile = usePlayground((s) => s.saveLessonFile);
  const openLessonFile = usePlayground((s) => s.openLessonFile);
  const exportCode = usePlayground((s) => s.exportCode);
  const fileError = usePlayground((s) => s.fileError);
  const dismissFileError = usePlayground((s) => s.dismissFileError);
  const [writeError, setWriteError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  // An image stack that cannot be built has no model to save or export (Run says why).
  const unbuilt = usePlayground((s) => lessonProblem(s.lesson) !== null);

  const open = async (file: File | undefined) => {
    if (file) openLessonFile(await readLimited(file));
  };

  const write = async (make: () => Promise<DownloadFile>, type: string) => {
    setWriteError(null);
    try {
      const file = await make();
      downloadBlob(file.name, new Blob([file.text], { type }));
    } catch (error) {
      setWriteError(error instanceof Error ? error.message : String(error));
    }
  };
  const exportScript = (language: CodeLanguage) => write(() => exportCode(language), 'text/x-python');

  // Dropping a file anywhere on the page opens it (a CSV dropped on its own input is left to that input).
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e) || (e.target as HTMLElement | null)?.closest?.('input[type=file]')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      setDragging(false);
      if (!hasFiles(e) || (e.target as HTMLElement | null)?.closest?.('input[type=file]')) return;
      e.preventDefault();
      void open(e.dataTransfer?.files[0]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  });

  return (
    <div className="model-file-bar" data-testid="model-file-bar">
      <span className="control-label">{t('export.title')}</span>
      <button
        type="button"
        className="text-button"
        data-testid="save-lesson"
        disabled={unbuilt}
        onClick={() => void write(saveLessonFile, 'application/json')}
      >
        {t('file.save')}
      </button>
      <label className="text-button file-open">
        {t('file.open')}
        <input
          type="file"
          accept=".json,application/json"
          data-testid="open-lesson"
          onChange={(e) => {
            void open(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
      <span className="legend-hint">{t('file.dropHint')}</span>
      <button type="button" className="text-button" data-testid="export-pytorch" disabled={unbuilt} onClick={() => void exportScript('pytorch')}>
        {t('export.pytorch')}
      </button>
      <button type="button" className="text-button" data-testid="export-keras" disabled={unbuilt} onClick={() => void exportScript('keras')}>
        {t('export.keras')}
      </button>
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          {t('file.drop')}
        </div>
      )}
      {(fileError || writeError) && (
        <p className="csv-error file-error" role="alert" data-testid="file-error">
          {fileError ? t('file.error', { message: fileError }) : t('file.failed', { message: writeError ?? '' })}{' '}
          <button
            type="button"
            className="text-button"
            onClick={() => {
              dismissFileError();
              setWriteError(null);
            }}
          >
            {t('file.dismiss')}
          </button>
        </p>
      )}
    </div>
  );
}
