/**
 * The UTF-8 length of `s`, counted without encoding it (it runs for every event; TextEncoder would
 * allocate the bytes only to measure them). A lone surrogate counts 3, as TextEncoder writes U+FFFD.
 */
export function byteLength(s: string): number {
  let bytes = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) bytes += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2 // a pair: 2 UTF-16 units, 4 bytes
      i++
    } else bytes += 2
  }
  return bytes
}
