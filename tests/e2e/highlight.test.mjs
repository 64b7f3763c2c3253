// web/console/highlight.js: byte offsets into UTF-8 text -> string segments (run in Node, which
// has the same TextEncoder as the browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segment, byteIndexMap, utf8Length } from '../../web/console/highlight.js';

/** Byte span of the first occurrence of sub in text, computed independently with Buffer. */
function span(text, sub, extra = {}) {
    const i = text.indexOf(sub);
    assert.ok(i >= 0, sub);
    const start = Buffer.byteLength(text.slice(0, i), 'utf8');
    return { start, end: start + Buffer.byteLength(sub, 'utf8'), ...extra };
}

const marked = (segs) => segs.filter((s) => s.spans.length).map((s) => s.text);

test('Vietnamese text: each signal covers exactly its words', () => {
    const text = 'Em không muốn sống nữa, tối nay em sẽ nhảy cầu.';
    const spans = [span(text, 'không muốn sống'), span(text, 'tối nay'), span(text, 'nhảy cầu')];
    const { segments, skipped } = segment(text, spans);
    assert.deepEqual(skipped, []);
    assert.deepEqual(marked(segments), ['không muốn sống', 'tối nay', 'nhảy cầu']);
    assert.equal(segments.map((s) => s.text).join(''), text);
});

test('text without diacritics and plain ASCII offsets', () => {
    const text = 'em khong muon song nua, toi nay em se nhay cau';
    const { segments } = segment(text, [span(text, 'khong muon song'), span(text, 'nhay cau')]);
    assert.deepEqual(marked(segments), ['khong muon song', 'nhay cau']);
});

test('emoji (4 bytes, a surrogate pair) before a signal', () => {
    const text = '😭😭 mình muốn chết 💊 0912345678';
    const spans = [span(text, 'muốn chết', { kind: 'sig' }), span(text, '0912345678', { kind: 'ent' })];
    const { segments, skipped } = segment(text, spans);
    assert.deepEqual(skipped, []);
    assert.deepEqual(marked(segments), ['muốn chết', '0912345678']);
    assert.equal(utf8Length(text), Buffer.byteLength(text));
});

test('decomposed (NFD) text: combining marks count as their own code points', () => {
    const text = 'tối nay'.normalize('NFD');
    const { segments } = segment(text, [span(text, text.slice(0, text.indexOf(' ')))]);
    assert.equal(marked(segments)[0].normalize('NFC'), 'tối');
});

test('overlapping spans: each piece lists every span covering it', () => {
    const text = 'chuyển tiền vào số tài khoản 1903 4567 8901';
    const a = span(text, 'chuyển tiền vào số tài khoản', { id: 'a' });
    const b = span(text, 'số tài khoản 1903 4567 8901', { id: 'b' });
    const { segments } = segment(text, [a, b]);
    const both = segments.find((s) => s.spans.length === 2);
    assert.equal(both.text, 'số tài khoản');
    assert.equal(segments.map((s) => s.text).join(''), text);
});

test('offsets off a character boundary, past the end, or empty are skipped, not misdrawn', () => {
    const text = 'tối nay';
    const bad = [
        { start: 2, end: 5 }, // inside the 3-byte "ố"
        { start: 0, end: 999 },
        { start: 3, end: 3 },
        { start: -1, end: 2 },
        { start: 1.5, end: 3 },
    ];
    const good = span(text, 'nay');
    const { segments, skipped } = segment(text, [...bad, good]);
    assert.equal(skipped.length, bad.length);
    assert.deepEqual(marked(segments), ['nay']);
});

test('byteIndexMap agrees with TextEncoder on every boundary', () => {
    const text = 'Đà Nẵng — 😀 ừ ';
    const map = byteIndexMap(text);
    for (const [b, i] of map) assert.equal(new TextEncoder().encode(text.slice(0, i)).length, b);
    assert.ok(map.has(utf8Length(text)));
});
