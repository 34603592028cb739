import { onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';

const DEFAULT_RADIUS_M = 1000;
const MAX_RADIUS_M = 50_000;

/**
 * "What if" (假设分析): while on, a click on the map places a hazard there and measures who
 * lives within the radius.
 */
export class WhatIfPanel {
  readonly element: HTMLElement;
  private readonly toggle = element('button', 'button');
  private readonly radiusInput = element('input', 'input input-number');
  private on = false;

  constructor(private readonly onToggle: (on: boolean) => void) {
    this.toggle.type = 'button';
    this.toggle.id = 'emergency-what-if';
    this.toggle.addEventListener('click', () => this.set(!this.on));
    this.radiusInput.type = 'number';
    this.radiusInput.id = 'emergency-radius';
    this.radiusInput.min = '1';
    this.radiusInput.max = String(MAX_RADIUS_M);
    this.radiusInput.step = '100';
    this.radiusInput.value = String(DEFAULT_RADIUS_M);
    const label = translatedElement('label', 'whatIf.radius', 'form-label');
    label.htmlFor = this.radiusInput.id;
    this.element = element(
      'section',
      'panel-section',
      translatedElement('h2', 'whatIf.title'),
      element('div', 'form-row', label, element('div', 'inline-input', this.radiusInput, translatedElement('span', 'whatIf.metres', 'targets-unit'))),
      this.toggle,
      translatedElement('p', 'whatIf.hint', 'hint'),
    );
    this.element.id = 'emergency-what-if-panel';
    onLocaleChange(() => this.render());
    this.render();
  }

  get active(): boolean {
    return this.on;
  }

  /** The radius typed in, metres; null when it is not a number from 1 to 50,000. */
  get radiusM(): number | null {
    const radius = Number(this.radiusInput.value);
    return radius >= 1 && radius <= MAX_RADIUS_M ? radius : null;
  }

  set(on: boolean): void {
    this.on = on;
    this.render();
    this.onToggle(on);
  }

  private render(): void {
    this.toggle.setAttribute('aria-pressed', String(this.on));
    this.toggle.classList.toggle('button-primary', this.on);
    this.toggle.textContent = t(this.on ? 'whatIf.stop' : 'whatIf.start');
  }
}
