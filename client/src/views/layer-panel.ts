import { translatedElement } from '../i18n';
import type { LayerToggle } from '../layers/layer-toggle';
import { element } from './dom';

/** A list of checkboxes, one per layer, each with a colour chip. */
export function renderLayerPanel(toggles: LayerToggle[]): HTMLElement {
  const list = element('ul', 'layer-list');
  for (const toggle of toggles) {
    const checkbox = element('input', '');
    checkbox.type = 'checkbox';
    checkbox.checked = toggle.isVisible();
    checkbox.dataset.layer = toggle.id;
    checkbox.addEventListener('change', () => toggle.setVisible(checkbox.checked));
    const chip = element('span', 'swatch');
    chip.style.background = toggle.swatch;
    list.append(element('li', '', element('label', '', checkbox, chip, translatedElement('span', toggle.titleKey))));
  }
  return element('section', 'panel-section', translatedElement('h2', 'layers.title'), list);
}
