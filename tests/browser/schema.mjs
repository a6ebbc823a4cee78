// A small JSON Schema (draft 2020-12) validator for the keywords docs/report.schema.json uses:
// type, const, enum, required, properties, additionalProperties, items, anyOf, $ref (local),
// pattern, minimum, minLength, minItems. Throws on a keyword it does not know, so the schema cannot grow
// past what is checked here unnoticed. Returns the list of problems (empty when valid).
const KNOWN = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description', 'type', 'const', 'enum', 'required',
  'properties', 'additionalProperties', 'items', 'anyOf', 'pattern', 'minimum', 'minLength',
  'minItems',
]);

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function validate(schema, doc) {
  const problems = [];
  const resolve = (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    return ref.slice(2).split('/').reduce((s, k) => s[k], schema);
  };
  const check = (s, v, at) => {
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`schema keyword ${k} not supported (at ${at})`);
    if (s.$ref) check(resolve(s.$ref), v, at);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      const t = typeOf(v);
      if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) problems.push(`${at}: ${t} is not ${types.join('|')}`);
    }
    if ('const' in s && v !== s.const) problems.push(`${at}: not ${JSON.stringify(s.const)}`);
    if (s.enum && !s.enum.includes(v)) problems.push(`${at}: ${JSON.stringify(v)} not in enum`);
    if (typeof v === 'string') {
      if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) problems.push(`${at}: "${v}" does not match ${s.pattern}`);
      if (s.minLength !== undefined && [...v].length < s.minLength) problems.push(`${at}: shorter than ${s.minLength}`);
    }
    if (typeof v === 'number' && s.minimum !== undefined && v < s.minimum) problems.push(`${at}: below ${s.minimum}`);
    if (typeOf(v) === 'object') {
      for (const r of s.required || []) if (!(r in v)) problems.push(`${at}: missing ${r}`);
      for (const [k, x] of Object.entries(v)) {
        if (s.properties && k in s.properties) check(s.properties[k], x, `${at}.${k}`);
        else if (s.additionalProperties === false) problems.push(`${at}: unexpected key ${k}`);
        else if (typeof s.additionalProperties === 'object') check(s.additionalProperties, x, `${at}.${k}`);
      }
    }
    if (Array.isArray(v) && s.items) v.forEach((x, i) => check(s.items, x, `${at}[${i}]`));
    if (Array.isArray(v) && s.minItems !== undefined && v.length < s.minItems) problems.push(`${at}: fewer than ${s.minItems} items`);
    if (s.anyOf) {
      const before = problems.length;
      const ok = s.anyOf.some((alt) => {
        const saved = problems.length;
        check(alt, v, at);
        const fine = problems.length === saved;
        problems.length = saved;
        return fine;
      });
      problems.length = before;
      if (!ok) problems.push(`${at}: matches none of anyOf`);
    }
  };
  check(schema, doc, '$');
  return problems;
}
