import type { AccountState } from "@churnwatch/engine";

/**
 * Writes account states exactly as `JSON.stringify` does, reusing the JSON of every array element it has
 * written before. The engine never mutates a state: a step copies what it changes and keeps the rest by
 * reference, so between two commits of an account nearly every order, invoice and complaint record is the
 * same object, and only the new ones are serialized. The JSON is held weakly: it goes with its record.
 */
export function createStateSerializer(): (state: AccountState) => string {
  const written = new WeakMap<object, string>();
  const element = (value: unknown): string => {
    // JSON.stringify writes null for what JSON cannot hold inside an array (undefined, functions, symbols).
    if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
    let json = written.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      written.set(value, json);
    }
    return json;
  };
  return (state) => {
    const fields: string[] = [];
    for (const [key, value] of Object.entries(state)) {
      const json = Array.isArray(value) ? `[${value.map(element).join(",")}]` : JSON.stringify(value);
      if (json !== undefined) fields.push(`${JSON.stringify(key)}:${json}`); // undefined fields are left out
    }
    return `{${fields.join(",")}}`;
  };
}
