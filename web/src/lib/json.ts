// Field readers for server JSON that throw a ProtocolError naming the field, so a server change shows up as one clear message.

/** Raised for frames and bodies that do not match the contract, so a server change shows up as a clear error. */
export class ProtocolError extends Error {}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a text frame into an object, or says why it is not one. */
export function parseObject(raw: string, what = "frame"): Json {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ProtocolError(`${what} is not JSON`);
  }
  if (!isObject(value)) throw new ProtocolError(`${what} is not a JSON object`);
  return value;
}

export function obj(value: unknown, key: string): Json {
  if (!isObject(value)) throw new ProtocolError(`field "${key}" must be an object`);
  return value;
}

export function str(o: Json, key: string): string {
  const value = o[key];
  if (typeof value !== "string") throw new ProtocolError(`field "${key}" must be a string`);
  return value;
}

export function num(o: Json, key: string): number {
  const value = o[key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ProtocolError(`field "${key}" must be a number`);
  }
  return value;
}

/** A string that may be absent or null. */
export function optStr(o: Json, key: string): string | null {
  return o[key] == null ? null : str(o, key);
}

/** An array field, each element read by `item` (absent counts as empty when `optional`). */
export function arr<T>(o: Json, key: string, item: (value: unknown, key: string) => T, optional = false): T[] {
  const value = o[key];
  if (value == null && optional) return [];
  if (!Array.isArray(value)) throw new ProtocolError(`field "${key}" must be an array`);
  return value.map((v, i) => item(v, `${key}[${i}]`));
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(o: Json, key: string, allowed: readonly T[]): T {
  const value = str(o, key);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ProtocolError(`field "${key}" must be one of ${allowed.join(", ")}, not "${value}"`);
  }
  return value as T;
}

/** An array element that must be a string. */
export function strItem(value: unknown, key: string): string {
  if (typeof value !== "string") throw new ProtocolError(`field "${key}" must be a string`);
  return value;
}
