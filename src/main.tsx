// App entry: start the app layer (URL sync, trainer), then render the views.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startPlayground } from './app/start';
import { App } from './ui/app/App';
import './ui/styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('main: the page has no #root element to render into');
startPlayground();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
