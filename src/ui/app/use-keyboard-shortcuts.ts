// Space play/pause, → step, r reset; ignored while the user types or works a form control.
import { useEffect } from 'react';
import { playgroundStore } from '../../app/store';

/** Keys belong to the element when it is a form field, or when a focused button would take Space itself. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('input, select, textarea') !== null) return true;
  return key === ' ' && target.closest('button') !== null;
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || ownsKey(e.target, e.key)) return;
      const state = playgroundStore.getState();
      const hidden = state.settings;
      if (e.key === ' ' && !hidden.playButton_hide) state.togglePlay();
      else if (e.key === 'ArrowRight' && !hidden.stepButton_hide) state.step();
      else if ((e.key === 'r' || e.key === 'R') && !hidden.resetButton_hide) state.reset();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
