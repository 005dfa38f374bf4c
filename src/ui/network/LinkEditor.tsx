// The hover card of a link or bias: shows the value; clicked, it becomes an input that sets it live
// (Enter commits and the card shows the new value; Escape or leaving the field cancels).
import { useEffect, useRef, useState } from 'react';
import { useTranslate } from '../app/use-translate';

export interface LinkEditorProps {
  kind: 'weight' | 'bias';
  value: number;
  x: number;
  y: number;
  editing: boolean;
  onCommit: (value: number) => void;
  onClose: () => void;
}

export function LinkEditor({ kind, value, x, y, editing, onCommit, onClose }: LinkEditorProps) {
  const t = useTranslate();
  const [text, setText] = useState(value.toFixed(3));
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);
  const label = kind === 'weight' ? t('network.weight') : t('network.bias');
  const commit = () => {
    const parsed = Number(text);
    if (text.trim() !== '' && Number.isFinite(parsed)) onCommit(parsed);
    else onClose();
  };

  return (
    <div className="hover-card" style={{ left: x + 12, top: y + 12 }} data-testid="hover-card">
      {editing ? (
        <label>
          {label}
          <input
            ref={inputRef}
            type="text"
            inputMode="decimal"
            value={text}
            data-testid="value-editor"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') onClose();
            }}
            onBlur={onClose}
          />
        </label>
      ) : (
        <>
          {label}: <b>{value.toFixed(3)}</b>
          <div className="hover-card-hint">{t('network.editHint')}</div>
        </>
      )}
    </div>
  );
}
