import { startPartition } from '../../api/planning-api';
import type { PartitionResult } from '../../api/planning-types';
import { onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { JobProgress } from './job-progress';
import { TargetsForm } from './targets-form';

/** The area to partition, and the plan it may be a new version of. */
export interface RunContext {
  areaCode: string;
  areaName: string;
  /** a plan of the same area: its unchanged grids keep their codes */
  basedOn?: number;
}

/**
 * Step 2 of planning: household targets, an optional plan name, the run button and the job's
 * progress. When the partition is done, `onDone` gets the new plan's id.
 */
export class PartitionRunner {
  readonly element: HTMLElement;
  private readonly targets = new TargetsForm(() => this.render());
  private readonly planName = element('input', 'input');
  private readonly runButton = translatedElement('button', 'planner.run', 'button button-primary button-wide');
  private readonly progress = new JobProgress();
  private context: RunContext | null = null;
  private running = false;

  constructor(private readonly onDone: (planId: number) => Promise<void>) {
    this.planName.id = 'planner-plan-name';
    this.planName.maxLength = 200;
    const planNameLabel = translatedElement('label', 'planner.targets.planName', 'form-label');
    planNameLabel.htmlFor = this.planName.id;
    this.runButton.type = 'button';
    this.runButton.id = 'planner-run';
    this.runButton.addEventListener('click', () => void this.run());
    this.element = element(
      'section',
      'panel-section planner-step',
      translatedElement('h2', 'planner.targets.title'),
      this.targets.element,
      element('div', 'form-row plan-name-row', planNameLabel, this.planName),
      this.runButton,
      this.progress.element,
    );
    this.element.id = 'planner-targets';
    onLocaleChange(() => this.render());
    this.render();
  }

  /** Sets what the next run partitions; null until an area is chosen. */
  setContext(context: RunContext | null): void {
    this.context = context;
    this.render();
  }

  private async run(): Promise<void> {
    const targets = this.targets.value();
    const context = this.context;
    if (!context || !targets || this.running) return;
    this.running = true;
    this.render();
    try {
      const job = await this.progress.follow(
        await startPartition({
          areaCode: context.areaCode,
          ...targets,
          plan: this.planName.value.trim() || defaultPlanName(context.areaName, new Date()),
          basedOn: context.basedOn,
        }),
      );
      if (job.status === 'done') {
        this.planName.value = '';
        await this.onDone((job.result as PartitionResult).planId);
      }
    } catch (error) {
      this.progress.showError((error as Error).message);
    } finally {
      this.running = false;
      this.render();
    }
  }

  private render(): void {
    this.planName.placeholder = t('planner.targets.planNamePlaceholder');
    this.runButton.disabled = this.running || !this.context || this.targets.value() === null;
    this.runButton.title = this.context ? '' : t('planner.run.needArea');
  }
}

/**
 * "<area name> <local date and time to the second>", unique enough for a layer's plans.
 * @example defaultPlanName('十字街社区', new Date(2024, 4, 6, 9, 3, 7)) // '十字街社区 2024-05-06 09:03:07'
 */
function defaultPlanName(areaName: string, now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  return `${areaName} ${date} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}
