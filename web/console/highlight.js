// Turn byte-offset spans over a UTF-8 text into display segments.
//
// The server reports triage signals and entities as [start, end) byte offsets into the UTF-8
// encoding of the case text. JavaScript strings are UTF-16, so each offset is mapped to a string
// index by walking the text one code point at a time and counting the bytes TextEncoder would
// produce for it. An offset that does not fall on a code point boundary, or lies outside the
// text, makes its span unusable: it is reported in `skipped` and not drawn, never drawn
// somewhere else. Overlapping spans are allowed: each segment lists every span covering it.

const encoder = new TextEncoder();

function utf8Len(cp) {
    if (cp < 0x80) return 1;
    if (cp < 0x800) return 2;
    if (cp < 0x10000) return 3;
    return 4;
}

/** Map of byte offset -> UTF-16 index for every code point boundary of text (0 and the end included). */
export function byteIndexMap(text) {
    const map = new Map();
    let b = 0;
    let i = 0;
    for (const ch of text) {
        map.set(b, i);
        const cp = ch.codePointAt(0);
        // Lone surrogates are encoded by TextEncoder as U+FFFD (3 bytes), as utf8Len gives.
        b += utf8Len(cp);
        i += ch.length;
    }
    map.set(b, i);
    return map;
}

/** Total UTF-8 length of text, as TextEncoder counts it. */
export function utf8Length(text) {
    return encoder.encode(text).length;
}

/**
 * spans: [{start, end, ...}] with byte offsets. Returns {segments, skipped} where segments is an
 * ordered list of {text, spans} covering the whole text (spans: the input spans covering that
 * piece, in input order; empty for plain text) and skipped the spans that could not be mapped.
 */
export function segment(text, spans) {
    const map = byteIndexMap(text);
    const ok = [];
    const skipped = [];
    for (const s of spans || []) {
        const a = map.get(s.start);
        const z = map.get(s.end);
        if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || a === undefined || z === undefined || z <= a) {
            skipped.push(s);
            continue;
        }
        ok.push({ a, z, span: s });
    }
    const cuts = new Set([0, text.length]);
    for (const o of ok) {
        cuts.add(o.a);
        cuts.add(o.z);
    }
    const points = [...cuts].sort((x, y) => x - y);
    const segments = [];
    for (let k = 0; k + 1 < points.length; k++) {
        const a = points[k];
        const z = points[k + 1];
        if (z <= a) continue;
        const covering = ok.filter((o) => o.a <= a && o.z >= z).map((o) => o.span);
        const last = segments[segments.length - 1];
        if (!covering.length && last && !last.spans.length) last.text += text.slice(a, z);
        else segments.push({ text: text.slice(a, z), spans: covering });
    }
    if (!segments.length) segments.push({ text, spans: [] });
    return { segments, skipped };
}
