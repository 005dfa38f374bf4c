// One declaration per parameter block, producing both sides: the WGSL `struct` text (prepended to the kernel
// files that use it, see kernels.ts) and the writer that fills the words in the same order. Fields are
// named, never positioned by hand, so a kernel and its launcher cannot disagree about an offset.
// How to add or change a block: see LAYOUTS.md beside this file.

/** u32, i32, f32, an array<vec4u, 2> of up to 8 axis values, or a nested struct. */
export type FieldType = 'u32' | 'i32' | 'f32' | 'vec8u' | StructLayout<Fields>;
export type Fields = Record<string, FieldType>;

type FieldValue<T> = T extends 'vec8u' ? readonly number[] : T extends StructLayout<infer F> ? StructValues<F> : number;
export type StructValues<F extends Fields> = { readonly [K in keyof F]: FieldValue<F[K]> };

interface Slot {
  name: string;
  type: FieldType;
  /** Offset in 32-bit words. */
  offset: number;
}

const wordsOf = (t: FieldType): number => (t === 'vec8u' ? 8 : typeof t === 'string' ? 1 : t.words);
// Uniform blocks align arrays and nested structs to 16 bytes; scalars to 4.
const alignOf = (t: FieldType): number => (typeof t === 'string' && t !== 'vec8u' ? 1 : 4);
const wgslType = (t: FieldType): string => (t === 'vec8u' ? 'array<vec4u, 2>' : typeof t === 'string' ? t : t.name);

export class StructLayout<F extends Fields> {
  private readonly slots: Slot[] = [];
  /** Size in 32-bit words, a multiple of 4 (16 bytes) so it suits a uniform binding and nests. */
  readonly words: number;

  constructor(
    readonly name: string,
    readonly fields: F,
  ) {
    let offset = 0;
    for (const [field, type] of Object.entries(fields)) {
      offset = Math.ceil(offset / alignOf(type)) * alignOf(type);
      this.slots.push({ name: field, type, offset });
      offset += wordsOf(type);
    }
    this.words = Math.ceil(offset / 4) * 4;
  }

  /**
   * The WGSL declaration. Padding is spelled out as `_padN` fields, so WGSL's implicit layout and the
   * writer's offsets are the same by construction.
   */
  wgsl(): string {
    const lines: string[] = [];
    let at = 0;
    let pads = 0;
    const padTo = (offset: number): void => {
      for (; at < offset; at++) lines.push(`  _pad${pads++}: u32,`);
    };
    for (const s of this.slots) {
      padTo(s.offset);
      lines.push(`  ${s.name}: ${wgslType(s.type)},`);
      at = s.offset + wordsOf(s.type);
    }
    padTo(this.words);
    return `struct ${this.name} {\n${lines.join('\n')}\n}\n`;
  }

  /** The block's words, every field named (a missing or extra one throws). */
  write(values: StructValues<F>): Uint32Array {
    const out = new Uint32Array(this.words);
    this.writeInto(out, 0, values);
    return out;
  }

  /** Writes at `base` words into `out` (nested structs, tables of rows). */
  writeInto(out: Uint32Array, base: number, values: StructValues<F>): void {
    const given = values as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!(key in this.fields)) throw new Error(`WebGPU: ${this.name} has no field "${key}"; its fields are ${Object.keys(this.fields).join(', ')}`);
    }
    const f32 = new Float32Array(out.buffer, out.byteOffset, out.length);
    const i32 = new Int32Array(out.buffer, out.byteOffset, out.length);
    for (const s of this.slots) {
      const v = given[s.name];
      if (v === undefined) throw new Error(`WebGPU: ${this.name}.${s.name} was not given`);
      const at = base + s.offset;
      if (s.type === 'u32') out[at] = (v as number) >>> 0;
      else if (s.type === 'i32') i32[at] = v as number;
      else if (s.type === 'f32') f32[at] = v as number;
      else if (s.type === 'vec8u') {
        const axes = v as readonly number[];
        if (axes.length > 8) throw new Error(`WebGPU: ${this.name}.${s.name}: ${axes.length} axes exceed the kernels' limit of 8`);
        for (let i = 0; i < 8; i++) out[at + i] = (axes[i] ?? 0) >>> 0;
      } else s.type.writeInto(out, at, v as StructValues<Fields>);
    }
  }

  /** The word offset of a field (for a table read as array<u32> in WGSL; prefer a typed struct). */
  offsetOf(field: keyof F & string): number {
    const s = this.slots.find((x) => x.name === field);
    if (!s) throw new Error(`WebGPU: ${this.name} has no field "${field}"`);
    return s.offset;
  }
}

export function struct<const F extends Fields>(name: string, fields: F): StructLayout<F> {
  return new StructLayout(name, fields);
}

/** WGSL text of these structs, nested ones first, each once. */
export function structsWgsl(layouts: readonly StructLayout<Fields>[]): string {
  const seen = new Set<StructLayout<Fields>>();
  const out: string[] = [];
  const visit = (l: StructLayout<Fields>): void => {
    if (seen.has(l)) return;
    seen.add(l);
    for (const t of Object.values(l.fields)) if (typeof t !== 'string') visit(t);
    out.push(l.wgsl());
  };
  layouts.forEach(visit);
  return out.join('\n');
}
