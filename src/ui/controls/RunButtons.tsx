// Reset, play/pause (the big round button) and step, with the epoch counter beside them.
import { lessonProblem } from '../../app/image-stack';
import { usePlayground } from '../../app/store';
import { problemText } from '../images/stack-problem';
import { useHidden } from '../app/use-hidden';
import { useTranslate } from '../app/use-translate';

/** TensorFlow Playground's epoch display: six digits grouped by commas, e.g. 000,042. */
export function formatEpoch(epoch: number): string {
  return String(epoch).padStart(6, '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const PlayIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M8 5v14l11-7z" />
  </svg>
);
const PauseIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6 5h4v14H6zM14 5h4v14h-4z" />
  </svg>
);
const ResetIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M12 5V1L7 6l5 5V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z" />
  </svg>
);
const StepIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6 5v14l9-7zM16 5h3v14h-3z" />
  </svg>
);

export function RunButtons() {
  const t = useTranslate();
  const playing = usePlayground((s) => s.playing);
  const epoch = usePlayground((s) => s.epoch);
  const togglePlay = usePlayground((s) => s.togglePlay);
  const step = usePlayground((s) => s.step);
  const reset = usePlayground((s) => s.reset);
  const hidePlay = useHidden('playButton');
  const hideStep = useHidden('stepButton');
  const hideReset = useHidden('resetButton');
  // An image network that cannot be built: Run and Step say why instead of starting.
  const problem = usePlayground((s) => lessonProblem(s.lesson));
  const blocked = problem && t('stack.blocked', { index: problem.layer + 1, reason: problemText(t, problem) });

  return (
    <div className="run-buttons">
      {!hideReset && (
        <button type="button" className="round-button" data-testid="reset" onClick={reset} title={t('controls.reset')} aria-label={t('controls.reset')}>
          <ResetIcon />
        </button>
      )}
      {!hidePlay && (
        <button
          type="button"
          className="round-button play"
          data-testid="play-pause"
          aria-pressed={playing}
          onClick={togglePlay}
          disabled={!!blocked}
          aria-describedby={blocked ? 'run-blocked' : undefined}
          title={blocked || (playing ? t('controls.pause') : t('controls.play'))}
          aria-label={playing ? t('controls.pause') : t('controls.play')}
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
        </button>
      )}
      {!hideStep && (
        <button type="button" className="round-button" data-testid="step" onClick={step} disabled={!!blocked} title={blocked || t('controls.step')} aria-label={t('controls.step')}>
          <StepIcon />
        </button>
      )}
      <div className="control">
        <span className="control-label">{t('controls.epoch')}</span>
        <span className="epoch-value" data-testid="epoch" aria-live="off">
          {formatEpoch(epoch)}
        </span>
      </div>
      {blocked && (
        <p className="run-blocked" id="run-blocked" role="status" data-testid="run-blocked">
          {blocked}
        </p>
      )}
    </div>
  );
}
