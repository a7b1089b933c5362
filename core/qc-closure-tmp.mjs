export class UnsupportedSchemaError extends Error {
}
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'default', 'examples', 'readOnly', 'writeOnly']);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const TYPE_TESTS = {
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => typeof v === 'number' && !(v % 1) && !Number.isNaN(v),
    boolean: (v) => typeof v === 'boolean',
    null: (v) => v === null,
    object: isObject,
    array: Array.isArray,
};
const codePoints = (text) => {
    let length = 0;
    for (let i = 0; i < text.length; i++) {
        length++;
        const c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)
            i++;
    }
    return length;
};
const deepEqual = (a, b) => a === b;
const hasDuplicates = (items) => {
    if (items.every((item) => item === null || typeof item !== 'object'))
        return new Set(items).size < items.length;
    for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++)
            if (deepEqual(items[i], items[j]))
                return true;
    return false;
};
const all = (checks) => {
    if (checks.length === 0)
        return () => true;
    if (checks.length === 1)
        return checks[0];
    return (v) => {
        for (const check of checks)
            if (!check(v))
                return false;
        return true;
    };
};
const numberOf = (schema, keyword) => {
    const n = schema[keyword];
    if (typeof n !== 'number')
        throw new UnsupportedSchemaError(`${keyword} is not a number`);
    return n;
};
export const compileQuickCheck = (schema) => {
    if (schema === true)
        return () => true;
    if (schema === false)
        return () => false;
    if (!isObject(schema))
        throw new UnsupportedSchemaError('schema is not an object');
    const checks = [];
    const strings = [];
    const numbers = [];
    const arrays = [];
    let object;
    for (const keyword of Object.keys(schema)) {
        const value = schema[keyword];
        switch (keyword) {
            case 'type': {
                const names = Array.isArray(value) ? value : [value];
                const tests = names.map((name) => {
                    const test = typeof name === 'string' ? TYPE_TESTS[name] : undefined;
                    if (!test)
                        throw new UnsupportedSchemaError(`type ${String(name)}`);
                    return test;
                });
                checks.unshift(tests.length === 1 ? tests[0] : (v) => tests.some((t) => t(v)));
                break;
            }
            case 'const':
                checks.push(value !== null && typeof value === 'object' ? (v) => deepEqual(v, value) : (v) => v === value);
                break;
            case 'anyOf': {
                if (!Array.isArray(value) || value.length === 0)
                    throw new UnsupportedSchemaError('anyOf');
                const branches = value.map(compileQuickCheck);
                checks.push((v) => branches.some((branch) => branch(v)));
                break;
            }
            case 'pattern': {
                if (typeof value !== 'string')
                    throw new UnsupportedSchemaError('pattern');
                const regex = new RegExp(value, 'u');
                strings.push((v) => regex.test(v));
                break;
            }
            case 'minLength': {
                const n = numberOf(schema, keyword);
                strings.push((v) => v.length >= n && (n <= 1 || codePoints(v) >= n));
                break;
            }
            case 'maxLength': {
                const n = numberOf(schema, keyword);
                strings.push((v) => v.length <= n || codePoints(v) <= n);
                break;
            }
            case 'minimum': {
                const n = numberOf(schema, keyword);
                numbers.push((v) => v >= n);
                break;
            }
            case 'maximum': {
                const n = numberOf(schema, keyword);
                numbers.push((v) => v <= n);
                break;
            }
            case 'exclusiveMinimum': {
                const n = numberOf(schema, keyword);
                numbers.push((v) => v > n);
                break;
            }
            case 'exclusiveMaximum': {
                const n = numberOf(schema, keyword);
                numbers.push((v) => v < n);
                break;
            }
            case 'items': {
                const item = compileQuickCheck(value);
                arrays.push((v) => v.every((x) => item(x)));
                break;
            }
            case 'minItems': {
                const n = numberOf(schema, keyword);
                arrays.push((v) => v.length >= n);
                break;
            }
            case 'maxItems': {
                const n = numberOf(schema, keyword);
                arrays.push((v) => v.length <= n);
                break;
            }
            case 'uniqueItems':
                if (value)
                    arrays.push((v) => !hasDuplicates(v));
                break;
            case 'properties':
            case 'required':
            case 'additionalProperties':
            case 'patternProperties':
                object ??= compileObject(schema);
                break;
            default:
                if (!ANNOTATIONS.has(keyword))
                    throw new UnsupportedSchemaError(`keyword ${keyword}`);
        }
    }
    if (strings.length > 0) {
        const check = all(strings);
        checks.push((v) => typeof v !== 'string' || check(v));
    }
    if (numbers.length > 0) {
        const check = all(numbers);
        checks.push((v) => typeof v !== 'number' || check(v));
    }
    if (arrays.length > 0) {
        const check = all(arrays);
        checks.push((v) => !Array.isArray(v) || check(v));
    }
    if (object) {
        const check = object;
        checks.push((v) => !isObject(v) || check(v));
    }
    return all(checks);
};
const compileObject = (schema) => {
    const properties = (schema.properties ?? {});
    const patterns = (schema.patternProperties ?? {});
    const required = (schema.required ?? []);
    const additional = schema.additionalProperties ?? true;
    const known = new Set(Object.keys(properties));
    const named = Object.entries(properties).map(([name, s]) => [name, compileQuickCheck(s)]);
    const matched = Object.entries(patterns).map(([pattern, s]) => [new RegExp(pattern, 'u'), compileQuickCheck(s)]);
    const other = additional === true ? undefined : compileQuickCheck(additional);
    const walkKeys = matched.length > 0 || other !== undefined;
    return (v) => {
        const record = v;
        for (const name of required)
            if (record[name] === undefined)
                return false;
        for (const [name, check] of named) {
            const value = record[name];
            if (value !== undefined && !check(value))
                return false;
        }
        if (!walkKeys)
            return true;
        for (const key in record) {
            let covered = known.has(key);
            for (const [regex, check] of matched) {
                if (!regex.test(key))
                    continue;
                covered = true;
                if (!check(record[key]))
                    return false;
            }
            if (!covered && other !== undefined && !other(record[key]))
                return false;
        }
        return true;
    };
};
