// The image network's layer-stack editor: a preset to start from, then every layer between the image and the
// fixed output layer (one unit per class) with its own fields, its output shape and parameter count (model.summary()'s figures,
// live), buttons to move or remove it, and a layer to add. A layer that cannot take its input says why in
// place, and training cannot start until it is fixed.
import { useEffect, useId, useMemo, useState } from 'react';
import { IMAGE_PRESET_IDS, type ImagePresetId, type LayerConfig } from '../../data/image-presets';
import type { MessageKey } from '../../app/i18n';
import { lessonSummary } from '../../app/image-stack';
import {
  MAX_STACK_LAYERS, NEW_LAYERS, PADDINGS, STACK_ACTIVATIONS, STACK_LAYER_TYPES, STACK_LIMITS, matchingPreset, normalizeLayer, type StackLayerType,
} from '../../app/image-stack-codec';
import { usePlayground } from '../../app/store';
import { SelectControl } from '../controls/SelectControl';
import { useTranslate, type Translate } from '../app/use-translate';
import { problemText } from './stack-problem';

const PRESET_KEYS: Readonly<Record<ImagePresetId, MessageKey>> = {
  mlp: 'images.model.mlp',
  cnn: 'images.model.cnn',
  'cnn-course': 'images.model.cnnCourse',
};

const IMAGE_TYPES: ReadonlySet<StackLayerType> = new Set(['Conv2D', 'MaxPooling2D', 'AveragePooling2D']);

/** Where a new layer goes: convolutions and poolings at the end of the image part (before the first Flatten), the rest at the end. */
function insertAt(layers: readonly LayerConfig[], type: StackLayerType): number {
  const flatten = layers.findIndex((l) => l.type === 'Flatten');
  return IMAGE_TYPES.has(type) && flatten >= 0 ? flatten : layers.length;
}

