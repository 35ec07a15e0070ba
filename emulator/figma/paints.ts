/**
 * Paints and effects as Figma keeps them: a node hands out read-only arrays of read-only objects,
 * so changing one in place throws (in strict code) and a plugin must clone, change and assign a
 * new array. Assigning checks the values as Figma's own validation does, naming the field.
 */

const PAINT_TYPES = new Set(['SOLID', 'GRADIENT_LINEAR', 'GRADIENT_RADIAL', 'GRADIENT_ANGULAR', 'GRADIENT_DIAMOND', 'IMAGE', 'VIDEO', 'PATTERN']);
const SCALE_MODES = new Set(['FILL', 'FIT', 'CROP', 'TILE']);
const EFFECT_TYPES = new Set(['DROP_SHADOW', 'INNER_SHADOW', 'LAYER_BLUR', 'BACKGROUND_BLUR', 'NOISE', 'TEXTURE', 'GLASS']);

function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFrozen(item);
    Object.freeze(value);
  }
  return value;
}

function refuse(setter: string, message: string): never {
  throw new Error(`in set_${setter}: Property "${setter}" failed validation: ${message}`);
}

function checkUnit(setter: string, field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(setter, `Expected "${field}" to have type number`);
  if (value < 0) refuse(setter, `Expected "${field}" to have value >= 0`);
  if (value > 1) refuse(setter, `Expected "${field}" to have value <= 1`);
}

function checkColour(setter: string, field: string, colour: Partial<RGBA> | undefined): void {
  if (!colour || typeof colour !== 'object') refuse(setter, `Expected "${field}" to be an object`);
  for (const channel of ['r', 'g', 'b'] as const) {
    if (colour[channel] === undefined) refuse(setter, `Expected "${field}.${channel}" to have type number`);
    checkUnit(setter, `${field}.${channel}`, colour[channel]);
  }
  checkUnit(setter, `${field}.a`, colour.a);
}

/** A frozen copy of the paints, or Figma's validation error for the first bad one. */
export function frozenPaints(paints: readonly Paint[], setter = 'fills'): readonly Paint[] {
  if (!Array.isArray(paints)) refuse(setter, `Expected "${setter}" to be an array`);
  paints.forEach((paint, i) => {
    const field = `${setter}.[${i}]`;
    if (!paint || !PAINT_TYPES.has(paint.type)) refuse(setter, `Expected "${field}.type" to be one of the allowed values for this property`);
    checkUnit(setter, `${field}.opacity`, paint.opacity);
    if (paint.type === 'SOLID') checkColour(setter, `${field}.color`, paint.color);
    if (paint.type === 'IMAGE') {
      if (!SCALE_MODES.has(paint.scaleMode)) refuse(setter, `Expected "${field}.scaleMode" to be one of the allowed values for this property`);
      if (paint.imageHash !== null && typeof paint.imageHash !== 'string') refuse(setter, `Expected "${field}.imageHash" to have type string`);
    }
  });
  return deepFrozen(structuredClone([...paints]));
}

/** A frozen copy of the effects, or Figma's validation error for the first bad one. */
export function frozenEffects(effects: readonly Effect[]): readonly Effect[] {
  if (!Array.isArray(effects)) refuse('effects', 'Expected "effects" to be an array');
  effects.forEach((effect, i) => {
    const field = `effects.[${i}]`;
    if (!effect || !EFFECT_TYPES.has(effect.type)) refuse('effects', `Expected "${field}.type" to be one of the allowed values for this property`);
    if (typeof effect.radius !== 'number' || effect.radius < 0) refuse('effects', `Expected "${field}.radius" to have value >= 0`);
    if (effect.type === 'DROP_SHADOW' || effect.type === 'INNER_SHADOW') checkColour('effects', `${field}.color`, effect.color);
  });
  return deepFrozen(structuredClone([...effects]));
}
