// The page: header, notices, classroom panel, the top bar of training controls, then DATA | NETWORK | OUTPUT.
import { useEffect, useState } from 'react';
import { usePlayground } from '../../app/store';
import { BackendBadge } from '../controls/BackendBadge';
import { EnginePanel } from '../controls/EnginePanel';
import { LanguageSwitch } from '../controls/LanguageSwitch';
import { LessonPicker } from '../controls/LessonPicker';
import { ShareButton } from '../controls/ShareButton';
import { TopBar } from '../controls/TopBar';
import { TrainingPanel } from '../controls/TrainingPanel';
import { ModelFileBar } from '../controls/ModelFileBar';
import { MetricsPanel } from '../metrics/MetricsPanel';
import { SummaryPanel } from '../metrics/SummaryPanel';
import { AccuracyPanel } from '../metrics/AccuracyPanel';
import { HistogramPanel } from '../metrics/HistogramPanel';
import { ClassroomPanel } from '../classroom/ClassroomPanel';
import { DataColumn } from '../dataset/DataColumn';
import { ImagesView } from '../images/ImagesView';
import { NetworkColumn } from '../network/NetworkColumn';
import { OutputColumn } from '../output/OutputColumn';
import { Notices } from './Notices';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';
import { useTranslate } from './use-translate';

export function App() {
  const t = useTranslate();
  const [classroomOpen, setClassroomOpen] = useState(false);
  const hideText = usePlayground((s) => s.settings.hideText);
  const debugOpen = usePlayground((s) => s.debugOpen);
  const images = usePlayground((s) => s.lesson.view.kind === 'images');
  useKeyboardShortcuts();
  // TensorFlow Playground's hideText: only the controls and pictures, no explanatory text.
  useEffect(() => {
    document.body.classList.toggle('hide-text', hideText);
  }, [hideText]);

  return (
    <>
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <BackendBadge />
        <LessonPicker />
        <ShareButton />
        <button type="button" className="header-button" aria-expanded={classroomOpen} data-testid="classroom-toggle" onClick={() => setClassroomOpen((o) => !o)}>
          {t('classroom.title')}
        </button>
        <LanguageSwitch />
      </header>
      <Notices />
      {debugOpen && <EnginePanel />}
      {classroomOpen && <ClassroomPanel />}
      <TopBar />
      <TrainingPanel />
      <ModelFileBar />
      {images ? (
        <ImagesView />
      ) : (
        <>
        <main className="main">
          <DataColumn />
          <NetworkColumn />
          <OutputColumn />
        </main>
        <div className="evaluation">
          <MetricsPanel />
          <div className="evaluation-side">
            <AccuracyPanel />
            <SummaryPanel />
          </div>
          <HistogramPanel />
        </div>
        </>
      )}
      <footer className="app-footer">{t('app.keyboardHint')}</footer>
    </>
  );
}