export function StackEditor() {
  const t = useTranslate();
  const lesson = usePlayground((s) => s.lesson);
  const setImageStack = usePlayground((s) => s.setImageStack);
  const setSetting = usePlayground((s) => s.setSetting);
  const [adding, setAdding] = useState<StackLayerType>('Conv2D');
  const summary = useMemo(() => lessonSummary(lesson), [lesson]);
  const presetId = useId();
  const addId = useId();
  if (!summary || lesson.data.kind !== 'images' || !lesson.stack) return null;
  const stack = lesson.stack;
  const side = lesson.data.shape[0];
  const preset = matchingPreset(stack, side);
  const change = (layers: LayerConfig[]) => setImageStack(layers.map(normalizeLayer));
  const move = (i: number, by: number) => {
    const next = [...stack];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    change(next);
  };
  const output = summary.rows[summary.rows.length - 1];
  return (
    <section className="stack-editor" aria-labelledby="stack-title">
      <h3 className="stack-title" id="stack-title">
        {t('stack.title')}
      </h3>
      <p className="column-hint stack-hint">{t('stack.hint')}</p>
      <div className="image-model">
        <label htmlFor={presetId}>{t('stack.preset')}</label>
        <select id={presetId} value={preset ?? ''} data-testid="image-model" onChange={(e) => e.target.value && setSetting('imageModel', e.target.value)}>
          {preset === null && (
            <option value="" disabled>
              {t('stack.edited')}
            </option>
          )}
          {IMAGE_PRESET_IDS.map((id) => (
            <option key={id} value={id}>
              {t(PRESET_KEYS[id])}
            </option>
          ))}
        </select>
      </div>
      <ol className="stack-layers" data-testid="image-layers">
        <li className="stack-layer fixed">
          <div className="stack-layer-head">
            <span className="stack-type">{t('stack.inputLayer')}</span>
            <span className="stack-shape">{lesson.data.shape.join('×')}</span>
            <span className="stack-params">0</span>
          </div>
        </li>
        {stack.map((layer, i) => {
          const row = summary.rows[i];
          const label = t('stack.layer', { index: i + 1, type: layer.type });
          return (
            <li key={i} className={`stack-layer${row.problem ? ' problem' : ''}`} data-testid="stack-layer" aria-label={label}>
              <div className="stack-layer-head">
                <span className="stack-type">
                  {i + 1}. {layer.type}
                </span>
                <span className="stack-shape" data-testid="stack-shape">
                  {row.outputShape?.join('×') ?? '–'}
                </span>
                <span className="stack-params" data-testid="stack-params">
                  {row.outputShape ? row.params.toLocaleString('en-US') : '–'}
                </span>
                <span className="stack-actions">
                  <button type="button" className="icon-button" aria-label={t('stack.up', { index: i + 1 })} title={t('stack.up', { index: i + 1 })} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="icon-button" aria-label={t('stack.down', { index: i + 1 })} title={t('stack.down', { index: i + 1 })} disabled={i === stack.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" className="icon-button" data-testid="stack-remove" aria-label={t('stack.remove', { index: i + 1 })} title={t('stack.remove', { index: i + 1 })} onClick={() => change(stack.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </span>
              </div>
              <LayerFields t={t} layer={layer} index={i} onChange={(config) => change(stack.map((l, j) => (j === i ? { ...l, config } : l)))} />
              {row.problem && (
                <p className="stack-problem" data-testid="stack-problem" id={`stack-problem-${i}`}>
                  {problemText(t, row.problem)}
                </p>
              )}
            </li>
          );
        })}
        <li className={`stack-layer fixed${output.problem ? ' problem' : ''}`} data-testid="stack-output">
          <div className="stack-layer-head">
            <span className="stack-type">
              Dense({String(output.config.units)}, {String(output.config.activation)})
            </span>
            <span className="stack-shape">{output.outputShape?.join('×') ?? '–'}</span>
            <span className="stack-params">{output.outputShape ? output.params.toLocaleString('en-US') : '–'}</span>
          </div>
          <p className="stack-fixed-note">{t('stack.outputLayer')}</p>
          {output.problem && (
            <p className="stack-problem" data-testid="stack-problem">
              {problemText(t, output.problem)}
            </p>
          )}
        </li>
      </ol>
      <p className="stack-total">
        {t('images.totalParams')}: <span data-testid="total-params">{summary.problem ? '–' : summary.totalParams.toLocaleString('en-US')}</span>
      </p>
      <div className="stack-add">
        <label htmlFor={addId} className="visually-hidden">
          {t('stack.addType')}
        </label>
        <select id={addId} data-testid="stack-add-type" value={adding} onChange={(e) => setAdding(e.target.value as StackLayerType)}>
          {STACK_LAYER_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="text-button"
          data-testid="stack-add"
          disabled={stack.length >= MAX_STACK_LAYERS}
          title={stack.length >= MAX_STACK_LAYERS ? t('stack.full', { max: MAX_STACK_LAYERS }) : undefined}
          onClick={() => {
            const at = insertAt(stack, adding);
            change([...stack.slice(0, at), NEW_LAYERS[adding], ...stack.slice(at)]);
          }}
        >
          {t('stack.add')}
        </button>
      </div>
    </section>
  );
}

type Config = Record<string, unknown>;

/** The fields of one layer (none for Flatten). */
function LayerFields({ t, layer, index, onChange }: { t: Translate; layer: LayerConfig; index: number; onChange: (config: Config) => void }) {
  const c = layer.config;
  const set = (key: string, value: unknown) => onChange({ ...c, [key]: value });
  const number = (key: keyof typeof STACK_LIMITS, label: MessageKey, step = 1) => (
    <NumberField key={key} label={t(label)} testId={`stack-${key}-${index}`} value={c[key] as number} step={step} {...STACK_LIMITS[key]} onCommit={(v) => set(key, v)} />
  );
  const choice = (key: string, label: MessageKey, options: readonly (string | number)[]) => (
    <SelectControl key={key} className="stack-field" label={t(label)} testId={`stack-${key}-${index}`} value={c[key] as string | number} options={options} onChange={(v) => set(key, v)} />
  );
  const range = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, k) => min + k);
  switch (layer.type) {
    case 'Conv2D':
      return (
        <div className="stack-fields">
          {number('filters', 'stack.filters')}
          {choice('kernelSize', 'stack.kernelSize', range(STACK_LIMITS.kernelSize.min, STACK_LIMITS.kernelSize.max))}
          {choice('strides', 'stack.strides', range(STACK_LIMITS.strides.min, STACK_LIMITS.strides.max))}
          {choice('padding', 'stack.padding', PADDINGS)}
          {choice('activation', 'stack.activation', STACK_ACTIVATIONS)}
        </div>
      );
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return (
        <div className="stack-fields">
          {choice('poolSize', 'stack.poolSize', range(STACK_LIMITS.poolSize.min, STACK_LIMITS.poolSize.max))}
          {choice('strides', 'stack.strides', range(STACK_LIMITS.strides.min, STACK_LIMITS.strides.max))}
        </div>
      );
    case 'Dropout':
      return <div className="stack-fields">{number('rate', 'stack.rate', 0.05)}</div>;
    case 'Dense':
      return (
        <div className="stack-fields">
          {number('units', 'stack.units')}
          {choice('activation', 'stack.activation', STACK_ACTIVATIONS)}
        </div>
      );
    case 'Flatten':
      return null;
  }
}

/** A number typed in: committed while it is in range (integers unless the step is fractional); otherwise marked invalid and kept as typed. */
function NumberField({ label, testId, value, min, max, step, onCommit }: { label: string; testId: string; value: number; min: number; max: number; step: number; onCommit: (value: number) => void }) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const parsed = text.trim() === '' ? Number.NaN : Number(text);
  const valid = parsed >= min && parsed <= max && (step < 1 || Number.isInteger(parsed));
  return (
    <span className="stack-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        data-testid={testId}
        min={min}
        max={max}
        step={step}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && n >= min && n <= max && (step < 1 || Number.isInteger(n))) onCommit(step < 1 ? Math.round(n * 1e4) / 1e4 : n);
        }}
      />
    </span>
  );
}

