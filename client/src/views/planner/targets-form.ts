import type { HouseholdRange } from '../../api/planning-types';
import { onLocaleChange, t, translatedElement, type MessageKey } from '../../i18n';
import { element } from '../dom';

/** Household targets for the grids of a partition; micro-grids can be switched off. */
export interface Targets {
  urban: HouseholdRange;
  rural: HouseholdRange;
  micro: HouseholdRange | false;
}

type TargetKind = keyof Targets;

/** The usual sizes (see DOMAIN.md): urban 300–500 households, rural 150–400, micro-grids 20–50. */
const DEFAULT_TARGETS: Record<TargetKind, HouseholdRange> = {
  urban: { min: 300, max: 500 },
  rural: { min: 150, max: 400 },
  micro: { min: 20, max: 50 },
};

const KIND_LABELS: Record<TargetKind, MessageKey> = {
  urban: 'planner.targets.urban',
  rural: 'planner.targets.rural',
  micro: 'planner.targets.micro',
};

interface RangeInputs {
  min: HTMLInputElement;
  max: HTMLInputElement;
}

/** Step 2 of planning: min–max households per grid for urban, rural and micro-grids. */
export class TargetsForm {
  readonly element: HTMLElement;
  private readonly inputs = {} as Record<TargetKind, RangeInputs>;
  private readonly microEnabled = element('input', '');
  private readonly problem = element('p', 'form-error');

  constructor(private readonly onValidityChange: (valid: boolean) => void) {
    this.microEnabled.type = 'checkbox';
    this.microEnabled.id = 'target-micro-enabled';
    this.microEnabled.checked = true;
    const table = element('div', 'targets');
    for (const kind of ['urban', 'rural', 'micro'] as const) table.append(this.row(kind));
    this.microEnabled.addEventListener('change', () => this.validate());
    this.element = element('div', 'targets-form', table, this.problem);
    onLocaleChange(() => this.render());
    this.render();
  }

  /** The targets as entered, or null while an entry is not a valid range. */
  value(): Targets | null {
    const ranges = {} as Record<TargetKind, HouseholdRange>;
    for (const kind of ['urban', 'rural', 'micro'] as const) {
      const range = readRange(this.inputs[kind]);
      if (!range && (kind !== 'micro' || this.microEnabled.checked)) return null;
      ranges[kind] = range ?? DEFAULT_TARGETS[kind];
    }
    return { urban: ranges.urban, rural: ranges.rural, micro: this.microEnabled.checked ? ranges.micro : false };
  }

  private row(kind: TargetKind): HTMLElement {
    const inputs: RangeInputs = { min: numberInput(kind, 'min'), max: numberInput(kind, 'max') };
    this.inputs[kind] = inputs;
    for (const input of [inputs.min, inputs.max]) input.addEventListener('input', () => this.validate());
    const label =
      kind === 'micro'
        ? element('label', 'targets-kind', this.microEnabled, translatedElement('span', KIND_LABELS[kind]))
        : translatedElement('label', KIND_LABELS[kind], 'targets-kind');
    if (kind !== 'micro') label.htmlFor = inputs.min.id;
    const row = element(
      'div',
      'targets-row',
      label,
      inputs.min,
      element('span', 'targets-dash', '–'),
      inputs.max,
      translatedElement('span', 'planner.targets.unit', 'targets-unit'),
    );
    row.dataset.kind = kind;
    return row;
  }

  private validate(): void {
    this.onValidityChange(this.render());
  }

  /** Greys out the micro-grid range when switched off and names a bad entry; answers whether all are valid. */
  private render(): boolean {
    const microOn = this.microEnabled.checked;
    this.inputs.micro.min.disabled = !microOn;
    this.inputs.micro.max.disabled = !microOn;
    const valid = this.value() !== null;
    this.problem.textContent = valid ? '' : t('planner.targets.invalid');
    return valid;
  }
}

function numberInput(kind: TargetKind, end: 'min' | 'max'): HTMLInputElement {
  const input = element('input', 'input input-number');
  input.type = 'number';
  input.min = '1';
  input.step = '1';
  input.id = `target-${kind}-${end}`;
  input.value = String(DEFAULT_TARGETS[kind][end]);
  input.setAttribute('aria-label', `${kind} ${end}`);
  return input;
}

/** A range from two inputs: whole numbers ≥ 1 with min ≤ max, else null. */
function readRange({ min, max }: RangeInputs): HouseholdRange | null {
  const range = { min: Number(min.value), max: Number(max.value) };
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  return min.value !== '' && max.value !== '' && whole(range.min) && whole(range.max) && range.min <= range.max
    ? range
    : null;
}
