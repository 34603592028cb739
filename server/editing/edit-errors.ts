/** "unit 7", "units 7, 8 and 9" */
export function listed(noun: string, items: (string | number)[]): string {
  if (items.length === 1) return `${noun} ${items[0]}`;
  const shown = items.slice(0, 10).map(String);
  const more = items.length > 10 ? ` and ${items.length - 10} more` : '';
  return more
    ? `${noun}s ${shown.join(', ')}${more}`
    : `${noun}s ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
