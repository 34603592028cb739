/** Creates an element with a class and children (strings become text). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  created.append(...children);
  return created;
}

/** An `<option>` of a select list. */
export function option(value: string, text: string): HTMLOptionElement {
  const created = element('option', '', text);
  created.value = value;
  return created;
}
