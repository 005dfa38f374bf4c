// Dismissible notices: URL values that were ignored (as plain text: nothing from the URL becomes HTML),
// and a training failure, if any.
import { suggestedLearningRate } from '../../app/divergence';
import { usePlayground } from '../../app/store';
import { useTranslate } from './use-translate';

/** However hostile the link, the notice stays short. */
const MAX_LISTED = 12;

export function Notices() {
  const t = useTranslate();
  const notices = usePlayground((s) => s.notices);
  const error = usePlayground((s) => s.error);
  const alert = usePlayground((s) => s.alert);
  const publishAlert = usePlayground((s) => s.publishAlert);
  const dismissAll = usePlayground((s) => s.dismissAllNotices);
  const publishError = usePlayground((s) => s.publishError);

  return (
    <>
      {notices.length > 0 && (
        <div className="url-notice" role="status" data-testid="url-notice">
          <div>
            {t('notice.ignoredTitle')}
            <ul>
              {notices.slice(0, MAX_LISTED).map((n) => (
                <li key={n.id}>
                  <code>{n.key}</code>
                  {n.value !== '' && (
                    <>
                      {' = '}
                      <code>{n.value}</code>
                    </>
                  )}
                  {': '}
                  {n.reason}
                </li>
              ))}
              {notices.length > MAX_LISTED && <li>{t('notice.more', { count: notices.length - MAX_LISTED })}</li>}
            </ul>
          </div>
          <button type="button" className="dismiss" onClick={dismissAll} aria-label={t('notice.dismiss')} title={t('notice.dismiss')} data-testid="url-notice-dismiss">
            ×
          </button>
        </div>
      )}
      {alert !== null && (
        <div className="url-notice error" role="alert" data-testid="training-alert">
          <div>
            <p>{t(alert.what === 'loss' ? 'alert.divergedLoss' : 'alert.divergedWeights', { epoch: alert.epoch, restored: alert.restoredEpoch })}</p>
            <p>{t('alert.tryLowerRate', { rate: alert.learningRate, suggested: suggestedLearningRate(alert.learningRate) })}</p>
          </div>
          <button type="button" className="dismiss" onClick={() => publishAlert(null)} aria-label={t('notice.dismiss')} title={t('notice.dismiss')} data-testid="training-alert-dismiss">
            ×
          </button>
        </div>
      )}
      {error !== null && (
        <div className="url-notice error" role="alert" data-testid="training-error">
          <div>{t('notice.trainingError', { message: error })}</div>
          <button type="button" className="dismiss" onClick={() => publishError(null)} aria-label={t('notice.dismiss')} title={t('notice.dismiss')}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
