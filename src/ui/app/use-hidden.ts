// Whether the classroom mode hides a control (its `<control>_hide` setting).
import { usePlayground } from '../../app/store';
import type { HidableControl } from '../../app/url-table';

export function useHidden(control: HidableControl): boolean {
  return usePlayground((s) => s.settings[`${control}_hide`]);
}
