/** Fills `{name}` placeholders of a string from the page's strings (en.ts, ja.ts). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}
