import { translatedElement, type MessageKey } from '../i18n';
import { element } from './dom';

export interface Tab<Id extends string> {
  id: Id;
  titleKey: MessageKey;
  content: HTMLElement;
}

/** A row of tab buttons over their panels; one panel shows at a time. */
export class Tabs<Id extends string> {
  readonly element: HTMLElement;
  private readonly buttons = new Map<Id, HTMLButtonElement>();
  private readonly badges = new Map<Id, HTMLElement>();
  private active: Id;

  constructor(
    private readonly tabs: Tab<Id>[],
    private readonly onSwitch: (id: Id) => void,
  ) {
    const bar = element('div', 'tab-bar');
    bar.setAttribute('role', 'tablist');
    for (const tab of tabs) {
      const badge = element('span', 'tab-badge');
      badge.hidden = true;
      const button = element('button', 'tab', translatedElement('span', tab.titleKey), badge);
      button.type = 'button';
      button.dataset.tab = tab.id;
      button.setAttribute('role', 'tab');
      button.addEventListener('click', () => this.select(tab.id));
      tab.content.setAttribute('role', 'tabpanel');
      this.buttons.set(tab.id, button);
      this.badges.set(tab.id, badge);
      bar.append(button);
    }
    this.element = element('div', 'tabs', bar, ...tabs.map((tab) => tab.content));
    this.active = tabs[0].id;
    this.render();
  }

  select(id: Id): void {
    if (id === this.active) return;
    this.active = id;
    this.render();
    this.onSwitch(id);
  }

  /** A small count next to a tab's title; null hides it. */
  setBadge(id: Id, text: string | null, tone: 'neutral' | 'alert' = 'neutral'): void {
    const badge = this.badges.get(id);
    if (!badge) return;
    badge.hidden = text === null;
    badge.textContent = text ?? '';
    badge.dataset.tone = tone;
  }

  private render(): void {
    for (const tab of this.tabs) {
      const selected = tab.id === this.active;
      this.buttons.get(tab.id)?.setAttribute('aria-selected', String(selected));
      tab.content.hidden = !selected;
    }
  }
}
