import { cancelJob, fetchJob } from '../../api/planning-api';
import type { JobView } from '../../api/planning-types';
import { formatNumber, hasMessage, onLocaleChange, t, translatedElement, type MessageKey } from '../../i18n';
import { element } from '../dom';
import { formatDuration } from '../format';

const POLL_INTERVAL_MS = 400;

/**
 * A running job as a progress bar with its percent, stage and time left, and a cancel button.
 * `follow` polls the job until it stops and resolves with its last state.
 */
export class JobProgress {
  readonly element: HTMLElement;
  private readonly bar = element('div', 'progress-bar');
  private readonly fill = element('div', 'progress-fill');
  private readonly percent = element('span', 'progress-percent');
  private readonly detail = element('span', 'progress-detail');
  private readonly cancelButton = translatedElement('button', 'planner.job.cancel', 'button button-small');
  private job: JobView | null = null;

  constructor() {
    this.bar.setAttribute('role', 'progressbar');
    this.bar.setAttribute('aria-valuemin', '0');
    this.bar.setAttribute('aria-valuemax', '100');
    this.bar.append(this.fill);
    this.cancelButton.type = 'button';
    this.cancelButton.id = 'planner-cancel';
    this.cancelButton.addEventListener('click', () => void this.cancel());
    this.element = element(
      'div',
      'job-progress',
      this.bar,
      element('div', 'progress-line', this.percent, this.detail, this.cancelButton),
    );
    this.element.id = 'planner-progress';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  /** Shows `job` and polls it until it is done, failed or cancelled. */
  async follow(job: JobView): Promise<JobView> {
    this.show(job);
    while (this.job?.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      this.show(await fetchJob(job.id));
    }
    return this.job ?? job;
  }

  /** Shows a job that failed before it could start, e.g. a 4xx answer to the request. */
  showError(message: string): void {
    this.job = null;
    this.element.hidden = false;
    delete this.element.dataset.job;
    this.element.dataset.status = 'failed';
    this.fill.style.width = '0%';
    this.percent.textContent = '';
    this.detail.textContent = t('planner.job.failed', { message });
    this.cancelButton.hidden = true;
  }

  /** Asks the server to cancel; if the job ended meanwhile (409), shows how it ended instead. */
  private async cancel(): Promise<void> {
    if (!this.job || this.job.status !== 'running') return;
    const { id } = this.job;
    this.cancelButton.disabled = true;
    this.show(await cancelJob(id).catch(() => fetchJob(id)));
  }

  private show(job: JobView): void {
    this.job = job;
    this.render();
  }

  private render(): void {
    const job = this.job;
    if (!job) return;
    this.element.hidden = false;
    this.element.dataset.job = job.id;
    this.element.dataset.status = job.status;
    const progress = Math.round(job.progress);
    this.bar.setAttribute('aria-valuenow', String(progress));
    this.fill.style.width = `${job.progress}%`;
    this.percent.textContent = `${formatNumber(progress)}%`;
    this.detail.textContent = detailOf(job);
    this.cancelButton.hidden = job.status !== 'running';
    this.cancelButton.disabled = job.stage === 'cancelling';
  }
}

function detailOf(job: JobView): string {
  switch (job.status) {
    case 'done':
      return t('planner.job.done');
    case 'cancelled':
      return t('planner.job.cancelled');
    case 'failed':
      return t('planner.job.failed', { message: job.error?.message ?? '' });
    case 'running': {
      const stageKey = `stage.${job.stage}`;
      const stage = hasMessage(stageKey) ? t(stageKey) : job.stage;
      const eta = job.etaS === null ? t('planner.job.etaUnknown') : t('planner.job.eta', { eta: formatDuration(job.etaS) });
      return `${stage} · ${eta}`;
    }
  }
}
