import { translatedElement, type MessageKey } from '../i18n';
import { element } from './dom';
import type { ViewId } from './map-view';

const VIEW_TITLES: Record<ViewId, MessageKey> = {
  browse: 'view.browse',
  planner: 'view.planner',
  police: 'view.police',
  emergency: 'view.emergency',
  risk: 'view.risk',
};

/** The header's view switch: one tab per view, the active one marked with aria-selected. */
export class ViewTabs {
  readonly element = element('nav', 'view-tabs');
  private readonly tabs = new Map<ViewId, HTMLButtonElement>();

  constructor(views: ViewId[], onSelect: (view: ViewId) => void) {
    this.element.setAttribute('role', 'tablist');
    for (const view of views) {
      const tab = translatedElement('button', VIEW_TITLES[view], 'view-tab');
      tab.type = 'button';
      tab.dataset.view = view;
      tab.setAttribute('role', 'tab');
      tab.addEventListener('click', () => onSelect(view));
      this.tabs.set(view, tab);
      this.element.append(tab);
    }
  }

  setActive(view: ViewId): void {
    for (const [id, tab] of this.tabs) tab.setAttribute('aria-selected', String(id === view));
  }
}
