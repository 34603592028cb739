import type { LayerPlan } from '../api/layers-api';
import { onLocaleChange, t, translatedElement, type MessageKey } from '../i18n';
import { element, option } from './dom';

/** A labelled list of plans, grouped by their layer, each with its status. */
export class PlanPicker {
  readonly element: HTMLElement;
  private readonly select = element('select', 'input');
  private plans: LayerPlan[] = [];

  constructor(id: string, labelKey: MessageKey, onChange: (plan: LayerPlan | undefined) => void) {
    this.select.id = id;
    this.select.addEventListener('change', () => onChange(this.chosen));
    const label = translatedElement('label', labelKey, 'form-label');
    label.htmlFor = id;
    this.element = element('div', 'form-row', label, this.select);
    onLocaleChange(() => this.render());
  }

  get chosen(): LayerPlan | undefined {
    return this.plans.find((plan) => String(plan.planId) === this.select.value);
  }

  /** Lists `plans` and chooses `chosen` (else keeps the current choice if still listed). */
  setPlans(plans: LayerPlan[], chosen?: number): void {
    const keep = chosen ?? this.chosen?.planId;
    this.plans = plans;
    this.render();
    if (plans.some((plan) => plan.planId === keep)) this.select.value = String(keep);
  }

  private render(): void {
    const chosen = this.select.value;
    const groups = new Map<number, HTMLOptGroupElement>();
    for (const plan of this.plans) {
      let group = groups.get(plan.layerId);
      if (!group) {
        group = element('optgroup', '');
        group.label = plan.layerName;
        groups.set(plan.layerId, group);
      }
      group.append(option(String(plan.planId), `${plan.planName} · ${t(`planner.plan.status.${plan.status}`)}`));
    }
    this.select.replaceChildren(...groups.values());
    this.select.disabled = this.plans.length === 0;
    this.select.value = chosen;
  }
}
